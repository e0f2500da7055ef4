"""The doctor's discovery verdict on servers built from the official `mcp` SDK's own
authorization pieces (tests/servers/sdk_auth_servers.py), one per layout, checked against
whether the SDK's own client (`mcp.client.auth.OAuthClientProvider`, through the SDK's
streamable HTTP client) connects. Where the SDK does not follow the specification (it sends
S256 to a server that does not offer it), the test states the specification's rule instead.

Each server starts once per module (module-scoped fixtures); the doctor runs through the real
command (`run_cli`), anonymously and with --try-register, so every discovery step runs."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl

from tests.conftest import assert_no_secret, run_cli
from tests.servers.sdk_auth_servers import CONFIGS, PRE_REGISTERED_ID, REDIRECT_URI, SdkServer, running_sdk_server

AS_OF = "2026-11-26T10:00:00Z"
AUTH = ("DOC-AUTH-001", "DOC-AUTH-002", "DOC-AUTH-003", "DOC-AUTH-004", "DOC-AUTH-005", "DOC-AUTH-006", "DOC-AUTH-007")


class MemoryStorage:
    """The SDK's TokenStorage protocol, in memory; optionally holding a pre-registered client."""

    def __init__(self, client_info: OAuthClientInformationFull | None = None) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info = client_info

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


async def _sdk_connect(url: str, pre_registered: bool) -> str:
    """'connected: <tools>' or why the SDK's client could not connect."""
    answer: dict[str, str | None] = {}

    async def redirect_handler(authorization_url: str) -> None:
        # The browser's part: follow the authorize request; the test server approves at once.
        async with httpx2.AsyncClient() as browser:
            r = await browser.get(authorization_url)
        location = r.headers.get("location", "")
        query = parse_qs(urlsplit(location).query)
        if r.status_code not in (302, 303) or "code" not in query:
            raise RuntimeError(f"authorize answered HTTP {r.status_code}: {r.text[:200]}")
        answer.update(code=query["code"][0], state=query.get("state", [None])[0], iss=query.get("iss", [None])[0])

    async def callback_handler() -> AuthorizationCodeResult:
        return AuthorizationCodeResult(code=answer["code"] or "", state=answer["state"], iss=answer["iss"])

    info = (
        OAuthClientInformationFull(
            client_id=PRE_REGISTERED_ID, redirect_uris=[AnyUrl(REDIRECT_URI)], token_endpoint_auth_method="none"
        )
        if pre_registered
        else None
    )
    provider = OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(redirect_uris=[AnyUrl(REDIRECT_URI)], client_name="sdk test client"),
        storage=MemoryStorage(info),
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )
    try:
        async with (
            httpx2.AsyncClient(auth=provider, timeout=10) as http,
            Client(streamable_http_client(url, http_client=http)) as client,
        ):
            tools = await client.list_tools()
    except BaseException as e:  # an ExceptionGroup from the transport's task group, too
        return f"refused: {_flatten(e)}"
    return "connected: " + ",".join(t.name for t in tools.tools)


def _flatten(e: BaseException) -> str:
    if isinstance(e, BaseExceptionGroup):
        return "; ".join(_flatten(x) for x in e.exceptions)
    return f"{type(e).__name__}: {e}"


def sdk_connects(server: SdkServer, *, pre_registered: bool = False) -> str:
    return asyncio.run(_sdk_connect(server.url, pre_registered))


def doctor(server: SdkServer, tmp: Path, *args: str) -> dict[str, Any]:
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / "out"
    r = run_cli(
        "doctor", "--url", server.url, "--api-base-url", server.origin, "--out", out, "--as-of", AS_OF,
        "-q", *args, cwd=tmp, timeout=120,
    )  # fmt: skip
    assert r.code in (0, 1), (r.code, r.out, r.err)
    # No token or client secret the server issued, and no --bearer value, reaches any output.
    issued = [*server.provider.tokens, *(c.client_secret for c in server.provider.clients.values() if c.client_secret)]
    assert_no_secret(r, out, secrets=[*issued, *(v for f, v in itertools.pairwise(args) if f == "--bearer")])
    report: dict[str, Any] = json.loads((out / "doctor.json").read_text(encoding="utf-8"))
    return report


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {s["code"]: s["status"] for s in report["steps"] if s["code"] in AUTH}


def step(report: dict[str, Any], code: str) -> dict[str, Any]:
    return next(s for s in report["steps"] if s["code"] == code)


def causes(report: dict[str, Any], code: str) -> list[str]:
    return [c["id"] for c in step(report, code).get("causes", [])]


@pytest.fixture(scope="module")
def sdk() -> Iterator[Callable[[str], SdkServer]]:
    """Each configuration's server, started on first use and kept for the whole module."""
    with contextlib.ExitStack() as stack:
        started: dict[str, SdkServer] = {}

        def get(name: str) -> SdkServer:
            if name not in started:
                started[name] = stack.enter_context(running_sdk_server(CONFIGS[name]))
            return started[name]

        yield get


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def served(
    request: pytest.FixtureRequest, sdk: Callable[[str], SdkServer], tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, SdkServer, dict[str, Any]]:
    """Each configuration once: the server, and the doctor's report on it (--try-register)."""
    name = request.param
    server = sdk(name)
    return name, server, doctor(server, tmp_path_factory.mktemp(name), "--try-register")


PASS_ALL = dict.fromkeys(AUTH[:6], "passed") | {"DOC-AUTH-007": "skipped"}  # 007: DCR instead
LEGACY = {"DOC-AUTH-001": "warning", "DOC-AUTH-002": "warning"}
# Per configuration: the status of each discovery step, and whether the SDK client connects.
EXPECTED: dict[str, tuple[dict[str, str], bool]] = {
    "healthy": (PASS_ALL, True),
    "split-as": (PASS_ALL, True),
    "path-issuer": (PASS_ALL, True),
    "strict-resource": (PASS_ALL, True),
    "trailing-slash-issuer": (PASS_ALL | {"DOC-AUTH-004": "failed"}, False),
    "no-prm-origin-metadata": (PASS_ALL | LEGACY, True),
    "no-prm-default-endpoints": (
        PASS_ALL
        | LEGACY
        | {"DOC-AUTH-003": "warning", "DOC-AUTH-004": "skipped", "DOC-AUTH-005": "warning"}
        | {"DOC-AUTH-007": "skipped"},
        True,
    ),
    "no-prm": (
        {"DOC-AUTH-001": "warning", "DOC-AUTH-002": "failed", "DOC-AUTH-003": "failed"}
        | dict.fromkeys(AUTH[3:], "skipped"),
        False,
    ),
    # A 5xx on the PRM URL says nothing about the layout: the SDK stops there, so does the doctor.
    "prm-server-error": (
        {"DOC-AUTH-001": "warning", "DOC-AUTH-002": "failed"} | dict.fromkeys(AUTH[2:], "skipped"),
        False,
    ),
    "iss-parameter": (PASS_ALL, True),  # the SDK client checks the iss it is sent (RFC 9207 §2.4)
    # The SDK sends S256 whatever the server offers; see test_no_s256_is_the_spec_rule.
    "no-s256": (PASS_ALL | {"DOC-AUTH-005": "failed"}, True),
    # A pre-registered SDK client connects (the doctor warns); one without a client id cannot
    # (test_pre_registration_warns_and_only_a_pre_registered_sdk_client_connects).
    "no-registration": (PASS_ALL | {"DOC-AUTH-006": "warning", "DOC-AUTH-007": "warning"}, True),
    # The doctor goes on to the authorization server named, to say what else it would meet.
    "resource-mismatch": (PASS_ALL | {"DOC-AUTH-002": "failed"}, False),
    # RFC 9728 §3.3 asks for the endpoint itself; the SDK accepts a parent: a warning, it connects.
    "resource-parent": (PASS_ALL | {"DOC-AUTH-002": "warning"}, True),
}


def test_every_configuration_has_an_expectation() -> None:
    assert set(EXPECTED) == set(CONFIGS)


def test_doctor_verdict_per_step(served: tuple[str, SdkServer, dict[str, Any]]) -> None:
    name, _, report = served
    want, _ = EXPECTED[name]
    assert statuses(report) == want, [(s["code"], s["status"], s["summary"]) for s in report["steps"]]


def test_doctor_agrees_with_the_sdk_client(served: tuple[str, SdkServer, dict[str, Any]]) -> None:
    """No discovery step fails exactly where the SDK's own client connects (S256 aside)."""
    name, server, report = served
    connected = sdk_connects(server, pre_registered=name == "no-registration")
    assert connected.startswith("connected") is EXPECTED[name][1], connected
    failed = [c for c, s in statuses(report).items() if s == "failed"]
    if name != "no-s256":
        assert (not failed) is connected.startswith("connected"), (failed, connected)


def test_trailing_slash_issuer_is_named_and_the_sdk_refuses_it(sdk: Callable[[str], SdkServer], tmp_path: Path) -> None:
    server = sdk("trailing-slash-issuer")
    report = doctor(server, tmp_path)
    connected = sdk_connects(server)
    issuer = step(report, "DOC-AUTH-004")
    assert issuer["status"] == "failed" and causes(report, "DOC-AUTH-004") == ["issuer-mismatch"]
    assert f"issuer {server.issuer}/ is not {server.issuer}: it differs only by a trailing slash" in issuer["summary"]
    assert report["first_cause"]["step"] == "DOC-AUTH-004"
    assert "Authorization server metadata issuer mismatch" in connected


def test_legacy_layout_warns_naming_the_clients(sdk: Callable[[str], SdkServer], tmp_path: Path) -> None:
    server = sdk("no-prm-origin-metadata")
    report = doctor(server, tmp_path)
    prm = step(report, "DOC-AUTH-002")
    assert prm["status"] == "warning" and causes(report, "DOC-AUTH-002") == ["legacy-discovery"]
    assert f"authorization server metadata at the MCP origin ({server.origin})" in prm["summary"]
    assert any("mcp Python SDK" in d and "MCP TypeScript SDK" in d for d in prm["details"])
    assert "the 2025-03-26 fallback" in step(report, "DOC-AUTH-003")["summary"]
    assert report["first_cause"] is None and report["verdict"].startswith("No cause found")


def test_default_endpoints_fallback(sdk: Callable[[str], SdkServer], tmp_path: Path) -> None:
    server = sdk("no-prm-default-endpoints")
    plain = doctor(server, tmp_path / "a")
    before = len(server.provider.registered)
    registered = doctor(server, tmp_path / "b", "--try-register")
    dcr = server.provider.registered[before:]
    assert "its default endpoints answer (authorize HTTP" in step(plain, "DOC-AUTH-003")["summary"]
    assert step(plain, "DOC-AUTH-006")["status"] == "warning"
    assert f"{server.origin}/register" in step(plain, "DOC-AUTH-006")["summary"]
    assert step(registered, "DOC-AUTH-006")["status"] == "passed"
    assert "the 2025-03-26 default" in step(registered, "DOC-AUTH-006")["summary"]
    assert len(dcr) == 1  # --try-register alone created a client


def test_pre_registration_warns_and_only_a_pre_registered_sdk_client_connects(
    sdk: Callable[[str], SdkServer], tmp_path: Path
) -> None:
    server = sdk("no-registration")
    report = doctor(server, tmp_path)
    anonymous = sdk_connects(server)
    pre_registered = sdk_connects(server, pre_registered=True)
    registration = step(report, "DOC-AUTH-006")
    assert registration["status"] == "warning" and causes(report, "DOC-AUTH-006") == ["pre-registration-only"]
    assert "only pre-registered clients can connect" in registration["summary"]
    assert anonymous.startswith("refused") and "Registration failed: 404" in anonymous
    assert pre_registered == "connected: ping"


def test_no_s256_is_the_spec_rule(sdk: Callable[[str], SdkServer], tmp_path: Path) -> None:
    """MCP 2025-11-25 §Authorization Code Protection: clients MUST use S256 and MUST verify PKCE
    support in the metadata before proceeding. The SDK client sends S256 without checking, and
    the SDK's authorization server accepts it whatever its metadata says: the doctor follows the
    specification, not that leniency."""
    server = sdk("no-s256")
    report = doctor(server, tmp_path)
    connected = sdk_connects(server)
    assert step(report, "DOC-AUTH-005")["status"] == "failed"
    assert causes(report, "DOC-AUTH-005") == ["pkce-s256-missing"]
    assert connected == "connected: ping"


def test_public_client_rule_and_application_type(sdk: Callable[[str], SdkServer], tmp_path: Path) -> None:
    """The SDK's metadata lists client_secret_post and client_secret_basic only: without
    --try-register the doctor warns for public clients; registering with `none` (native, for a
    loopback redirect; web for an https one) shows the server takes public clients."""
    server = sdk("healthy")
    plain = doctor(server, tmp_path / "a")
    before = len(server.provider.registered)
    native = doctor(server, tmp_path / "b", "--try-register")
    web = doctor(server, tmp_path / "c", "--try-register", "--origin", "https://app.example.com/oauth/callback")
    clients = [server.provider.clients[c] for c in server.provider.registered[before:]]
    assert step(plain, "DOC-AUTH-006")["status"] == "warning"
    assert causes(plain, "DOC-AUTH-006") == ["public-client-auth"]
    assert step(plain, "DOC-AUTH-006")["summary"] == (
        "public clients may be refused at the token endpoint: "
        "token_endpoint_auth_methods_supported client_secret_post, client_secret_basic lists no `none`"
    )
    assert step(native, "DOC-AUTH-006")["status"] == "passed"
    # Reported, not judged: RFC 9207's iss and client ID metadata documents, both absent here.
    assert "authorization_response_iss_parameter_supported: absent (RFC 9207)" in step(plain, "DOC-AUTH-004")["summary"]
    assert step(plain, "DOC-AUTH-007")["summary"].startswith("client_id_metadata_document_supported: absent;")
    assert [c.application_type for c in clients] == ["native", "web"]
    assert all(c.token_endpoint_auth_method == "none" for c in clients)
    assert "application_type web" in " ".join(step(web, "DOC-AUTH-006")["details"])


def test_strict_resource_server_takes_only_its_own_tokens(sdk: Callable[[str], SdkServer], tmp_path: Path) -> None:
    """validate_token_resource: the SDK client's token (resource = the PRM's) works, and so does
    the doctor's session with it; a token bound to another resource is refused."""
    server = sdk("strict-resource")
    assert sdk_connects(server) == "connected: ping"
    own = doctor(server, tmp_path / "a", "--bearer", server.token_for(server.url))
    other = doctor(server, tmp_path / "b", "--bearer", server.token_for(server.origin + "/other"))
    assert step(own, "DOC-MCP-002")["status"] == "passed"
    # The SDK's plain 401 invalid_token: the session fails at once (an opaque token says no
    # more; a JWT's aud is read first: test_review_issue14.py).
    assert other["first_cause"]["step"] == "DOC-MCP-001"
    assert causes(other, "DOC-MCP-001")[0] == "oauth-token-invalid"
    assert step(other, "DOC-MCP-002")["status"] == "skipped"


def test_parent_resource_is_said(sdk: Callable[[str], SdkServer], tmp_path: Path) -> None:
    server = sdk("resource-parent")
    report = doctor(server, tmp_path)
    prm = step(report, "DOC-AUTH-002")
    assert causes(report, "DOC-AUTH-002") == ["prm-resource-not-identical"]
    assert prm["summary"].endswith(
        f"is about {server.origin}, a parent of {server.url}: it has the same host but another path (/ instead of /mcp)"
    )


def test_a_server_error_on_the_prm_url_blocks_the_fallback(sdk: Callable[[str], SdkServer], tmp_path: Path) -> None:
    """The metadata sits at the MCP origin, but the PRM URL answers 503: no fallback, for the SDK
    client ("Protected resource metadata request failed") and for the doctor alike."""
    server = sdk("prm-server-error")
    report = doctor(server, tmp_path)
    connected = sdk_connects(server)
    assert causes(report, "DOC-AUTH-002")[0] == "prm-missing"
    assert any(
        d.startswith("no 2025-03-26 fallback tried:") and "HTTP 503" in d
        for d in step(report, "DOC-AUTH-002")["details"]
    )
    assert "Protected resource metadata request failed: HTTP 503" in connected


def test_iss_parameter_support_is_reported(sdk: Callable[[str], SdkServer], tmp_path: Path) -> None:
    report = doctor(sdk("iss-parameter"), tmp_path)
    issuer = step(report, "DOC-AUTH-004")
    assert issuer["status"] == "passed"
    assert "authorization_response_iss_parameter_supported: true (RFC 9207)" in issuer["summary"]
    assert any("refuse a response without it" in d for d in issuer["details"])
