"""`rovo-audit tickets`: one Jira Cloud work item per blocking (org, control) group, kept in
step with a results.json (dry run by default; `--apply` writes). Also `audit --tickets`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .options import require

if TYPE_CHECKING:
    from ..collect.http import AuthHeader
    from ..config import JiraConfig
    from ..model.results import Results

HELP = """\
Keep one Jira Cloud work item per blocking (org, control) group: create the missing ones,
update those whose findings changed, resolve those that pass now (a comment, then a done
status), reopen those that fail again. Never duplicates: each item carries the label
rovo-audit and a stable label rovo-audit-<hash of org and control>.

Dry run by default: reads Jira and prints what it would do. --apply writes.

examples:
  rovo-audit tickets --results reports/results.json --project SEC
  rovo-audit tickets --results reports/results.json --project SEC --apply \\
      --report-url https://ci.example.com/rovo-audit/report.html

Settings (flags win over the environment and .env): ROVO_AUDIT_JIRA_URL (the site,
https://example.atlassian.net), ROVO_AUDIT_JIRA_EMAIL + ROVO_AUDIT_JIRA_API_TOKEN, or
ROVO_AUDIT_JIRA_BEARER (OAuth 2.0; then the URL is https://api.atlassian.com/ex/jira/CLOUD_ID),
ROVO_AUDIT_JIRA_PROJECT, ROVO_AUDIT_JIRA_ISSUE_TYPE (default Task), ROVO_AUDIT_JIRA_LABELS,
ROVO_AUDIT_JIRA_PRIORITIES (severity=Priority pairs; default: no priority set),
ROVO_AUDIT_JIRA_STATE_DIR (where --apply remembers the items it wrote, so that a re-run
before Jira's search index catches up still finds them; default ~/.cache/rovo-audit/jira).

Exit status: 0 in step (or the dry run's plan printed); 1 a request failed (per group:
the rest were done; run it again to finish); 2 bad input or usage.
"""


def add_jira_flags(p: argparse.ArgumentParser, *, common: bool) -> None:
    """The Jira flags; `common`: also --env-file and --timeout (audit has them already)."""
    g = p.add_argument_group("Jira work items")
    g.add_argument("--jira-url", metavar="URL", help="the Jira Cloud site (default ROVO_AUDIT_JIRA_URL)")
    g.add_argument("--project", metavar="KEY", help="the project's key (default ROVO_AUDIT_JIRA_PROJECT)")
    g.add_argument("--issue-type", metavar="NAME", help="work type of the items created (default Task)")
    g.add_argument("--labels", metavar="LIST", help="extra labels on the items created, comma-separated")
    g.add_argument("--priorities", metavar="MAP", help="severity=Priority pairs, e.g. critical=Highest,high=High")
    g.add_argument(
        "--report-url", metavar="URL", help="where the report is published: linked from each work item and notification"
    )
    if common:
        g.add_argument("--env-file", metavar="FILE", help="read ROVO_AUDIT_* settings from this file (default ./.env)")
        g.add_argument("--timeout", type=float, metavar="SECONDS", help="per-request timeout (default 30)")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from ..verdict import FAIL_ON_CHOICES

    p = sub.add_parser(
        "tickets",
        help="keep Jira work items in step with the blocking findings",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--results", metavar="FILE", required=True, help="results.json of an audit")
    p.add_argument("--apply", action="store_true", help="write to Jira (default: a dry run that only reads)")
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="fail",
        metavar="LEVEL",
        help="which findings need a work item, as audit's --fail-on (default fail: fail and unknown)",
    )
    add_jira_flags(p, common=True)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..load.results import read_results

    results = read_results(Path(args.results))
    return sync(results, args, apply=args.apply, fail_on=args.fail_on)


def check_report_url(args: argparse.Namespace) -> None:
    """--report-url is linked from work items (an ADF link mark) and notifications (a Teams
    button): an http(s) URL with a host, no space or control character (Jira and Teams refuse
    a link that is not a URL, and then every create or the whole card fails)."""
    from urllib.parse import urlsplit

    url = args.report_url
    if url is None:
        return
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    require(
        ok and not any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url),
        "--report-url: expected an http(s) URL with a host, e.g. https://ci.example.com/rovo-audit/report.html",
    )


def jira_settings(args: argparse.Namespace) -> tuple[JiraConfig, AuthHeader]:
    """The Jira settings and credential, checked whole (usage errors name the flag or variable);
    `audit --tickets` calls it before the audit runs, so a bad setting stops it before any output."""
    from pydantic import SecretStr

    from ..collect.http import AuthHeader
    from ..config import load_jira_config

    check_report_url(args)
    config = load_jira_config(
        {
            "jira_url": args.jira_url,
            "jira_project": args.project,
            "jira_issue_type": args.issue_type,
            "jira_labels": args.labels,
            "jira_priorities": args.priorities,
            "timeout_seconds": args.timeout,
        },
        args.env_file,
    )
    require(config.jira_url is not None, "tickets needs the Jira site: --jira-url URL or ROVO_AUDIT_JIRA_URL")
    require(config.jira_project is not None, "tickets needs the project: --project KEY or ROVO_AUDIT_JIRA_PROJECT")
    creds = config.credentials()
    header = creds.authorization()
    require(
        header is not None,
        "tickets needs a credential: ROVO_AUDIT_JIRA_EMAIL + ROVO_AUDIT_JIRA_API_TOKEN, or ROVO_AUDIT_JIRA_BEARER",
    )
    assert header is not None and config.jira_url is not None and config.jira_project is not None
    scheme, _, secret = header.partition(" ")
    auth = AuthHeader(scheme, SecretStr(secret))
    return config, auth


def sync(results: Results, args: argparse.Namespace, *, apply: bool, fail_on: str) -> int:
    """Plan (and with `apply`, carry out) the sync of `results` with Jira; the exit status."""
    import asyncio

    from ..collect.http import HttpError, RetryPolicy
    from ..config import Redactor
    from ..report.jira_adf import comment, content
    from ..report.safe import terminal
    from ..report.tickets import outcome_text, plan_text
    from ..tickets import state
    from ..tickets.jira import JiraClient, JiraSession
    from ..tickets.planner import groups, plan
    from ..tickets.sync import Target, carry_out

    config, auth = jira_settings(args)
    redact = Redactor(config.secret_values())

    def warn(problem: str | None) -> None:
        if problem is not None:
            print(redact(terminal(f"rovo-audit: warning: {problem}")), file=sys.stderr)

    site, project = config.jira_url, config.jira_project
    assert site is not None and project is not None  # jira_settings required both
    all_groups = groups(results, fail_on)
    contents = {
        g.label: content(g, report_url=args.report_url, priorities=config.priorities)
        for g in all_groups
        if g.is_blocking
    }
    target = Target(project, config.jira_issue_type, config.labels)

    async def go() -> int:
        retry = RetryPolicy(max_retries=config.max_retries, max_wait=config.max_retry_wait_seconds)
        async with JiraSession(
            timeout=config.timeout_seconds, retry=retry, concurrency=1, tls=site.startswith("https://")
        ) as session:
            client = JiraClient(session, site, auth)
            state_path = state.path_for(
                Path(config.jira_state_dir) if config.jira_state_dir else state.default_dir(), site, project
            )
            remembered, problem = state.load(state_path)
            warn(problem)
            reconcile = remembered.reconcile()
            items = await client.managed_items(project, reconcile)
            the_plan = plan(all_groups, items, contents)
            check = remembered.to_read(the_plan.actions)  # what the search may be stale about
            if check:
                fresh = [i for i in [await client.item(x) for x in check] if i is not None]
                items = (*(i for i in items if i.id not in check), *fresh)
                the_plan = plan(all_groups, items, contents)
            print(redact(plan_text(the_plan, project=project, site=site, apply=apply)), file=sys.stdout)
            if not apply or not the_plan.actions:
                return 0
            written: list[tuple[str, str]] = []
            try:
                outcomes = await carry_out(
                    client,
                    target,
                    the_plan.actions,
                    lambda a: comment(a, as_of=results.as_of, report_url=args.report_url),
                    redact,
                    lambda label, issue_id: written.append((label, issue_id)) if state.is_id(issue_id) else None,
                )
            finally:  # also when interrupted (Ctrl-C): what was written is remembered
                if written:  # newest first; onto the file as it is now (another run may have saved)
                    now, _ = state.load(state_path)
                    warn(state.save(state_path, now.after(reversed(written))))
            print(redact(outcome_text(outcomes)), file=sys.stdout)
            return 1 if any(o.error is not None for o in outcomes) else 0

    try:
        return asyncio.run(go())
    except HttpError as e:
        print(redact(f"rovo-audit: error: Jira {e}; nothing more was written"), file=sys.stderr)
        return 1
