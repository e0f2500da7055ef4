"""`rovo-audit waivers FILE --settings S --policy P`: which waivers need attention
(states: auditor.history.waivers; output: auditor.report.waivers)."""

from __future__ import annotations

import argparse
import sys

from .history import non_negative
from .options import as_of, require, run_clock

HELP = """\
List the waivers that need attention: expired, unreadable, unused, and expiring within
--expiring-days (default 30). The audit itself decides which finding each waiver matches,
so give the same --settings and --policy files as the audit.

examples:
  rovo-audit waivers waivers.yaml --settings settings.yaml --policy baseline --policy ours.yaml
  rovo-audit waivers waivers.yaml --settings s.yaml --policy p.yaml --expiring-days 60 --format json

Exit status: 0 nothing expired, unreadable or unused (expiring ones are a heads-up);
1 some are; 2 bad input.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "waivers",
        help="list expired, expiring and unused waivers",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="Waivers file(s)")
    p.add_argument("--settings", metavar="FILE", help="OrgSettings snapshot the waivers apply to")
    p.add_argument(
        "--policy", action="append", default=[], metavar="FILE", help="policy file or bundled name (repeatable)"
    )
    p.add_argument("--as-of", type=as_of, default=None, metavar="ISO-DATE", help="pin the clock (default: now)")
    p.add_argument(
        "--expiring-days", type=non_negative, default=30, metavar="N", help="the heads-up window (default: 30)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--all", action="store_true", help="list the waivers that are ok too")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..evaluate.engine import evaluate
    from ..history.waivers import counts, states
    from ..pipeline import AuditInputs
    from ..report.waivers import waivers_json, waivers_text

    require(bool(args.settings), "waivers needs --settings FILE (the settings the waivers apply to)")
    require(bool(args.policy), "waivers needs at least one --policy FILE (the audit's policies)")
    inputs = AuditInputs.from_paths(args.policy, args.settings, args.files)
    now = run_clock(args.as_of)
    results = evaluate(inputs.policies, inputs.settings, inputs.waivers, as_of=now)
    found = states(inputs.waivers, results, now.date(), args.expiring_days)
    n = counts(found)
    if args.format == "json":
        sys.stdout.write(waivers_json(found, now, args.expiring_days))
    else:
        sys.stdout.write(waivers_text(found, now, show_ok=args.all))
    return 1 if n["expired"] or n["unreadable"] or n["unused"] else 0
