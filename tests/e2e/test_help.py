"""`--help` works for the command and every subcommand, and names what it does."""

from __future__ import annotations

import pytest

from auditor.cli import COMMANDS
from tests.conftest import run_cli, run_cmd


def test_top_level_help_lists_every_command():
    r = run_cmd("--help")  # once as a process; the subcommands' help through main()
    assert r.code == 0 and "Exit status" in r.out
    for name in COMMANDS:
        assert f"    {name} " in r.out or f"    {name}\n" in r.out, name


@pytest.mark.parametrize("name", COMMANDS)
def test_subcommand_help(name):
    r = run_cli(name, "--help")
    assert r.code == 0, r.err
    assert r.out.startswith("usage: rovo-audit " + name)
    assert "Traceback" not in r.err


def test_the_format_list_in_help_is_every_format() -> None:
    # options.FORMAT_NAMES is spelled out so that --help needs no report code: keep it true.
    from auditor.cli.options import FORMAT_NAMES
    from auditor.report.formats import FORMATS

    assert sorted(FORMAT_NAMES.split(",")) == sorted(FORMATS)
    for command in ("audit", "merge"):
        assert FORMAT_NAMES in " ".join(run_cli(command, "--help").out.split())
