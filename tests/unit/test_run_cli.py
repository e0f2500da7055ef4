"""The in-process runner (tests/conftest.py run_cli) gives a command what a process would
have, and fails the test on what a process would have hidden: a crash, a hang, state left
changed. `main` is replaced here by small commands that do each thing."""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest

import auditor.cli
from tests import conftest
from tests.conftest import CommandCrashed, CommandLeaked, run_cli


def _command(monkeypatch: pytest.MonkeyPatch, body) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(auditor.cli, "main", body)


def test_the_command_gets_its_cwd_environment_stdin_and_streams(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen = {}

    def main(argv):  # type: ignore[no-untyped-def]
        seen.update(argv=argv, cwd=os.getcwd(), var=os.environ.get("ROVO_AUDIT_X"), stdin=sys.stdin.read())
        seen["summary"] = os.environ["GITHUB_STEP_SUMMARY"]
        print("out ✓")
        print("err\r\n", file=sys.stderr, end="")
        return 3

    _command(monkeypatch, main)
    here, env_before = os.getcwd(), dict(os.environ)
    r = run_cli("audit", tmp_path, cwd=tmp_path, env={"ROVO_AUDIT_X": "1"}, input="in\n")
    assert (r.code, r.out, r.err) == (3, "out ✓\n", "err\n")  # universal newlines, as subprocess reads them
    assert seen == {"argv": ["audit", str(tmp_path)], "cwd": str(tmp_path), "var": "1", "stdin": "in\n", "summary": ""}
    assert os.getcwd() == here and dict(os.environ) == env_before


def test_argparse_exits_become_the_exit_status() -> None:
    assert run_cli("--version").code == 0
    r = run_cli("frobnicate")
    assert r.code == 2 and r.err.startswith("rovo-audit: error: ")


def test_a_systemexit_with_a_message_is_exit_1_with_it_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    _command(monkeypatch, lambda argv: sys.exit("gone"))
    assert (run_cli("x").code, run_cli("x").err) == (1, "gone\n")


def test_an_exception_out_of_main_fails_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    def main(argv):  # type: ignore[no-untyped-def]
        print("half", end="")
        raise ValueError("boom")

    _command(monkeypatch, main)
    with pytest.raises(CommandCrashed, match="ValueError") as e:
        run_cli("x")
    assert "half" in str(e.value) and isinstance(e.value.__cause__, ValueError)


def test_state_left_changed_fails_the_test_and_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    def main(argv):  # type: ignore[no-untyped-def]
        gc.disable()
        os.environ["ROVO_AUDIT_LEFT"] = "1"
        return 0

    _command(monkeypatch, main)
    with pytest.raises(CommandLeaked, match=r"os.environ, gc.isenabled\(\)"):
        run_cli("x")
    assert gc.isenabled() and "ROVO_AUDIT_LEFT" not in os.environ


def test_a_thread_left_running_fails_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()

    def main(argv):  # type: ignore[no-untyped-def]
        threading.Thread(target=stop.wait, args=(30,), name="left-behind").start()
        return 0

    _command(monkeypatch, main)
    monkeypatch.setattr(conftest, "THREAD_GRACE", 0.2)
    try:
        with pytest.raises(CommandLeaked, match="left-behind"):
            run_cli("x")
    finally:
        stop.set()


def test_a_hang_is_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    _command(monkeypatch, lambda argv: time.sleep(30))
    t = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        run_cli("x", timeout=0.5)
    assert time.monotonic() - t < 10


def test_other_threads_output_stays_out_of_the_commands_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test server's thread writing to stderr while the command runs is not the command's."""
    started, printed = threading.Event(), threading.Event()

    def server() -> None:
        started.wait(10)
        print("server noise", file=sys.stderr)
        printed.set()

    thread = threading.Thread(target=server, daemon=True)
    thread.start()

    def main(argv):  # type: ignore[no-untyped-def]
        started.set()
        printed.wait(10)
        worker = threading.Thread(target=lambda: print("from the command's thread", file=sys.stderr))
        worker.start()
        worker.join()
        return 0

    _command(monkeypatch, main)
    assert run_cli("x").err == "from the command's thread\n"


def test_warnings_and_log_records_reach_stderr_as_in_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def main(argv):  # type: ignore[no-untyped-def]
        warnings.warn("careful", UserWarning, stacklevel=1)
        logging.getLogger("rovo-audit-test").warning("logged")
        logging.getLogger("rovo-audit-test").info("not shown")
        return 0

    _command(monkeypatch, main)
    assert run_cli("x").err == "logged\n"  # PYTHONWARNINGS=ignore, as run_cmd runs it
    shown = run_cli("x", env={"PYTHONWARNINGS": "default"}).err
    assert "UserWarning: careful" in shown and shown.endswith("logged\n")


def test_startup_variables_need_a_real_process() -> None:
    with pytest.raises(ValueError, match="run_cmd"):
        run_cli("--version", env={"PYTHONPROFILEIMPORTTIME": "1"})
