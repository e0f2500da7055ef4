"""A simulator of the Rovo MCP server for tests: a real MCP server (official `mcp` SDK,
streamable HTTP) on 127.0.0.1 behind an auth layer whose behaviour each test configures.

    from tests.servers.rovo_sim import SCENARIOS, SimConfig, running_sim, SIM_EMAIL, SIM_API_TOKEN

    with running_sim(SCENARIOS["ip-blocked"]) as base:      # base: "http://127.0.0.1:PORT"
        url = base + "/v1/mcp"                                # also /v2/mcp; /v1/sse is gone (404)
        ...
        base.requests                                         # what the sim saw (no secrets)

What it serves (paths under base):
- `/v1/mcp`, `/v2/mcp`: MCP. `/v1/mcp` lists the v1 tool names (TOOLS); `/v2/mcp` the v2 ones
  (TOOLS_V2): its primary tools plus the discover/execute meta-tools, or with `?tools=all` the
  flat catalogue. `?capabilities=READ_JIRA,...` narrows either listing to those capabilities. Anonymous → 401 `WWW-Authenticate: Bearer resource_metadata=...`.
  Credentials: Basic `SIM_EMAIL:SIM_API_TOKEN` (scoped token: every tool of an allowed group),
  Basic `SIM_EMAIL:SIM_CLASSIC_API_TOKEN` (classic scopes: Teamwork Graph tools only), an API
  token sent as Bearer (Teamwork Graph tools only), Bearer `SIM_SERVICE_KEY` (service account),
  Bearer `oauth_token(base, ...)` (a JWT signed by the sim; issued by the sim's authorization
  server unless `issuer=` says otherwise, which makes it a custom 3LO app's token: the
  session starts and every tool call fails with "We are having trouble completing this action").
- `/.well-known/oauth-protected-resource/v1/mcp` (and /v2/mcp): RFC 9728 metadata.
- `/.well-known/oauth-authorization-server/oauth` (or `/.well-known/openid-configuration/oauth`
  with `asm_openid_only`): RFC 8414 metadata for the issuer `{base}/oauth`.
- `POST /oauth/register` (DCR), `GET /oauth/token/accessible-resources` (Bearer OAuth token).

Eras (`SimConfig.eras`): by default the SDK answers both the 2026-07-28 stateless protocol
(a request whose `MCP-Protocol-Version` is 2026-07-28) and the initialize handshake; a
"stateless-only" sim answers anything else 400 with an UnsupportedProtocolVersion error (-32022)
naming 2026-07-28, and GET/DELETE 405 (streamable-http.mdx 2026-07-28, "Backward
Compatibility"); a "handshake-only" sim answers a 2026-07-28 request as the SDK's legacy
transport answers a sessionless POST (400, -32600 "Bad Request: Missing session ID").
Failures after authentication, in both eras: `rate_limited` (429 + Retry-After),
`step_up_scopes` (403 + `WWW-Authenticate: Bearer error="insufficient_scope", scope=...` on
tools/call), `transport_origins` (the SDK's own Origin check: 403 "Invalid Origin header"),
`ip_blocked` (403 with Atlassian's IP allowlist message).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from tests.servers import bound_socket, serving

SIM_EMAIL = "dev@example.com"
SIM_API_TOKEN = "ATATT3xFfGF0SimScopedTokenPLANTED-5ecret0001"
SIM_CLASSIC_API_TOKEN = "ATATT3xFfGF0SimClassicTokenPLANTED-5ecret0002"
SIM_SERVICE_KEY = "svcKey-SimServiceAccountPLANTED-5ecret0003"
_SIGNING_KEY = b"rovo-sim-signing-key"
CUSTOM_APP_ISSUER = "https://auth.atlassian.com"

MCP_PATHS = ("/v1/mcp", "/v2/mcp")
IP_BLOCKED_MESSAGE = "You don't have permission to connect from this IP address. Please ask your admin for access."
DOMAIN_MESSAGE = "Your organization admin must authorize access from a domain to this site/app."
TROUBLE_MESSAGE = "We are having trouble completing this action. Please try again later."
SCOPE_MESSAGE = "Unauthorized; scope does not match"
DOMAIN_BLOCKED_MESSAGE = "Your admin has blocked this domain."

GRANULAR_SCOPES = ("read:jira-work", "read:page:confluence", "search:confluence", "write:jira-work")
AGENT_SCOPES = ("read:jira:agent-interface", "search:rovo:agent-interface")

# Tool name -> (product.group, read-only). Names from ROVO-MCP.md; grouping is the sim's own.
TOOLS: dict[str, tuple[str, bool]] = {
    "getJiraIssue": ("jira.read", True),
    "getVisibleJiraProjects": ("jira.read", True),
    "lookupJiraAccountId": ("jira.read", True),
    "searchJiraIssuesUsingJql": ("jira.search", True),
    "createJiraIssue": ("jira.write", False),
    "editJiraIssue": ("jira.write", False),
    "addCommentToJiraIssue": ("jira.write", False),
    "getConfluencePage": ("confluence.read", True),
    "getConfluenceSpaces": ("confluence.read", True),
    "searchConfluenceUsingCql": ("confluence.search", True),
    "createConfluencePage": ("confluence.write", False),
    "updateConfluencePage": ("confluence.write", False),
    "getCompassComponent": ("compass.read", True),
    "getJsmRequest": ("jsm.read", True),
    "search": ("platform.search_atlassian", True),
    "fetch": ("platform.read_teamwork_graph", True),
    "getTeamworkGraphContext": ("platform.read_teamwork_graph", True),
    "getTeamworkGraphObject": ("platform.read_teamwork_graph", True),
    "getAccessibleAtlassianResources": ("platform.read_teamwork_graph", True),
    "atlassianUserInfo": ("platform.read_teamwork_graph", True),
}

# The v2 catalogue of /v2/mcp?tools=all as the field saw it in 2026-09 (ROVO-MCP.md), written
# out here independently of auditor/data/tool_groups.yaml; "" = belongs to no permission group.
# `searchCode` stands for a v2 tool no data file knows yet.
TOOLS_V2: dict[str, tuple[str, bool]] = {
    **dict.fromkeys(
        [
            "findJiraIssueAssignableUsers",
            "getJiraBoardConfig",
            "getJiraBoardIssueData",
            "getJiraBoardSprintData",
            "getJiraCurrentUser",
            "getJiraIssue",
            "getJiraProjectVersions",
            "listJiraBoardSprints",
            "listJiraBoards",
            "listJiraIssueComments",
            "listJiraIssueTransitions",
            "listJiraProjects",
            "lookupJiraAccountId",
        ],
        ("jira.read", True),
    ),
    "searchJiraIssuesUsingJql": ("jira.search", True),
    **dict.fromkeys(
        [
            "addOrEditJiraIssueComment",
            "addOrEditJiraIssueWorklog",
            "createJiraIssue",
            "createJiraIssueLink",
            "editJiraIssue",
            "transitionJiraIssue",
            "uploadAttachmentToJiraIssue",
            "watchJiraIssue",
        ],
        ("jira.write", False),
    ),
    **dict.fromkeys(["deleteJiraComment", "deleteJiraIssue", "deleteJiraIssueAttachment"], ("jira.delete", False)),
    "manageJiraProjectVersion": ("jira.manage", False),
    **dict.fromkeys(
        [
            "getConfluenceAttachment",
            "getConfluenceComment",
            "getConfluenceContent",
            "getConfluenceContentPermissions",
            "getConfluenceContentRestrictionState",
            "getConfluenceSpace",
            "listConfluenceAttachments",
            "listConfluenceComments",
            "listConfluenceContent",
            "listConfluenceSpaces",
            "listConfluenceTasks",
        ],
        ("confluence.read", True),
    ),
    "searchConfluence": ("confluence.search", True),
    **dict.fromkeys(
        [
            "addLabelsToConfluenceContent",
            "completeConfluenceTask",
            "createConfluenceAttachment",
            "createConfluenceComment",
            "createConfluenceContent",
            "updateConfluenceComment",
            "updateConfluenceContent",
        ],
        ("confluence.write", False),
    ),
    **dict.fromkeys(["getJsmOpsAlerts", "getJsmOpsScheduleInfo", "getJsmOpsTeamInfo"], ("jsm.read", True)),
    "updateJsmOpsAlert": ("jsm.write", False),
    **dict.fromkeys(["getBitbucketRepository", "listBitbucketRepositories"], ("bitbucket.read", True)),
    "createBitbucketRepoPullRequest": ("bitbucket.write", False),
    "getLoomVideo": ("loom.read", True),
    "search": ("platform.search_atlassian", True),
    "getTeamworkGraphContext": ("platform.read_teamwork_graph", True),
    "searchCode": ("code.read", True),
    "getAccessibleAtlassianResources": ("", True),
    "atlassianUserInfo": ("", True),
}
# What /v2/mcp lists without ?tools=all: a few primary tools and the meta-tools.
PRIMARY_V2 = (
    "getAccessibleAtlassianResources",
    "atlassianUserInfo",
    "getConfluenceContent",
    "createConfluenceContent",
    "updateConfluenceContent",
    "searchConfluence",
    "getJiraIssue",
    "searchJiraIssuesUsingJql",
    "createJiraIssue",
    "editJiraIssue",
    "transitionJiraIssue",
    "getLoomVideo",
    "search",
)
META_TOOLS_V2 = ("discover", "executeRead", "executeWrite", "executeDestructive")
# `?capabilities=` names → the group whose tools they keep (atlassian-mcp-server#11, PR #123).
CAPABILITIES = {
    "READ_JIRA": "jira.read",
    "WRITE_JIRA": "jira.write",
    "SEARCH_JIRA": "jira.search",
    "READ_CONFLUENCE": "confluence.read",
    "WRITE_CONFLUENCE": "confluence.write",
    "SEARCH_CONFLUENCE": "confluence.search",
    "READ_COMPASS": "compass.read",
    "WRITE_COMPASS": "compass.write",
    "READ_JSM": "jsm.read",
    "WRITE_JSM": "jsm.write",
    "SEARCH_ATLASSIAN": "platform.search_atlassian",
}


@dataclass(frozen=True)
class SimConfig:
    api_token_auth: bool = True
    allowed_origins: tuple[str, ...] | None = None  # None: no Origin check; else exact origins
    blocked_groups: frozenset[str] = frozenset({"jira.delete", "jira.manage"})
    ip_blocked: bool = False
    prm_missing: bool = False
    prm_in_header: bool = True  # resource_metadata in the 401 challenge
    issuer_mismatch: bool = False
    registration_missing: bool = False
    cimd_supported: bool = True
    pkce_methods: tuple[str, ...] = ("S256",)
    asm_openid_only: bool = False
    tools_page_size: int = 6  # small, so clients must follow nextCursor
    json_responses: bool = False  # False: answers come as SSE streams
    redirect_to: str | None = None  # MCP paths answer 307 to this base instead
    echo_authorization: bool = False  # a careless server: a refused request's header comes back in the body
    v2_domain_bug: bool = False  # atlassian-mcp-server#254: on /v2/mcp, OAuth clients are refused by domain
    # Protocol eras served (the spec's terms, 2026-07-28 basic/versioning.mdx): "modern" is the
    # stateless 2026-07-28 protocol (server/discover, _meta, Mcp-Method), "legacy" the initialize
    # handshake. The SDK serves both; a one-era sim refuses the other era as such a server would.
    eras: tuple[str, ...] = ("modern", "legacy")
    rate_limited: str | None = None  # every authenticated MCP request gets 429 with this Retry-After
    step_up_scopes: tuple[str, ...] = ()  # tools/call by an OAuth token lacking these: 403 insufficient_scope
    transport_origins: tuple[str, ...] | None = None  # the SDK's own Origin check (403 "Invalid Origin header")
    forbidden_body: str | None = None  # every authenticated MCP request: 403 with this body, and no known reason
    broken_era: str | None = None  # "modern", "legacy" or "both": those requests get HTTP 500 (a server fault)
    # A one-era sim that refuses the other era's requests before it authenticates them (an
    # anonymous request in the wrong era's shape gets 400, not the 401 challenge).
    era_before_auth: bool = False


SCENARIOS: dict[str, SimConfig] = {
    "healthy": SimConfig(),
    "origin-not-allowlisted": SimConfig(allowed_origins=("https://app.example.com",)),
    "api-token-auth-off": SimConfig(api_token_auth=False),
    "custom-3lo-token": SimConfig(),  # the client brings a token from a custom 3LO app
    "classic-scoped-token": SimConfig(),  # the client brings SIM_CLASSIC_API_TOKEN
    "token-sent-as-bearer": SimConfig(),  # the client sends SIM_API_TOKEN as Bearer
    "permission-group-blocked": SimConfig(blocked_groups=frozenset({"jira.write", "jira.delete", "jira.manage"})),
    "ip-blocked": SimConfig(ip_blocked=True),
    "prm-missing": SimConfig(prm_missing=True),
    "issuer-mismatch": SimConfig(issuer_mismatch=True),
    "registration-missing": SimConfig(registration_missing=True, cimd_supported=False),
    "endpoint-deprecated": SimConfig(),  # the client uses /v1/sse
    "v2-custom-domain-bug": SimConfig(v2_domain_bug=True),  # an OAuth client on /v2/mcp with its origin listed
    "stateless-only": SimConfig(eras=("modern",)),  # 2026-07-28 only: initialize is refused
    "handshake-only": SimConfig(eras=("legacy",)),  # 2025 era only: server/discover is not understood
    "rate-limited": SimConfig(rate_limited="30"),
    "insufficient-scope": SimConfig(step_up_scopes=("write:jira-work", "read:jira-user")),
    "origin-refused": SimConfig(transport_origins=("https://claude.ai",)),
}
MODERN_VERSION = "2026-07-28"
UNSUPPORTED_ERA_MESSAGE = f"Unsupported protocol version: this server speaks {MODERN_VERSION} only (no initialize)"
# What the SDK's legacy (session) transport answers a sessionless POST, measured on mcp 2.3.0.
MISSING_SESSION_MESSAGE = "Bad Request: Missing session ID"
RATE_LIMIT_MESSAGE = "Rate limit exceeded. Try again later."
STEP_UP_MESSAGE = "This operation needs more scopes than the token grants"


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    authorization: str | None  # the scheme only ("Basic", "Bearer"), never the value
    origin: str | None
    host: str
    rpc_method: str | None = None
    tool: str | None = None
    protocol: str | None = None  # the MCP-Protocol-Version header
    mcp_method: str | None = None  # the Mcp-Method header (2026-07-28)
    mcp_name: str | None = None  # the Mcp-Name header (2026-07-28)
    session: bool = False  # whether an Mcp-Session-Id header came (never its value)
    meta_version: str | None = None  # params._meta's io.modelcontextprotocol/protocolVersion
    query: str = ""  # the URL's query string, as sent


class Sim(str):
    """The base URL, plus what the simulator saw."""

    requests: list[SeenRequest]
    authorization_values: list[str]  # raw values, only so tests can prove where secrets went

    def __new__(cls, url: str) -> Sim:
        obj = super().__new__(cls, url)
        obj.requests = []
        obj.authorization_values = []
        return obj

    def tool_calls(self) -> list[str]:
        return [r.tool for r in self.requests if r.tool]


def oauth_token(
    base: str,
    *,
    issuer: str | None = None,
    scopes: tuple[str, ...] = GRANULAR_SCOPES,
    client_id: str = "dcr-registered-client",
) -> str:
    """A JWT the sim accepts; `issuer` other than the sim's makes it a custom 3LO app token."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {
        "iss": issuer or f"{base}/oauth",
        "client_id": client_id,
        "scope": " ".join(scopes),
        "sub": "557058:sim-user",
        "exp": 4102444800,
    }
    payload = b64(json.dumps(claims).encode())
    sig = b64(hmac.new(_SIGNING_KEY, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{sig}"


def verify_jwt(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    expected = (
        base64.urlsafe_b64encode(hmac.new(_SIGNING_KEY, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
        .rstrip(b"=")
        .decode()
    )
    if not hmac.compare_digest(expected, parts[2]):
        return None
    claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    return claims if isinstance(claims, dict) else None


# -- running it ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path


def make_tls_files(folder: Path, host: str = "127.0.0.1") -> TlsFiles:
    """A self-signed certificate for `host` (the CA bundle is the certificate itself)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rovo-sim")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    files = TlsFiles(folder / "sim-cert.pem", folder / "sim-key.pem")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return files


@contextlib.contextmanager
def running_sim(
    config: SimConfig | None = None, *, host: str = "127.0.0.1", tls: TlsFiles | None = None
) -> Iterator[Sim]:
    """Run the simulator with uvicorn in a background thread; yields its base URL (a `Sim`)."""
    sock = bound_socket(host)
    port = int(sock.getsockname()[1])
    from .rovo_sim_app import RovoSimApp  # here: the app module imports this one

    sim = Sim(f"{'https' if tls else 'http'}://{host}:{port}")
    app = RovoSimApp(config or SimConfig(), sim)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="on",
            ssl_certfile=str(tls.cert) if tls else None,
            ssl_keyfile=str(tls.key) if tls else None,
        )
    )
    with serving(server, sock, f"rovo-sim:{port}"):
        yield sim


__all__ = [
    "AGENT_SCOPES",
    "CUSTOM_APP_ISSUER",
    "GRANULAR_SCOPES",
    "SCENARIOS",
    "SIM_API_TOKEN",
    "SIM_CLASSIC_API_TOKEN",
    "SIM_EMAIL",
    "SIM_SERVICE_KEY",
    "STEP_UP_MESSAGE",
    "TOOLS",
    "TOOLS_V2",
    "SeenRequest",
    "Sim",
    "SimConfig",
    "TlsFiles",
    "make_tls_files",
    "oauth_token",
    "running_sim",
]
