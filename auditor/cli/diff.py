"""`rovo-audit diff OLD.json NEW.json`: what changed between two runs, key by key."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .history import non_negative

HELP = """\
Compare two results.json files (two runs, or two history entries) and classify every
finding key (org, control, subject) as exactly one of: new-fail, regressed,
waiver-expired, still-failing, waiver-expiring, fixed, new-check, removed-check,
unchanged. The precedence is in the README ("Periodic review").

examples:
  rovo-audit diff reports/history/20261026T090000Z-1a2b3c4d.json reports/results.json
  rovo-audit diff old.json new.json --format json --out diff.json
  rovo-audit diff old.json new.json --format md >> "$GITHUB_STEP_SUMMARY"

Exit status: 0 nothing got worse; 1 some key is new-fail, regressed or waiver-expired;
2 bad input.
"""

FORMATS = ("text", "json", "md", "html")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "diff",
        help="what changed between two runs (results.json files)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("old", type=Path, metavar="OLD.json")
    p.add_argument("new", type=Path, metavar="NEW.json")
    p.add_argument("--format", choices=FORMATS, default="text", help="text (default), json, md or html")
    p.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="write here (atomically) instead of standard output"
    )
    p.add_argument(
        "--expiring-days",
        type=non_negative,
        default=30,
        metavar="N",
        help="a waiver expiring within N days of NEW's as_of is waiver-expiring (default: 30)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..atomic import write_atomic
    from ..history.diff import diff
    from ..load.results import read_results
    from ..report import diff as render

    old = read_results(args.old)
    new = read_results(args.new)
    d = diff(old, new, expiring_days=args.expiring_days, old_path=str(args.old), new_path=str(args.new))
    text = {
        "text": render.render_text,
        "json": render.render_json,
        "md": render.render_markdown,
        "html": render.render_html,
    }[args.format](d)
    if args.out is not None:
        write_atomic(args.out, text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if d.worse else 0
