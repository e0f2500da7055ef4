"""`rovo-audit doctor`: walk the layers between an MCP client and the Rovo MCP server, in
order, and name the first one that breaks; `--explain` reads a pasted error message offline."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .options import as_of, require, run_clock, select_orgs

DEFAULT_TIMEOUT = 15.0
# The profiles of auditor/data/client_profiles.yaml (tests/doctor/test_client_profiles.py checks
# they agree); written out so that `--help` and a bad value need not load the data file.
CLIENTS = ("claude-code", "claude-ai", "cursor", "vscode", "mcp-remote", "generic")
# The configuration fields the doctor reads, and the doctor's flag for each.
FLAGS = {
    "mcp_url": "--url",
    "api_base_url": "--api-base-url",
    "mcp_email": "--email",
    "mcp_api_token": "--api-token",
    "mcp_bearer": "--bearer",
    "timeout_seconds": "--timeout",
}

HELP = """\
Check a live Rovo MCP endpoint step by step and say exactly why a client cannot connect.

examples:
  rovo-audit doctor                                   discovery chain of the default endpoint
  rovo-audit doctor --email me@example.com --api-token -  < token.txt
  rovo-audit doctor --bearer "$TOKEN" --origin https://app.example.com/oauth/callback \\
                    --settings settings.yaml --expect jira.read,confluence.search
  rovo-audit doctor --explain "We are having trouble completing this action"
  rovo-audit doctor --explain - < pasted-errors.txt   a block of messages: one combined verdict
  rovo-audit doctor --offline --bearer - --url https://mcp.atlassian.com/v2/mcp < token.txt
                                                      no request: a JWT's own iss, aud and exp
  rovo-audit doctor --bearer - --settings settings.yaml --client claude-code < token.txt
                                                      judged for one client (DOC-CLIENT-001)

The session (DOC-MCP-001) tries the 2026-07-28 stateless protocol (server/discover), then the
initialize handshake; doctor.json's `eras` lists those the server answered. --client takes
claude-code, claude-ai, cursor, vscode, mcp-remote or generic (the specification's rules).

Secrets: prefer ROVO_AUDIT_MCP_API_TOKEN / ROVO_AUDIT_MCP_BEARER (or `-` to read stdin) over
flags, which other users of the machine can see. Settings come from ROVO_AUDIT_* variables and
./.env as for collect; flags win, and a credential flag replaces the other kind of credential
set there. The doctor only reads: dynamic client
registration needs --try-register; a tool is called only with --call-tool, and only when it is
read-only. Writes doctor.json and doctor.html to --out (default reports/).
Exit status: 0 works as expected (or --explain recognised the message); 1 a cause was found
(or the message is not recognised); 2 bad usage.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "doctor",
        help="say exactly why an MCP client cannot connect",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--url", metavar="URL", help="MCP endpoint (default: ROVO_AUDIT_MCP_URL or https://mcp.atlassian.com/v1/mcp)"
    )
    p.add_argument(
        "--origin", metavar="URL", help="the client's origin or OAuth redirect URL, as the domain allowlist sees it"
    )
    p.add_argument("--email", metavar="EMAIL", help="account email for --api-token (Basic auth)")
    p.add_argument("--api-token", metavar="TOKEN", help="API token, sent as Basic with --email ('-' reads stdin)")
    p.add_argument(
        "--bearer", metavar="TOKEN", help="OAuth access token or service-account key, sent as Bearer ('-' reads stdin)"
    )
    p.add_argument(
        "--api-base-url",
        metavar="URL",
        help="Atlassian API for accessible-resources (default https://api.atlassian.com)",
    )
    p.add_argument(
        "--settings", metavar="FILE", help="OrgSettings snapshot: check the origin, auth mode and permissions"
    )
    p.add_argument("--org", metavar="ID|NAME", help="which org of --settings (needed when it has several)")
    p.add_argument(
        "--expect",
        metavar="LIST",
        default="",
        help="permission groups the client needs, e.g. jira.read,confluence.search",
    )
    p.add_argument("--try-register", action="store_true", help="attempt dynamic client registration (creates a client)")
    p.add_argument("--call-tool", metavar="NAME", help="call this tool once, only if it is read-only")
    p.add_argument("--call-args", metavar="JSON", default="{}", help="arguments for --call-tool, a JSON object")
    p.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR", help="output folder (default: reports/)")
    p.add_argument(
        "--as-of",
        type=as_of,
        default=None,
        metavar="ISO-DATE",
        help="pin the clock (endpoint sunset dates, generated_at)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="per-request timeout (default ROVO_AUDIT_TIMEOUT_SECONDS or 15)",
    )
    p.add_argument("--ca-file", metavar="FILE", help="CA bundle to trust (e.g. a TLS-inspecting proxy's)")
    p.add_argument(
        "--explain",
        metavar="MESSAGE",
        help="offline: explain a pasted error message, or a block of them with '-' (stdin): one combined verdict",
    )
    p.add_argument(
        "--client",
        metavar="NAME",
        help="judge the connection for this client (DOC-CLIENT-001): " + ", ".join(CLIENTS),
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="send no request: judge only the URL, the credential's own form and claims (a JWT's iss/aud/exp), "
        "--settings and --client",
    )
    p.add_argument("--verbose", "-v", action="store_true", help="show every step's details")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.client is not None and args.client not in CLIENTS:
        raise UsageError(f"--client: unknown client {args.client!r}; expected one of: {', '.join(CLIENTS)}")
    if args.offline and (args.try_register or args.call_tool):
        flag = "--try-register" if args.try_register else "--call-tool"
        raise UsageError(f"{flag} needs the network; --offline sends no request")
    if args.explain is not None:
        return _explain(args.explain, args)
    from ..doctor.steps import run_doctor
    from ..report.doctor import render_text, write

    options = build_options(args)
    report = run_doctor(options)
    written = write(report, args.out)
    if not args.quiet:
        print(render_text(report, verbose=args.verbose))
        print(f"Wrote {', '.join(str(p) for p in written)}")
    return report.exit_status


def _explain(message: str, args: argparse.Namespace) -> int:
    from ..doctor.knowledge import explain, explain_block
    from ..report.explain import render_block, render_explain
    from ..report.safe import terminal

    text = sys.stdin.read() if message == "-" else message
    require(bool(text.strip()), "--explain needs the error message text (or '-' to read it from stdin)")
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        block = explain_block(text)
        print(terminal(render_block(block, next_command=_next_command(block, args))))
        return 0 if block.causes else 1
    matches = explain(text)
    print(terminal(render_explain(text.strip(), matches)))
    return 0 if matches else 1


# A URL in a pasted line, in characters that stay one word in any shell (the suggestion is
# meant to be copied: no quote, `;`, `$` or space can ride along from the pasted text).
_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?/[A-Za-z0-9._~/-]*")


def _pasted_endpoint(block: Any) -> str | None:
    """The first Rovo MCP endpoint URL (a path of mcp_endpoints.yaml) a pasted line names."""
    from urllib.parse import urlsplit

    from ..doctor.facts import endpoints

    known = endpoints()
    for line in block.lines:
        for url in _URL.findall(line.text):
            found = known.find(urlsplit(url).path)
            if found is not None and found.status != "deprecated":
                return str(url.rstrip("/"))
    return None


def _next_command(block: Any, args: argparse.Namespace) -> str:
    """The doctor command that checks the block's causes live, with the flags they need."""
    flags = ["rovo-audit doctor"]
    url = args.url or _pasted_endpoint(block)
    if url:
        flags.append(f"--url {url}")
    steps = {s for c in block.causes for s in c.cause.checked_by}
    if any(s.startswith(("DOC-CRED", "DOC-MCP")) for s in steps):
        flags.append("--bearer -" if block.oauth else "--email EMAIL --api-token -")
    if any(s.startswith("DOC-SETTINGS") for s in steps):
        flags.append("--settings settings.yaml --origin REDIRECT-URL")
    if args.client:
        flags.append(f"--client {args.client}")
    return " ".join(flags)


def build_options(args: argparse.Namespace) -> Any:
    from pydantic import SecretStr

    from ..config import load_config
    from ..doctor.model import DoctorOptions

    overrides: dict[str, Any] = {
        "mcp_url": args.url,
        "api_base_url": args.api_base_url,
        "mcp_email": args.email,
        "mcp_api_token": SecretStr(_secret_arg(args.api_token)) if args.api_token else None,
        "mcp_bearer": SecretStr(_secret_arg(args.bearer)) if args.bearer else None,
        "timeout_seconds": args.timeout,
    }
    # Only the settings the doctor reads: a collect-only setting in env or .env is not its business.
    config = load_config(overrides, flag_names=FLAGS, only=FLAGS)
    # collect's default timeout is 30 s; the doctor answers sooner unless told otherwise.
    timeout = config.timeout_seconds if "timeout_seconds" in config.model_fields_set else DEFAULT_TIMEOUT
    org, settings_path = _settings(args.settings, args.org)
    return DoctorOptions(
        url=config.mcp_url,
        credentials=config.mcp_credentials(),
        api_base=config.api_base_url,
        as_of=run_clock(args.as_of),
        origin=_origin(args.origin),
        settings=org,
        settings_path=settings_path,
        expect=_expect(args.expect),
        try_register=args.try_register,
        call_tool=args.call_tool,
        call_args=_call_args(args.call_args),
        timeout=timeout,
        ca_file=_ca_file(args.ca_file),
        offline=args.offline,
        client=args.client,
    )


def _secret_arg(value: str) -> str:
    if value != "-":
        return value
    secret = sys.stdin.readline().strip()
    require(bool(secret), "expected the secret on stdin ('-')")
    return secret


def _settings(path: str | None, wanted: str | None) -> tuple[Any, str | None]:
    if path is None:
        require(wanted is None, "--org selects an org of --settings; give --settings too")
        return None, None
    from ..load.documents import load_file

    orgs = load_file(path, expect="OrgSettings").model.orgs
    if wanted is not None:
        return select_orgs(orgs, [wanted], path)[0], path
    require(len(orgs) == 1, f"{path} has {len(orgs)} orgs; choose one with --org ID|NAME")
    return orgs[0], path


def _expect(text: str) -> tuple[str, ...]:
    from ..catalog import permission_groups

    products = permission_groups().products
    items = [i.strip() for i in text.split(",") if i.strip()]
    for item in items:
        product, _, group = item.partition(".")
        if product not in products or group not in products[product].groups:
            known = ", ".join(f"{p}.{g}" for p, spec in products.items() for g in spec.groups)
            raise UsageError(f"--expect: unknown permission group {item!r}; expected product.group among: {known}")
    return tuple(dict.fromkeys(items))


def _origin(text: str | None) -> str | None:
    if text is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    require(
        bool(parts.scheme and parts.netloc), f"--origin: expected a URL such as https://app.example.com, got {text!r}"
    )
    return text.strip()


def _call_args(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"--call-args: not JSON ({e.msg} at column {e.colno})") from None
    except (ValueError, RecursionError) as e:  # an integer past Python's digit limit; nesting too deep
        raise UsageError(f"--call-args: not usable JSON ({type(e).__name__}: {str(e)[:120]})") from None
    if not isinstance(value, dict):
        raise UsageError('--call-args: expected a JSON object, e.g. \'{"issueIdOrKey": "PROJ-1"}\'')
    return value


def _ca_file(path: str | None) -> str | None:
    if path is not None:
        require(Path(path).is_file(), f"--ca-file {path}: no such file")
    return path
