"""A command run in a real terminal: tmux on its own server (socket), with every byte the
program sends to the terminal recorded (pipe-pane) and the screen sampled while it runs."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, command_env, unavailable

DONE = "TMUX-RUN-DONE"
_FINISHED = re.compile(rf"^{DONE}=(\d+)\s*$", re.M)  # the echo's output, not the typed command


@dataclass(frozen=True)
class TerminalRun:
    raw: str  # every byte written to the terminal, decoded (escape sequences included)
    screens: tuple[tuple[float, str], ...]  # (seconds since start, the visible screen) while it ran
    final: str  # the screen at the end (scroll-back included)
    code: int


def run_in_tmux(
    args: list[str | Path],
    tmp: Path,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    interrupt_on: re.Pattern[str] | None = None,  # Ctrl-C once the screen shows this
) -> TerminalRun:
    if shutil.which("tmux") is None:
        unavailable("no tmux (apt-get install tmux)")
    socket = f"rovo-audit-{uuid.uuid4().hex[:12]}"
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    raw_file = tmp / f"{socket}.raw"
    # The colour variables are the test's to set: none leaks in from the environment running the tests.
    unset = "-u NO_COLOR -u FORCE_COLOR -u CLICOLOR_FORCE"
    sets = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
    cmd = " ".join(shlex.quote(str(a)) for a in (sys.executable, "-m", "auditor", *args))
    line = f"env {unset} TERM=xterm-256color {sets} {cmd}; echo {DONE}=$?"
    subprocess.run([*tmux, "new-session", "-d", "-s", "t", "-x", "200", "-y", "50", "bash", "--norc", "--noprofile"],
                   check=True, env=command_env(), cwd=ROOT, timeout=30)  # fmt: skip
    screens: list[tuple[float, str]] = []
    try:
        subprocess.run(
            [*tmux, "pipe-pane", "-t", "t", "-o", f"cat > {shlex.quote(str(raw_file))}"], check=True, timeout=30
        )
        subprocess.run([*tmux, "send-keys", "-t", "t", line, "Enter"], check=True, timeout=30)
        start = time.monotonic()
        final = ""
        while time.monotonic() - start < timeout:
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", "t"], capture_output=True, text=True,
                                    check=True, timeout=30).stdout  # fmt: skip
            screens.append((time.monotonic() - start, screen))
            if _FINISHED.search(screen):
                break
            if interrupt_on is not None and interrupt_on.search(screen):
                subprocess.run([*tmux, "send-keys", "-t", "t", "C-c"], check=True, timeout=30)
                interrupt_on = None
            time.sleep(0.05)
        final = subprocess.run([*tmux, "capture-pane", "-p", "-t", "t", "-S", "-500"], capture_output=True,
                               text=True, check=True, timeout=30).stdout  # fmt: skip
    finally:
        subprocess.run([*tmux, "kill-server"], check=False, timeout=30)
    found = _FINISHED.search(final)
    raw = raw_file.read_bytes().decode("utf-8", "replace") if raw_file.exists() else ""
    return TerminalRun(raw, tuple(screens), final, int(found.group(1)) if found else -1)
