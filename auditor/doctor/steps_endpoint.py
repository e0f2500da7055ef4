"""Endpoint steps: the URL itself, whether it answers, and its TLS certificate."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from ..mcpclient import FailureKind, discover
from .context import Out, Run
from .facts import Endpoint, endpoints
from .model import StepResult


def url_form(run: Run, out: Out) -> StepResult:
    data = endpoints()
    path = run.path.rstrip("/") or "/"
    known = data.find(path)
    if known is None:
        documented = ", ".join(e.path for e in data.endpoints if e.status != "deprecated")
        return out.warning(
            f"{path} is not a documented Rovo MCP endpoint path (documented: {documented})",
            causes=["not-an-mcp-endpoint"],
            details=[f"endpoints as of {data.as_of}: {data.source_url}"],
        )
    if known.status == "deprecated":
        sunset = known.unsupported_after
        replacement = known.replacement or data.recommended
        answers = f" (it answers HTTP {known.answers})" if known.answers else ""
        if sunset is not None and run.options.as_of.date() > sunset:
            return out.failed(
                f"{path} is unsupported since {sunset.isoformat()}{answers}; use {replacement}",
                causes=["endpoint-deprecated"],
            )
        return out.warning(
            f"{path} is deprecated (unsupported after {sunset}); move to {replacement}", causes=["endpoint-deprecated"]
        )
    note = f" ({known.note})" if known.note else ""
    details = _tool_details(known, run.options.as_of.date())
    if known.status == "preview":
        return out.warning(
            f"{path} is a preview endpoint{note}; for a stable tool set use {data.recommended}", details=details
        )
    if known.status == "recommended":
        return out.passed(f"{path} is the recommended endpoint{note}", details=details)
    return out.passed(
        f"{path} is a supported endpoint{note}; recommended for new setups: {data.recommended}", details=details
    )


def _tool_details(known: Endpoint, today: dt.date) -> list[str]:
    """Which tool vocabulary the endpoint serves, and when that changes (dated data)."""
    out = []
    if known.tools:
        out.append(f"tool vocabulary: {known.tools_on(today)} (tool_groups.yaml)")
    switch = known.tools_switch
    if switch is not None:
        hedge = "" if switch.confirmed else " (date not confirmed by a stored source)"
        when = "since" if today >= switch.date else "from"
        out.append(f"existing connections get the {switch.to} tool names {when} {switch.date.isoformat()}{hedge}")
    return out


def reachable(run: Run, out: Out) -> StepResult:
    run.discovery = discovery = discover(run.http, run.options.url)
    exchange = discovery.challenge.exchange
    failure = exchange.failure
    if failure is not None:
        if failure.kind == FailureKind.TLS:
            return out.passed("the host answered (the TLS handshake failed: see DOC-ENDPOINT-003)", evidence=[exchange])
        cause = {FailureKind.REDIRECT: "endpoint-redirects", FailureKind.PROTOCOL: "not-an-mcp-endpoint"}.get(
            failure.kind, "endpoint-unreachable"
        )
        return out.failed(f"{failure.kind}: {failure.detail}", causes=[cause], evidence=[exchange])
    status = exchange.status or 0
    seen = f"HTTP {status} to an anonymous {discovery.challenge.method}"  # no timing: the same server gives the same doctor.json
    known = endpoints().find(run.path)
    retired = known is not None and known.answers == status
    if status == 410 or retired or (status == 404 and run.status("DOC-ENDPOINT-001") == "failed"):
        return out.failed(
            f"{seen}: the endpoint is gone", causes=["endpoint-deprecated", "not-an-mcp-endpoint"], evidence=[exchange]
        )
    if status in (404, 405):
        return out.failed(
            f"{seen}: nothing serves MCP at this path", causes=["not-an-mcp-endpoint"], evidence=[exchange]
        )
    if status >= 500:
        return out.failed(f"{seen}: a server error", causes=["server-fault"], evidence=[exchange])
    return out.passed(seen, evidence=[exchange])


def tls(run: Run, out: Out) -> StepResult:
    if urlsplit(run.options.url).scheme != "https":
        return out.skipped("plain HTTP (allowed for loopback test servers only): no certificate to check")
    discovery = run.discovery
    failure = discovery.challenge.exchange.failure if discovery else None
    if failure is not None and failure.kind == FailureKind.TLS:
        trust = (
            f"the CA file {run.options.ca_file}" if run.options.ca_file else "the system trust store (or SSL_CERT_FILE)"
        )
        return out.failed(
            f"the certificate is not trusted: {failure.detail}",
            details=[f"trusted roots: {trust}"],
            causes=["tls-untrusted"],
            evidence=[discovery.challenge.exchange] if discovery else [],
        )
    if run.status("DOC-ENDPOINT-002") != "passed":
        return out.skipped("the endpoint did not answer (DOC-ENDPOINT-002)")
    trust = f"the CA file {run.options.ca_file}" if run.options.ca_file else "the system trust store"
    return out.passed(f"certificate verified against {trust}")
