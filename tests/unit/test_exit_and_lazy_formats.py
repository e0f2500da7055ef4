"""The process entry skips the collector's passes at shutdown (outputs already flushed), and
`--format` is checked without importing any format: each in a fresh interpreter, since only
one shows what a process imports and what it does at exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import command_env, run_cli

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=command_env(), capture_output=True, text=True, timeout=120
    )


def test_the_entry_freezes_the_collector_after_flushing_and_still_runs_exit_handlers(tmp_path: Path) -> None:
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('at exit:', gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr))\n"
        f"sys.argv = ['rovo-audit', 'audit', '--demo', '--out', {str(tmp_path / 'o')!r}, '--format', 'json',\n"
        "            '--as-of', '2026-11-26', '--no-history']\n"
        "from auditor.cli import run\n"
        "run()\n"
    )
    p = _python(code, ROOT)
    assert p.returncode == 1, p.stderr  # the demo org is blocked
    assert "at exit: False True" in p.stderr and "Blocked" in p.stdout
    assert (tmp_path / "o" / "results.json").stat().st_size > 0


def test_main_in_this_interpreter_leaves_the_collector_alone(tmp_path: Path) -> None:
    import gc

    r = run_cli("audit", "--demo", "--out", tmp_path, "--format", "json", "--as-of", "2026-11-26", "--no-history")
    assert r.code == 1, r.err
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_format_parsing_imports_no_format_module(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from auditor.cli import build_parser\n"
        "args = build_parser().parse_args(['audit', '--format', 'json,HTML,md,csv,sarif,junit', '--policy', 'p'])\n"
        "print(args.format)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('auditor.report.', 'jinja2'))))\n"
    )
    p = _python(code, ROOT)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["['json', 'html', 'md', 'csv', 'sarif', 'junit']", "[]"]


def test_a_json_audit_loads_no_html_report_code(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from auditor.cli import main\n"
        f"main(['audit', '--demo', '--out', {str(tmp_path)!r}, '--format', 'json', '-q', '--no-history'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('auditor.report.html', 'jinja2'))))\n"
    )
    p = _python(code, ROOT)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


def test_an_unknown_format_is_still_a_usage_error() -> None:
    r = run_cli("audit", "--demo", "--format", "json,pdf")
    assert r.code == 2
    assert "unknown format 'pdf'; expected some of: html, json, md, csv, sarif, junit" in r.err


_WATCHED = (
    "import os, sys, threading\n"
    "real_exit = os._exit\n"
    "def fast(status):\n"
    "    sys.stderr.write('fast exit\\n'); sys.stderr.flush(); real_exit(status)\n"
    "os._exit = fast\n"
)


def _entry(tmp_path: Path, before: str = "") -> subprocess.CompletedProcess[str]:
    code = (
        _WATCHED
        + before
        + f"sys.argv = ['rovo-audit', 'audit', '--demo', '--out', {str(tmp_path / 'o')!r}, '--format', 'json',\n"
        "            '--as-of', '2026-11-26', '--no-history']\n"
        "from auditor.cli import run\n"
        "run()\n"
    )
    return _python(code, ROOT)


def test_with_nothing_left_to_do_the_interpreters_teardown_is_skipped_and_the_output_is_whole(tmp_path: Path) -> None:
    p = _entry(tmp_path)
    assert p.returncode == 1, p.stderr  # the status, as ever
    assert p.stderr == "fast exit\n"  # no teardown: nothing freed one by one
    assert "Blocked" in p.stdout and "wrote" in p.stdout and p.stdout.endswith("\n")  # the summary whole
    assert (tmp_path / "o" / "results.json").read_text().endswith("}\n")


def test_a_live_thread_gets_the_usual_exit(tmp_path: Path) -> None:
    # a thread that outlives the main one: joined at the usual exit, killed by a fast one
    waits = (
        "threading.Thread(target=lambda: (threading.main_thread().join(), print('joined', file=sys.stderr))).start()\n"
    )
    p = _entry(tmp_path, waits)
    assert p.returncode == 1, p.stderr
    assert "fast exit" not in p.stderr and "joined" in p.stderr


def test_main_in_a_test_keeps_nothing_until_exit(tmp_path: Path) -> None:
    from auditor import batch

    r = run_cli("audit", "--demo", "--out", tmp_path, "--format", "json", "--as-of", "2026-11-26", "--no-history")
    assert r.code == 1, r.err
    assert batch._KEPT == []


def test_under_a_profiler_the_usual_exit_lets_it_report(tmp_path: Path) -> None:
    out = tmp_path / "run.prof"
    argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "auditor", "audit", "--demo", "--out",
            str(tmp_path / "o"), "--format", "json", "--as-of", "2026-11-26", "--no-history", "-q"]  # fmt: skip
    p = subprocess.run(argv, cwd=ROOT, env=command_env(), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr  # cProfile takes the command's SystemExit and ends with 0
    assert out.stat().st_size > 0  # it wrote its file after the command ended
