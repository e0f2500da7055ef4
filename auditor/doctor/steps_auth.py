"""The OAuth discovery chain as an MCP client walks it (MCP authorization, RFC 9728/8414/7591).

Faults here break OAuth 2.1 clients; for an API-token credential they are warnings only.
"""

from __future__ import annotations

from ..mcpclient import Fetch, register_client
from ..mcpclient.discovery import refused_target
from .context import Out, Run
from .knowledge import classify
from .model import StepResult


def _attempts(fetches: tuple[Fetch, ...]) -> list[str]:
    return [f"{f.url} → {'found' if f.document is not None else f.problem}" for f in fetches]


def challenge(run: Run, out: Out) -> StepResult:
    d = run.discovery
    if d is None or not run.endpoint_ok:
        return out.skipped("the endpoint did not answer (DOC-ENDPOINT-002/003)")
    c = d.challenge
    evidence = [c.exchange]
    if c.status == 401 and c.resource_metadata:
        return out.passed(
            f"401 with a Bearer challenge naming resource_metadata={c.resource_metadata}", evidence=evidence
        )
    if c.status == 401:
        what = "a Bearer challenge without resource_metadata" if c.scheme else "no WWW-Authenticate challenge"
        return out.warning(
            f"401 with {what}: clients must fall back to the well-known URLs (DOC-AUTH-002)", evidence=evidence
        )
    if c.status is not None and 200 <= c.status < 300:
        return out.warning(
            f"HTTP {c.status}: the endpoint accepted an anonymous initialize (no authorization asked)",
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
    if found is None:
        return out(
            run.discovery_failure,
            f"not found at any of {len(lookup.attempts)} candidate URLs",
            details=details,
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
    if meta is None or lookup.found is None:
        return out(
            run.discovery_failure,
            f"no metadata for {d.authorization_server_url} at any of {len(lookup.attempts)} candidate URLs",
            details=details,
            causes=["asm-missing"],
            evidence=evidence,
        )
    via = "OpenID Connect discovery" if meta.via == "openid-configuration" else "RFC 8414"
    return out.passed(f"found at {lookup.found.url} ({via})", details=details, evidence=evidence)


def issuer(run: Run, out: Out) -> StepResult:
    d = run.discovery
    meta = d.metadata if d else None
    if d is None or meta is None:
        return out.skipped("no authorization server metadata (DOC-AUTH-003)")
    if d.issuer_matches:
        return out.passed(f"issuer {meta.issuer} is the authorization server's URL")
    return out(
        run.discovery_failure,
        f"issuer {meta.issuer!s} differs from {d.authorization_server_url}",
        details=["RFC 8414 §3.3: clients must reject metadata whose issuer is not the URL they looked up"],
        causes=["issuer-mismatch"],
    )


def pkce(run: Run, out: Out) -> StepResult:
    meta = run.discovery.metadata if run.discovery else None
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


def registration(run: Run, out: Out) -> StepResult:
    meta = run.discovery.metadata if run.discovery else None
    if meta is None:
        return out.skipped("no authorization server metadata (DOC-AUTH-003)")
    endpoint = meta.registration_endpoint
    if endpoint is None:
        if meta.cimd_supported:
            return out.passed("no registration_endpoint, but client ID metadata documents are supported (DOC-AUTH-007)")
        return out(
            run.discovery_failure,
            "no registration_endpoint and no client ID metadata documents: "
            'clients cannot register ("dynamic client registration 404")',
            causes=["registration-missing", "client-skipped-discovery"],
        )
    if not run.options.try_register:
        return out.passed(f"registration_endpoint advertised: {endpoint} (not called: --try-register creates a client)")
    refused = refused_target(endpoint, run.options.url)
    if refused is not None:
        return out(run.discovery_failure, f"registration_endpoint {endpoint} not called: {refused}")
    redirect = run.options.origin or "http://127.0.0.1:33418/callback"
    result = register_client(run.http, endpoint, redirect)
    if result.client_id_issued:
        return out.passed(
            f"registered a test client at {endpoint} (HTTP {result.status}; client id not shown)",
            evidence=[result.exchange],
        )
    return out(
        run.discovery_failure,
        f"registration at {endpoint} answered HTTP {result.status} without a client id",
        causes=["registration-missing"],
        evidence=[result.exchange],
    )


def cimd(run: Run, out: Out) -> StepResult:
    meta = run.discovery.metadata if run.discovery else None
    if meta is None:
        return out.skipped("no authorization server metadata (DOC-AUTH-003)")
    if meta.cimd_supported:
        return out.passed("client_id_metadata_document_supported: true (clients may use an HTTPS URL as client id)")
    if meta.registration_endpoint is None:
        return out.warning(
            "not supported either: no way for a client to register (see DOC-AUTH-006)", causes=["registration-missing"]
        )
    return out.skipped("not advertised; clients register dynamically instead (DOC-AUTH-006)")
