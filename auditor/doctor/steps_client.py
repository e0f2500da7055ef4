"""DOC-CLIENT-001: the chosen client (--client) against what the earlier steps saw, so that
"works for VS Code, fails for Claude Code" is said, and why. Every other profile's verdict
is listed in the details; the step's status is the chosen client's."""

from __future__ import annotations

from ..patterns import Pattern, PatternSyntaxError, parse_pattern, supported_domain_patterns
from .context import Out, Run
from .model import StepResult
from .profiles import Seen, compare, overall, profiles

_CAUSE = {
    "redirect": "origin-not-allowlisted",
    "discovery": "prm-missing",
    "registration": "registration-missing",
    "eras": "client-era-unsupported",
    "issuer": "issuer-mismatch",
    "resource": "prm-resource-mismatch",
}


def profile(run: Run, out: Out) -> StepResult:
    data = profiles()
    seen = seen_by(run)
    matrix = [f"{name}: {_said(overall(compare(name, seen)))}" for name in data.profiles]
    source = f"profiles: auditor/data/client_profiles.yaml (as of {data.as_of})"
    chosen = run.options.client
    if chosen is None:
        return out.skipped("no --client given", details=[*matrix, source])
    p = data.profiles[chosen]
    checks = compare(chosen, seen)
    verdict = overall(checks)
    details = [f"{c.aspect}: {c.text}" for c in checks]
    others = [line for line in matrix if not line.startswith(f"{chosen}:")]
    details += ["other clients — " + "; ".join(others), source]
    if verdict == "fails":
        failed = [c for c in checks if c.verdict == "fails"]
        return out.failed(
            f"fails for {p.title}: {failed[0].text}",
            details=[*details, f"after a change of authorization server: {p.clear_cache}"],
            causes=[_CAUSE[c.aspect] for c in failed],
        )
    if verdict == "works":
        return out.passed(f"works for {p.title}", details=details)
    if all(c.verdict == "unknown" for c in checks):
        return out.skipped(f"nothing seen to judge {p.title} by", details=details)
    unknown = [c.aspect for c in checks if c.verdict == "unknown"]
    return out.warning(f"no fault seen for {p.title}, but not established: {', '.join(unknown)}", details=details)


def seen_by(run: Run) -> Seen:
    d = run.discovery
    meta = d.metadata if d else None
    # Discovery.registration_methods: what DOC-AUTH-006/007 judged (dcr, cimd). Without metadata
    # (the 2025-03-26 default endpoints) DCR is known only when --try-register got a client id
    # from the default /register.
    registration = frozenset(d.registration_methods) if d is not None and meta is not None else None
    if registration is None and run.registration is not None and run.registration.client_id_issued:
        registration = frozenset({"dcr"})
    eras = _eras(run)
    issuer = d.issuer_matches if d else None
    identical = d.resource_identical if d else None
    resource = (
        None
        if d is None or identical is None
        else ("identical" if identical else "parent" if d.resource_matches else "other")
    )
    return Seen(
        allowlist=_allowlist(run),
        origin=run.options.origin,
        discovery=_discovery(run),
        registration=registration,
        eras=eras,
        issuer_differs=None if issuer is None else not issuer,
        resource=resource,
    )


def _discovery(run: Run) -> str | None:
    """prm, legacy (found at the MCP origin, the 2025-03-26 way) or none; None: not seen."""
    d = run.discovery
    if d is None:
        return None
    if d.legacy:  # Discovery.fallback: the rule DOC-AUTH-002/003 judge the layout by
        return "legacy" if d.fallback is not None else "none"
    found = d.resource_metadata.found if d.resource_metadata else None
    return "prm" if found is not None else "none"


def _eras(run: Run) -> frozenset[str] | None:
    """The eras DOC-MCP-001 found the server answering (None: not tested, e.g. offline)."""
    return frozenset(run.eras) or None


def _allowlist(run: Run) -> tuple[Pattern, ...] | None:
    org = run.options.settings
    mcp = org.rovo_mcp if org else None
    if mcp is None or mcp.domains is None:
        return None
    own: list[Pattern] = []
    for entry in mcp.domains:
        try:
            own.append(parse_pattern(entry))
        except PatternSyntaxError:
            continue  # DOC-SETTINGS-001 names malformed entries
    if mcp.atlassian_supported_domains:
        own.extend(supported_domain_patterns())
    return tuple(own)


def _said(verdict: str) -> str:
    return {"works": "works", "fails": "fails", "unknown": "not established"}[verdict]
