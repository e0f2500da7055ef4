"""MCP servers assembled from the official `mcp` SDK's own authorization pieces, one per
discovery layout, for checking the doctor's verdict against the SDK's own client.

    from tests.servers.sdk_auth_servers import CONFIGS, running_sdk_server

    with running_sdk_server(CONFIGS["split-as"]) as srv:   # srv.url: "http://127.0.0.1:P/mcp"
        ...

What is the SDK's, and what is this module's:
- the MCP endpoint: `MCPServer(...).streamable_http_app()` with `AuthSettings` and a
  `ProviderTokenVerifier`, so the 401 challenge, the protected resource metadata route
  (`create_protected_resource_routes`) and the bearer middleware (`BearerAuthBackend`,
  `RequireAuthMiddleware`, `validate_token_resource`) are the SDK's;
- the authorization server: the routes of `create_auth_routes` (authorize, token, register)
  and its metadata from `build_metadata`; this module only moves them (a path issuer's
  metadata at its RFC 8414 path-inserted URL, the endpoints under the path) or edits one
  field of the metadata (no S256), which the SDK does not offer to configure; the one route
  of this module's own is a PRM URL answering 503 (`prm_status`);
- `MemoryProvider`: the in-memory `OAuthAuthorizationServerProvider` (the SDK ships the
  protocol only). It approves every authorization request at once (redirects straight back
  with a code) and binds each token to the `resource` the client asked for (RFC 8707).
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from mcp.server.auth.handlers.metadata import MetadataHandler
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    ProviderTokenVerifier,
    RefreshToken,
    construct_redirect_uri,
)
from mcp.server.auth.routes import build_metadata, cors_middleware, create_auth_routes
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.mcpserver import MCPServer
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from pydantic import AnyHttpUrl, AnyUrl
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from tests.servers import bound_socket, serving

PRE_REGISTERED_ID = "pre-registered-client"
REDIRECT_URI = "http://127.0.0.1:33418/callback"
OAUTH_WELL_KNOWN = "/.well-known/oauth-authorization-server"


@dataclass(frozen=True)
class SdkConfig:
    """One discovery layout. Defaults: the healthy one (authorization server at the MCP origin)."""

    split: bool = False  # the authorization server on a port of its own
    issuer_path: str = ""  # a path issuer ("/tenant"), on the split server
    sdk_slash: bool = False  # the AS built from AnyHttpUrl(...): its issuer gets "/" (the SDK's own mismatch)
    prm: bool = True  # serve protected resource metadata (and name it in the challenge)
    metadata: bool = True  # serve the authorization server's metadata (False: its endpoints alone)
    s256: bool = True
    iss: bool = False  # advertise RFC 9207 iss (and send it in the authorization response)
    registration: bool = True  # dynamic client registration
    resource_path: str = "/mcp"  # the PRM's resource (another path: a resource mismatch)
    prm_status: int | None = None  # the PRM's well-known URL answers this status instead (prm=False)
    strict_resource: bool = False  # validate_token_resource: tokens must be for this resource


CONFIGS: dict[str, SdkConfig] = {
    "healthy": SdkConfig(),
    "split-as": SdkConfig(split=True),
    "path-issuer": SdkConfig(split=True, issuer_path="/tenant"),
    "trailing-slash-issuer": SdkConfig(split=True, sdk_slash=True),
    "no-prm-origin-metadata": SdkConfig(prm=False),
    "no-prm-default-endpoints": SdkConfig(prm=False, metadata=False),
    "no-prm": SdkConfig(prm=False, split=True),
    "prm-server-error": SdkConfig(prm=False, prm_status=503),
    "no-s256": SdkConfig(s256=False),
    "iss-parameter": SdkConfig(iss=True),
    "no-registration": SdkConfig(registration=False),
    "resource-mismatch": SdkConfig(resource_path="/other"),
    "resource-parent": SdkConfig(resource_path=""),
    "strict-resource": SdkConfig(strict_resource=True),
}


@dataclass
class MemoryProvider:
    """An in-memory authorization server: clients, codes and tokens in dicts."""

    clients: dict[str, OAuthClientInformationFull] = field(default_factory=dict)
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    refresh: dict[str, RefreshToken] = field(default_factory=dict)
    registered: list[str] = field(default_factory=list)  # client ids registered by DCR
    iss: str | None = None  # sent as the authorization response's iss (RFC 9207) when set

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return self.clients.get(client_id)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        self.clients[client_info.client_id] = client_info
        self.registered.append(client_info.client_id)

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = AuthorizationCode(
            code=code,
            scopes=params.scopes or [],
            expires_at=time.time() + 300,
            client_id=client.client_id,
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource,
        )
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state, iss=self.iss)

    async def load_authorization_code(self, client: OAuthClientInformationFull, code: str) -> AuthorizationCode | None:
        found = self.codes.get(code)
        return found if found is not None and found.client_id == client.client_id else None

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, code: AuthorizationCode
    ) -> OAuthToken:
        self.codes.pop(code.code, None)
        return self.issue(client.client_id, code.scopes, code.resource)

    def issue(self, client_id: str, scopes: list[str], resource: str | None) -> OAuthToken:
        # Never a leading "-": the tests pass it as `--bearer TOKEN`, which argparse would take
        # for a flag (token_urlsafe starts with "-" once in 64; a CI run met it)
        token = "sdk_" + secrets.token_urlsafe(24)
        self.tokens[token] = AccessToken(
            token=token, client_id=client_id, scopes=scopes, expires_at=int(time.time()) + 3600, resource=resource
        )
        return OAuthToken(access_token=token, token_type="Bearer", expires_in=3600, scope=" ".join(scopes) or None)

    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str) -> RefreshToken | None:
        return self.refresh.get(refresh_token)

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: RefreshToken, scopes: list[str]
    ) -> OAuthToken:
        return self.issue(client.client_id, scopes or refresh_token.scopes, refresh_token.resource)

    async def load_access_token(self, token: str) -> AccessToken | None:
        return self.tokens.get(token)

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        self.tokens.pop(getattr(token, "token", ""), None)


@dataclass(frozen=True)
class SeenCall:
    """One request either server received: where, and the Authorization value (tests only)."""

    origin: str
    method: str
    path: str
    authorization: str | None


class _Recorder:
    """ASGI: records every HTTP request, then hands it on unchanged."""

    def __init__(self, app: Any, origin: str, seen: list[SeenCall]) -> None:
        self.app, self.origin, self.seen = app, origin, seen

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            self.seen.append(SeenCall(self.origin, scope["method"], scope["path"], headers.get("authorization")))
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class SdkServer:
    """A running configuration: the MCP URL, the authorization server's issuer, its provider,
    and every request both servers received (`seen`)."""

    url: str
    origin: str
    issuer: str  # as the PRM names it
    provider: MemoryProvider
    config: SdkConfig
    seen: list[SeenCall] = field(default_factory=list)

    def token_for(self, resource: str | None, *, jwt: bool = False) -> str:
        """A valid access token bound to `resource` (issued without the OAuth dance). `jwt`:
        shaped as an (unsigned) JWT whose claims say its issuer and audience, as many
        authorization servers mint them; the SDK's bearer check looks it up as it does any."""
        token = self.provider.issue(PRE_REGISTERED_ID, [], resource).access_token
        if not jwt:
            return token
        claims = {"iss": self.issuer, "aud": resource, "exp": JWT_EXPIRY, "client_id": PRE_REGISTERED_ID}
        shaped = ".".join((_b64({"alg": "HS256", "typ": "JWT"}), _b64(claims), token))
        self.provider.tokens[shaped] = self.provider.tokens.pop(token).model_copy(update={"token": shaped})
        return shaped


JWT_EXPIRY = 4_102_444_800  # 2100-01-01: after every --as-of the tests use


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode("ascii")


def _auth_server_routes(provider: MemoryProvider, issuer: str, config: SdkConfig) -> list[BaseRoute]:
    """The SDK's authorization server routes; a path issuer's moved under its path."""
    issuer_url = (
        AnyHttpUrl(issuer) if config.sdk_slash else AuthSettings(issuer_url=issuer, resource_server_url=None).issuer_url
    )
    options = ClientRegistrationOptions(enabled=config.registration)
    metadata = build_metadata(issuer_url, None, options, RevocationOptions(enabled=False))
    if config.iss:
        metadata = metadata.model_copy(update={"authorization_response_iss_parameter_supported": True})
        provider.iss = str(metadata.issuer)
    if not config.s256:
        metadata = metadata.model_copy(update={"code_challenge_methods_supported": ["plain"]})
    sdk_routes = create_auth_routes(provider, issuer_url, client_registration_options=options)
    handlers = [r for r in sdk_routes if isinstance(r, Route) and r.path != OAUTH_WELL_KNOWN]
    meta_route = Route(
        OAUTH_WELL_KNOWN + config.issuer_path,
        endpoint=cors_middleware(MetadataHandler(metadata).handle, ["GET", "OPTIONS"]),
        methods=["GET", "OPTIONS"],
    )
    served = [meta_route] if config.metadata else []
    if config.issuer_path:
        return [*served, Mount(config.issuer_path, routes=list(handlers))]
    return [*served, *handlers]


def _mcp_app(provider: MemoryProvider, origin: str, issuer: str, config: SdkConfig) -> Starlette:
    with warnings.catch_warnings():  # validate_token_resource=None warns; False is the default
        warnings.simplefilter("ignore")
        auth = AuthSettings(
            issuer_url=issuer,
            resource_server_url=f"{origin}{config.resource_path}" if config.prm else None,
            validate_token_resource=config.strict_resource if config.prm else None,
        )
    server = MCPServer("sdk-auth-test", auth=auth, token_verifier=ProviderTokenVerifier(provider))

    @server.tool()
    def ping() -> str:
        """Answer pong."""
        return "pong"

    # The challenge's resource_metadata and the PRM route follow resource_server_url (another
    # path: a resource mismatch); the endpoint itself stays /mcp.
    app = server.streamable_http_app(streamable_http_path="/mcp", json_response=True)
    if config.prm_status is not None:
        status = config.prm_status

        async def failing(request: Request) -> Response:
            return Response("unavailable", status_code=status)

        app.router.routes.insert(0, Route("/.well-known/oauth-protected-resource/mcp", failing))
    return app


@contextlib.contextmanager
def running_sdk_server(config: SdkConfig, host: str = "127.0.0.1") -> Iterator[SdkServer]:
    """Run the configuration (one or two uvicorn servers in threads) and yield it."""
    provider = MemoryProvider()
    provider.clients[PRE_REGISTERED_ID] = OAuthClientInformationFull(
        client_id=PRE_REGISTERED_ID, redirect_uris=[AnyUrl(REDIRECT_URI)], token_endpoint_auth_method="none"
    )
    mcp_sock, as_sock = bound_socket(host), bound_socket(host) if config.split else None
    origin = f"http://{host}:{mcp_sock.getsockname()[1]}"
    as_origin = f"http://{host}:{as_sock.getsockname()[1]}" if as_sock else origin
    issuer = as_origin + config.issuer_path
    app = _mcp_app(provider, origin, issuer, config)
    as_routes = _auth_server_routes(provider, issuer, config)
    apps: list[tuple[Any, Any]] = []
    seen: list[SeenCall] = []
    if as_sock is None:
        app.router.routes[:0] = as_routes  # the authorization server at the MCP origin
        apps.append((_Recorder(app, origin, seen), mcp_sock))
    else:
        apps += [
            (_Recorder(app, origin, seen), mcp_sock),
            (_Recorder(Starlette(routes=as_routes), as_origin, seen), as_sock),
        ]
    with contextlib.ExitStack() as stack:
        for _, sock in apps:  # each closed even if an earlier server fails to start
            stack.callback(sock.close)
        for one, sock in apps:
            server = uvicorn.Server(uvicorn.Config(one, log_level="warning", lifespan="on"))
            stack.enter_context(serving(server, sock, "sdk-auth"))
        yield SdkServer(f"{origin}/mcp", origin, issuer, provider, config, seen)


__all__ = [
    "CONFIGS",
    "PRE_REGISTERED_ID",
    "REDIRECT_URI",
    "MemoryProvider",
    "SdkConfig",
    "SdkServer",
    "SeenCall",
    "running_sdk_server",
]
