"""The OAuth discovery chain as an MCP client walks it (MCP authorization, RFC 9728/8414/7591).

Faults here break OAuth 2.1 clients; for an API-token credential they are warnings only.
A server in the 2025-03-26 layout (no protected resource metadata; the authorization server
at the MCP origin, or only its default endpoints there) is a warning naming the clients that
still connect that way (mcp_discovery.yaml), not a failure; finding nothing still fails.
Registration (DOC-AUTH-006/007) is in steps_register.py.
"""

from __future__ import annotations

from ..mcpclient import Discovery, Fetch
from .context import Out, Run
from .facts import discovery_facts
from .knowledge import classify
from .model import StepResult


def _attempts(fetches: tuple[Fetch, ...]) -> list[str]:
    return [f"{f.url} → {'found' if f.document is not None else f.problem}" for f in fetches]


def challenge(run: Run, out: Out) -> StepResult:
    d = run.discovery
    if d is None or not run.endpoint_ok:
        return out.skipped("the endpoint did not answer (DOC-ENDPOINT-002/003)")
    c = d.challenge
    evidence = [c.exchange] if c.refused is None else [c.refused, c.exchange]
    details = (
        []
        if c.refused is None
        else [
            f"an anonymous initialize got HTTP {c.refused.status} (the server checks the protocol era before "
            f"authenticating); this answer is to an anonymous {c.method} in the 2026-07-28 shape"
        ]
    )
    if c.status == 401 and c.resource_metadata:
        return out.passed(
            f"401 with a Bearer challenge naming resource_metadata={c.resource_metadata}",
            details=details,
            evidence=evidence,
        )
    if c.status == 401:
        what = "a Bearer challenge without resource_metadata" if c.scheme else "no WWW-Authenticate challenge"
        return out.warning(
            f"401 with {what}: clients must fall back to the well-known URLs (DOC-AUTH-002)",
            details=details,
            evidence=evidence,
        )
    if c.status is not None and 200 <= c.status < 300:
        return out.warning(
            f"HTTP {c.status}: the endpoint accepted an anonymous {c.method} (no authorization asked)",
            details=details,
            evidence=evidence,
        )
    known = classify(c.exchange.body, c.params.get("error_description"))
    return out(
        run.discovery_failure,
        f"HTTP {c.status} instead of 401 to an anonymous request",
        causes=known or ["not-an-mcp-endpoint"],
        evidence=evidence,
    )


def resource_metadata(run: Run, out: Out) -> StepResult:
    d = run.discovery
    if d is None or d.resource_metadata is None or run.status("DOC-AUTH-001") in (None, "skipped"):
        return out.skipped("no answer from the endpoint to start discovery from (DOC-AUTH-001)")
    lookup = d.resource_metadata
    details = _attempts(lookup.attempts)
    found = lookup.found
    evidence = [f.exchange for f in lookup.attempts]
    if found is None or (not d.authorization_servers and d.fallback is not None):
        where = (
            f"not found at any of {len(lookup.attempts)} candidate URLs"
            if found is None
            else (f"the metadata at {found.url} names no authorization server")
        )
        if d.fallback is not None:
            return out.warning(
                f"{where}; {_fallback_said(d)}",
                details=[*details, *_fallback_clients(d)],
                causes=["legacy-discovery"],
                evidence=evidence,
            )
        return out(
            run.discovery_failure,
            where,
            details=[*details, *_legacy_seen(d)],
            causes=["prm-missing", "client-skipped-discovery"],
            evidence=evidence,
        )
    if d.resource_matches is False:
        return out(
            run.discovery_failure,
            f"the metadata at {found.url} is about {d.resource}, not {d.endpoint}",
            details=details,
            causes=["prm-resource-mismatch"],
            evidence=evidence,
        )
    if not d.authorization_servers:
        return out(
            run.discovery_failure,
            f"the metadata at {found.url} names no authorization server",
            details=details,
            causes=["prm-missing"],
            evidence=evidence,
        )
    if d.resource_identical is False:
        return out.warning(
            f"the metadata at {found.url} is about {d.resource}, a parent of {d.endpoint}: it {d.resource_difference}",
            details=[
                *details,
                "RFC 9728 §3.3: the resource must be identical to the endpoint's; the mcp SDK accepts a parent "
                "or a trailing slash (check_resource_allowed), clients that compare exactly refuse it",
            ],
            causes=["prm-resource-not-identical"],
            evidence=evidence,
        )
    resource = d.resource or "(no resource field)"
    return out.passed(
        f"found at {found.url}: resource {resource}, authorization server {d.authorization_servers[0]}",
        details=details,
        evidence=evidence,
    )


def server_metadata(run: Run, out: Out) -> StepResult:
    d = run.discovery
    if d is None or d.authorization_server is None:
        return out.skipped("no authorization server to look up (DOC-AUTH-002)")
    lookup = d.authorization_server
    details = _attempts(lookup.attempts)
    evidence = [f.exchange for f in lookup.attempts]
    meta = d.metadata
    if d.fallback == "default-endpoints" and d.default_endpoints is not None:
        probes = d.default_endpoints.attempts
        return out.warning(
            f"no metadata at the MCP origin; its default endpoints answer ({_statuses(probes)}): "
            "clients of the 2025-03-26 revision use them",
            details=[*details, *_attempts(probes), *_fallback_clients(d)],
            causes=["legacy-discovery"],
            evidence=[*evidence, *(p.exchange for p in probes)],
        )
    if meta is None or lookup.found is None:
        if d.legacy:
            probes = d.default_endpoints.attempts if d.default_endpoints else ()
            return out(
                run.discovery_failure,
                f"no protected resource metadata, no metadata at the MCP origin and no default endpoints "
                f"({_statuses(probes) or 'not probed'}): clients cannot find the authorization server",
                details=[*details, *_attempts(probes)],
                causes=["prm-missing", "asm-missing"],
                evidence=[*evidence, *(p.exchange for p in probes)],
            )
        return out(
            run.discovery_failure,
            f"no metadata for {d.authorization_server_url} at any of {len(lookup.attempts)} candidate URLs",
            details=details,
            causes=["asm-missing"],
            evidence=evidence,
        )
    via = "OpenID Connect discovery" if meta.via == "openid-configuration" else "RFC 8414"
    legacy = " at the MCP origin (the 2025-03-26 fallback, see DOC-AUTH-002)" if d.legacy else ""
    return out.passed(f"found at {lookup.found.url} ({via}){legacy}", details=details, evidence=evidence)


def issuer(run: Run, out: Out) -> StepResult:
    d = run.discovery
    meta = d.metadata if d else None
    if d is None or meta is None:
        return out.skipped("no authorization server metadata (DOC-AUTH-003)")
    iss = _iss_parameter(meta.iss_parameter_supported)
    expected = d.authorization_server_url
    difference = d.issuer_difference
    if difference is None:
        named = "the MCP origin (2025-03-26 fallback)" if d.legacy else "identical to the authorization server named"
        extra = (
            [] if meta.issuer == expected else [f"{meta.issuer} and {expected} name the same origin (its empty path)"]
        )
        return out.passed(f"issuer {meta.issuer} is {named}; {iss[0]}", details=[*extra, *iss[1:]])
    return out(
        run.discovery_failure,
        f"issuer {meta.issuer!s} is not {expected}: it {difference}",
        details=[
            f"metadata issuer: {meta.issuer!s}",
            f"expected:        {expected}" + (" (the MCP origin)" if d.legacy else " (protected resource metadata)"),
            "RFC 8414 §3.3: the issuer must be identical to the one the metadata URL was built from; "
            "clients that check it (the mcp Python SDK: 'Authorization server metadata issuer mismatch') refuse it",
            *iss,
        ],
        causes=["issuer-mismatch"],
    )


def _iss_parameter(supported: bool | None) -> list[str]:
    """RFC 9207: what `authorization_response_iss_parameter_supported` says (reported, not judged)."""
    if supported is True:
        return [
            "authorization_response_iss_parameter_supported: true (RFC 9207)",
            "the authorization response carries iss; clients must compare it with the issuer, and refuse a "
            "response without it (RFC 9207 §2.4)",
        ]
    said = "false" if supported is False else "absent"
    return [
        f"authorization_response_iss_parameter_supported: {said} (RFC 9207)",
        "clients accept an authorization response without iss; MCP 2026-07-28 says authorization servers "
        "SHOULD send it (a defence against mix-up attacks)",
    ]


def pkce(run: Run, out: Out) -> StepResult:
    d = run.discovery
    meta = d.metadata if d else None
    if d is not None and meta is None and d.fallback == "default-endpoints":
        return out.warning(
            "no metadata, so S256 support is not advertised: the mcp SDK sends S256 anyway; "
            "clients of 2025-11-25 and later refuse an authorization server that does not advertise it",
            causes=["pkce-s256-missing"],
        )
    if meta is None:
        return out.skipped("no authorization server metadata (DOC-AUTH-003)")
    offered = ", ".join(meta.code_challenge_methods) or "none"
    if "S256" in meta.code_challenge_methods:
        return out.passed(f"code_challenge_methods_supported: {offered}")
    return out(
        run.discovery_failure,
        f"S256 is not offered (code_challenge_methods_supported: {offered})",
        causes=["pkce-s256-missing"],
    )


def _statuses(probes: tuple[Fetch, ...]) -> str:
    return ", ".join(f"{p.url.rsplit('/', 1)[-1] or p.url} HTTP {p.exchange.status}" for p in probes)


def _fallback_said(d: Discovery) -> str:
    where = (
        f"authorization server metadata at the MCP origin ({d.origin})"
        if d.fallback == "origin-metadata"
        else f"the default endpoints /authorize and /token at {d.origin}"
    )
    return f"clients of the 2025-03-26 revision fall back to {where} and connect"


def _fallback_clients(d: Discovery) -> list[str]:
    facts = discovery_facts()
    taking = facts.taking(d.fallback or "")
    names = "; ".join(f"{c.name} ({c.certainty}: {c.source})" for c in taking) or "none known"
    return [
        f"clients known to fall back this way (mcp_discovery.yaml, {facts.as_of}): {names}",
        "clients that follow only 2025-06-18 or later stop here: they need protected resource metadata",
    ]


def _legacy_seen(d: Discovery) -> list[str]:
    if not d.legacy:
        blocked = ", ".join(f"{f.url} ({f.problem})" for f in d.prm_unanswered)
        return (
            [
                f"no 2025-03-26 fallback tried: {blocked} says nothing about whether metadata exists, "
                "and the mcp Python SDK stops here too ('Protected resource metadata request failed')"
            ]
            if blocked and not d.authorization_servers
            else []
        )
    return [
        f"2025-03-26 fallback: {line}"
        for line in _attempts(d.authorization_server.attempts if d.authorization_server else ())
    ]
