"""`rovo-audit audit`: load → evaluate → report, and the exit status."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .collect import add_source_options
from .history import add_history_flags, history_options
from .notify import add_after_audit_flags, after_audit, notify_targets
from .options import add_input_flags, add_report_flags, as_of, framework_names, require, run_clock
from .tickets import add_jira_flags

if TYPE_CHECKING:
    from ..load.prefetch import Prefetch
    from ..pipeline import OnStage, Outcome

HELP = """\
Compare an org's settings with one or more policies and write the reports.

examples:
  rovo-audit audit --demo
  rovo-audit audit --policy policies/baseline.yaml --settings settings.yaml
  rovo-audit audit --policy baseline.yaml --policy rollout.yaml --settings s.yaml \\
                   --waivers waivers.yaml --format html,json,md --as-of 2026-11-26

A bundled policy can be named instead of a path: --policy baseline,
--policy rollout-approved-clients, --policy rollout-custom-webapp.
Outputs go to --out (default reports/): report.html, results.json, summary.md,
action-plan.csv, results.sarif, junit.xml (by --format), and history/.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "audit",
        help="audit settings against policies and write reports",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_flags(p, settings_help="OrgSettings snapshot (from `rovo-audit collect` or written by hand)")
    add_report_flags(p)
    p.add_argument(
        "--as-of", type=as_of, default=None, metavar="ISO-DATE", help="pin the run's clock (reproducible output)"
    )
    p.add_argument(
        "--demo", action="store_true", help="audit the bundled sample org against the bundled baseline; no files needed"
    )
    p.add_argument(
        "--collect",
        action="store_true",
        help="collect the settings first (as `rovo-audit collect`; written to OUT/settings.yaml) and audit them",
    )
    p.add_argument(
        "--no-plan",
        dest="plan",
        action="store_false",
        help="leave the remediation plan out of report.html and summary.md (it re-audits every step: "
        "on a 100-org estate about 4 s); `rovo-audit plan` writes it on its own",
    )
    add_history_flags(p)
    add_source_options(p)
    add_after_audit_flags(p)
    add_jira_flags(p, common=False)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..batch import batch_mode
    from ..report.progress import progress_on

    # Progress on stderr when it is a terminal (not with -q): report/progress.py draws the
    # stages the pipeline reports, and erases its line before the summary or an error.
    with batch_mode(), progress_on(sys.stderr, enabled=not args.quiet) as on_stage:
        return _run(args, on_stage)


def _run(args: argparse.Namespace, on_stage: OnStage) -> int:
    from ..load import prefetch

    # A large settings file is parsed on the other core while the pipeline is imported.
    early = prefetch.start(args.settings) if not (args.collect or args.demo) else None
    try:
        return _audit(args, on_stage, early)
    finally:
        if early is not None:
            early.cancel()


def _audit(args: argparse.Namespace, on_stage: OnStage, early: Prefetch | None) -> int:
    from ..pipeline import AuditInputs, run_audit
    from ..report.interface import ReportContext
    from .sarif_root import sarif_root_of

    targets = notify_targets(args)
    if args.collect:
        require(
            not args.settings and not args.demo,
            "--collect gathers the settings itself; drop --settings/--demo (or drop --collect)",
        )
        require(bool(args.policy), "audit needs at least one --policy FILE")
        from .collect import collect_to_file

        collected, _ = collect_to_file(args, args.out / "settings.yaml")
        if collected is None:
            return 1
        args.settings = str(args.out / "settings.yaml")
    on_stage("load", {"files": len(args.policy or ()) + len(args.waivers or ()) + 1})
    if args.demo:
        require(not args.settings, "--demo uses the bundled sample org; drop --settings (or drop --demo)")
        inputs = AuditInputs.demo(args.policy, args.waivers)
    else:
        require(bool(args.policy), "audit needs at least one --policy FILE (or try --demo)")
        require(bool(args.settings), "audit needs --settings FILE (write one by hand, or `rovo-audit collect`)")
        inputs = AuditInputs.from_paths(
            args.policy, args.settings, args.waivers, parsed=early.document if early is not None else None
        )
    now = run_clock(None)
    from ..history.store import inputs_digest

    history = history_options(args, inputs_digest([*inputs.policies, inputs.settings, *inputs.waivers]))
    outcome = run_audit(
        inputs,
        as_of=args.as_of or now,
        generated_at=now if args.as_of is None else None,
        out=args.out,
        formats=args.format or ["html", "json"],
        fail_on=args.fail_on,
        context=ReportContext(
            frameworks=framework_names(args.framework),
            sarif_root=sarif_root_of(args, [p.path for p in inputs.policies], [inputs.settings.path]),
        ),
        history=history,
        plan=args.plan,
        on_stage=on_stage,
    )
    on_stage("done", {})
    from ..report.step_summary import append_step_summary

    append_step_summary(outcome.results, outcome.context)
    if not args.quiet:
        print_summary(outcome)
    status = max(outcome.exit_status, after_audit(args, outcome, targets))
    from ..batch import keep_until_exit

    keep_until_exit(inputs, outcome)  # the process ends now: freeing them would be wasted
    return status


def print_summary(outcome: Outcome) -> None:
    """The summary on stdout; on a terminal (or with FORCE_COLOR, never with NO_COLOR) with our
    own tokens in colour and report.html's link clickable. audit_summary makes every part safe
    before colouring it, so the coloured text goes to the stream below SafeStream."""
    from ..report.safe import colour_wanted
    from ..report.terminal import audit_summary

    colour = colour_wanted(sys.stdout)
    links = colour and sys.stdout.isatty()  # an OSC 8 link only where a terminal reads it
    text = audit_summary(
        outcome.results,
        outcome.written,
        outcome.fail_on,
        colour=colour,
        hyperlinks=links,
        frameworks=outcome.context.frameworks if outcome.context is not None else (),
    )
    print(text, file=getattr(sys.stdout, "raw", sys.stdout) if colour else sys.stdout)
