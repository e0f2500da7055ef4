"""An MCP-over-HTTP client for probing a Rovo MCP endpoint (used by `doctor` and `collect`).

Read-only by design; nothing here follows a redirect or sends a credential to another host.

    from auditor.mcpclient import Credentials, Http, HttpSettings, McpSession, discover

    creds = Credentials.basic("me@example.com", api_token)       # or .bearer(token) / .none()
    with Http(HttpSettings(timeout=15, origin=None), creds,
              credential_origins=frozenset({url})) as http:
        d = discover(http, url)          # Discovery: challenge, resource_metadata, authorization_server
        with McpSession(http, url) as s:  # POST JSON-RPC; JSON or SSE answers; Mcp-Session-Id
            init = s.initialize()          # InitializeResult (+ notifications/initialized)
            tools = s.list_tools()         # ToolListing, every page via nextCursor

Interface (stable):
- `Credentials` (credentials.py): `basic(email, token)`, `bearer(token)`, `none()`; secrets are
  pydantic `SecretStr`; `label` is printable; `redact(text)` scrubs every form of the secret;
  `jwt_claims()` reads a JWT's issuer, audience, expiry, client and scope claims (not verified).
- `HttpSettings(timeout, verify, user_agent, origin)`; `Http(settings, credentials,
  credential_origins)`: httpx with `follow_redirects=False`; `Authorization` is attached only
  when a call passes `authenticate=True` *and* the URL's origin is in `credential_origins`.
  Every request yields an `Exchange` (method, url, status, kept response headers, redacted
  body excerpt, `failure`), safe to print or store.
- Errors (all `McpClientError`, each with `.exchange`): `TransportError` (`.failure.kind`:
  unreachable | timeout | tls | redirect | protocol), `HttpStatusError` (`.status`),
  `RpcError` (`.code`, `.rpc_message`).
- `discover(http, url) -> Discovery` (discovery.py): anonymous `initialize` → 401 challenge →
  protected resource metadata (header URL, path-inserted, root) → authorization server
  metadata (RFC 8414 path insertion, OpenID fallbacks). `Discovery` is frozen and records each
  candidate tried (`Lookup.attempts`), plus `resource_matches`, `metadata`
  (`AuthServerMetadata`: issuer, endpoints, PKCE methods, scopes, CIMD) and `issuer_matches`.
  Never raises for what the server answers.
- `McpSession(http, url)`: `discover()` (the modern era, 2026-07-28: `server/discover`, `_meta`
  and the `Mcp-Method`/`Mcp-Name` headers on every later request, no session) or `initialize()`
  (the legacy handshake and its session id); either raises `EraNotSpoken` when the server does
  not speak that era. Then `list_tools()`, `call_tool(name, args)` (the caller must decide the
  tool is read-only), `close()` (DELETE of a legacy session).
- `accessible_resources(http, api_base)` and `register_client(http, endpoint, redirect_uri)`
  (oauth.py; registration creates a client, so call it only when the user asked).
"""

from .challenge import parse_www_authenticate
from .credentials import Credentials, mask_email
from .discovery import AuthServerMetadata, Challenge, Discovery, Fetch, Lookup, discover
from .oauth import AccessibleResources, Registration, Resource, accessible_resources, register_client
from .session import (
    ERAS,
    MODERN_VERSION,
    PROTOCOL_VERSION,
    Era,
    EraNotSpoken,
    InitializeResult,
    McpSession,
    RpcError,
    Tool,
    ToolCallResult,
    ToolListing,
)
from .transport import (
    Exchange,
    FailureKind,
    Http,
    HttpSettings,
    HttpStatusError,
    McpClientError,
    TransportError,
    TransportFailure,
    origin_of,
)

__all__ = [
    "ERAS",
    "MODERN_VERSION",
    "PROTOCOL_VERSION",
    "AccessibleResources",
    "AuthServerMetadata",
    "Challenge",
    "Credentials",
    "Discovery",
    "Era",
    "EraNotSpoken",
    "Exchange",
    "FailureKind",
    "Fetch",
    "Http",
    "HttpSettings",
    "HttpStatusError",
    "InitializeResult",
    "Lookup",
    "McpClientError",
    "McpSession",
    "Registration",
    "Resource",
    "RpcError",
    "Tool",
    "ToolCallResult",
    "ToolListing",
    "TransportError",
    "TransportFailure",
    "accessible_resources",
    "discover",
    "mask_email",
    "origin_of",
    "parse_www_authenticate",
    "register_client",
]
