"""The Rovo MCP simulator's server side: the MCP server (official `mcp` SDK, low-level API so
that what is listed depends on the caller) and the ASGI app in front of it, which serves the
discovery documents and OAuth endpoints and plays the auth layer. Use it through
`tests.servers.rovo_sim.running_sim`."""

from __future__ import annotations

import base64
import contextlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import Receive, Scope, Send

from .rovo_sim import (
    AGENT_SCOPES,
    CAPABILITIES,
    DOMAIN_BLOCKED_MESSAGE,
    DOMAIN_MESSAGE,
    GRANULAR_SCOPES,
    IP_BLOCKED_MESSAGE,
    MCP_PATHS,
    META_TOOLS_V2,
    MISSING_SESSION_MESSAGE,
    MODERN_VERSION,
    PRIMARY_V2,
    RATE_LIMIT_MESSAGE,
    SCOPE_MESSAGE,
    SIM_API_TOKEN,
    SIM_CLASSIC_API_TOKEN,
    SIM_EMAIL,
    SIM_SERVICE_KEY,
    STEP_UP_MESSAGE,
    TOOLS,
    TOOLS_V2,
    TROUBLE_MESSAGE,
    UNSUPPORTED_ERA_MESSAGE,
    SeenRequest,
    Sim,
    SimConfig,
    verify_jwt,
)


@dataclass(frozen=True)
class Principal:
    kind: str  # api_token | api_token_as_bearer | service_account | oauth
    classic: bool = False
    custom_app: bool = False
    scopes: tuple[str, ...] = ()


# -- the MCP server (official SDK, low-level API so tools depend on the caller) -------------


def _principal(ctx: ServerRequestContext[Any]) -> Principal:
    request = ctx.request
    return request.scope["state"]["principal"] if request is not None else Principal("anonymous")


@dataclass(frozen=True)
class Listing:
    """Which endpoint the request came to, and what its query asked for."""

    v2: bool = False
    all_tools: bool = False  # ?tools=all
    capabilities: frozenset[str] | None = None  # ?capabilities=: the groups kept


def _listing(ctx: ServerRequestContext[Any]) -> Listing:
    request = ctx.request
    return request.scope["state"].get("listing", Listing()) if request is not None else Listing()


def listing_of(path: str, query: str) -> Listing:
    params = parse_qsl(query, keep_blank_values=True)
    caps = [c.strip().upper() for k, v in params if k == "capabilities" for c in v.split(",") if c.strip()]
    groups = (
        frozenset(CAPABILITIES[c] for c in caps if c in CAPABILITIES)
        if any(k == "capabilities" for k, _ in params)
        else None
    )
    return Listing(path.startswith("/v2/"), ("tools", "all") in params, groups)


def _visible_tools(principal: Principal, config: SimConfig, listing: Listing | None = None) -> list[str]:
    listing = listing or Listing()
    catalogue = TOOLS_V2 if listing.v2 else TOOLS
    names = []
    for name, (group, _ro) in catalogue.items():
        product = group.split(".")[0]
        if group in config.blocked_groups:
            continue
        if listing.v2 and not listing.all_tools and name not in PRIMARY_V2:
            continue  # reached through discover/execute, not listed
        if listing.capabilities is not None and group and group not in listing.capabilities:
            continue
        # Classic or legacy API tokens and API tokens sent as Bearer see the Teamwork Graph only.
        if (principal.classic or principal.kind == "api_token_as_bearer") and product not in ("platform", ""):
            continue
        if product in ("jsm", "bitbucket") and principal.kind == "oauth":  # API token only
            continue
        if product in ("compass", "loom") and principal.kind != "oauth":  # OAuth 2.1 only
            continue
        names.append(name)
    if listing.v2 and not listing.all_tools:
        names.extend(META_TOOLS_V2)
    return names


def _read_only(name: str) -> bool:
    if name in META_TOOLS_V2:
        return name == "discover" or name == "executeRead"
    return (TOOLS.get(name) or TOOLS_V2[name])[1]


def build_mcp_server(config: SimConfig) -> Server[Any]:
    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        names = _visible_tools(_principal(ctx), config, _listing(ctx))
        start = int(params.cursor) if params and params.cursor else 0
        page = names[start : start + config.tools_page_size]
        nxt = str(start + config.tools_page_size) if start + config.tools_page_size < len(names) else None
        tools = [
            types.Tool(
                name=n,
                description=f"Simulated {n}",
                input_schema={"type": "object", "properties": {"id": {"type": "string"}}},
                annotations=types.ToolAnnotations(read_only_hint=_read_only(n), destructive_hint=not _read_only(n)),
            )
            for n in page
        ]
        return types.ListToolsResult(tools=tools, next_cursor=nxt)

    async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
        principal = _principal(ctx)
        if principal.custom_app:
            return types.CallToolResult(content=[types.TextContent(type="text", text=TROUBLE_MESSAGE)], is_error=True)
        if params.name not in _visible_tools(principal, config, _listing(ctx)):
            return types.CallToolResult(
                content=[types.TextContent(type="text", text=f"Unknown tool: {params.name}")], is_error=True
            )
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps({"ok": True, "tool": params.name}))]
        )

    return Server("rovo-sim", version="sim-1", on_list_tools=list_tools, on_call_tool=call_tool)


# -- HTTP: discovery documents, OAuth endpoints, and the auth layer in front of MCP ----------


class RovoSimApp:
    """ASGI: routes discovery and OAuth paths itself; MCP paths go through the auth layer."""

    def __init__(self, config: SimConfig, sim: Sim) -> None:
        self.config = config
        self.sim = sim
        server = build_mcp_server(config)
        self.mcp = server.streamable_http_app(
            streamable_http_path="/mcp",
            json_response=config.json_responses,
            # The SDK's own Origin check when the scenario asks for it (host: any loopback port).
            transport_security=TransportSecuritySettings(
                enable_dns_rebinding_protection=config.transport_origins is not None,
                allowed_hosts=["127.0.0.1:*", "localhost:*"],
                allowed_origins=list(config.transport_origins or ()),
            ),
        )

    @property
    def base(self) -> str:
        return str(self.sim)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.mcp(scope, receive, send)  # lifespan: the SDK's session manager
            return
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body = await _read_body(receive)
        self._record(scope, headers, body)
        if path in MCP_PATHS:
            await self._mcp(scope, headers, body, receive, send)
        elif path == "/v1/sse":  # retired after 2026-06-30: Atlassian answers 404 there now
            await _json(send, 404, {"error": "not_found"})
        elif path.startswith("/.well-known/oauth-protected-resource"):
            await self._prm(path, send)
        elif path.startswith(("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")):
            await self._asm(path, send)
        elif path == "/oauth/register" and scope["method"] == "POST":
            if self.config.registration_missing:
                await _json(send, 404, {"error": "not_found"})
            else:
                await _json(send, 201, {"client_id": "sim-client-123", "token_endpoint_auth_method": "none"})
        elif path == "/oauth/token/accessible-resources":
            await self._resources(headers, send)
        else:
            await _json(send, 404, {"error": "not_found"})

    def _record(self, scope: Scope, headers: dict[str, str], body: bytes) -> None:
        auth = headers.get("authorization")
        rpc = tool = meta_version = None
        with contextlib.suppress(ValueError, AttributeError):
            msg = json.loads(body) if body else None
            if isinstance(msg, dict):
                rpc = msg.get("method")
                tool = msg.get("params", {}).get("name") if rpc == "tools/call" else None
                meta_version = (msg.get("params", {}).get("_meta") or {}).get(META_VERSION_KEY)
        if auth:
            self.sim.authorization_values.append(auth)
        self.sim.requests.append(
            SeenRequest(
                scope["method"],
                scope["path"],
                auth.split(" ")[0] if auth else None,
                headers.get("origin"),
                headers.get("host", ""),
                rpc,
                tool,
                headers.get("mcp-protocol-version"),
                headers.get("mcp-method"),
                headers.get("mcp-name"),
                "mcp-session-id" in headers,
                meta_version,
                scope.get("query_string", b"").decode("latin-1"),
            )
        )

    async def _mcp(self, scope: Scope, headers: dict[str, str], body: bytes, receive: Receive, send: Send) -> None:
        config = self.config
        path = scope["path"]
        if config.redirect_to:
            await _send(send, 307, b"", [(b"location", f"{config.redirect_to}{path}".encode())])
            return
        if config.era_before_auth and await self._refuse_era(scope, headers, body, send):
            return
        principal, problem = self._authenticate(headers.get("authorization"), path)
        if principal is None:
            await self._unauthorized(send, path, problem, headers.get("authorization"))
            return
        if config.ip_blocked:
            await _json(send, 403, {"error": "forbidden", "message": IP_BLOCKED_MESSAGE})
            return
        origin = headers.get("origin")
        if (
            config.allowed_origins is not None
            and principal.kind == "oauth"
            and origin
            and origin not in config.allowed_origins
        ):
            await _json(send, 403, {"error": "access_denied", "message": DOMAIN_MESSAGE})
            return
        if config.v2_domain_bug and principal.kind == "oauth" and path.startswith("/v2/"):
            await _json(send, 403, {"error": "access_denied", "message": DOMAIN_BLOCKED_MESSAGE})
            return
        if config.forbidden_body is not None:
            await _send(send, 403, config.forbidden_body.encode(), [(b"content-type", b"text/plain")])
            return
        if config.rate_limited is not None:
            await _send(
                send,
                429,
                json.dumps({"error": "rate_limited", "message": RATE_LIMIT_MESSAGE}).encode(),
                [(b"retry-after", config.rate_limited.encode()), (b"content-type", b"application/json")],
            )
            return
        if await self._refuse_era(scope, headers, body, send):
            return
        modern = headers.get("mcp-protocol-version") == MODERN_VERSION
        if config.broken_era in ("both", "modern" if modern else "legacy"):
            await _send(send, 500, b"Internal Server Error", [(b"content-type", b"text/plain")])
            return
        missing = [s for s in config.step_up_scopes if s not in principal.scopes]
        if missing and principal.kind == "oauth" and _rpc_method(body) == "tools/call":
            # The challenge names every scope the operation needs, not only the missing ones
            # (MCP authorization 2026-07-28: "include all scopes required ... in a single challenge").
            await self._step_up(send, path, list(config.step_up_scopes))
            return
        listing = listing_of(path, scope.get("query_string", b"").decode("latin-1"))
        state = {**scope.get("state", {}), "principal": principal, "listing": listing}
        inner = dict(scope, path="/mcp", raw_path=b"/mcp", state=state)
        await self.mcp(inner, _replay(body, receive), send)

    async def _refuse_era(self, scope: Scope, headers: dict[str, str], body: bytes, send: Send) -> bool:
        """A one-era sim answers the other era's requests as such a server would."""
        modern = headers.get("mcp-protocol-version") == MODERN_VERSION
        eras = self.config.eras
        if modern and "modern" not in eras:
            error = {"code": -32600, "message": MISSING_SESSION_MESSAGE}
            await _json(send, 400, {"jsonrpc": "2.0", "id": None, "error": error})
            return True
        if not modern and "legacy" not in eras:
            if scope["method"] != "POST":
                await _json(send, 405, {"error": "method_not_allowed"})
                return True
            requested = headers.get("mcp-protocol-version") or _requested_version(body)
            data = {"supported": [MODERN_VERSION], "requested": requested}
            error = {"code": -32022, "message": UNSUPPORTED_ERA_MESSAGE, "data": data}
            await _json(send, 400, {"jsonrpc": "2.0", "id": _rpc_id(body), "error": error})
            return True
        return False

    async def _step_up(self, send: Send, path: str, missing: list[str]) -> None:
        """Runtime scope step-up (MCP authorization 2026-07-28, "Runtime Insufficient Scope Errors")."""
        challenge = (
            f'Bearer error="insufficient_scope", scope="{" ".join(missing)}", '
            f'resource_metadata="{self.base}/.well-known/oauth-protected-resource{path}", '
            f'error_description="{STEP_UP_MESSAGE}"'
        )
        await _send(
            send,
            403,
            json.dumps({"error": "insufficient_scope", "message": STEP_UP_MESSAGE}).encode(),
            [(b"www-authenticate", challenge.encode()), (b"content-type", b"application/json")],
        )

    def _authenticate(self, header: str | None, path: str) -> tuple[Principal | None, str | None]:
        if not header or " " not in header:
            return None, None
        scheme, _, value = header.partition(" ")
        tokens = {SIM_API_TOKEN: False, SIM_CLASSIC_API_TOKEN: True}
        if scheme.lower() == "basic":
            try:
                email, _, token = base64.b64decode(value).decode().partition(":")
            except ValueError:
                return None, "invalid_token"
            if email != SIM_EMAIL or token not in tokens or not self.config.api_token_auth:
                return None, "invalid_token"
            return Principal("api_token", classic=tokens[token]), None
        if scheme.lower() != "bearer":
            return None, "invalid_request"
        if value in tokens:
            return (Principal("api_token_as_bearer"), None) if self.config.api_token_auth else (None, "invalid_token")
        if value == SIM_SERVICE_KEY:
            return (Principal("service_account"), None) if self.config.api_token_auth else (None, "invalid_token")
        claims = verify_jwt(value)
        if claims is None:
            return None, "invalid_token"
        scopes = tuple(str(claims.get("scope", "")).split())
        agent = any(s.endswith(":agent-interface") for s in scopes)
        if path.startswith("/v2/") != agent:
            return None, "insufficient_scope"
        return Principal("oauth", custom_app=claims.get("iss") != f"{self.base}/oauth", scopes=scopes), None

    async def _unauthorized(self, send: Send, path: str, problem: str | None, header: str | None) -> None:
        params = []
        if self.config.prm_in_header and not self.config.prm_missing:
            params.append(f'resource_metadata="{self.base}/.well-known/oauth-protected-resource{path}"')
        if problem:
            params.append(f'error="{problem}"')
        if problem == "insufficient_scope":
            params.append(f'error_description="{SCOPE_MESSAGE}"')
        challenge = "Bearer " + ", ".join(params) if params else "Bearer"
        body: dict[str, Any] = {
            "error": "unauthorized",
            "message": SCOPE_MESSAGE if problem == "insufficient_scope" else "Unauthorized",
        }
        if self.config.echo_authorization and header:
            scheme, _, value = header.partition(" ")
            raw = base64.b64decode(value).decode() if scheme.lower() == "basic" else value
            body["received"] = {"header": header, "decoded": raw}
        await _send(
            send,
            401,
            json.dumps(body).encode(),
            [(b"www-authenticate", challenge.encode()), (b"content-type", b"application/json")],
        )

    async def _prm(self, path: str, send: Send) -> None:
        resource_path = path.removeprefix("/.well-known/oauth-protected-resource")
        if self.config.prm_missing or resource_path not in MCP_PATHS:
            await _json(send, 404, {"error": "not_found"})
            return
        await _json(
            send,
            200,
            {
                "resource": f"{self.base}{resource_path}",
                "authorization_servers": [f"{self.base}/oauth"],
                "scopes_supported": [*GRANULAR_SCOPES, *AGENT_SCOPES],
                "bearer_methods_supported": ["header"],
            },
        )

    async def _asm(self, path: str, send: Send) -> None:
        config = self.config
        wanted = (
            "/.well-known/openid-configuration/oauth"
            if config.asm_openid_only
            else "/.well-known/oauth-authorization-server/oauth"
        )
        if path != wanted:
            await _json(send, 404, {"error": "not_found"})
            return
        issuer = "https://mcp.example.invalid/oauth" if config.issuer_mismatch else f"{self.base}/oauth"
        doc: dict[str, Any] = {
            "issuer": issuer,
            "authorization_endpoint": f"{self.base}/oauth/authorize",
            "token_endpoint": f"{self.base}/oauth/token",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": list(config.pkce_methods),
            "scopes_supported": [*GRANULAR_SCOPES, *AGENT_SCOPES],
            "client_id_metadata_document_supported": config.cimd_supported,
        }
        if not config.registration_missing:
            doc["registration_endpoint"] = f"{self.base}/oauth/register"
        await _json(send, 200, doc)

    async def _resources(self, headers: dict[str, str], send: Send) -> None:
        scheme, _, value = headers.get("authorization", "").partition(" ")
        claims = verify_jwt(value) if scheme.lower() == "bearer" else None
        if claims is None:
            await _json(send, 401, {"code": 401, "message": "Unauthorized"})
            return
        await _json(
            send,
            200,
            [
                {
                    "id": "11111111-2222-3333-4444-555555555555",
                    "url": "https://example.atlassian.net",
                    "name": "example",
                    "scopes": str(claims.get("scope", "")).split(),
                    "avatarUrl": "",
                }
            ],
        )


META_VERSION_KEY = "io.modelcontextprotocol/protocolVersion"


def _message(body: bytes) -> dict[str, Any]:
    with contextlib.suppress(ValueError):
        msg = json.loads(body) if body else None
        if isinstance(msg, dict):
            return msg
    return {}


def _rpc_method(body: bytes) -> str | None:
    method = _message(body).get("method")
    return method if isinstance(method, str) else None


def _rpc_id(body: bytes) -> Any:
    return _message(body).get("id")


def _requested_version(body: bytes) -> str | None:
    params = _message(body).get("params")
    version = params.get("protocolVersion") if isinstance(params, dict) else None
    return version if isinstance(version, str) else None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body was read for routing and logging: hand it over once, then the real channel."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, data: Any) -> None:
    await _send(send, status, json.dumps(data).encode(), [(b"content-type", b"application/json")])
