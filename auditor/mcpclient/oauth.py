"""OAuth calls next to MCP: a token's accessible resources, and (opt-in) client registration."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from .transport import Exchange, FailureKind, Http, HttpStatusError, TransportError, TransportFailure

ACCESSIBLE_RESOURCES = "/oauth/token/accessible-resources"


@dataclass(frozen=True, slots=True)
class Resource:
    """One site a token can reach, with the scopes granted on it."""

    id: str
    url: str | None
    name: str | None
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AccessibleResources:
    resources: tuple[Resource, ...]
    exchange: Exchange

    @property
    def scopes(self) -> tuple[str, ...]:
        """Every scope on any site, sorted and unique."""
        return tuple(sorted({s for r in self.resources for s in r.scopes}))


def accessible_resources(http: Http, api_base: str) -> AccessibleResources:
    """`GET {api_base}/oauth/token/accessible-resources` with the session's bearer token.

    Raises HttpStatusError (e.g. 401 for an expired token) or TransportError.
    """
    url = api_base.rstrip("/") + ACCESSIBLE_RESOURCES
    exchange, raw = http.request("GET", url, headers={"Accept": "application/json"}, authenticate=True)
    if exchange.status != 200:
        raise HttpStatusError(f"accessible-resources: HTTP {exchange.status}", exchange)
    try:
        data = json.loads(raw)
    except ValueError:
        data = None  # refused below, like any other shape
    try:
        resources = parse_resources(data)
    except ValueError as e:
        failure = TransportFailure(FailureKind.PROTOCOL, f"accessible-resources: {e}")
        raise TransportError(failure, exchange) from None
    return AccessibleResources(resources, exchange)


def parse_resources(data: Any) -> tuple[Resource, ...]:
    """The resources of an accessible-resources answer (already decoded JSON), in order; the
    one parser of it (`doctor` and `collect`). Fields of the wrong type read as absent.
    Raises ValueError unless `data` is a list of objects."""
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValueError("expected a list of resources")
    return tuple(_resource(r) for r in data)


def _resource(raw: dict[str, Any]) -> Resource:
    listed = raw.get("scopes")
    scopes = listed if isinstance(listed, list) else []
    return Resource(
        id=raw["id"] if isinstance(raw.get("id"), str) else "",
        url=raw.get("url") if isinstance(raw.get("url"), str) else None,
        name=raw.get("name") if isinstance(raw.get("name"), str) else None,
        scopes=tuple(s for s in scopes if isinstance(s, str)),
    )


ApplicationType = Literal["native", "web"]


@dataclass(frozen=True, slots=True)
class Registration:
    """The answer to a dynamic client registration (RFC 7591). It creates a client."""

    status: int | None
    client_id_issued: bool
    exchange: Exchange
    application_type: ApplicationType = "native"  # what was sent
    # What the server registered the client with (RFC 7591 §3.2.1 lets it substitute):
    # "none" confirms it takes public clients; None when the answer did not say.
    token_endpoint_auth_method: str | None = None
    application_type_registered: str | None = None


def application_type_for(redirect_uri: str) -> ApplicationType:
    """SEP-837, in the MCP specification's draft (the 2026-07-28 revision),
    basic/authorization/client-registration.mdx "Application Type and Redirect URI Constraints"
    (modelcontextprotocol/modelcontextprotocol@f2a5458, read 2026-12-01): "MCP clients MUST
    specify an appropriate application_type during Dynamic Client Registration"; native
    applications ("desktop applications, mobile apps, CLI tools, and locally-hosted web
    applications accessed via localhost") SHOULD use "native", web applications ("remote
    browser-based applications served from a non-local host") "web". OIDC servers default an
    absent value to "web" and may then refuse a loopback redirect. The TypeScript SDK decides
    by the redirect the same way (typescript-sdk PR #2355); the mcp Python SDK always says
    "native" unless told."""
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https"):
        return "native"  # a custom scheme: an installed app
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return "native"
    try:
        return "native" if ipaddress.ip_address(host).is_loopback else "web"
    except ValueError:
        return "web"


def register_client(
    http: Http,
    registration_endpoint: str,
    redirect_uri: str,
    client_name: str = "rovo-audit doctor (connectivity check)",
) -> Registration:
    """POST a public-client registration; no credentials are sent. Never raises for a status."""
    application_type = application_type_for(redirect_uri)
    body = {
        "client_name": client_name,
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        "application_type": application_type,
    }
    try:
        exchange, raw = http.request("POST", registration_endpoint, json=body, headers={"Accept": "application/json"})
    except TransportError as e:
        return Registration(None, False, e.exchange, application_type)
    answer: dict[str, Any] = {}
    if exchange.status in (200, 201):
        try:
            loaded = json.loads(raw)
        except ValueError:
            loaded = None
        answer = loaded if isinstance(loaded, dict) else {}
    method, registered_as = answer.get("token_endpoint_auth_method"), answer.get("application_type")
    # The registration answer holds a client id (and maybe a secret): keep only its status.
    return Registration(
        exchange.status,
        isinstance(answer.get("client_id"), str),
        replace(exchange, body=""),
        application_type,
        method if isinstance(method, str) else None,
        registered_as if isinstance(registered_as, str) else None,
    )
