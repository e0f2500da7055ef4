"""An audit's outputs appear together or not at all: killed at any moment (SIGKILL, SIGINT,
SIGTERM), the folder holds the old set or the new one once the next run has looked at it,
and a run that cannot write one file replaces none."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.atomic import MANIFEST, STATE, recover
from tests.conftest import assert_usage_error, command_env, run_cli
from tests.estate import AS_OF, make_estate


def estate(tmp: Path, orgs: int, seed: int) -> tuple[Path, Path]:
    policy, settings = make_estate(orgs, 60, seed)
    (tmp / f"p{seed}.yaml").write_text(policy)
    (tmp / f"s{seed}.yaml").write_text(settings)
    return tmp / f"p{seed}.yaml", tmp / f"s{seed}.yaml"


def audit_args(policy: Path, settings: Path, out: Path) -> list[str]:
    return ["audit", "--policy", str(policy), "--settings", str(settings), "--out", str(out),
            "--format", "html,json,md,csv", "--as-of", AS_OF, "-q"]  # fmt: skip


def snapshot(out: Path) -> dict[str, str]:
    """The complete set a reader finds: every file the manifest lists, with its hash."""
    manifest = json.loads((out / STATE / MANIFEST).read_text())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, f"{name} is not of its set"
    return dict(manifest["files"])


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, dict[str, str], dict[str, str]]:
    """Two estates, and the sets they give (old: the first audit's, new: the second's)."""
    tmp = tmp_path_factory.mktemp("sets")
    old_p, old_s = estate(tmp, 8, 1)
    new_p, new_s = estate(tmp, 8, 2)
    ref = tmp / "ref"
    assert run_cli(*audit_args(old_p, old_s, ref / "old")).code in (0, 1)
    # the new set as a run over the old one writes it (its review compares with the old run)
    subprocess.run(["cp", "-a", str(ref / "old"), str(ref / "new")], check=True)
    assert run_cli(*audit_args(new_p, new_s, ref / "new")).code in (0, 1)
    old, new = snapshot(ref / "old"), snapshot(ref / "new")
    assert old != new
    return new_p, new_s, tmp, old, new


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_killed_at_any_moment_the_folder_holds_one_whole_set(sets, tmp_path: Path, sig: signal.Signals) -> None:
    new_p, new_s, tmp, old, new = sets
    rng = random.Random(sig.value)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "auditor", *audit_args(new_p, new_s, tmp_path / "probe")],
                   env=command_env(), capture_output=True, timeout=120, check=False)  # fmt: skip
    duration = time.monotonic() - started
    seen = {"old": 0, "new": 0}
    for trial in range(6):
        out = tmp_path / f"t{trial}"
        # the old set first, then a run killed somewhere between its start and its end
        subprocess.run(["cp", "-a", str(tmp / "ref" / "old"), str(out)], check=True)
        p = subprocess.Popen([sys.executable, "-m", "auditor", *audit_args(new_p, new_s, out)], env=command_env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(rng.uniform(0.2, 1.0) * duration)
        p.send_signal(sig)
        p.wait(timeout=60)
        recover(out)  # what the next run in that folder does first
        got = snapshot(out)
        assert got in (old, new), f"trial {trial}: a mix of two sets"
        seen["old" if got == old else "new"] += 1
        assert not list((out / STATE).glob("staging-*")), "a stage was left behind"
    assert sum(seen.values()) == 6


def test_a_file_that_cannot_be_written_replaces_nothing(sets, tmp_path: Path) -> None:
    new_p, new_s, tmp, _, _ = sets
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(tmp / "ref" / "old"), str(out)], check=True)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (out / "action-plan.csv").unlink()
    (out / "action-plan.csv").mkdir()  # the last of the set cannot be written
    r = run_cli(*audit_args(new_p, new_s, out))
    assert_usage_error(r, "action-plan.csv", "is a directory")
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == {k: v for k, v in before.items() if k != "action-plan.csv"}
    assert not list((out / STATE).glob("staging-*"))


def test_an_interrupted_commit_is_finished_by_the_next_run(sets, tmp_path: Path) -> None:
    """A stage whose COMMIT was written but whose renames did not all happen (a SIGKILL in the
    microseconds they take) is rolled forward; a stage without COMMIT is dropped."""
    _, _, tmp, _, new = sets
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(tmp / "ref" / "old"), str(out)], check=True)
    staging = out / STATE / "staging-crashed"
    staging.mkdir()
    for name in new:
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_bytes((tmp / "ref" / "new" / name).read_bytes())
    (staging / "COMMIT").write_bytes((tmp / "ref" / "new" / STATE / MANIFEST).read_bytes())
    first = sorted(new)[0]
    os.replace(staging / first, out / first)  # the one rename that happened
    (out / STATE / "staging-unfinished").mkdir()  # and a stage that never got its COMMIT
    assert run_cli("audit", "--demo", "--out", tmp_path / "elsewhere", "-q").code == 1  # another folder: untouched
    assert (out / STATE / "staging-crashed").exists()
    recover(out)
    assert snapshot(out) == new
    assert not list((out / STATE).glob("staging-*"))
