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
    later = parallel.Later(_pid_work, pays=False)
    assert later.forked
    got = later.get()
    assert got["pid"] != str(os.getpid()).encode()  # made elsewhere
    assert later.get() is got and not later.forked  # reaped once, kept


def test_without_a_child_the_work_is_done_here_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.ENV, "1")
    later = parallel.Later(_pid_work, pays=True)
    assert not later.forked
    assert later.get() == {"pid": str(os.getpid()).encode()}


def test_work_that_does_not_pay_gets_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.ENV, raising=False)
    assert not parallel.Later(_pid_work, pays=False).forked


@linux_only
def test_a_child_that_fails_is_done_again_here(forced: None) -> None:
    parent = os.getpid()

    def work() -> dict[str, bytes]:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return {"where": b"parent"}

    later = parallel.Later(work, pays=False)
    assert later.forked
    assert later.get() == {"where": b"parent"}


@linux_only
def test_a_child_killed_midway_is_done_again_here(forced: None) -> None:
    parent = os.getpid()

    def work() -> dict[str, bytes]:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return {"where": b"parent"}

    assert parallel.Later(work, pays=False).get() == {"where": b"parent"}


@linux_only
def test_a_real_error_is_raised_here_where_it_would_have_been(forced: None) -> None:
    def work() -> dict[str, bytes]:
        raise ValueError("a bad template")

    later = parallel.Later(work, pays=False)
    with pytest.raises(ValueError, match="a bad template"):
        later.get()


@linux_only
def test_cancel_stops_a_running_child_and_leaves_no_zombie(forced: None) -> None:
    def work() -> dict[str, bytes]:
        time.sleep(30)
        return {}

    later = parallel.Later(work, pays=False)
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


# --- the settings file parsed on the other core (auditor/load/prefetch.py) ---------------------

_BAD_SETTINGS = {
    "not YAML": "apiVersion: rovo-audit/v1\nkind: OrgSettings\norgs: [\n",
    "a misspelt key": "apiVersion: rovo-audit/v1\nkind: OrgSettings\norgs:\n  - id: o1\n    rovo_mcpp: {}\n",
    "a bad range": (
        "apiVersion: rovo-audit/v1\nkind: OrgSettings\norgs:\n  - id: o1\n"
        "    ip_allowlist:\n      enabled: true\n      ranges: [10.0.0.0/33]\n"
    ),
}


def _audit(tmp_path: Path, policy: Path, settings: Path, workers: str, *more: str) -> tuple[int, str, str]:
    run = run_cmd(
        "audit", "--policy", policy, "--settings", settings, "--as-of", AS_OF, "--no-history",
        "--out", tmp_path / f"out{workers}", "--format", "json", *more, env={parallel.ENV: workers},
    )  # fmt: skip
    return run.code, run.out, run.err


@linux_only
@pytest.mark.parametrize("case", sorted(_BAD_SETTINGS))
def test_a_bad_settings_file_read_by_the_child_gets_the_same_located_error(case: str, tmp_path: Path) -> None:
    policy_text, _ = make_estate(1, 5, seed=1)
    (tmp_path / "p.yaml").write_text(policy_text)
    (tmp_path / "s.yaml").write_text(_BAD_SETTINGS[case])
    alone = _audit(tmp_path, tmp_path / "p.yaml", tmp_path / "s.yaml", "1")
    forked = _audit(tmp_path, tmp_path / "p.yaml", tmp_path / "s.yaml", "2")
    assert alone[0] == 2 and "s.yaml:" in alone[2], alone
    assert forked == alone
    assert not (tmp_path / "out2").exists()


@linux_only
def test_with_a_bad_policy_too_the_policys_error_still_comes_first(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("apiVersion: rovo-audit/v1\nkind: Policy\nnope: 1\n")
    (tmp_path / "s.yaml").write_text(_BAD_SETTINGS["not YAML"])
    forked = _audit(tmp_path, tmp_path / "p.yaml", tmp_path / "s.yaml", "2")
    assert forked == _audit(tmp_path, tmp_path / "p.yaml", tmp_path / "s.yaml", "1")
    assert forked[0] == 2 and "p.yaml:" in forked[2], forked


def test_main_in_a_test_never_prefetches(tmp_path: Path, forced: None) -> None:
    from auditor.load import prefetch

    (tmp_path / "s.yaml").write_text("x: 1\n")
    assert prefetch.start(str(tmp_path / "s.yaml")) is None  # not the process entry
