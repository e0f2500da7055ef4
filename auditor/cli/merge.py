"""`rovo-audit merge RESULTS.json... --out DIR`: one report from shards audited separately."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .history import add_history_flags, history_options
from .options import add_report_flags

HELP = """\
Combine results.json files of shards audited separately (one CI job per org, for an
estate too large for one job) into one set of reports, as `audit` writes them. Each org
must come from one shard only. The merged run is compared with and stored in the
history like an audit (--no-history to skip; run the shards with --no-history).

examples:
  rovo-audit merge shards/*/results.json --out reports
  rovo-audit merge a/results.json b/results.json --out reports --format html,json,sarif,junit

Exit status as `audit`: 0 nothing at or above --fail-on; 1 findings at or above it; 2 bad input.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "merge",
        help="combine shard results.json files into one report",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("shards", nargs="+", type=Path, metavar="RESULTS.json")
    add_report_flags(p)
    add_history_flags(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..history.merge import merge
    from ..history.store import digest_parts
    from ..load.results import read_raw, read_text
    from ..pipeline import report_results
    from ..report.step_summary import append_step_summary

    texts = [(str(p), read_raw(p)) for p in args.shards]
    results = merge([(name, read_text(text, name)) for name, text in texts])
    history = history_options(args, digest_parts(text.encode("utf-8") for _, text in texts))
    from ..report.interface import ReportContext
    from .options import framework_names
    from .sarif_root import sarif_root_of

    outcome = report_results(
        results,
        out=args.out,
        formats=args.format or ["html", "json"],
        fail_on=args.fail_on,
        context=ReportContext(
            frameworks=framework_names(args.framework),
            sarif_root=sarif_root_of(
                args,
                [p.path for p in results.policies],
                [
                    *{f.policy_ref.rpartition(":")[0] for f in results.findings if f.policy_ref},
                    *([results.settings_path] if results.settings_path else []),
                ],
            ),
        ),
        history=history,
    )
    append_step_summary(outcome.results, outcome.context)
    if not args.quiet:
        print(f"merged {len(args.shards)} shard(s)", file=sys.stdout)
        from .audit import print_summary

        print_summary(outcome)  # as audit's: colour on a terminal, report.html's link last
    return outcome.exit_status
