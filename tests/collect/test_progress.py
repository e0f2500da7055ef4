"""Progress on stderr: shown on a terminal for runs longer than a moment, never otherwise."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.collect.conftest import AS_OF, assert_no_secret, collect_env, example_org
from tests.servers.fake_admin_api import running_admin_api


def run_with_tty_stderr(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    leader, follower = pty.openpty()
    try:
        p = subprocess.run(
            [sys.executable, "-m", "auditor", *args],
            stdout=subprocess.DEVNULL,
            stderr=follower,
            env={**os.environ, **env},
            cwd=cwd,
            timeout=60,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        return p.returncode, b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(leader)


def test_progress_on_a_terminal_and_quiet_otherwise(workdir: Path) -> None:
    with running_admin_api([example_org()], latency=0.3, page_size=1) as api:
        env = collect_env(api)
        args = ["collect", "--out", str(workdir / "s.yaml"), "--as-of", AS_OF]
        code, err = run_with_tty_stderr(args, env, workdir)
        assert code == 0
        assert "collecting: " in err and "requests" in err
        assert_no_secret(err)
        api.state.latency = 0.0  # the rest need no slow run: they must print nothing at all
        code, err = run_with_tty_stderr([*args, "--quiet"], env, workdir)
        assert code == 0 and "collecting" not in err
        piped = subprocess.run(
            [sys.executable, "-m", "auditor", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            cwd=workdir,
            timeout=60,
        )
        assert piped.returncode == 0 and piped.stderr == ""
