"""The outer ring: what only the real command, in a process of its own, can show. Its exit
status and its two streams as another program reads them, a reader that goes away (a broken
pipe), SIGINT and SIGTERM. The other tests run the same `main(argv)` in the test's interpreter
(`run_cli`); these start `python -m auditor` (`run_cmd`). Also real processes: the wheel install
(test_install_demo), `--help` and `--version` (test_help, test_options), the shared example
(test_shared_example), a terminal (collect/test_progress), stdin from a pipe (doctor/test_explain),
interpreter variables (doctor/test_review_fixes), and the shipped CI scripts (review/test_workflow)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.collect.conftest import AS_OF as COLLECT_AS_OF
from tests.collect.conftest import collect_env, example_org
from tests.conftest import assert_no_secret, assert_usage_error, command_env, run_cmd
from tests.servers.fake_admin_api import running_admin_api

AS_OF = "2026-11-26T00:00:00Z"


def test_exit_status_and_streams_as_another_program_reads_them(tmp_path: Path) -> None:
    blocked = run_cmd("audit", "--demo", "--out", tmp_path / "a", "--as-of", AS_OF, "--no-history", "--format", "json")
    assert blocked.code == 1, blocked.err
    assert blocked.out.startswith("Blocked: ") and blocked.err == ""
    never = run_cmd(
        "audit",
        "--demo",
        "--out",
        tmp_path / "b",
        "--as-of",
        AS_OF,
        "--no-history",
        "--format",
        "json",
        "--fail-on",
        "never",
    )
    assert never.code == 0 and never.err == "", never.err
    assert never.out.splitlines()[0] == blocked.out.splitlines()[0]
    bad = run_cmd("audit", "--demo", "--format", "pdf")
    assert_usage_error(bad, "pdf")
    assert bad.out == ""


def test_a_reader_that_goes_away_is_exit_1_and_nothing_on_stderr(tmp_path: Path) -> None:
    # `rovo-audit controls | head -0`: the pipe's reader has gone before the first write. The
    # stdout of a process on a pipe is block-buffered unless PYTHONUNBUFFERED says otherwise.
    env = command_env()
    env.pop("PYTHONUNBUFFERED", None)
    read, write = os.pipe()
    os.close(read)
    try:
        p = subprocess.run(
            [sys.executable, "-m", "auditor", "controls"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=60,
        )
    finally:
        os.close(write)
    assert (p.returncode, p.stderr) == (1, "")


def test_sigint_is_exit_130_in_one_line_and_sigterm_stops_it_writing_nothing(tmp_path: Path) -> None:
    """Both arrive while `collect` waits on an Admin API that does not answer."""
    with running_admin_api([example_org()], hang=30) as api:
        api.faults["org"] = ["timeout"] * 10
        env = command_env(collect_env(api, ROVO_AUDIT_TIMEOUT_SECONDS="60"))
        results = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            before = api.count("org")
            out = tmp_path / f"{sig.name}.yaml"
            p = subprocess.Popen(
                [sys.executable, "-m", "auditor", "collect", "--out", str(out), "--as-of", COLLECT_AS_OF],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=tmp_path,
                env=env,
            )
            deadline = time.monotonic() + 30
            while api.count("org") == before and p.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert p.poll() is None, p.communicate()  # still waiting on the request
            p.send_signal(sig)
            stdout, stderr = p.communicate(timeout=30)
            results[sig] = (p.returncode, stdout, stderr, out.exists())
    assert results[signal.SIGINT] == (130, "", "rovo-audit: interrupted\n", False)
    assert results[signal.SIGTERM] == (-signal.SIGTERM, "", "", False)  # the default: no partial snapshot
    assert_no_secret(*(r[2] for r in results.values()), tmp_path)
