"""`rovo-audit collect`: build the settings snapshot from Atlassian's APIs, the MCP server
itself and an admin's attestation; write it atomically; exit 0 complete, 1 partial, 2 bad
configuration."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .options import as_of, run_clock

HELP = """\
Collect an org's Rovo MCP settings into an OrgSettings snapshot for `rovo-audit audit`.

Sources (each optional; configure with ROVO_AUDIT_* variables or a .env file):
  admin API     ROVO_AUDIT_ADMIN_API_KEY: org, verified domains, IP allowlist, API tokens
                and keys, audit-log events showing MCP use
  OAuth token   ROVO_AUDIT_OAUTH_TOKEN: accessible sites and granted scopes (credential kind oauth)
  MCP probe     ROVO_AUDIT_MCP_EMAIL + ROVO_AUDIT_MCP_API_TOKEN (Basic), or ROVO_AUDIT_MCP_BEARER:
                initialize + tools/list (API token auth, permission groups); without a
                credential, the OAuth discovery chain only
  --attest FILE an OrgSettings written by an admin, for what no API shows (domain allowlist,
                supported-domains toggle, API token toggle, Permissions tab)

examples:
  ROVO_AUDIT_ADMIN_API_KEY=... rovo-audit collect --org 0c4e2b1a-... --out settings.yaml
  rovo-audit collect --out settings.yaml --attest attested.yaml
  rovo-audit audit --collect --policy baseline --attest attested.yaml

Exit status: 0 everything configured was collected; 1 something failed (the snapshot is
written, the failed sections are absent and listed in collection_errors); 2 bad configuration.
Secrets are never printed, logged or written.
"""


def add_source_options(p: argparse.ArgumentParser) -> None:
    """The flags shared by `collect` and `audit --collect` (flags win over env and .env)."""
    g = p.add_argument_group("collection")
    g.add_argument(
        "--org",
        action="append",
        default=[],
        metavar="ID",
        help="org id (repeatable; default ROVO_AUDIT_ORG_ID, else every org the admin API key sees)",
    )
    g.add_argument("--attest", metavar="FILE", help="OrgSettings written by an admin for what no API shows")
    g.add_argument(
        "--env-file", metavar="FILE", help="read ROVO_AUDIT_* settings from this file (default: ./.env if present)"
    )
    g.add_argument("--api-base-url", metavar="URL", help="Atlassian API base (default https://api.atlassian.com)")
    g.add_argument(
        "--mcp-url", metavar="URL", help="Rovo MCP endpoint to probe (default https://mcp.atlassian.com/v1/mcp)"
    )
    g.add_argument(
        "--probe-org",
        metavar="ID",
        help="the org the OAuth token and MCP credential belong to (default: the first org)",
    )
    g.add_argument("--timeout", type=float, metavar="SECONDS", help="per-request timeout (default 30)")
    g.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="requests in flight at most, across endpoints and orgs (default 16)",
    )
    g.add_argument(
        "--events-days", type=int, metavar="N", help="audit-log window for MCP use, in days; 0 skips it (default 30)"
    )


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "collect",
        help="collect settings from Atlassian into a snapshot",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="where to write the OrgSettings snapshot (YAML)"
    )
    p.add_argument(
        "--as-of", type=as_of, default=None, metavar="ISO-DATE", help="pin the collection time (reproducible snapshots)"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress and no summary; errors only")
    add_source_options(p)
    p.set_defaults(handler=run)


def collect_to_file(args: argparse.Namespace, out: Path) -> tuple[Any, int]:
    """Collect as `args` say and write the snapshot to `out`; (outcome, exit status). Used by
    `collect` and `audit --collect`. Raises UsageError/InputError for bad configuration."""
    import asyncio

    from ..atomic import write_atomic
    from ..collect.attest import load_attestation
    from ..collect.run import CollectionFailed, collect_async
    from ..config import Redactor, load_config, unknown_settings
    from ..errors import UsageError
    from ..report.settings_yaml import dump_snapshot, header_comment

    if out.is_dir():
        raise UsageError(f"--out {out}: is a folder; name the snapshot file, e.g. {out / 'settings.yaml'}")
    orgs = [o.strip() for o in args.org]
    if any(not o for o in orgs):
        raise UsageError("--org: an org id cannot be empty")
    overrides = {
        "api_base_url": args.api_base_url,
        "mcp_url": args.mcp_url,
        "probe_org": args.probe_org,
        "timeout_seconds": args.timeout,
        "concurrency": args.concurrency,
        "events_days": args.events_days,
    }
    config = load_config(overrides, args.env_file)
    redact = Redactor(config.secret_values())
    for warning in unknown_settings(args.env_file):
        print(f"rovo-audit: warning: {warning}", file=sys.stderr)
    attestation = load_attestation(args.attest) if args.attest else None
    when = run_clock(args.as_of)
    progress = not args.quiet and sys.stderr.isatty()
    try:
        outcome = asyncio.run(
            collect_async(
                config, org_ids=orgs or config.org_ids, attestation=attestation, as_of=when, progress=progress
            )
        )
    except CollectionFailed as e:
        print(redact(f"rovo-audit: collect failed: {e}"), file=sys.stderr)
        return None, 1
    text = redact(dump_snapshot(outcome.settings, header=header_comment(outcome)))
    write_atomic(out, text)
    if not args.quiet:
        from ..report.collect import collect_summary

        print(redact(collect_summary(outcome) + f"\n  wrote {out}"), file=sys.stdout)
    return outcome, outcome.exit_status


def run(args: argparse.Namespace) -> int:
    _, status = collect_to_file(args, args.out)
    return status
