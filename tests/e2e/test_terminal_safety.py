"""Data chosen by others never drives the admin's terminal: shown in a real terminal (tmux),
a hostile org name, credential label or allowlist entry cannot clear the screen, retitle the
window or reorder the text; every command's output passes through one function
(auditor.report.safe.terminal) on its way out."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from auditor.report.safe import terminal
from tests.conftest import ROOT, command_env, run_cli, unavailable

ESC_CLEAR = "\x1b[2J\x1b[H"
OSC_TITLE = "\x1b]0;pwned\x07"
HOSTILE = f"Evil{ESC_CLEAR}{OSC_TITLE}\u202eemordnilap\x9b31m\x85"


def hostile_settings(tmp: Path) -> Path:
    doc = {
        "apiVersion": "rovo-audit/v1",
        "kind": "OrgSettings",
        "collected_at": "2026-11-20T00:00:00Z",
        "orgs": [
            {
                "id": "org-1",
                "name": HOSTILE,
                "rovo_mcp": {
                    "atlassian_supported_domains": False,
                    "domains": ["https://app.example.com/**", f"https://x.example.com/{ESC_CLEAR}"],
                    "api_token_auth": True,
                },
                "credentials": [{"label": f"bot{ESC_CLEAR}", "kind": "api_token", "scopes": ["read:jira-work"]}],
            }
        ],
    }
    path = tmp / "hostile.settings.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_terminal_shows_every_control_character_as_text() -> None:
    shown = terminal(HOSTILE)
    assert not any(ch in shown for ch in "\x1b\x07\u202e\x9b\x85")
    assert "\\x1b[2J" in shown and "\\u202e" in shown and "\\x85" in shown
    assert terminal("tabs\tand\nnewlines stay") == "tabs\tand\nnewlines stay"


@pytest.mark.parametrize(
    "command",
    [
        (
            "audit",
            "--policy",
            "baseline",
            "--settings",
            "{settings}",
            "--out",
            "{out}",
            "--format",
            "json",
            "--no-history",
        ),
        ("plan", "--policy", "baseline", "--settings", "{settings}", "--out", "{out}"),
        ("waivers", "{waivers}", "--policy", "baseline", "--settings", "{settings}", "--all"),
        ("validate", "{settings}"),
    ],
    ids=["audit", "plan", "waivers", "validate"],
)
def test_no_command_passes_a_control_character_through(tmp_path: Path, command: tuple[str, ...]) -> None:
    settings = hostile_settings(tmp_path)
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "apiVersion: rovo-audit/v1\nkind: Waivers\nwaivers:\n"
        f"- {{control: RMCP-SCOPE-003, org: org-1, reason: r, approved_by: {yaml.safe_dump(HOSTILE).strip()!s}, expires: 2027-01-01}}\n"
    )
    args = [a.format(settings=settings, out=tmp_path / "out", waivers=waivers) for a in command]
    r = run_cli(*args, "--as-of", "2026-11-26") if command[0] != "validate" else run_cli(*args)
    for text in (r.out, r.err):
        assert not any(ch in text for ch in "\x1b\x07\u202e\x9b\x85"), (r.code, text[:300])
    assert "\\x1b" in r.out + r.err or command[0] == "validate"


def test_a_hostile_name_cannot_clear_or_retitle_a_real_terminal(tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        unavailable("no tmux (apt-get install tmux)")
    settings = hostile_settings(tmp_path)
    session = f"rovo-audit-test-{tmp_path.name}"[:60]
    env = command_env()
    cmd = " ".join(
        shlex.quote(a)
        for a in (sys.executable, "-m", "auditor", "audit", "--policy", "baseline", "--settings", str(settings),
                  "--out", str(tmp_path / "out"), "--format", "json", "--no-history", "--as-of", "2026-11-26")
    )  # fmt: skip
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "220", "-y", "60", "bash", "--norc", "--noprofile"],
                   check=True, env=env, cwd=ROOT)  # fmt: skip
    try:
        subprocess.run(["tmux", "select-pane", "-t", session, "-T", "before"], check=True)
        # The markers are computed by the shell: the typed line (which the terminal may echo more
        # than once while bash starts, under load) never contains what they print.
        subprocess.run(["tmux", "send-keys", "-t", session,
                        f"echo MARKER-$((0+1))BEFORE; {cmd}; echo MARKER-$((1+1))AFTER", "Enter"],
                       check=True)  # fmt: skip
        deadline = time.monotonic() + 60
        screen = ""
        while time.monotonic() < deadline:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-J", "-t", session, "-S", "-200"],
                                    capture_output=True, text=True, check=True).stdout  # fmt: skip
            if "MARKER-2AFTER" in screen:
                break
            time.sleep(0.2)
        title = subprocess.run(["tmux", "display-message", "-p", "-t", session, "#{pane_title}"],
                               capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
    assert "MARKER-2AFTER" in screen, f"the audit did not finish in 60 s: {screen[-1500:]}"
    assert "MARKER-1BEFORE" in screen, "the screen was cleared"
    assert "bot\\x1b[2J" in screen  # shown, as text
    assert title == "before", f"the window was retitled: {title!r}"
