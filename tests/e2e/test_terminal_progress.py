"""Progress on stderr for a long audit, in a real terminal (tmux): the stages and their counts,
rewritten in place at most ~10 times a second and erased before the summary; nothing of it
when stderr is not a terminal or with -q."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.report.progress import CLEAR, TerminalProgress
from tests.conftest import run_cmd
from tests.e2e.tmux_run import run_in_tmux
from tests.estate import AS_OF, make_estate

PROGRESS = re.compile(r"rovo-audit: (load|evaluate|plan|render|write)\b[^\r\n\x1b]*")


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("progress")
    # ~73,000 checks: evaluate and the plan take past the 0.3 s before progress shows, so two
    # stages at least are drawn (20 orgs were enough until the plan got 2× faster: only render was)
    policy, settings = make_estate(60, 300, 7)
    (base / "p.yaml").write_text(policy)
    (base / "s.yaml").write_text(settings)
    return base


def _args(base: Path, out: str, *extra: str, formats: str = "html,json") -> list[str | Path]:
    return ["audit", "--policy", base / "p.yaml", "--settings", base / "s.yaml", "--out", base / out,
            "--format", formats, "--no-history", "--as-of", AS_OF, *extra]  # fmt: skip


def test_a_long_audit_shows_its_stages_on_a_terminal_and_erases_them(estate: Path, tmp_path: Path) -> None:
    run = run_in_tmux(_args(estate, "tty"), tmp_path)
    assert run.code == 1, run.final[-2000:]
    # Seen on the screen while it ran: several stages, with the counts.
    seen = [m.group(0) for _, screen in run.screens for m in [PROGRESS.search(screen)] if m]
    stages = {PROGRESS.match(s).group(1) for s in seen}  # type: ignore[union-attr]
    # (with the plan made on the other core, the wait is "write" then "plan": auditor/parallel.py)
    assert len(stages) >= 2 and {"evaluate", "plan", "render"} & stages, seen[:5]
    assert any("(60 orgs" in s for s in seen) and any("checks)" in s for s in seen), seen[:5]
    # In place: each redraw returns to the line's start and erases it; at most ~10 a second.
    draws = run.raw.count(CLEAR)
    lasted = max(t for t, _ in run.screens)
    assert draws >= 3 and draws <= 12 * lasted + 2, (draws, lasted)
    # Erased before the summary: the summary's first line starts at the line's start, and the
    # screen at the end holds no progress line.
    assert not PROGRESS.search(run.final), run.final[-1500:]
    summary = run.raw.split(CLEAR)[-1]
    assert summary.lstrip("\r\n").startswith(("Blocked", "\x1b[")), summary[:200]
    assert "Blocked: " in run.final and "wrote " in run.final


def test_no_progress_when_stderr_is_not_a_terminal_or_with_quiet(estate: Path, tmp_path: Path) -> None:
    # json alone (no plan): still over a second, long past the moment progress would show
    r = run_cmd(*_args(estate, "pipe", formats="json"))  # stderr is a pipe
    assert r.code == 1, r.err
    assert r.err == "" and "\x1b" not in r.out and "rovo-audit: " not in r.out
    run = run_in_tmux(_args(estate, "quiet", "-q", formats="json"), tmp_path)  # a terminal, but -q
    assert run.code == 1 and CLEAR not in run.raw and not any(PROGRESS.search(s) for _, s in run.screens)


class _Tty:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_redraws_are_throttled_and_the_line_is_ours_made_safe() -> None:
    now = [0.0]
    tty = _Tty()
    p = TerminalProgress(tty, delay=0.3, interval=0.1, clock=lambda: now[0])  # type: ignore[arg-type]
    p("load", {})
    for i in range(1000):  # 1,000 stage events over 2 simulated seconds
        now[0] = 0.3 + i * 0.002
        p("evaluate\x1b]0;x\x07", {"orgs": i})
    p.close()
    draws = tty.text.count(CLEAR)
    assert 10 <= draws <= 22, draws  # ~10 a second, plus the final erase
    assert "\x1b]0" not in tty.text and "\\x1b]0;x" in tty.text
    assert tty.text.endswith(CLEAR)


def test_ctrl_c_leaves_a_clean_line(estate: Path, tmp_path: Path) -> None:
    # Interrupted while its progress line shows: the line is erased before the message.
    run = run_in_tmux(_args(estate, "int"), tmp_path, interrupt_on=re.compile(r"rovo-audit: (evaluate|plan|render)"))
    assert run.code == 130, run.final[-1500:]
    assert re.search(r"(?m)^rovo-audit: interrupted\s*$", run.final), run.final[-1500:]
    assert not PROGRESS.search(run.final)
