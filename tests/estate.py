"""A synthetic estate of N orgs for tests and benchmarks: one policy and one OrgSettings snapshot.

Deterministic for a given seed (no clock, no global random state). The mix is meant to look
like a real estate a few months into a rollout: most allowlist entries declared, some unlisted,
a few that hit forbidden patterns, span a public suffix or are malformed; credentials with
classic and granular scopes; evidence of mixed age and source; some sections not collected.

Collected around 2026-11-20: audit with `--as-of 2026-11-26T00:00:00Z` for stable results.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

import yaml

COLLECTED_AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
AS_OF = "2026-11-26T00:00:00Z"

_COMPANIES = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Hooli",
    "Vandelay",
    "Wonka",
    "Soylent",
    "Gringotts",
    "Oscorp",
    "Nakatomi",
    "Monarch",
    "Aperture",
)
_UNITS = (
    "Engineering",
    "Finance",
    "Support",
    "Research",
    "Sales",
    "Legal",
    "Operations",
    "Design",
    "Data",
    "Platform",
    "Security",
    "Marketing",
)
# Wildcards over these span a public suffix (PSL private section): RMCP-DOM-004.
_PSL = (
    "vercel.app",
    "github.io",
    "netlify.app",
    "herokuapp.com",
    "pages.dev",
    "web.app",
    "ngrok-free.app",
    "azurewebsites.net",
    "fly.dev",
    "onrender.com",
)
_PERMISSIONS = {
    "jira": ("read", "search", "write", "delete", "manage"),
    "confluence": ("read", "search", "write"),
}
_SCOPES = (
    "read:jira-work",
    "write:jira-work",
    "read:page:confluence",
    "write:page:confluence",
    "read:issue:jira",
    "write:issue:jira",
    "delete:page:confluence",
    "manage:jira-configuration",
    "read:confluence-content.all",
    "search:confluence",
)
_SOURCES = ("admin-api", "admin-api", "attested", "mcp-probe", "file")

POLICY: dict[str, object] = {
    "apiVersion": "rovo-audit/v1",
    "kind": "Policy",
    "metadata": {"name": "estate-rollout", "title": "Synthetic estate rollout", "owner": "security@corp.example"},
    "domains": {
        "atlassian_supported": "forbid",
        "required": ["https://app.corp.example/oauth/callback"],
        "allowed": ["https://app.corp.example/**", "https://*.tools.corp.example/**", "http://localhost:*/**"],
        "forbidden": ["https://*.ngrok-free.app/**", "https://*.untrusted.example/**"],
        "unlisted": "fail",
        "public_suffix_wildcards": "fail",
    },
    "auth": {"oauth": "require", "api_token": "allow"},
    "scopes": {
        "credentials": ["*"],
        "required": ["read:jira-work"],
        "forbidden": ["manage:*", "delete:*"],
        "classic_on_api_tokens": "warn",
    },
    "permissions": {
        "jira": {"read": "require", "search": "require", "write": "allow", "delete": "forbid", "manage": "forbid"},
        "confluence": {"read": "require", "search": "allow", "write": "forbid"},
    },
    "ip_allowlist": {"enabled": "require", "required_ranges": ["203.0.113.0/24", "198.51.100.0/28"]},
    "evidence": {"max_age_days": 30},
}


def _entry(rng: random.Random, org: int, i: int, used_psl: set[str]) -> str:
    """One allowlist entry; unique within the org (the index is part of every host)."""
    roll = rng.random()
    if roll < 0.62:
        return f"https://svc{i}.tools.corp.example/**"
    if roll < 0.86:
        return f"https://portal{i}.partner{org % 7}.example/**"
    if roll < 0.92:
        return rng.choice((f"https://dev{i}.ngrok-free.app/**", f"https://x{i}.untrusted.example/**"))
    if roll < 0.96:
        return f"http://legacy{i}.corp.example/**"  # http:// off localhost: RMCP-DOM-006
    free = [s for s in _PSL if s not in used_psl]
    if free:
        suffix = rng.choice(free)
        used_psl.add(suffix)
        return f"https://*.{suffix}/**"
    return f"https://svc{i}.tools.corp.example/**"


def _ranges(seed: int, n: int, count: int) -> list[str]:
    """`count` more IP allowlist ranges for org `n`: /16s, /24s and /32s under 10.0.0.0/8, from
    a generator of their own (the estate's other draws stay as they are without them)."""
    rng = random.Random(f"{seed}/{n}/ranges")
    out: dict[str, None] = {}
    while len(out) < count:
        a, b, c = rng.randrange(256), rng.randrange(256), rng.randrange(256)
        out[rng.choice((f"10.{a}.0.0/16", f"10.{a}.{b}.0/24", f"10.{a}.{b}.{c}/32", f"10.{a}.{b}.{c}/32"))] = None
    return list(out)


def _org(rng: random.Random, n: int, entries: int) -> dict[str, object]:
    name = f"{_COMPANIES[n % len(_COMPANIES)]} {_UNITS[(n // len(_COMPANIES)) % len(_UNITS)]}"
    if n >= len(_COMPANIES) * len(_UNITS):
        name += f" {n}"
    used_psl: set[str] = set()
    domains = []
    if rng.random() < 0.85:
        domains.append("https://app.corp.example/**")
    domains += [_entry(rng, n, i, used_psl) for i in range(max(0, entries - len(domains)))]
    domains = list(dict.fromkeys(domains))
    perms = {
        p: {
            g: rng.choice(("allowed", "allowed", "blocked", "partial"))
            if g in ("write", "delete")
            else ("allowed" if rng.random() < 0.9 else "partial")
            if g in ("read", "search")
            else "blocked"
            for g in groups
        }
        for p, groups in _PERMISSIONS.items()
    }
    org: dict[str, object] = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "name": name,
        "sites": [{"url": f"https://org{n}.atlassian.net"}],
        "rovo_mcp": {
            "atlassian_supported_domains": rng.random() < 0.3,
            "domains": domains,
            "api_token_auth": rng.random() < 0.5,
            "permissions": perms,
        },
    }
    evidence: dict[str, object] = {}
    ages = {s: rng.choice((1, 3, 6, 12, 25, 45)) for s in ("rovo_mcp", "ip_allowlist", "credentials")}
    if rng.random() < 0.9:  # otherwise not collected: every IP control is `unknown`
        org["ip_allowlist"] = {
            "enabled": rng.random() < 0.8,
            "ranges": ["203.0.113.0/24"] + (["198.51.100.0/28"] if rng.random() < 0.6 else []),
        }
    creds = []
    for c in range(rng.randint(1, 4)):
        scopes = sorted(rng.sample(_SCOPES, rng.randint(1, 4)))
        creds.append(
            {
                "label": f"bot-{n}-{c}",
                "kind": rng.choice(("api_token", "service_account_key", "oauth")),
                "owner": f"bot-{n}-{c}@corp.example",
                "scopes": scopes,
                "expires": dt.date(2027, 1 + c, 1),
            }
        )
    org["credentials"] = creds
    for section in ("rovo_mcp", "ip_allowlist", "credentials"):
        if section not in org:
            continue
        source = rng.choice(_SOURCES)
        at = COLLECTED_AT - dt.timedelta(days=ages[section])
        ev: dict[str, object] = {"source": source, "at": at}
        if source == "attested":
            ev["by"] = f"admin{n}@corp.example"
        evidence[section] = ev
    org["evidence"] = evidence
    return org


def make_estate(orgs: int, entries_per_org: int, seed: int, *, ip_ranges: int = 0) -> tuple[str, str]:
    """(policy YAML, settings YAML) for `orgs` orgs with `entries_per_org` allowlist entries each
    and, with `ip_ranges`, about that many ranges in each collected IP allowlist (the files are
    otherwise the same as without it).

    Findings per org are roughly 4 × entries_per_org + 30 (four domain controls per entry, plus
    auth, scopes, permissions, IP and evidence checks).
    """
    rng = random.Random(seed)
    org_list = [_org(rng, n, entries_per_org) for n in range(orgs)]
    if ip_ranges:  # each collected IP allowlist grows to about `ip_ranges` ranges
        for n, org in enumerate(org_list):
            ip = org.get("ip_allowlist")
            if isinstance(ip, dict):
                ip["ranges"] += _ranges(seed, n, max(0, ip_ranges - len(ip["ranges"])))
    settings = {
        "apiVersion": "rovo-audit/v1",
        "kind": "OrgSettings",
        "collected_at": COLLECTED_AT,
        "orgs": org_list,
    }
    return (
        yaml.safe_dump(POLICY, sort_keys=False, allow_unicode=True),
        yaml.safe_dump(settings, sort_keys=False, allow_unicode=True),
    )
