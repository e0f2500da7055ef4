"""`rovo-audit history list|prune`: the folder of past runs that diffs and trends read.

Also the history flags shared by `audit` and `merge` (`add_history_flags`, `history_options`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .options import require

if TYPE_CHECKING:
    from ..history.review import HistoryOptions

DEFAULT_FOLDER = Path("reports") / "history"


def non_negative(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; expected 0 or more")
    return n


def add_history_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("history (periodic reviews)")
    g.add_argument(
        "--history",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of past runs: this run is compared with the newest one and stored in it "
        "(default: the history/ folder inside --out, i.e. reports/history/)",
    )
    g.add_argument("--no-history", action="store_true", help="neither compare with nor store into a history")
    g.add_argument(
        "--expiring-days",
        type=non_negative,
        default=30,
        metavar="N",
        help="a waiver expiring within N days is reported as waiver-expiring (default: 30)",
    )
    g.add_argument(
        "--trend-runs",
        type=non_negative,
        default=12,
        metavar="N",
        help="the report's trend shows the last N runs, this one included (default: 12)",
    )


def history_options(args: argparse.Namespace, digest: str) -> HistoryOptions | None:
    if args.no_history:
        require(args.history is None, "--history and --no-history contradict each other; drop one")
        return None
    from ..history.review import HistoryOptions  # not before: --no-history loads no review code

    folder = args.history if args.history is not None else args.out / "history"
    return HistoryOptions(folder=folder, digest=digest, expiring_days=args.expiring_days, trend_runs=args.trend_runs)


HELP = """\
List or trim the history of runs that `audit` keeps (one results.json per run, named
<UTC time>-<input hash>.json) and that "Since the last review" and the trend read.

examples:
  rovo-audit history list
  rovo-audit history prune --keep 12            keep the newest 12 runs, delete older ones
  rovo-audit history list --history audits/history
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "history",
        help="list or prune the history of past runs",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    ls = actions.add_parser("list", help="list the runs in the history, oldest first")
    ls.add_argument(
        "--history", type=Path, default=DEFAULT_FOLDER, metavar="DIR", help="history folder (default: reports/history/)"
    )
    ls.set_defaults(handler=run_list)
    pr = actions.add_parser("prune", help="delete all but the newest N runs")
    pr.add_argument(
        "--history", type=Path, default=DEFAULT_FOLDER, metavar="DIR", help="history folder (default: reports/history/)"
    )
    pr.add_argument("--keep", type=non_negative, required=True, metavar="N", help="how many of the newest runs to keep")
    pr.add_argument("--dry-run", action="store_true", help="say what would be deleted, delete nothing")
    pr.set_defaults(handler=run_prune)
    p.set_defaults(handler=lambda args: _no_action(p))


def _no_action(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def _check_folder(folder: Path) -> None:
    from ..errors import UsageError

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--history {folder}: not a folder")


def run_list(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..history import store
    from ..load.results import read_summary
    from ..model.runs import RunSummary
    from ..report.terminal import history_list

    _check_folder(args.history)
    found = store.entries(args.history)
    if not found:
        print(f"no runs in {args.history}")
        return 0
    rows: list[RunSummary | InputError] = []
    for e in found:
        try:
            rows.append(read_summary(e.path, e.name))
        except InputError as err:
            rows.append(err)
    sys.stdout.write(history_list([e.name for e in found], rows))
    return 0


def run_prune(args: argparse.Namespace) -> int:
    from ..history import store

    _check_folder(args.history)
    doomed, kept = store.prune(args.history, args.keep, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    for path in doomed:
        print(f"{verb} {path}")
    print(f"{verb} {len(doomed)} run(s); {kept} kept in {args.history}")
    return 0
