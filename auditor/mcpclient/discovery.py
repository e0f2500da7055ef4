"""The MCP authorization discovery chain, read-only, recording what each step saw.

401 + `WWW-Authenticate` → protected resource metadata (RFC 9728; the header's URL, then the
well-known URL with path insertion, then at the root) → authorization server metadata
(RFC 8414 with path insertion, then OpenID Connect discovery) → issuer, PKCE, registration.
Without protected resource metadata, the 2025-03-26 layout the SDK clients still accept: the
authorization server's metadata at the MCP origin, else its default endpoints there
(`/authorize`, `/token`; `/register` is only POSTed with --try-register).
No credentials are ever sent during discovery.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from .challenge import bearer_challenge
from .fetch_rules import refused_target
from .issuer import issuer_difference, same_root_origin
from .session import discover_request_body, initialize_request_body, mcp_headers, modern_headers
from .transport import Exchange, Http, TransportError, origin_of

PRM_WELL_KNOWN = "/.well-known/oauth-protected-resource"
OAUTH_WELL_KNOWN = "/.well-known/oauth-authorization-server"
OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
# The 2025-03-26 revision's "Fallbacks for Servers without Metadata Discovery": paths relative
# to the MCP origin (the mcp SDK: oauth2.py `_get_token_endpoint`, `create_client_registration_request`).
DEFAULT_AUTHORIZE, DEFAULT_TOKEN, DEFAULT_REGISTER = "/authorize", "/token", "/register"

RegistrationMethod = Literal["dcr", "cimd"]
Fallback = Literal["origin-metadata", "default-endpoints"]


@dataclass(frozen=True, slots=True)
class Challenge:
    """The answer to an anonymous probe: ideally 401 with a Bearer challenge."""

    exchange: Exchange
    scheme: str | None  # the challenge scheme that carried the params ("Bearer"), if any
    params: Mapping[str, str]  # resource_metadata, scope, error, error_description, realm
    method: str  # the probe that got this answer: "initialize" or "server/discover"
    refused: Exchange | None = None  # initialize's era refusal, when server/discover's answer is kept

    @property
    def status(self) -> int | None:
        return self.exchange.status

    @property
    def resource_metadata(self) -> str | None:
        return self.params.get("resource_metadata")


@dataclass(frozen=True, slots=True)
class Fetch:
    """One candidate URL tried for a metadata document."""

    url: str
    exchange: Exchange
    document: Mapping[str, Any] | None  # the JSON object, when usable
    problem: str | None  # why it was not usable
    elsewhere: str | None = None  # the origin, when the server pointed discovery off its own host

    def to_dict(self) -> dict[str, Any]:
        out = {"url": self.url, "status": self.exchange.status, "problem": self.problem}
        if self.elsewhere:
            out["elsewhere"] = f"the server pointed discovery to another host: {self.elsewhere}"
        return out


@dataclass(frozen=True, slots=True)
class Lookup:
    """Candidates tried in order; `found` is the first usable one."""

    attempts: tuple[Fetch, ...]

    @property
    def found(self) -> Fetch | None:
        return next((a for a in self.attempts if a.document is not None), None)

    @property
    def document(self) -> Mapping[str, Any]:
        return self.found.document if self.found and self.found.document is not None else {}


@dataclass(frozen=True, slots=True)
class AuthServerMetadata:
    issuer: str | None
    authorization_endpoint: str | None
    token_endpoint: str | None
    registration_endpoint: str | None
    code_challenge_methods: tuple[str, ...]
    scopes_supported: tuple[str, ...]
    cimd_supported: bool  # client_id_metadata_document_supported (MCP 2025-11-25)
    via: str  # "oauth-authorization-server" or "openid-configuration"
    cimd_field: bool | None = None  # the field as sent: None when absent
    # None when absent: RFC 8414 §2's default is then ["client_secret_basic"]
    token_endpoint_auth_methods: tuple[str, ...] | None = None
    iss_parameter_supported: bool | None = None  # authorization_response_iss_parameter_supported (RFC 9207)

    @property
    def registration_methods(self) -> tuple[RegistrationMethod, ...]:
        """How a client without a client id can get one here (empty: pre-registered clients only)."""
        methods: list[RegistrationMethod] = []
        if self.cimd_supported:
            methods.append("cimd")
        if self.registration_endpoint is not None:
            methods.append("dcr")
        return tuple(methods)

    @property
    def public_clients_offered(self) -> bool:
        """Whether `none` (a public client, no secret) is an advertised token endpoint auth method."""
        return "none" in (self.token_endpoint_auth_methods or ())

    @classmethod
    def parse(cls, doc: Mapping[str, Any], url: str) -> AuthServerMetadata:
        return cls(
            issuer=_str(doc.get("issuer")),
            authorization_endpoint=_str(doc.get("authorization_endpoint")),
            token_endpoint=_str(doc.get("token_endpoint")),
            registration_endpoint=_str(doc.get("registration_endpoint")),
            code_challenge_methods=_strs(doc.get("code_challenge_methods_supported")),
            scopes_supported=_strs(doc.get("scopes_supported")),
            cimd_supported=doc.get("client_id_metadata_document_supported") is True,
            via="openid-configuration" if OIDC_WELL_KNOWN in url else "oauth-authorization-server",
            cimd_field=_bool(doc.get("client_id_metadata_document_supported")),
            token_endpoint_auth_methods=(
                _strs(doc["token_endpoint_auth_methods_supported"])
                if isinstance(doc.get("token_endpoint_auth_methods_supported"), list)
                else None
            ),
            iss_parameter_supported=_bool(doc.get("authorization_response_iss_parameter_supported")),
        )


@dataclass(frozen=True, slots=True)
class Discovery:
    """What each discovery step saw. A later field is None when an earlier step stopped it."""

    endpoint: str
    challenge: Challenge
    resource_metadata: Lookup | None = None
    authorization_server_url: str | None = None  # the issuer the client expects
    authorization_server: Lookup | None = None
    # True: no usable protected resource metadata, so the authorization server was looked for
    # the 2025-03-26 way, at the MCP origin (`authorization_server_url` is then that origin).
    legacy: bool = False
    default_endpoints: Lookup | None = None  # legacy, no metadata: /authorize and /token probed

    @property
    def prm_unanswered(self) -> tuple[Fetch, ...]:
        """Candidates that got no usable answer (a 5xx, 429 or no answer): why there was no fallback."""
        attempts = self.resource_metadata.attempts if self.resource_metadata else ()
        return tuple(a for a in attempts if not _answered(a) and not (a.problem or "").startswith("refused"))

    @property
    def origin(self) -> str:
        return origin_of(self.endpoint)

    @property
    def fallback(self) -> Fallback | None:
        """Which 2025-03-26 fallback a client reaches the authorization server by (None: none)."""
        if not self.legacy:
            return None
        if self.metadata is not None:
            return "origin-metadata"
        return "default-endpoints" if self.default_endpoints_answer else None

    @property
    def default_endpoints_answer(self) -> bool:
        """Both default endpoints exist: any HTTP answer but 404 (a GET on /token is 405 or 400)."""
        probes = self.default_endpoints.attempts if self.default_endpoints else ()
        return len(probes) == 2 and all(p.exchange.status not in (None, 404, 410) for p in probes)

    @property
    def registration_methods(self) -> tuple[RegistrationMethod, ...]:
        meta = self.metadata
        return meta.registration_methods if meta is not None else ()

    @property
    def issuer_difference(self) -> str | None:
        """How the metadata's issuer differs from the expected one (None: identical, or no metadata)."""
        meta = self.metadata
        if meta is None or self.authorization_server_url is None:
            return None
        if self.legacy and same_root_origin(meta.issuer, self.authorization_server_url):
            return None
        return issuer_difference(meta.issuer, self.authorization_server_url)

    @property
    def reachable(self) -> bool:
        return self.challenge.exchange.failure is None

    @property
    def resource(self) -> str | None:
        return _str(self.resource_metadata.document.get("resource")) if self.resource_metadata else None

    @property
    def resource_matches(self) -> bool | None:
        """RFC 9728 §3.3: the document must be about this endpoint (or a parent of it)."""
        if self.resource is None:
            return None
        return resource_covers(self.resource, self.endpoint)

    @property
    def resource_difference(self) -> str | None:
        """How the metadata's `resource` differs from the endpoint (its query aside), as a
        predicate; None when identical (RFC 9728 §3.3) or when there is no resource."""
        if self.resource is None:
            return None
        return issuer_difference(self.resource, urlsplit(self.endpoint)._replace(query="", fragment="").geturl())

    @property
    def resource_identical(self) -> bool | None:
        """RFC 9728 §3.3 strictly: `resource` is the endpoint itself, not a parent of it."""
        return None if self.resource is None else self.resource_difference is None

    @property
    def authorization_servers(self) -> tuple[str, ...]:
        return _strs(self.resource_metadata.document.get("authorization_servers")) if self.resource_metadata else ()

    @property
    def metadata(self) -> AuthServerMetadata | None:
        found = self.authorization_server.found if self.authorization_server else None
        if not found or found.document is None:
            return None
        return AuthServerMetadata.parse(found.document, found.url)

    @property
    def issuer_matches(self) -> bool | None:
        """RFC 8414 §3.3: `issuer` must be identical to the issuer the metadata URL was built from."""
        if self.metadata is None or self.authorization_server_url is None:
            return None
        return self.issuer_difference is None


def discover(http: Http, endpoint: str) -> Discovery:
    """Walk the chain as far as it goes. Never raises for what the server answers."""
    challenge = probe_challenge(http, endpoint)
    if challenge.exchange.failure is not None:
        return Discovery(endpoint, challenge)
    prm = fetch_first(http, protected_resource_candidates(endpoint, challenge.resource_metadata), endpoint)
    servers = _strs(prm.document.get("authorization_servers"))
    if servers:
        asm = fetch_first(http, authorization_server_candidates(servers[0]), endpoint)
        return Discovery(endpoint, challenge, prm, servers[0], asm)
    if not _legacy_allowed(prm):
        return Discovery(endpoint, challenge, prm)
    # The 2025-03-26 layout (mcp SDK: utils.py build_oauth_authorization_server_metadata_discovery_urls
    # with no authorization server; the expected issuer is the origin, oauth2.py `_expected_issuer`).
    origin = origin_of(endpoint)
    asm = fetch_first(http, (f"{origin}{OAUTH_WELL_KNOWN}",), endpoint)
    defaults = None
    if asm.found is None:
        defaults = Lookup(tuple(_probe(http, f"{origin}{p}", endpoint) for p in (DEFAULT_AUTHORIZE, DEFAULT_TOKEN)))
    return Discovery(endpoint, challenge, prm, origin, asm, legacy=True, default_endpoints=defaults)


def _legacy_allowed(prm: Lookup) -> bool:
    """The SDK falls back only when every candidate answered, none with 429 or a 5xx: a server
    error says nothing about whether metadata exists (oauth2.py, `prm_request_failed`)."""
    if any(a.document is not None and _strs(a.document.get("authorization_servers")) for a in prm.attempts):
        return False
    return all(_answered(a) for a in prm.attempts if not (a.problem or "").startswith("refused"))


def _answered(fetch: Fetch) -> bool:
    status = fetch.exchange.status
    return status is not None and status < 500 and status != 429


def _probe(http: Http, url: str, endpoint: str) -> Fetch:
    """An anonymous GET of a default endpoint: whether it exists, nothing more (no parameters)."""
    refused = refused_target(url, endpoint)
    if refused is not None:
        return Fetch(url, Exchange("GET", url), None, f"refused: {refused}")
    try:
        exchange, _ = http.request("GET", url, headers={"Accept": "application/json"})
    except TransportError as e:
        return Fetch(url, e.exchange, None, f"{e.failure.kind}: {e.failure.detail}")
    return Fetch(url, replace(exchange, body=""), None, f"HTTP {exchange.status}")


def probe_challenge(http: Http, endpoint: str) -> Challenge:
    """An anonymous `initialize`, read-only; the answer names the authorization chain. A
    one-era server may check the protocol before authenticating: when `initialize` gets an
    era refusal (400, 404 or 405) instead of a challenge, an anonymous `server/discover` in
    the 2026-07-28 shape is tried, and its answer kept when it is a challenge or a success.
    initialize goes first so that every server that speaks the handshake costs one request."""
    first = _probe_once(http, endpoint, "initialize")
    if first.status not in (400, 404, 405):
        return first
    second = _probe_once(http, endpoint, "server/discover")
    if second.status is not None and (second.status == 401 or 200 <= second.status < 300):
        return replace(second, refused=first.exchange)
    return first


def _probe_once(http: Http, endpoint: str, method: str) -> Challenge:
    if method == "initialize":
        body, headers = initialize_request_body(0), mcp_headers(http.settings)
    else:
        body = discover_request_body(0)
        headers = modern_headers(http.settings, method, body["params"])
    try:
        exchange, _ = http.request("POST", endpoint, json=body, headers=headers)
    except TransportError as e:
        return Challenge(e.exchange, None, {}, method)
    scheme, params = bearer_challenge(exchange.headers.get("www-authenticate", ""))
    return Challenge(exchange, scheme, params, method)


def protected_resource_candidates(endpoint: str, from_header: str | None) -> tuple[str, ...]:
    origin = origin_of(endpoint)
    path = urlsplit(endpoint).path.rstrip("/")
    urls = [from_header] if from_header and from_header.startswith(("https://", "http://")) else []
    if path:
        urls.append(f"{origin}{PRM_WELL_KNOWN}{path}")
    urls.append(f"{origin}{PRM_WELL_KNOWN}")
    return tuple(dict.fromkeys(urls))


def authorization_server_candidates(issuer: str) -> tuple[str, ...]:
    """MCP 2025-11-25 order: RFC 8414 path insertion, OIDC path insertion, OIDC path append."""
    origin = origin_of(issuer)
    path = urlsplit(issuer).path.rstrip("/")
    if not path:
        return (f"{origin}{OAUTH_WELL_KNOWN}", f"{origin}{OIDC_WELL_KNOWN}")
    return (f"{origin}{OAUTH_WELL_KNOWN}{path}", f"{origin}{OIDC_WELL_KNOWN}{path}", f"{origin}{path}{OIDC_WELL_KNOWN}")


def fetch_first(http: Http, urls: tuple[str, ...], endpoint: str) -> Lookup:
    attempts: list[Fetch] = []
    for url in urls:
        fetch = fetch_json(http, url, endpoint)
        attempts.append(fetch)
        if fetch.document is not None:
            break
    return Lookup(tuple(attempts))


# What the doctor reads of a metadata document: the evidence keeps these, not the whole answer.
READ_FIELDS = (
    "resource",
    "authorization_servers",
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "registration_endpoint",
    "code_challenge_methods_supported",
    "client_id_metadata_document_supported",
    "scopes_supported",
    "bearer_methods_supported",
    "token_endpoint_auth_methods_supported",
    "authorization_response_iss_parameter_supported",
)


def fetch_json(http: Http, url: str, endpoint: str) -> Fetch:
    elsewhere = origin_of(url) if origin_of(url) != origin_of(endpoint) else None
    refused = refused_target(url, endpoint)
    if refused is not None:
        return Fetch(url, Exchange("GET", url), None, f"refused: {refused}", elsewhere)
    try:
        exchange, raw = http.request("GET", url, headers={"Accept": "application/json"})
    except TransportError as e:
        return Fetch(url, e.exchange, None, f"{e.failure.kind}: {e.failure.detail}", elsewhere)
    if exchange.status != 200:
        return Fetch(url, exchange, None, f"HTTP {exchange.status}", elsewhere)
    try:
        doc = json.loads(raw)
    except ValueError:
        return Fetch(url, exchange, None, "not JSON", elsewhere)
    if not isinstance(doc, dict):
        return Fetch(url, exchange, None, "not a JSON object", elsewhere)
    kept = {k: doc[k] for k in READ_FIELDS if k in doc}
    evidence = replace(exchange, body=http.excerpt(json.dumps(kept, ensure_ascii=False, sort_keys=True)))
    return Fetch(url, evidence, doc, None, elsewhere)


def resource_covers(resource: str, endpoint: str) -> bool:
    """Same origin, and the resource's path is the endpoint's path or a parent of it."""
    if origin_of(resource) != origin_of(endpoint):
        return False
    rp = urlsplit(resource).path.rstrip("/")
    ep = urlsplit(endpoint).path.rstrip("/")
    return ep == rp or ep.startswith(rp + "/") or rp == ""


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))
