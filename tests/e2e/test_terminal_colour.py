"""Colour on a terminal, by our rules (report/safe.py colour_wanted): on a tty; off into a pipe;
off with NO_COLOR set to anything but "" (no-color.org); on with FORCE_COLOR likewise
(force-color.org). Colour is added to our own tokens after the text is made safe: data never
brings an escape sequence. The last line links report.html (file://, OSC 8 on a terminal)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from tests.conftest import run_cmd
from tests.e2e.test_terminal_safety import hostile_settings
from tests.e2e.tmux_run import run_in_tmux

SGR = re.compile(r"\x1b\[[0-9;]*m")
OSC8 = "\x1b]8;;file://"
DEMO = ["audit", "--demo", "--no-history", "--as-of", "2026-11-26", "--format", "html,json"]


def _report_uri(text: str) -> str:
    last = [line for line in text.splitlines() if line.strip()][-1]
    assert last.startswith("  open file:///"), last
    return last.removeprefix("  open ").strip()


def test_a_terminal_gets_colour_and_a_link_to_the_report(tmp_path: Path) -> None:
    run = run_in_tmux([*DEMO, "--out", tmp_path / "out"], tmp_path)
    assert run.code == 1, run.final
    assert "\x1b[1;31mBlocked: " in run.raw  # the verdict
    assert re.search(r"\x1b\[1;31mfail +\x1b\[0m \x1b\[1;31mcritical", run.raw)  # a status and its severity
    assert OSC8 in run.raw
    # The screen's last summary line: the plain URI, which is report.html.
    shown = run.final.split("TMUX-RUN-DONE=1")[0]
    uri = _report_uri(shown)
    assert Path(unquote(urlparse(uri).path)) == (tmp_path / "out" / "report.html").resolve()
    assert Path(unquote(urlparse(uri).path)).is_file()


def test_no_color_turns_it_off_and_empty_no_color_does_not(tmp_path: Path) -> None:
    run = run_in_tmux([*DEMO, "--out", tmp_path / "a"], tmp_path, env={"NO_COLOR": "1"})
    assert run.code == 1 and "Blocked: " in run.final
    assert not SGR.search(run.raw) and OSC8 not in run.raw, SGR.findall(run.raw)[:5]
    assert "open file:///" in run.final  # the plain link stays
    run = run_in_tmux([*DEMO, "--out", tmp_path / "b"], tmp_path, env={"NO_COLOR": ""})
    assert "\x1b[1;31mBlocked: " in run.raw  # NO_COLOR="" is as if unset


def test_a_pipe_gets_none_unless_forced(tmp_path: Path) -> None:
    r = run_cmd(*DEMO, "--out", tmp_path / "a", env={"NO_COLOR": "", "FORCE_COLOR": ""})
    assert r.code == 1 and "\x1b" not in r.out and "\x1b" not in r.err
    assert Path(unquote(urlparse(_report_uri(r.out)).path)).is_file()
    r = run_cmd(*DEMO, "--out", tmp_path / "b", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert r.code == 1 and "\x1b[1;31mBlocked: " in r.out  # forced wins, as force-color.org orders them
    assert OSC8 not in r.out  # a hyperlink only where a terminal reads it


def test_colour_never_comes_from_data(tmp_path: Path) -> None:
    settings = hostile_settings(tmp_path)  # an org name and entries full of escape sequences
    r = run_cmd("audit", "--policy", "baseline", "--settings", settings, "--out", tmp_path / "o", "--format",
                "html,json", "--no-history", "--as-of", "2026-11-26", env={"FORCE_COLOR": "1"})  # fmt: skip
    assert r.code == 1, r.err
    assert SGR.search(r.out)  # coloured...
    ours = SGR.sub("", r.out)
    assert "\x1b" not in ours and "\x9b" not in ours and "\u202e" not in ours  # ...and every sequence is ours
    assert "\\x1b[2J" in r.out  # the hostile one is shown as text


def test_merge_prints_the_same_summary(tmp_path: Path) -> None:
    r = run_cmd(*DEMO, "--out", tmp_path / "a", "--format", "json")
    assert r.code == 1, r.err
    r = run_cmd("merge", tmp_path / "a" / "results.json", "--out", tmp_path / "m", "--format", "html",
                "--no-history", env={"FORCE_COLOR": "1"})  # fmt: skip
    assert r.code == 1, r.err
    assert "\x1b[1;31mBlocked: " in r.out and Path(unquote(urlparse(_report_uri(r.out)).path)).is_file()
