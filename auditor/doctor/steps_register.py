"""Client registration (DOC-AUTH-006) and client ID metadata documents (DOC-AUTH-007).

DCR, client ID metadata documents, or neither: pre-registered clients only, a warning, except
on the endpoints whose data (mcp_endpoints.yaml `registration`) says clients must be able to
register there. Public clients: `token_endpoint_auth_methods_supported` must offer `none`
(absent, RFC 8414 §2's default is client_secret_basic), unless --try-register showed the server
registers a client with `none`. On the 2025-03-26 default endpoints, registration is at
{origin}/register, POSTed only with --try-register.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..mcpclient import Discovery, Exchange, register_client
from ..mcpclient.discovery import DEFAULT_REGISTER
from ..mcpclient.fetch_rules import refused_target
from .context import Out, Run
from .facts import endpoints
from .model import StepResult


def registration(run: Run, out: Out) -> StepResult:
    d = run.discovery
    meta = d.metadata if d else None
    if d is not None and meta is None and d.fallback == "default-endpoints":
        return _register_default(run, out, d)
    if meta is None:
        return out.skipped("no authorization server metadata (DOC-AUTH-003)")
    endpoint = meta.registration_endpoint
    if endpoint is None:
        if meta.cimd_supported:
            return _public_clients(
                run, out, "no registration_endpoint, but client ID metadata documents are supported (DOC-AUTH-007)"
            )
        required = _required_registration(run)
        if required is not None:
            return out(
                run.discovery_failure,
                "no registration_endpoint and no client ID metadata documents: "
                'clients cannot register ("dynamic client registration 404")',
                details=[required],
                causes=["registration-missing", "client-skipped-discovery"],
            )
        return out.warning(
            "no registration_endpoint and no client ID metadata documents: only pre-registered clients can connect",
            details=["MCP 2025-11-25 lists pre-registration beside client ID metadata documents and DCR"],
            causes=["pre-registration-only"],
        )
    deprecated = [] if meta.cimd_supported else [DCR_DEPRECATED]
    if not run.options.try_register:
        return _public_clients(
            run,
            out,
            f"registration_endpoint advertised: {endpoint} (not called: --try-register creates a client)",
            details=deprecated,
        )
    return _try_register(run, out, endpoint, details=deprecated)


DCR_DEPRECATED = (
    "DCR alone: the specification's draft (2026-07-28) deprecates it in favour of client ID metadata "
    "documents, kept for backwards compatibility (client-registration.mdx)"
)


def _try_register(
    run: Run, out: Out, endpoint: str, *, fallback: bool = False, details: Sequence[str] = ()
) -> StepResult:
    refused = refused_target(endpoint, run.options.url)
    if refused is not None:
        return out(run.discovery_failure, f"registration_endpoint {endpoint} not called: {refused}")
    redirect = run.options.origin or "http://127.0.0.1:33418/callback"
    result = register_client(run.http, endpoint, redirect)
    run.registration = result
    sent = f"application_type {result.application_type} for redirect {redirect} (SEP-837)"
    if result.client_id_issued:
        where = f"the 2025-03-26 default {endpoint}" if fallback else endpoint
        return _public_clients(
            run,
            out,
            f"registered a test client at {where} (HTTP {result.status}; client id not shown)",
            details=[f"sent {sent}", *details],
            evidence=[result.exchange],
        )
    return out(
        run.discovery_failure,
        f"registration at {endpoint} answered HTTP {result.status} without a client id",
        details=[f"sent {sent}"],
        causes=["registration-missing"],
        evidence=[result.exchange],
    )


def _register_default(run: Run, out: Out, d: Discovery) -> StepResult:
    endpoint = f"{d.origin}{DEFAULT_REGISTER}"
    if run.options.try_register:
        return _try_register(run, out, endpoint, fallback=True)
    return out.warning(
        f"no metadata: clients of the 2025-03-26 revision register at {endpoint} "
        "(not called: --try-register creates a client)",
        causes=["legacy-discovery"],
    )


def _public_clients(
    run: Run, out: Out, summary: str, *, details: Sequence[str] = (), evidence: Sequence[Exchange] = ()
) -> StepResult:
    """Pass, unless the token endpoint shows no way in for a public client (OAuth users only)."""
    meta = run.discovery.metadata if run.discovery else None
    methods = meta.token_endpoint_auth_methods if meta else None
    listed = ", ".join(methods) if methods else None
    lines = [*details, f"token_endpoint_auth_methods_supported: {listed or 'absent'}"]
    registered = run.registration.token_endpoint_auth_method if run.registration else None
    if registered is not None:
        lines.append(f"the test client was registered with token_endpoint_auth_method {registered}")
    if registered == "none" or (meta is not None and meta.public_clients_offered) or not run.uses_oauth:
        return out.passed(summary, details=lines, evidence=list(evidence))
    why = (
        "absent: RFC 8414 §2's default is client_secret_basic alone" if methods is None else f"{listed} lists no `none`"
    )
    return out.warning(
        f"public clients may be refused at the token endpoint: token_endpoint_auth_methods_supported {why}",
        details=[
            summary,
            *lines,
            "a public client has no secret: client ID metadata documents, a native app registered with `none`",
            "clients that register dynamically usually get a secret (the mcp SDK does) and connect",
        ],
        causes=["public-client-auth"],
        evidence=list(evidence),
    )


def _required_registration(run: Run) -> str | None:
    """Why this target must offer DCR or client ID metadata documents (None: it need not)."""
    known = endpoints().find(run.path)
    need = known.registration if known else None
    if need is None:
        return None
    methods = " or ".join(
        {"dcr": "dynamic client registration", "cimd": "client ID metadata documents"}[m] for m in need.methods
    )
    return f"{known.path if known else run.path} offers {methods} ({need.certainty}; mcp_endpoints.yaml: {', '.join(need.sources)})"


def cimd(run: Run, out: Out) -> StepResult:
    meta = run.discovery.metadata if run.discovery else None
    if meta is None:
        return out.skipped("no authorization server metadata (DOC-AUTH-003)")
    said = {True: "true", False: "false", None: "absent"}[meta.cimd_field]
    if meta.cimd_supported:
        return out.passed("client_id_metadata_document_supported: true (clients may use an HTTPS URL as client id)")
    if meta.registration_endpoint is None:
        cause = "registration-missing" if _required_registration(run) else "pre-registration-only"
        return out.warning(
            f"client_id_metadata_document_supported: {said}, and no registration_endpoint either (see DOC-AUTH-006)",
            causes=[cause],
        )
    return out.skipped(
        f"client_id_metadata_document_supported: {said}; clients register dynamically instead (DOC-AUTH-006)"
    )
