"""The `rovo-audit` command: parse arguments, run one subcommand, map errors to exit codes.

Each subcommand is one module with `register(subparsers)`; its handler returns the exit
status. Modules are imported when the parser is built; heavy imports stay inside handlers.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from ..errors import InputError, UsageError

# Order is the order of `rovo-audit --help`.
COMMANDS: tuple[str, ...] = (
    "audit",
    "plan",
    "collect",
    "doctor",
    "validate",
    "controls",
    "diff",
    "history",
    "merge",
    "waivers",
    "tickets",
    "init",
    "schema",
)

DESCRIPTION = """\
Audit an Atlassian organisation's Rovo MCP server settings against YAML policies.

  rovo-audit audit --demo                         try it: a sample org, no network
  rovo-audit audit --policy P.yaml --settings S.yaml   audit a settings snapshot
  rovo-audit plan --policy P.yaml --settings S.yaml    the ordered steps that fix it, proven
  rovo-audit validate FILE...                     check policy / settings / waiver files
  rovo-audit collect --out settings.yaml          gather the settings from Atlassian's APIs
  rovo-audit doctor                               why can't an MCP client connect?
  rovo-audit tickets --results R.json --project K  Jira work items for what blocks (dry run)
  rovo-audit controls --frameworks                the controls' NIST / ISO / CIS / SOC 2 / OWASP mappings

Exit status: 0 nothing at or above --fail-on; 1 findings at or above it;
2 bad input or usage (the message names file:line:column).
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # main() prints "rovo-audit: error: " before it: name only the subcommand here.
        command = self.prog.partition(" ")[2]
        raise UsageError(f"{command + ': ' if command else ''}{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rovo-audit", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"rovo-audit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f".{name.replace('-', '_')}", __name__).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Every line a command prints passes through a SafeStream: names, labels, entries and
    # server messages chosen by others can never send the terminal an escape sequence.
    from ..report.safe import SafeStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        return int(args.handler(args))
    except (InputError, UsageError) as e:
        print(f"rovo-audit: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rovo-audit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _drop_stdout()
        return 1


def _drop_stdout() -> None:
    """The reader of stdout has gone (`rovo-audit controls | head -1`): what is still buffered
    can never be written, and the interpreter's flush at exit would fail once more ("Exception
    ignored ... BrokenPipeError", exit 120). Point stdout at /dev/null so that flush succeeds."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file (tests capture it): nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def run() -> None:
    from ..batch import at_process_entry

    at_process_entry()
    status = main()
    try:
        sys.stdout.flush()  # here, not at exit: a reader that went away is exit 1, not a warning
    except BrokenPipeError:
        _drop_stdout()
        status = 1
    _no_collection_at_exit()
    _end(status)


def _end(status: int) -> NoReturn:
    """End the process. When nothing is left for the interpreter's end to do (no exit handler
    registered, no other thread, no profiler or tracer that reports at the end, the streams
    flushed), it is skipped: its teardown would free, one by one, every object a large audit
    left (and `batch.keep_until_exit` kept), 0.01-0.03 s of CPU on the 100-org estate.
    Otherwise the usual exit, handlers and thread joins included."""
    try:
        sys.stderr.flush()
        sys.stdout.flush()
    except (OSError, ValueError):
        sys.exit(status)
    watched = sys.getprofile() is not None or sys.gettrace() is not None  # a profiler, a debugger
    if atexit._ncallbacks() == 0 and threading.active_count() == 1 and not watched:
        os._exit(status)
    sys.exit(status)


def _no_collection_at_exit() -> None:
    """The process is about to end, its outputs written, closed and flushed: the collector's
    passes over every object left (at the interpreter's shutdown) free nothing that matters.
    Frozen, they are skipped; exit handlers and thread joins still run. On the 100-org estate
    the time from the command's end to the process's end went from 0.12 s to 0.03 s (json) and
    from 0.20 s to 0.04 s (html,json), CPU, medians of 4. Only the process entry does this:
    `main()` in a test's interpreter leaves the collector as it was."""
    gc.disable()
    gc.freeze()
