"""Shared test helpers: run the command (`run_cli` in this interpreter through `cli.main`,
`run_cmd` as a real process), locate fixtures, and check its outputs: no planted secret
anywhere, one-line usage errors."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import io
import json
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = FIXTURES / "shared-example"
SHARED = ROOT.parent / "shared"
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


@dataclass
class Run:
    code: int
    out: str
    err: str
    summary: Path | None = None  # the GitHub step-summary file the run was given, if any


def command_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a test's command runs with: this one, warnings off, and
    GITHUB_STEP_SUMMARY blank unless the test sets it (on a CI runner, never append to the
    real one), then the test's own variables."""
    return {**os.environ, "PYTHONWARNINGS": "ignore", STEP_SUMMARY: "", **(env or {})}


def _run(code: int, out: str, err: str, cwd: Path | None, env: Mapping[str, str]) -> Run:
    summary = env.get(STEP_SUMMARY)
    return Run(code, out, err, Path(cwd or ".", summary).resolve() if summary else None)


def run_cmd(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    input: str | None = None,
) -> Run:
    """The real `rovo-audit` command in a child process (python -m auditor, this interpreter),
    for what only a process shows: its exit status and its two streams as another program
    sees them, interpreter start-up and its variables, what reaches stderr when it dies.
    Each call starts an interpreter (~0.8 s): everything else goes through `run_cli`."""
    full_env = command_env(env)
    p = subprocess.run(
        [sys.executable, "-m", "auditor", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        input=input,
    )
    return _run(p.returncode, p.stdout, p.stderr, cwd, full_env)


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    input: str | None = None,
) -> Run:
    """`rovo-audit ARGS` in this interpreter: `auditor.cli.main(argv)` through argparse and the
    real handlers, files and servers, with what a process would have had (`_in_process`):
    `cwd`, the environment of `run_cmd`, `input` on stdin, stdout and stderr captured apart
    as text, argparse's exit (`--help`) as the exit status. An exception `main` lets out fails
    the test (a process would print a traceback and exit 1), so does process state the command
    leaves changed; `timeout` is enforced. To compare, TEST_RUN_CLI=process runs each one as
    `run_cmd` does; TEST_RUN_CLI=cold empties auditor's caches before each one."""
    if os.environ.get("TEST_RUN_CLI") == "process":
        return run_cmd(*args, cwd=cwd, env=env, timeout=timeout, input=input)
    full_env = command_env(env)
    code, out, err = _in_process([str(a) for a in args], cwd=cwd, env=full_env, timeout=timeout, input=input)
    return _run(code, out, err, cwd, full_env)


# --- the command in this interpreter -----------------------------------------------------------
# What a fresh `python -m auditor` process has, one interpreter shared by many commands must
# give each command, and take back after it: its own streams, cwd, environment, warning
# filters, and nothing it changed left for the next command.

# Variables read at interpreter start-up: only a real process honours them (run_cmd).
_STARTUP_ONLY = re.compile(r"PYTHON(?!WARNINGS$)\w*|LANG|LANGUAGE|LC_\w+")
# Python's own warning filters in a fresh (release-build) process, before PYTHONWARNINGS.
_DEFAULT_WARNINGS = (
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, ""),
    ("ignore", PendingDeprecationWarning, ""),
    ("ignore", ImportWarning, ""),
    ("ignore", ResourceWarning, ""),
)
_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE") if hasattr(signal, n))
_calling = threading.Lock()
THREAD_GRACE = 5.0  # seconds a thread the command started may take to end after it returned


class CommandCrashed(Exception):
    """`main` let an exception out: a real process would have printed a traceback and exited 1."""


class CommandLeaked(Exception):
    """The command changed process-wide state (restored since) that a real process would
    have taken with it; each command in this interpreter must leave it as it found it."""


class _Command:
    """The threads of one command: the one calling main() and those it (transitively) starts,
    marked as Thread.start runs, so the test's own server threads stay apart."""

    def __init__(self) -> None:
        self.caller = threading.current_thread()
        self._start = threading.Thread.start

    def __contains__(self, thread: threading.Thread) -> bool:
        return thread is self.caller or getattr(thread, "_rovo_audit_command", None) is self

    def __enter__(self) -> _Command:
        command, start = self, self._start

        def marking_start(thread: threading.Thread) -> None:
            if threading.current_thread() in command:
                thread._rovo_audit_command = command  # type: ignore[attr-defined]
            start(thread)

        threading.Thread.start = marking_start  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        threading.Thread.start = self._start  # type: ignore[method-assign]

    def threads(self) -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t in self and t is not self.caller]


class _Routed:
    """sys.stdin/stdout/stderr while a command runs: its threads get the command's stream,
    every other thread (a test server's) the one it had."""

    def __init__(self, command: _Command, mine: io.TextIOBase, others: object) -> None:
        self._command, self._mine, self._others = command, mine, others

    def __getattr__(self, name: str) -> object:
        return getattr(self._mine if threading.current_thread() in self._command else self._others, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.__getattr__("readline"), "")  # type: ignore[call-overload]


class _LastResort(logging.Handler):
    """A fresh process configures no logging, so a record of WARNING or above reaches its
    stderr bare (logging.lastResort). Here the root logger has pytest's handlers: do it for
    the command's threads."""

    def __init__(self, command: _Command, stream: io.TextIOBase) -> None:
        super().__init__(logging.WARNING)
        self.command, self.stream = command, stream

    def emit(self, record: logging.LogRecord) -> None:
        if threading.current_thread() in self.command:
            self.stream.write(self.format(record) + "\n")


def _warnings_as_a_process_has_them(value: str) -> None:
    """Inside catch_warnings(): a fresh process's filters plus PYTHONWARNINGS, shown on stderr."""
    warnings.resetwarnings()
    for action, category, module in _DEFAULT_WARNINGS:
        warnings.filterwarnings(action, category=category, module=module, append=True)  # type: ignore[arg-type]
    for option in filter(None, (o.strip() for o in value.split(","))):
        warnings._setoption(option)  # type: ignore[attr-defined]  # what the interpreter does with each one

    def show(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    warnings.showwarning = show


def _cold_caches() -> None:
    """TEST_RUN_CLI=cold: every functools cache of `auditor` emptied before each command,
    as a fresh process has them (a check that no cached value carries to the next command)."""
    for name, module in list(sys.modules.items()):
        if name == "auditor" or name.startswith("auditor."):
            for value in list(vars(module).values()):
                if getattr(value, "__module__", None) == name and callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def _loggers() -> dict[str, logging.Logger]:
    return {"": logging.root} | {
        n: lg for n, lg in logging.root.manager.loggerDict.items() if isinstance(lg, logging.Logger)
    }


def _process_state() -> dict[str, object]:
    """What one command could change for the next one in this interpreter."""
    return {
        "cwd": os.getcwd(),
        "os.environ": dict(os.environ),
        "gc.isenabled()": gc.isenabled(),
        "signal handlers": [signal.getsignal(s) for s in _SIGNALS],
        "sys.stdin/stdout/stderr": (sys.stdin, sys.stdout, sys.stderr),
        "sys.argv": list(sys.argv),
        "loggers": {n: (*lg.handlers, lg.level, lg.propagate, lg.disabled) for n, lg in _loggers().items()},
        "excepthooks": (sys.excepthook, threading.excepthook),
        "recursion limit": sys.getrecursionlimit(),
        "time zone": time.tzname,
        "umask": _umask(),
    }


def _umask() -> int:
    with contextlib.suppress(OSError):  # Linux says it without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _changed(before: dict[str, object], after: dict[str, object]) -> list[str]:
    changed = [k for k in before if k != "loggers" and before[k] != after[k]]
    old, new = before["loggers"], after["loggers"]
    assert isinstance(old, dict) and isinstance(new, dict)
    return changed + [f"logger {n!r}" for n in old if new.get(n) != old[n]]  # new loggers: an import made them


def _restore(saved: dict[str, object]) -> None:
    os.chdir(saved["cwd"])  # type: ignore[arg-type]
    _set_environ(saved["os.environ"])  # type: ignore[arg-type]
    time.tzset()
    tempfile.tempdir = None  # gettempdir() looks again
    (gc.enable if saved["gc.isenabled()"] else gc.disable)()
    if threading.current_thread() is threading.main_thread():
        for s, handler in zip(_SIGNALS, saved["signal handlers"], strict=True):  # type: ignore[call-overload]
            if signal.getsignal(s) is not handler:
                signal.signal(s, handler)
    sys.stdin, sys.stdout, sys.stderr = saved["sys.stdin/stdout/stderr"]  # type: ignore[misc]
    sys.argv = saved["sys.argv"]  # type: ignore[assignment]
    loggers = _loggers()
    for name, (*handlers, level, propagate, disabled) in saved["loggers"].items():  # type: ignore[attr-defined]
        lg = loggers[name]
        lg.handlers[:], lg.level, lg.propagate, lg.disabled = handlers, level, propagate, disabled
    sys.excepthook, threading.excepthook = saved["excepthooks"]  # type: ignore[misc]
    sys.setrecursionlimit(saved["recursion limit"])  # type: ignore[arg-type]
    os.umask(saved["umask"])  # type: ignore[arg-type]


def _set_environ(env: Mapping[str, str]) -> None:
    """os.environ (and the C environment under it) exactly `env`, touching only what differs:
    the test's server threads may read it meanwhile."""
    for k in [k for k in os.environ if k not in env]:
        del os.environ[k]
    for k, v in env.items():
        if os.environ.get(k) != v:
            os.environ[k] = v


def _exit_status(e: SystemExit) -> int:
    """What the interpreter makes of a SystemExit at the top (argparse's --help, --version)."""
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code % 256
    print(e.code, file=sys.stderr)
    return 1


def _call_main(argv: list[str]) -> int | Exception:
    """main(argv)'s exit status as a process would have it, or the exception it let out."""
    from auditor.cli import main

    try:
        return main(argv) % 256
    except SystemExit as e:
        return _exit_status(e)
    except Exception as e:
        return e


def _with_timeout(argv: list[str], timeout: float) -> int | Exception | None:
    """main(argv) in this thread, interrupted by SIGINT when `timeout` passes (None then). In
    a thread with a running event loop (sync Playwright's), a command's asyncio.run() would
    fail: there, and off the main thread, it runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
        own_thread = True
    except RuntimeError:
        own_thread = threading.current_thread() is not threading.main_thread()
    if own_thread:
        result: list[int | Exception] = []
        worker = threading.Thread(target=lambda: result.append(_call_main(argv)), name="rovo-audit", daemon=True)
        worker.start()
        worker.join(timeout)
        return result[0] if result else None
    lock, fired, done = threading.Lock(), threading.Event(), threading.Event()

    def expire() -> None:
        with lock:
            if not done.is_set():
                fired.set()
                signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)  # type: ignore[arg-type]

    timer = threading.Timer(timeout, expire)
    timer.daemon = True
    timer.start()
    try:
        try:
            code = _call_main(argv)
        finally:
            with lock:
                done.set()
            timer.cancel()
    except KeyboardInterrupt:
        if not fired.is_set():
            raise
    return None if fired.is_set() else code


def _in_process(
    argv: list[str], *, cwd: Path | None, env: dict[str, str], timeout: float, input: str | None
) -> tuple[int, str, str]:
    startup = sorted(k for k in env if _STARTUP_ONLY.fullmatch(k) and os.environ.get(k) != env[k])
    if startup:
        raise ValueError(f"{startup} act at interpreter start-up: this test needs run_cmd, a real process")
    if not _calling.acquire(blocking=False):
        raise RuntimeError("run_cli runs one command at a time in this interpreter (or use run_cmd)")
    out, err = io.BytesIO(), io.BytesIO()
    # The child's pipes: UTF-8, stdout strict, stderr backslashreplace.
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True)
    stdin = io.TextIOWrapper(io.BytesIO((input or "").encode()), encoding="utf-8")
    saved = _process_state()
    try:
        with _Command() as command:
            last_resort = _LastResort(command, stderr)
            if os.environ.get("TEST_RUN_CLI") == "cold":
                _cold_caches()
            _set_environ(env)
            time.tzset()
            tempfile.tempdir = None
            if cwd is not None:
                os.chdir(cwd)
            sys.argv = [str(ROOT / "auditor" / "__main__.py"), *argv]
            sys.stdin, sys.stdout, sys.stderr = (
                _Routed(command, mine, others)  # type: ignore[misc]
                for mine, others in ((stdin, sys.stdin), (stdout, sys.stdout), (stderr, sys.stderr))
            )
            logging.root.addHandler(last_resort)
            set_up = _process_state()
            with warnings.catch_warnings():
                _warnings_as_a_process_has_them(env.get("PYTHONWARNINGS", ""))
                code = _with_timeout(argv, timeout)
            # A thread it left running: a process would wait for it at exit (a daemon: kill it).
            deadline = time.monotonic() + THREAD_GRACE
            for t in command.threads():
                if not t.daemon:
                    t.join(max(0, deadline - time.monotonic()))
            running = [t.name for t in command.threads() if not t.daemon and t.is_alive()]
            left = _process_state()
            logging.root.removeHandler(last_resort)
    finally:
        _restore(saved)
        _calling.release()
    # subprocess.run(text=True) reads the child's pipes with universal newlines.
    o, e = (b.getvalue().decode().replace("\r\n", "\n").replace("\r", "\n") for b in (out, err))
    name = shlex.join(["rovo-audit", *argv])
    if code is None:
        raise subprocess.TimeoutExpired(name, timeout, o, e)
    if isinstance(code, Exception):
        raise CommandCrashed(f"{name}: main() let out {code!r}\n--- stdout\n{o}--- stderr\n{e}") from code
    leaks = _changed(set_up, left) + [f"thread {n!r} still running" for n in running]
    if leaks:
        raise CommandLeaked(f"{name} left changed: {', '.join(leaks)}")
    return code, o, e


def unavailable(reason: str) -> None:
    """Skip a test whose prerequisite is missing here, but fail it in CI (CI=true): CI always
    has ../shared and Chromium (.ci/run installs it), so a skip there would hide a check."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}: CI must be able to run this test", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def cli():
    return run_cli


# --- secrets ---------------------------------------------------------------------------------


@cache
def planted_secrets() -> tuple[str, ...]:
    """Every secret the test servers accept; imported late so tests without servers load fast."""
    from tests.servers.fake_admin_api import ADMIN_KEY, OAUTH_TOKEN
    from tests.servers.rovo_sim import SIM_API_TOKEN, SIM_CLASSIC_API_TOKEN, SIM_SERVICE_KEY

    return ADMIN_KEY, OAUTH_TOKEN, SIM_API_TOKEN, SIM_CLASSIC_API_TOKEN, SIM_SERVICE_KEY


def secret_forms(*secrets: str, emails: Iterable[str] = ()) -> tuple[str, ...]:
    """Each secret raw, URL-encoded, as the Basic pair's base64 (email:secret) and by its
    distinctive middle (a secret cut or wrapped still shows that). Built here, not by the
    product's own Redactor, so a mistake there cannot hide a leak."""
    from tests.servers.rovo_sim import SIM_EMAIL

    forms: list[str] = []
    for s in secrets:
        forms += [s, quote(s, safe=""), quote_plus(s)]
        # as a JSON string may carry it: escaped by json.dumps, or every character as \uXXXX
        forms += [json.dumps(s)[1:-1], "".join(f"\\u{ord(c):04x}" for c in s)]
        forms += [base64.b64encode(f"{e}:{s}".encode()).decode() for e in dict.fromkeys((SIM_EMAIL, *emails))]
        if len(s[8:-8]) >= 12:  # shorter pieces would match ordinary text
            forms.append(s[8:-8])
    return tuple(dict.fromkeys(f for f in forms if f))


def _texts(output: Run | Path | str) -> list[tuple[str, str]]:
    """(where, text) for a run (stdout, stderr, its step summary), a folder (every file under
    it), a file, or a text."""
    if isinstance(output, Run):
        texts = [("stdout", output.out), ("stderr", output.err)]
        if output.summary is not None and output.summary.is_file():
            texts.append((str(output.summary), output.summary.read_text(encoding="utf-8", errors="replace")))
        return texts
    if isinstance(output, Path):
        assert output.exists(), f"{output}: nothing there to search for secrets"
        files = [output] if output.is_file() else sorted(p for p in output.rglob("*") if p.is_file())
        return [(str(p), p.read_bytes().decode("utf-8", errors="replace")) for p in files]
    return [("text", output)]


def assert_no_secret(*outputs: Run | Path | str, secrets: Iterable[str] = (), emails: Iterable[str] = ()) -> None:
    """No planted secret (plus `secrets`), in any of its forms, in any of the outputs: a run's
    stdout, stderr and step summary, every file under a folder, a file, or a text."""
    forms = secret_forms(*planted_secrets(), *secrets, emails=emails)
    leaks = [
        f"{where}: {form[:12]}…"
        for output in outputs
        for where, text in _texts(output)
        for form in forms
        if form in text
    ]
    assert not leaks, f"a planted secret reached an output: {leaks}"


# --- usage errors ------------------------------------------------------------------------------


def assert_usage_error(r: Run, *needles: str, code: int = 2, prefix: str = "rovo-audit: error: ") -> str:
    """Exit `code` (2: bad usage or input) with one line on stderr, starting with `prefix` and
    holding every needle, and no traceback anywhere; returns that line."""
    assert r.code == code, (r.code, r.out, r.err)
    assert "Traceback" not in r.err + r.out, r.err
    lines = [ln for ln in r.err.strip().splitlines() if ln]
    assert len(lines) == 1 and lines[0].startswith(prefix), r.err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]
