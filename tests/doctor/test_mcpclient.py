"""The shared MCP client (auditor.mcpclient) against the simulator, over real HTTP."""

from __future__ import annotations

import pytest

from auditor.mcpclient import (
    Credentials,
    FailureKind,
    Http,
    HttpSettings,
    HttpStatusError,
    McpSession,
    TransportError,
    discover,
    parse_www_authenticate,
)
from tests.servers.rovo_sim import SIM_API_TOKEN, SIM_EMAIL, TOOLS, SimConfig, oauth_token, running_sim


def _http(url: str, creds: Credentials | None = None, **settings: object) -> Http:
    return Http(HttpSettings(timeout=10, **settings), creds or Credentials.none(), frozenset({url}))  # type: ignore[arg-type]


@pytest.mark.parametrize("json_responses", [False, True], ids=["sse", "json"])
def test_session_pages_through_tools_in_both_response_modes(json_responses: bool) -> None:
    with running_sim(SimConfig(json_responses=json_responses, tools_page_size=4)) as base:
        url = base + "/v1/mcp"
        with _http(url, Credentials.basic(SIM_EMAIL, SIM_API_TOKEN)) as http, McpSession(http, url) as session:
            init = session.initialize()
            listing = session.list_tools()
        methods = [r.rpc_method for r in base.requests if r.path == "/v1/mcp"]
    assert init.server_name == "rovo-sim" and init.session_id and init.protocol_version
    assert "(issued)" in init.exchange.headers.get("mcp-session-id", "")  # evidence never holds the id
    visible = [
        n for n, (g, _) in TOOLS.items() if not g.startswith("compass") and g not in ("jira.delete", "jira.manage")
    ]
    assert list(listing.names) == visible
    assert listing.pages == -(-len(visible) // 4)
    assert methods[:2] == ["initialize", "notifications/initialized"]
    assert methods.count("tools/list") == listing.pages


def test_discovery_records_every_candidate_and_falls_back_to_openid() -> None:
    with running_sim(SimConfig(prm_in_header=False, asm_openid_only=True)) as base:
        url = base + "/v1/mcp"
        with _http(url) as http:
            d = discover(http, url)
    assert d.challenge.status == 401 and d.challenge.resource_metadata is None
    assert [a.url for a in d.resource_metadata.attempts] == [base + "/.well-known/oauth-protected-resource/v1/mcp"]
    assert d.resource_matches is True
    assert [a.url for a in d.authorization_server.attempts] == [
        base + "/.well-known/oauth-authorization-server/oauth",  # RFC 8414 path insertion: 404 here
        base + "/.well-known/openid-configuration/oauth",  # OpenID path insertion: found
    ]
    assert d.authorization_server.attempts[0].problem == "HTTP 404"
    assert d.metadata is not None and d.metadata.via == "openid-configuration"
    assert d.issuer_matches is True and "S256" in d.metadata.code_challenge_methods


def test_no_credentials_during_discovery_and_none_to_other_origins() -> None:
    with running_sim(SimConfig()) as base:
        url = base + "/v1/mcp"
        with _http(url, Credentials.basic(SIM_EMAIL, SIM_API_TOKEN)) as http:
            discover(http, url)
            with pytest.raises(ValueError, match="refusing to send credentials"):
                http.request("GET", "http://127.0.0.2:9/elsewhere", authenticate=True)
        assert base.requests and all(r.authorization is None for r in base.requests)


def test_redirects_are_not_followed_and_the_other_host_gets_nothing() -> None:
    with running_sim(SimConfig(), host="127.0.0.2") as other:
        with running_sim(SimConfig(redirect_to=str(other))) as base:
            url = base + "/v1/mcp"
            with (
                _http(url, Credentials.bearer(oauth_token(base))) as http,
                McpSession(http, url) as session,
                pytest.raises(TransportError) as caught,
            ):
                session.initialize()
        assert caught.value.failure.kind == FailureKind.REDIRECT
        assert str(other) in caught.value.failure.detail
        assert other.requests == [] and other.authorization_values == []


def test_http_errors_carry_redacted_evidence() -> None:
    with running_sim(SimConfig(api_token_auth=False, echo_authorization=True)) as base:
        url = base + "/v1/mcp"
        creds = Credentials.basic(SIM_EMAIL, SIM_API_TOKEN)
        with _http(url, creds) as http, McpSession(http, url) as session, pytest.raises(HttpStatusError) as caught:
            session.initialize()
    ex = caught.value.exchange
    assert ex.status == 401 and "received" in ex.body and "[redacted]" in ex.body
    assert SIM_API_TOKEN not in ex.body and SIM_API_TOKEN[:12] not in ex.body
    assert 'error="invalid_token"' in ex.headers["www-authenticate"]


def test_redaction_happens_before_truncation() -> None:
    creds = Credentials.bearer(SIM_API_TOKEN)
    with Http(HttpSettings(), creds) as http:
        text = http.excerpt("x" * 1995 + SIM_API_TOKEN + "tail")
    assert SIM_API_TOKEN[:5] not in text and text.endswith("x[reda")


def test_credentials_never_print_their_secret() -> None:
    creds = Credentials.basic("someone@example.com", SIM_API_TOKEN)
    for text in (repr(creds), str(creds), creds.label, f"{creds!r}"):
        assert SIM_API_TOKEN not in text and "someone@" not in text
    assert creds.authorization() is not None and creds.authorization().startswith("Basic ")


@pytest.mark.parametrize(
    "header, expected",
    [
        (
            'Bearer resource_metadata="https://x/.well-known/oauth-protected-resource/v1/mcp", scope="a b"',
            [
                (
                    "Bearer",
                    {"resource_metadata": "https://x/.well-known/oauth-protected-resource/v1/mcp", "scope": "a b"},
                )
            ],
        ),
        (
            'Basic realm="x", Bearer error="invalid_token", error_description="a \\"quoted\\" text"',
            [("Basic", {"realm": "x"}), ("Bearer", {"error": "invalid_token", "error_description": 'a "quoted" text'})],
        ),
        ("Bearer", [("Bearer", {})]),
        ("", []),
    ],
)
def test_www_authenticate_parsing(header: str, expected: list[tuple[str, dict[str, str]]]) -> None:
    assert parse_www_authenticate(header) == expected
