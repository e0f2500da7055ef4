"""An output that cannot be written (a file where a folder is wanted, or the reverse): exit 2
with one line naming the path, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, assert_usage_error, run_cli

SETTINGS = EXAMPLE / "example-corp.settings.yaml"


@pytest.mark.parametrize("case", ["audit-out-is-a-file", "diff-out-is-a-folder", "init-out-is-a-folder"])
def test_unwritable_output_is_exit_2_with_one_line(case: str, tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    if case == "audit-out-is-a-file":
        blocker.write_text("not a folder")
        r = run_cli("audit", "--demo", "--out", blocker, "--as-of", "2026-11-26", "--no-history")
    else:
        blocker.mkdir()
        first = run_cli(
            "audit", "--demo", "--out", tmp_path / "rep", "--format", "json", "--as-of", "2026-11-26", "--no-history"
        )
        assert first.code in (0, 1), first.err
        results = tmp_path / "rep" / "results.json"
        r = (
            run_cli("diff", results, results, "--out", blocker)
            if case == "diff-out-is-a-folder"
            else run_cli("init", "--from-settings", SETTINGS, "--out", blocker, "--force")
        )
    assert_usage_error(r, "taken", "cannot write")
