"""`rovo-audit init --from-settings FILE`: a commented policy that describes today's settings.

The policy holds what the settings hold, exactly: every allowlist entry (entries of every
org in `required`, the others in `allowed`), each toggle as it is, the scopes all
credentials share, each permission group as it is, the IP ranges. Auditing the same
settings with it gives no `fail`, except RMCP-DOM-006 on entries that break Atlassian's
pattern rules, which no policy can accept; what is risky today is set to `warn` so it
shows. It is a starting point: the comments say where to tighten.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded by the handler; --help stays light
    from ..model.settings import Org, OrgSettings

HELP = """\
Write a policy that describes the current settings exactly, as a starting point to tighten.

examples:
  rovo-audit init --from-settings settings.yaml                   print it
  rovo-audit init --from-settings settings.yaml --out policies/ours.yaml
  rovo-audit init --from-settings estate.yaml --org "Example Corp"  one org of several

With several orgs, what they all share is required and the rest is allowed, so the policy
passes every one of them.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "init",
        help="write a policy describing current settings (a starting point)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--from-settings", required=True, metavar="FILE", help="OrgSettings snapshot to describe")
    p.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="write the policy here (default: standard output)"
    )
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--org", action="append", default=[], metavar="ID|NAME", help="describe only this org (repeatable)")
    p.add_argument(
        "--name", default=None, metavar="NAME", help="metadata.name of the policy (default: from the file name)"
    )
    p.set_defaults(handler=run)


# What YAML reads as a line break (\x85 NEL, U+2028/2029) or refuses as non-printable, and the
# bidi controls that would reorder what an editor shows: never raw in what init writes.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]"
)


def q(value: str) -> str:
    """A YAML scalar that reads back as exactly this string: a JSON string (JSON strings are
    YAML), with the characters YAML would fold or refuse written as \\u escapes."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _printable(line: str) -> str:
    """A line with data in its comments: such characters shown as escapes, never acted on."""
    return _UNPRINTABLE.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", line
    )


def _flow(values: Iterable[str]) -> str:
    return "[" + ", ".join(q(v) for v in values) + "]"


def _agree(values: Iterable[bool | None], yes: str, no: str) -> str:
    """require/forbid when every org that states the value agrees; else allow."""
    seen = {v for v in values if v is not None}
    if seen == {True}:
        return yes
    if seen == {False}:
        return no
    return "allow"


def _oauth_open(org: Org) -> bool | None:
    mcp = org.rovo_mcp
    if mcp is None:
        return None
    if mcp.atlassian_supported_domains is True or (mcp.domains is not None and len(mcp.domains) > 0):
        return True
    if mcp.atlassian_supported_domains is False and mcp.domains is not None:
        return False
    return None


def _domains(orgs: list[Org], lines: list[str], notes: list[str]) -> None:
    from ..patterns import PatternSyntaxError, parse_pattern, public_suffix_wildcard, rule_violations

    mcps = [o.rovo_mcp for o in orgs if o.rovo_mcp is not None]
    if not any(m.domains is not None or m.atlassian_supported_domains is not None for m in mcps):
        return
    listed = [m.domains for m in mcps if m.domains is not None]
    clean: dict[str, None] = {}
    broken: dict[str, str] = {}
    malformed: dict[str, str] = {}
    suffix_wildcards: list[str] = []
    for entries in listed:
        for text in entries:
            try:
                pattern = parse_pattern(text)
            except PatternSyntaxError as e:
                malformed.setdefault(text, e.message)
                continue
            problems = rule_violations(pattern)
            if problems:
                broken.setdefault(text, "; ".join(v.message for v in problems))
            else:
                clean.setdefault(text, None)
            if public_suffix_wildcard(pattern) is not None:
                suffix_wildcards.append(text)
    # A wildcard over a public suffix is listed but never required: keep it visible, not entrenched.
    everywhere = [t for t in clean if all(t in e for e in listed) and t not in suffix_wildcards]
    elsewhere = [t for t in [*clean, *broken] if t not in everywhere]
    toggle = _agree((m.atlassian_supported_domains for m in mcps), "require", "forbid")
    lines += [
        "",
        "domains:",
        '  # The "Allow Atlassian supported domains" toggle as it is. Set `forbid` to trust only',
        "  # the origins you list (the supported list has multi-tenant wildcards).",
        f"  atlassian_supported: {toggle}",
        "  # Every entry now in Your domains"
        + (" of every org" if len(orgs) > 1 else "")
        + ": each must stay allowed.",
        "  # Delete the clients you no longer need.",
    ]
    lines += ["  required:"] + [f"    - {q(t)}" for t in everywhere] if everywhere else ["  required: []"]
    if elsewhere:
        lines.append(
            "  # Further entries: "
            + ("in some orgs only, " if len(orgs) > 1 else "")
            + "risky, or breaking Atlassian's rules."
        )
    if elsewhere:
        lines.append("  allowed:")
        for t in elsewhere:
            why = (
                f"  # breaks Atlassian's rules: {broken[t]} (RMCP-DOM-006 fails until it is fixed)"
                if t in broken
                else "  # a wildcard over a public suffix: replace it with your own hosts"
                if t in suffix_wildcards
                else ""
            )
            lines.append(f"    - {q(t)}{why}")
            if t in broken:
                notes.append(f"{t}: {broken[t]}; RMCP-DOM-006 fails on it whatever the policy says")
    else:
        lines.append("  allowed: []")
    for t, why in malformed.items():
        lines.append(f"  # not listed, malformed: {q(t)}: {why}")
        notes.append(f"{t}: malformed ({why}); RMCP-DOM-006 fails on it whatever the policy says")
    lines += [
        "  # Nothing is forbidden yet. Tunnel services are a good start, e.g.:",
        '  #   forbidden: ["https://*.ngrok-free.app/**", "https://*.trycloudflare.com/**"]',
        "  forbidden: []",
        "  unlisted: fail                  # a new, undeclared entry is a finding",
    ]
    if suffix_wildcards:
        shown = ", ".join(dict.fromkeys(suffix_wildcards))
        lines += [
            f"  # warn, not fail: today's list has wildcards over a public suffix ({shown}).",
            "  # Replace them with your own hosts, then set this to fail.",
            "  public_suffix_wildcards: warn",
        ]
    else:
        lines.append("  public_suffix_wildcards: fail")


def _auth(orgs: list[Org], lines: list[str]) -> None:
    mcps = [o.rovo_mcp for o in orgs if o.rovo_mcp is not None]
    api = _agree((m.api_token_auth for m in mcps), "require", "forbid")
    oauth = _agree((_oauth_open(o) for o in orgs), "require", "forbid")
    if api == "allow" and oauth == "allow" and not any(m.api_token_auth is not None for m in mcps):
        return
    lines += [
        "",
        "auth:",
        f"  oauth: {oauth}                   # OAuth 2.1 access {'open' if oauth == 'require' else 'closed' if oauth == 'forbid' else 'differs or unknown'} today",
        f"  api_token: {api}               # API token authentication {'on' if api == 'require' else 'off' if api == 'forbid' else 'differs or unknown'} today",
    ]


def _scopes(orgs: list[Org], lines: list[str], notes: list[str]) -> None:
    from ..evaluate.scopes import is_classic, is_recognised

    collected = [o.credentials for o in orgs if o.credentials is not None]
    if not collected:
        return
    held = [set(c.scopes) for creds in collected for c in creds if c.scopes is not None]
    shared: set[str] = set.intersection(*held) if held and all(collected) else set()
    classic = any(
        c.kind == "api_token" and c.scopes and any(is_classic(s) for s in c.scopes)
        for creds in collected
        for c in creds
    )
    # A token whose scopes are all classic sees only the Teamwork Graph tools: RMCP-SCOPE-003
    # fails it at `warn` too, so only `ignore` accepts today's settings.
    classic_only = [
        c.label
        for creds in collected
        for c in creds
        if c.kind == "api_token"
        and c.scopes
        and any(map(is_classic, c.scopes))
        and not any(map(is_recognised, c.scopes))
    ]
    lines += ["", "scopes:", "  # Today's credentials and their scopes:"]
    for org, creds in ((o, o.credentials) for o in orgs if o.credentials is not None):
        prefix = f"{org.display_name}: " if len(orgs) > 1 else ""
        for c in creds:
            scopes = ", ".join(c.scopes) if c.scopes is not None else "(scopes not collected)"
            lines.append(f"  #   {prefix}{c.label} ({c.kind}): {scopes}")
        if not creds:
            lines.append(f"  #   {prefix}(no credentials)")
    lines += [
        '  credentials: ["*"]',
        "  # The scopes every credential holds today. Narrow `credentials` to your app's labels",
        "  # and list the scopes its tools need.",
    ]
    ordered = [s for creds in collected for c in creds for s in (c.scopes or ()) if s in shared]
    lines.append(f"  required: {_flow(dict.fromkeys(ordered))}")
    lines += ['  # Nothing is forbidden yet, e.g. ["manage:*", "delete:*", "admin:*"].', "  forbidden: []"]
    if classic_only:
        shown = ", ".join(dict.fromkeys(classic_only))
        lines += [
            f"  # ignore, not fail: {shown} holds only classic scopes today, which the MCP server ignores",
            "  # (it sees only the Teamwork Graph tools). Issue it again with recognised scopes, then set fail.",
            "  classic_on_api_tokens: ignore",
        ]
        notes.append(
            f"{shown}: only classic scopes, which the MCP server ignores on an API token; "
            "classic_on_api_tokens is ignore until it is issued again with recognised scopes"
        )
    elif classic:
        lines += [
            "  # warn, not fail: an API token holds classic scopes today (the MCP server ignores them).",
            "  classic_on_api_tokens: warn",
        ]
    else:
        lines.append("  classic_on_api_tokens: fail")


def _permissions(orgs: list[Org], lines: list[str]) -> None:
    from ..catalog import permission_groups

    cat = permission_groups()
    perms = [o.rovo_mcp.permissions for o in orgs if o.rovo_mcp is not None and o.rovo_mcp.permissions is not None]
    if not perms:
        return
    api_off = any(o.rovo_mcp is not None and o.rovo_mcp.api_token_auth is False for o in orgs)
    oauth_closed = any(_oauth_open(o) is False for o in orgs)
    lines += [
        "",
        "permissions:",
        "  # Each group as it is: allowed → require, blocked → forbid; partially allowed (or",
        "  # different between orgs) → allow, which checks nothing: decide, then tighten.",
    ]
    for product, spec in cat.products.items():
        values: dict[str, str] = {}
        comments: list[str] = []
        for group in spec.groups:
            seen = {p[product][group] for p in perms if group in p.get(product, {})}
            if not seen:
                continue
            if seen == {"allowed"}:
                word = "require"
                if (spec.requires == "api_token" and api_off) or (spec.requires == "oauth" and oauth_closed):
                    word = "allow"
                    comments.append(
                        f"{group}: allowed, but {spec.title} tools need "
                        f"{'API token authentication' if spec.requires == 'api_token' else 'OAuth 2.1 access'}, off today"
                    )
            elif seen == {"blocked"}:
                word = "forbid"
            else:
                word = "allow"
                comments.append(f"{group}: {' / '.join(sorted(seen))}")
            values[group] = word
        if values:
            body = ", ".join(f"{g}: {w}" for g, w in values.items())
            tail = f"   # {'; '.join(comments)}" if comments else ""
            lines.append(f"  {product}: {{{body}}}{tail}")


def _future_additions(orgs: list[Org], lines: list[str]) -> None:
    """ "Apply to future additions" as it is: off → forbid; on (or different between orgs) → allow."""
    from ..catalog import permission_groups

    flags = [o.rovo_mcp.future_additions for o in orgs if o.rovo_mcp and o.rovo_mcp.future_additions is not None]
    if not flags:
        return
    lines += [
        "",
        "future_additions:",
        '  # "Apply to future additions" as it is: off → forbid (new permissions wait for an',
        "  # admin's review); on, or different between orgs → allow, which checks nothing: decide.",
    ]
    for product, spec in permission_groups().products.items():
        values = {}
        for group in spec.groups:
            seen = {f[product][group] for f in flags if group in f.get(product, {})}
            if seen:
                values[group] = "forbid" if seen == {False} else "allow"
        if values:
            lines.append(f"  {product}: {{{', '.join(f'{g}: {w}' for g, w in values.items())}}}")


def _ip(orgs: list[Org], lines: list[str]) -> None:
    ips = [o.ip_allowlist for o in orgs if o.ip_allowlist is not None]
    if not ips:
        return
    enabled = _agree((i.enabled for i in ips), "require", "forbid")
    considered = [i.ranges for i in ips if i.ranges is not None and i.enabled is not False]
    common = [r for r in dict.fromkeys(r for rs in considered for r in rs) if all(r in rs for rs in considered)]
    lines += [
        "",
        "ip_allowlist:",
        f"  enabled: {enabled}",
        "  # Today's ranges"
        + (" (those every org has)" if len(orgs) > 1 else "")
        + ". Keep the ones your clients' egress needs.",
        f"  required_ranges: {_flow(common)}",
    ]


def policy_text(settings: OrgSettings, orgs: list[Org], source: str, name: str) -> tuple[str, list[str]]:
    """(the policy's YAML, notes for the user about what no policy can accept)."""
    from ..model.common import iso

    when = iso(settings.collected_at) if settings.collected_at else "an unknown time"
    who = ", ".join(o.display_name for o in orgs)
    notes: list[str] = []
    lines = [
        "# Generated by `rovo-audit init --from-settings` from",
        f"#   {source}",
        f"# It describes the settings collected at {when} exactly, so auditing them with it",
        "# gives no fail. What is risky today is set to warn; the comments say where to tighten.",
        "# For editor help:",
        "#   rovo-audit schema policy > policy.schema.json",
        "# and put `# yaml-language-server: $schema=policy.schema.json` as this file's first line.",
        "apiVersion: rovo-audit/v1",
        "kind: Policy",
        "metadata:",
        f"  name: {name}",
        f"  title: {q(f'Rovo MCP settings of {who} as collected at {when}')}",
        "orgs:                             # '*' would cover every org",
        *[f"  - {q(o.id)}  # {o.display_name}" for o in orgs],
    ]
    _domains(orgs, lines, notes)
    _auth(orgs, lines)
    _scopes(orgs, lines, notes)
    _permissions(orgs, lines)
    _future_additions(orgs, lines)
    _ip(orgs, lines)
    lines += ["", "evidence:", "  max_age_days: 90                # older evidence is a warn: re-collect each quarter"]
    # Data reaches comments (names, labels, entries): one physical line each, whatever it holds.
    return "\n".join(_printable(line).replace("\n", "\\n").replace("\r", "\\r") for line in lines) + "\n", notes


def _name(path: str) -> str:
    stem = re.sub(r"[^a-z0-9-]+", "-", Path(path).name.lower().removesuffix(".yaml").removesuffix(".yml")).strip("-")
    return f"current-{stem or 'settings'}"


def run(args: argparse.Namespace) -> int:
    from ..atomic import write_atomic
    from ..errors import UsageError
    from ..load.documents import load_file, load_text
    from ..load.merge import merge_policies
    from .options import select_orgs

    settings = load_file(args.from_settings, expect="OrgSettings").model
    orgs = select_orgs(settings.orgs, args.org or (), args.from_settings)
    if not orgs:
        raise UsageError(f"{args.from_settings} has no org to describe")
    name = args.name or _name(args.from_settings)
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise UsageError(f"--name {name!r}: use lowercase letters, digits and dashes")
    text, notes = policy_text(settings, orgs, args.from_settings, name)
    merge_policies(
        [load_text(text, str(args.out or "<generated policy>"), expect="Policy")]
    )  # must load, or it is our bug
    if args.out is not None:
        if args.out.exists() and not args.force:
            raise UsageError(f"--out {args.out} exists; add --force to overwrite it")
        write_atomic(args.out, text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    for note in notes:
        print(f"rovo-audit: note: {note}", file=sys.stderr)
    return 0
