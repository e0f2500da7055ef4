"""The doctor across MCP protocol eras (2026-07-28 stateless vs the initialize handshake) and
the causes it used to name only vaguely (403 insufficient_scope, 429, an Origin refusal, an
unexplained 403), each through the real `rovo-audit doctor` against the simulator."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import mcp_types
import pytest
from mcp_types import jsonrpc

from auditor.mcpclient import Credentials, EraNotSpoken, Http, HttpSettings, McpClientError, McpSession, session
from tests.doctor.conftest import basic, doctor
from tests.servers.rovo_sim import (
    GRANULAR_SCOPES,
    IP_BLOCKED_MESSAGE,
    SCENARIOS,
    SIM_API_TOKEN,
    SIM_EMAIL,
    SimConfig,
    oauth_token,
    running_sim,
)

MODERN = "2026-07-28"
ORIGIN = "https://app.example.com/oauth/callback"


def _cause_ids(step: dict[str, object]) -> list[str]:
    causes = step.get("causes") or []
    assert isinstance(causes, list)
    return [c["id"] for c in causes]


def test_the_clients_names_agree_with_the_sdks_types() -> None:
    """The `_meta` keys, error codes and version the client writes out are mcp_types' own."""
    assert session.MODERN_VERSION == mcp_types.LATEST_PROTOCOL_VERSION == MODERN
    assert session.PROTOCOL_VERSION_META_KEY == mcp_types.PROTOCOL_VERSION_META_KEY
    assert session.CLIENT_INFO_META_KEY == mcp_types.CLIENT_INFO_META_KEY
    assert session.CLIENT_CAPABILITIES_META_KEY == mcp_types.CLIENT_CAPABILITIES_META_KEY
    assert session.SERVER_INFO_META_KEY == mcp_types.SERVER_INFO_META_KEY
    assert session.HEADER_MISMATCH == jsonrpc.HEADER_MISMATCH
    assert session.UNSUPPORTED_PROTOCOL_VERSION == jsonrpc.UNSUPPORTED_PROTOCOL_VERSION
    assert session.MISSING_REQUIRED_CLIENT_CAPABILITY == jsonrpc.MISSING_REQUIRED_CLIENT_CAPABILITY
    assert session.header_value("getJiraIssue") == "getJiraIssue"
    assert session.header_value("naïve") == "=?base64?bmHDr3Zl?="  # the spec's sentinel for non-ASCII


def test_a_dual_era_server_answers_both_and_the_session_goes_on_stateless(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(base, tmp_path, *basic(), "--call-tool", "getJiraIssue", "--call-args", '{"id": "PROJ-1"}')
    assert run.code == 0, run.out
    mcp = run.steps["DOC-MCP-001"]
    assert mcp["title"] == "MCP handshake (server/discover or initialize)"
    assert mcp["status"] == "passed", mcp
    assert "speaks both eras" in mcp["summary"] and MODERN in mcp["summary"] and "initialize" in mcp["summary"]
    assert run.report["eras"] == ["modern", "legacy"]
    authed = [r for r in base.requests if r.authorization and r.path == "/v1/mcp"]
    discover = next(r for r in authed if r.rpc_method == "server/discover")
    assert (discover.protocol, discover.mcp_method, discover.meta_version) == (MODERN, "server/discover", MODERN)
    # After the probe of both eras, everything goes out stateless: _meta, the headers, no session id.
    listing = [r for r in authed if r.rpc_method == "tools/list"]
    assert listing and all(
        (r.protocol, r.mcp_method, r.meta_version, r.session) == (MODERN, "tools/list", MODERN, False) for r in listing
    )
    call = next(r for r in authed if r.rpc_method == "tools/call")
    assert (call.mcp_method, call.mcp_name, call.session) == ("tools/call", "getJiraIssue", False)
    assert run.steps["DOC-MCP-003"]["status"] == "passed"
    # The legacy probe's session is ended at once (DELETE), not left open on the server.
    assert any(r.method == "DELETE" and r.session for r in base.requests)


def test_a_stateless_only_server_passes_with_a_note(tmp_path: Path) -> None:
    """Fails if the stateless path is removed: initialize is refused here, so only
    server/discover and the 2026-07-28 request shape reach the tools."""
    with running_sim(SCENARIOS["stateless-only"]) as base:
        run = doctor(base, tmp_path, *basic(), "--expect", "jira.read", "--call-tool", "getJiraIssue")
    assert run.code == 0, run.out
    mcp = run.steps["DOC-MCP-001"]
    assert mcp["status"] == "passed", mcp
    assert f"speaks {MODERN}" in mcp["summary"] and "only" in mcp["summary"]
    assert "initialize handshake (2025-era clients) cannot connect" in mcp["summary"]
    assert any("legacy era (the initialize handshake) not spoken" in d and MODERN in d for d in mcp["details"])
    assert run.report["eras"] == ["modern"]
    assert run.steps["DOC-MCP-002"]["status"] == "passed"
    assert run.steps["DOC-MCP-003"]["status"] == "passed"
    assert base.tool_calls() == ["getJiraIssue"]


def test_a_handshake_only_server_passes_with_a_note(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["handshake-only"]) as base:
        run = doctor(base, tmp_path, *basic(), "--expect", "jira.read")
    assert run.code == 0, run.out
    mcp = run.steps["DOC-MCP-001"]
    assert mcp["status"] == "passed", mcp
    assert "the initialize handshake (protocol 2025-06-18, session id issued) only" in mcp["summary"]
    assert "2026-07-28 stateless protocol cannot connect" in mcp["summary"]
    assert any("modern era" in d and "Missing session ID" in d for d in mcp["details"])
    assert run.report["eras"] == ["legacy"]
    listing = [r for r in base.requests if r.rpc_method == "tools/list"]
    assert listing and all(r.session and r.mcp_method is None and r.meta_version is None for r in listing)
    assert run.steps["DOC-MCP-002"]["status"] == "passed"


def test_without_a_credential_no_era_is_claimed(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(base, tmp_path)
    assert run.steps["DOC-MCP-001"]["status"] == "skipped"
    assert run.report["eras"] == []


def test_429_names_rate_limiting_retry_after_the_status_page_and_the_era(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["rate-limited"]) as base:
        run = doctor(base, tmp_path, *basic())
    assert run.first() == ("DOC-MCP-001", "rate-limited")
    mcp = run.steps["DOC-MCP-001"]
    assert mcp["summary"].startswith("2026-07-28, stateless (server/discover) failed (modern era): HTTP 429")
    assert "retry after 30 s" in mcp["summary"]
    assert "Retry-After: 30 s" in mcp["details"]
    assert "https://rovo.status.atlassian.com" in mcp["causes"][0]["fix"]["links"]
    assert mcp["evidence"][-1]["headers"]["retry-after"] == "30"
    # A rate-limited server is not hit again with the other era's handshake.
    assert not any(r.rpc_method == "initialize" and r.authorization for r in base.requests)
    assert "Rate limited (HTTP 429)" in run.out and "retry after 30 s" in run.out
    assert run.report["eras"] == []


def test_403_insufficient_scope_is_a_step_up_with_the_scopes_named(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["insufficient-scope"]) as base:
        token = oauth_token(base, scopes=GRANULAR_SCOPES)
        run = doctor(base, tmp_path, "--bearer", token, "--call-tool", "getJiraIssue", secrets=(token,))
    assert run.first() == ("DOC-MCP-003", "scope-step-up")
    call = run.steps["DOC-MCP-003"]
    assert "(modern era)" in call["summary"]
    assert "insufficient_scope, the challenge asks for write:jira-work read:jira-user" in call["summary"]
    assert "the challenge asks for: write:jira-work read:jira-user" in call["details"]
    assert f"the token has: {' '.join(GRANULAR_SCOPES)}" in call["details"]
    assert "missing from the token: read:jira-user" in call["details"]
    assert f"re-authorise with the union: {' '.join(GRANULAR_SCOPES)} read:jira-user" in call["details"]
    assert not {"ip-blocked", "origin-refused", "forbidden-unexplained"} & set(_cause_ids(call))
    assert run.steps["DOC-MCP-001"]["status"] == "passed"


def test_an_origin_refusal_is_told_apart_from_the_ip_allowlist(tmp_path: Path) -> None:
    """The SDK's own Origin check (403 "Invalid Origin header") against Atlassian's IP message."""
    for sub in ("o", "i"):
        (tmp_path / sub).mkdir()
    with running_sim(SCENARIOS["origin-refused"]) as base:
        refused = doctor(base, tmp_path / "o", *basic(), "--origin", ORIGIN)
    assert refused.first() == ("DOC-MCP-001", "origin-refused")
    assert "ip-blocked" not in _cause_ids(refused.steps["DOC-MCP-001"])
    assert "Invalid Origin header" in refused.steps["DOC-MCP-001"]["summary"]
    with running_sim(SCENARIOS["ip-blocked"]) as base:
        blocked = doctor(base, tmp_path / "i", *basic(), "--origin", ORIGIN)
    assert blocked.first() == ("DOC-MCP-001", "ip-blocked")
    assert "origin-refused" not in _cause_ids(blocked.steps["DOC-MCP-001"])
    assert IP_BLOCKED_MESSAGE[:40] in blocked.steps["DOC-MCP-001"]["summary"]


@pytest.mark.parametrize("origin", [False, True])
def test_an_unexplained_403_is_not_guessed_to_be_the_ip_allowlist(tmp_path: Path, origin: bool) -> None:
    with running_sim(SimConfig(forbidden_body="Forbidden")) as base:
        run = doctor(base, tmp_path, *basic(), *(("--origin", ORIGIN) if origin else ()))
    code, first = run.first()
    assert (code, first) == ("DOC-MCP-001", "forbidden-unexplained")
    causes = _cause_ids(run.steps["DOC-MCP-001"])
    # An Origin refusal needs an Origin sent: it is a candidate only then.
    assert ("origin-refused" in causes) is origin
    assert "ip-blocked" in causes


def test_a_fault_in_the_handshake_after_a_working_discover_is_a_warning_naming_the_era(tmp_path: Path) -> None:
    with running_sim(SimConfig(broken_era="legacy")) as base:
        run = doctor(base, tmp_path, *basic())
    mcp = run.steps["DOC-MCP-001"]
    assert mcp["status"] == "warning", mcp
    assert "the initialize handshake failed: HTTP 500" in mcp["summary"]
    assert _cause_ids(mcp)[0] == "server-fault"
    assert run.report["eras"] == ["modern"]
    assert run.steps["DOC-MCP-002"]["status"] == "passed"  # the session goes on, stateless


def test_a_fault_in_server_discover_falls_back_to_the_handshake_with_a_warning(tmp_path: Path) -> None:
    """A 5xx to server/discover may be how a legacy server answers a method it does not know."""
    with running_sim(SimConfig(broken_era="modern")) as base:
        run = doctor(base, tmp_path, *basic())
    mcp = run.steps["DOC-MCP-001"]
    assert mcp["status"] == "warning", mcp
    assert "2026-07-28, stateless (server/discover) failed: HTTP 500" in mcp["summary"]
    assert _cause_ids(mcp)[0] == "server-fault"
    assert run.report["eras"] == ["legacy"]
    assert run.steps["DOC-MCP-002"]["status"] == "passed"


def test_faults_in_both_eras_fail_naming_each(tmp_path: Path) -> None:
    with running_sim(SimConfig(broken_era="both")) as base:
        run = doctor(base, tmp_path, *basic())
    assert run.first() == ("DOC-MCP-001", "server-fault")
    mcp = run.steps["DOC-MCP-001"]
    assert mcp["summary"].startswith("2026-07-28, stateless (server/discover) failed (modern era): HTTP 500")
    assert "legacy era (the initialize handshake) failed too: HTTP 500: Internal Server Error" in mcp["details"]
    assert run.report["eras"] == []


@pytest.mark.parametrize(
    ("value", "shown"),
    [("120", "120 s"), (" 7 ", "7 s"), ("Wed, 02 Dec 2026 10:00:00 GMT", "Wed, 02 Dec 2026 10:00:00 GMT"), ("", None)],
)
def test_retry_after_in_seconds_or_as_a_date(value: str, shown: str | None) -> None:
    from auditor.doctor.steps_mcp import _retry_after

    assert _retry_after(value) == shown


def test_the_terminal_and_doctor_html_name_the_eras_answered(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["stateless-only"]) as base:
        run = doctor(base, tmp_path, *basic())
    assert "· MCP eras answered: modern" in run.out.splitlines()[1]
    assert "MCP eras answered: <code>modern</code></p>" in run.html


# -- the era rules of the client itself, against canned answers over real HTTP ---------------


@contextlib.contextmanager
def _canned(status: int, body: str) -> Iterator[str]:
    """A server that answers every POST with `status` and `body` (JSON when it parses)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            data = body.encode()
            self.send_response(status)
            kind = "application/json" if body.startswith("{") else "text/plain"
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/mcp"
    finally:
        server.shutdown()
        server.server_close()


def _error(code: int, supported: list[str] | None = None, status_id: object = 1) -> str:
    err: dict[str, object] = {"code": code, "message": "m"}
    if supported is not None:
        err["data"] = {"supported": supported, "requested": "x"}
    return json.dumps({"jsonrpc": "2.0", "id": status_id, "error": err})


def _attempt(url: str, era: str) -> object:
    creds = Credentials.basic(SIM_EMAIL, SIM_API_TOKEN)
    with Http(HttpSettings(timeout=10), creds, frozenset({url})) as http_client:
        s = McpSession(http_client, url)
        try:
            return s.discover() if era == "modern" else s.initialize()
        except McpClientError as e:
            return e


@pytest.mark.parametrize(
    ("status", "body", "spoken"),
    [
        # A DiscoverResult that names no modern version: a legacy advertisement (the SDK's rule).
        (200, json.dumps({"jsonrpc": "2.0", "id": 1, "result": {"supportedVersions": ["2025-11-25"]}}), False),
        (200, _error(-32601, status_id=1), False),  # server/discover unknown: a legacy server
        (404, "", False),  # no modern JSON-RPC error in the body: fall back (streamable-http.mdx)
        (400, _error(-32600, status_id=None), False),  # the SDK's legacy transport: "Missing session ID"
        (400, _error(-32022, ["2025-11-25"]), False),  # names handshake versions only
        (400, _error(-32020), True),  # HeaderMismatch: a modern server finding fault with the request
        (400, _error(-32021), True),  # MissingRequiredClientCapability: modern too
        (400, _error(-32022, [MODERN]), True),  # names our version yet refuses it: not an era question
        (401, "", True),  # the credential refused: no era's answer
        (503, "", True),
    ],
)
def test_what_a_refused_server_discover_says_about_the_era(status: int, body: str, spoken: bool) -> None:
    with _canned(status, body) as url:
        got = _attempt(url, "modern")
    assert isinstance(got, McpClientError)
    assert isinstance(got, EraNotSpoken) is not spoken, got
    if isinstance(got, EraNotSpoken):
        assert got.era == "modern"


@pytest.mark.parametrize(
    ("status", "body", "modern_only"),
    [
        (400, _error(-32022, [MODERN]), True),  # a modern-only server names its versions (versioning.mdx SHOULD)
        (400, _error(-32020), True),  # the request lacks the modern headers
        (404, _error(-32601), True),  # initialize is no method of this server
        (400, "Bad Request", False),  # nothing says modern: the handshake just failed
        (400, _error(-32022, [MODERN, "2025-11-25"]), False),  # it names a handshake version
        (403, "Forbidden", False),
    ],
)
def test_what_a_refused_initialize_says_about_the_era(status: int, body: str, modern_only: bool) -> None:
    with _canned(status, body) as url:
        got = _attempt(url, "legacy")
    assert isinstance(got, McpClientError)
    assert isinstance(got, EraNotSpoken) is modern_only, got
    if isinstance(got, EraNotSpoken):
        assert got.era == "legacy"


@pytest.mark.parametrize("scenario", ["stateless-only", "handshake-only", "rate-limited", "origin-refused"])
def test_each_era_and_refusal_gives_the_same_bytes_twice(tmp_path: Path, scenario: str) -> None:
    """doctor --as-of is byte-identical for the era probes' evidence too (no session id, no timing)."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with running_sim(SCENARIOS[scenario]) as base:
        runs = [doctor(base, tmp_path / name, *basic(), "--origin", ORIGIN) for name in ("a", "b")]
    assert runs[0].report == runs[1].report
    for f in ("doctor.json", "doctor.html"):
        assert (tmp_path / "a" / "out" / f).read_bytes() == (tmp_path / "b" / "out" / f).read_bytes(), f
