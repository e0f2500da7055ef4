"""auditor/parallel.py: the plan-carrying reports made in a forked child, and every way back to
doing them here. The real command gives the same bytes with the child and without it."""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from auditor import parallel
from tests.conftest import run_cmd
from tests.estate import AS_OF, make_estate

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the child is forked only on Linux")


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.ENV, "2")  # fork whatever the size


def _pid_work() -> dict[str, bytes]:
    return {"pid": str(os.getpid()).encode()}


@linux_only
def test_the_work_is_done_in_a_child_and_handed_back(forced: None) -> None:
    later = parallel.Later(_pid_work, 1)
    assert later.forked
    got = later.get()
    assert got["pid"] != str(os.getpid()).encode()  # made elsewhere
    assert later.get() is got and not later.forked  # reaped once, kept


def test_without_a_child_the_work_is_done_here_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.ENV, "1")
    later = parallel.Later(_pid_work, 10**9)
    assert not later.forked
    assert later.get() == {"pid": str(os.getpid()).encode()}


def test_a_small_run_is_not_worth_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.ENV, raising=False)
    assert not parallel.Later(_pid_work, parallel.MIN_FINDINGS - 1).forked


@linux_only
def test_a_child_that_fails_is_done_again_here(forced: None) -> None:
    parent = os.getpid()

    def work() -> dict[str, bytes]:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return {"where": b"parent"}

    later = parallel.Later(work, 1)
    assert later.forked
    assert later.get() == {"where": b"parent"}


@linux_only
def test_a_child_killed_midway_is_done_again_here(forced: None) -> None:
    parent = os.getpid()

    def work() -> dict[str, bytes]:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return {"where": b"parent"}

    assert parallel.Later(work, 1).get() == {"where": b"parent"}


@linux_only
def test_a_real_error_is_raised_here_where_it_would_have_been(forced: None) -> None:
    def work() -> dict[str, bytes]:
        raise ValueError("a bad template")

    later = parallel.Later(work, 1)
    with pytest.raises(ValueError, match="a bad template"):
        later.get()


@linux_only
def test_cancel_stops_a_running_child_and_leaves_no_zombie(forced: None) -> None:
    def work() -> dict[str, bytes]:
        time.sleep(30)
        return {}

    later = parallel.Later(work, 1)
    assert later.forked
    pid = later._pid
    assert pid is not None
    started = time.monotonic()
    later.cancel()
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: not ours any more


def _outputs(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@linux_only
def test_the_command_writes_the_same_bytes_with_the_child_and_without(tmp_path: Path) -> None:
    policy_text, settings_text = make_estate(8, 40, seed=3, ip_ranges=5)
    (tmp_path / "p.yaml").write_text(policy_text)
    (tmp_path / "s.yaml").write_text(settings_text)
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        run = run_cmd(
            "audit",
            "--policy",
            tmp_path / "p.yaml",
            "--settings",
            tmp_path / "s.yaml",
            "--as-of",
            AS_OF,
            "--no-history",
            "--out",
            out,
            "--format",
            "html,json,md,csv",
            env={parallel.ENV: workers},
        )
        assert run.code == 1, run.err  # the estate is blocked
        outputs[workers] = _outputs(out)
    assert set(outputs["1"]) == {"report.html", "results.json", "summary.md", "action-plan.csv"}
    assert outputs["1"] == outputs["2"]
