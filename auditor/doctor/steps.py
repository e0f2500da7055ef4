"""The doctor's steps, in the order a client meets the layers, and the runner.

Each step is a function `(run, out) -> StepResult` in one of the steps_*.py modules; `run`
carries what earlier steps saw, `out` builds this step's result (both in context.py, so the
step modules never import this one). A step that cannot run says why (skipped), never passes.
"""

from __future__ import annotations

from collections.abc import Callable

from ..mcpclient import Http, HttpSettings, origin_of
from . import steps_auth, steps_client, steps_cred, steps_endpoint, steps_mcp, steps_register, steps_settings
from .context import Out, Run
from .model import DoctorOptions, DoctorReport, StepResult

StepFn = Callable[[Run, Out], StepResult]


def _steps() -> tuple[tuple[str, str, StepFn], ...]:
    return (
        ("DOC-ENDPOINT-001", "Endpoint URL", steps_endpoint.url_form),
        ("DOC-ENDPOINT-002", "Endpoint reachable", steps_endpoint.reachable),
        ("DOC-ENDPOINT-003", "TLS certificate", steps_endpoint.tls),
        ("DOC-AUTH-001", "401 challenge (WWW-Authenticate)", steps_auth.challenge),
        ("DOC-AUTH-002", "Protected resource metadata (RFC 9728)", steps_auth.resource_metadata),
        ("DOC-AUTH-003", "Authorization server metadata (RFC 8414 / OpenID)", steps_auth.server_metadata),
        ("DOC-AUTH-004", "Issuer matches", steps_auth.issuer),
        ("DOC-AUTH-005", "PKCE with S256", steps_auth.pkce),
        ("DOC-AUTH-006", "Client registration", steps_register.registration),
        ("DOC-AUTH-007", "Client ID metadata documents", steps_register.cimd),
        ("DOC-CRED-001", "Credential shape and header", steps_cred.shape),
        ("DOC-CRED-002", "OAuth token issuer, audience and expiry", steps_cred.issuer),
        ("DOC-CRED-003", "OAuth token sites and scopes", steps_cred.resources),
        ("DOC-SETTINGS-001", "Origin allowed by the domain allowlist", steps_settings.origin),
        ("DOC-SETTINGS-002", "Auth mode enabled for this credential", steps_settings.auth_mode),
        ("DOC-SETTINGS-003", "Expected permission groups allowed", steps_settings.permissions),
        ("DOC-MCP-001", "MCP handshake (server/discover or initialize)", steps_mcp.handshake),
        ("DOC-MCP-002", "Tools listed (tools/list)", steps_mcp.tools),
        ("DOC-MCP-003", "Read-only tool call", steps_mcp.call_tool),
        ("DOC-CLIENT-001", "The chosen client against what the doctor saw (--client)", steps_client.profile),
    )


# The steps that judge local evidence only (the URL, the credential's own form and claims, the
# settings file, the client profile): under --offline they run and every other step is skipped.
OFFLINE = frozenset(
    {
        "DOC-ENDPOINT-001",
        "DOC-CRED-001",
        "DOC-CRED-002",
        "DOC-SETTINGS-001",
        "DOC-SETTINGS-002",
        "DOC-SETTINGS-003",
        "DOC-CLIENT-001",
    }
)


def step_codes() -> tuple[str, ...]:
    return tuple(code for code, _, _ in _steps())


def run_doctor(options: DoctorOptions) -> DoctorReport:
    """Run every step in order against the live endpoint; never raises for what it meets."""
    origins = {options.url}
    if options.credentials.scheme == "bearer":
        origins.add(options.api_base)  # accessible-resources takes the OAuth token
    settings = HttpSettings(
        timeout=options.timeout,
        verify=options.ca_file or True,
        user_agent="rovo-audit-doctor",
        origin=origin_of(options.origin) if options.origin else None,
    )
    results: list[StepResult] = []
    with Http(settings, options.credentials, frozenset(origins)) as http:
        run = Run(options, http)
        try:
            for code, title, fn in _steps():
                out = Out(code, title)
                if options.offline and code not in OFFLINE:
                    result = out.skipped("offline (--offline): no request was sent")
                else:
                    result = _guarded(fn, run, out)
                run.results[code] = result
                results.append(result)
        finally:
            if run.session is not None:
                run.session.close()
    return DoctorReport(options, tuple(results), options.as_of, eras=run.eras)


def _guarded(fn: StepFn, run: Run, out: Out) -> StepResult:
    try:
        return fn(run, out)
    except Exception as e:  # a doctor that crashes on an odd answer explains nothing
        message = run.options.credentials.redact(f"{type(e).__name__}: {e}")
        return out.failed(f"the doctor could not complete this step ({message})")
