"""`audit --notify URL` (repeatable), `--notify-always`, and `audit --tickets`: what happens
after an audit's outputs are written. Neither undoes them.

Notifications: after an audit with history, the review's headline is posted to each URL when
something got worse since the last review (new-fail, regressed or waiver-expired); with
`--notify-always`, every time (also on a first run, with nothing to compare). A post that
fails is one error line naming the kind and host (never the URL) and makes the exit status at
least 1; the other URLs are still posted to.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .options import require

if TYPE_CHECKING:
    from ..notify.targets import Target
    from ..pipeline import Outcome


def add_after_audit_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("after the audit: notifications and Jira work items")
    g.add_argument(
        "--notify",
        action="append",
        default=[],
        metavar="URL",
        help="post the review's headline to this webhook when something got worse (repeatable): a Slack or "
        "Microsoft Teams (Workflows) webhook, known by its host, or any URL for generic JSON; prefix slack:, "
        "teams: or json: to say which; env:NAME reads the URL from that environment variable",
    )
    g.add_argument("--notify-always", action="store_true", help="post even when nothing got worse")
    g.add_argument(
        "--tickets",
        nargs="?",
        const="dry-run",
        choices=("dry-run", "apply"),
        default=None,
        help="after the audit, bring the Jira work items in step as `rovo-audit tickets` does: "
        "--tickets prints the plan, --tickets=apply writes (settings: see `rovo-audit tickets --help`)",
    )


def notify_targets(args: argparse.Namespace) -> tuple[Target, ...]:
    """The --notify targets, checked before the audit runs (a bad URL is a usage error then)."""
    from .tickets import check_report_url, jira_settings

    check_report_url(args)  # linked from notifications too: checked before the audit writes
    if args.tickets is not None:
        jira_settings(args)  # a missing or bad Jira setting stops the audit before it writes
    if not args.notify:
        require(not args.notify_always, "--notify-always needs at least one --notify URL")
        return ()
    require(not args.no_history, "--notify posts what changed since the last review: drop --no-history")
    from ..notify.targets import parse_target

    return tuple(parse_target(t) for t in args.notify)


def after_audit(args: argparse.Namespace, outcome: Outcome, targets: tuple[Target, ...]) -> int:
    """Notifications, then the ticket sync; the exit status they add (0 or 1)."""
    status = 0
    if targets:
        status = max(status, _notify(args, outcome, targets))
    if args.tickets is not None:
        from .tickets import sync

        status = max(status, sync(outcome.results, args, apply=args.tickets == "apply", fail_on=args.fail_on))
    return status


def _notify(args: argparse.Namespace, outcome: Outcome, targets: tuple[Target, ...]) -> int:
    from ..config import Redactor
    from ..notify.headline import headline
    from ..notify.post import NotifyFailed, post
    from ..report.notify import payload

    review = outcome.context.review if outcome.context is not None else None
    report = args.report_url or next((str(p) for p in outcome.written if p.name == "report.html"), None)
    h = headline(outcome.results, review, fail_on=args.fail_on, report=report)
    if not h.worse and not args.notify_always:
        if not args.quiet:
            print("notifications: nothing got worse since the last review; none sent", file=sys.stdout)
        return 0
    redact = Redactor(s for t in targets for s in t.secret_forms())
    status = 0
    for t in targets:
        try:
            post(t, payload(t.kind, h), timeout=args.timeout or 15.0)
        except NotifyFailed as e:
            print(redact(f"rovo-audit: error: {e}; the audit's outputs are written"), file=sys.stderr)
            status = 1
            continue
        if not args.quiet:
            print(f"notified {t.label}", file=sys.stdout)
    return status
