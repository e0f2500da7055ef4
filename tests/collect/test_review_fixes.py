"""Fixes from a review of `collect` and the MCP client: each test drives the real path (the
`rovo-audit` command, or the HTTP layer against a server on 127.0.0.1) into the case that
went wrong — a malformed org list, a redirect echoing a token, a next link without a cursor."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import pytest
from pydantic import SecretStr

from auditor.collect.admin_api import AdminApiCollector, ShapeError
from auditor.collect.http import AuthHeader, HttpError, HttpSession, NoCursor, RetryPolicy, next_cursor
from auditor.collect.mcp_probe import McpProbe
from auditor.collect.oauth import OAuthCollector, sites_and_scopes
from auditor.load.documents import load_file
from auditor.mcpclient import Credentials
from auditor.mcpclient.oauth import parse_resources
from tests.collect.conftest import AS_OF, ORG, collect, example_org
from tests.conftest import assert_no_secret, assert_usage_error, run_cli
from tests.servers.fake_admin_api import ADMIN_KEY, OAUTH_TOKEN, running_admin_api

T0 = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
# A bearer whose URL-encoded forms differ from it, so an echo in a URL escapes plain redaction.
MCP_SECRET = "mcpBearer-PLANTED/s3cr3t+k=9z~Q"
MCP_SECRET_FORMS = (MCP_SECRET, quote(MCP_SECRET, safe=""), quote_plus(MCP_SECRET), MCP_SECRET[10:-4])


# --- a scriptable server: each path answers what the test says -----------------------------

Answer = tuple[int, dict[str, str], Any]  # status, headers, JSON body (or bytes)


@dataclass
class Scripted:
    url: str = ""
    routes: dict[str, Callable[[str, str], Answer]] = field(default_factory=dict)  # path -> f(query, base)
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, query)

    def json(self, path: str, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.routes[path] = lambda _q, _b: (status, headers or {}, body)


@contextlib.contextmanager
def scripted() -> Iterator[Scripted]:
    state = Scripted()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            parts = urlsplit(self.path)
            state.log.append((self.command, parts.path, parts.query))
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            route = state.routes.get(parts.path)
            status, headers, body = route(parts.query, state.url) if route else (404, {}, {"message": "not found"})
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            headers = {"Content-Type": "application/json", **headers}
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def only_admin_env(url: str) -> dict[str, str]:
    """The admin API key alone, no org named: `collect` lists the orgs first."""
    return {
        "ROVO_AUDIT_ADMIN_API_KEY": ADMIN_KEY,
        "ROVO_AUDIT_API_BASE_URL": url,
        "ROVO_AUDIT_MCP_URL": "http://127.0.0.1:9/v1/mcp",
        "ROVO_AUDIT_MAX_RETRIES": "0",
        "ROVO_AUDIT_TIMEOUT_SECONDS": "5",
    }


def key(value: str = ADMIN_KEY) -> AuthHeader:
    return AuthHeader("Bearer", SecretStr(value))


# --- 1. a malformed org list fails like any endpoint, without a traceback -----------------


@pytest.mark.parametrize(
    "body",
    [
        {"data": {"unexpected": 1}},
        [1, 2],
        {"data": [{"id": "org-1", "attributes": 5}]},
    ],
    ids=["data-object", "list", "bad-attributes"],
)
def test_malformed_org_list_is_a_one_line_collection_failure(workdir: Path, body: Any) -> None:
    with scripted() as srv:
        srv.json("/admin/v1/orgs", body)
        r = collect(workdir, only_admin_env(srv.url))
    # CollectionFailed (exit 1): nothing could be collected
    assert_usage_error(
        r, "unexpected response shape", code=1, prefix="rovo-audit: collect failed: could not list the orgs"
    )
    assert not (workdir / "settings.yaml").exists()
    assert_no_secret(r, workdir)


# --- 2. a redirect that echoes the credential in its Location -----------------------------


def _echoing_redirect(_query: str, base: str) -> Answer:
    # A careless login redirect: the token raw, URL-encoded and form-encoded in the Location.
    where = (
        f"{base}/login/{quote(MCP_SECRET, safe='')}?token={MCP_SECRET}"
        f"&enc={quote(MCP_SECRET, safe='')}&form={quote_plus(MCP_SECRET)}"
    )
    return 302, {"Location": where}, b""


def test_redirect_location_echoing_the_token_reaches_no_output_of_collect(workdir: Path) -> None:
    with scripted() as srv:
        srv.routes["/v1/mcp"] = _echoing_redirect
        env = {
            "ROVO_AUDIT_MCP_URL": f"{srv.url}/v1/mcp",
            "ROVO_AUDIT_MCP_BEARER": MCP_SECRET,
            "ROVO_AUDIT_ORG_ID": ORG,
            "ROVO_AUDIT_TIMEOUT_SECONDS": "5",
        }
        r = collect(workdir, env)
        assert [m for m, _, _ in srv.log] == ["POST"]  # initialize only: the redirect is not followed
    assert r.code == 1, r.err + r.out
    org = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    errors = [e.error for e in org.collection_errors if e.source == "mcp-probe"]
    assert errors and all(e == f"initialize failed: redirect: HTTP 302 to {srv.url}; not followed" for e in errors)
    assert_no_secret(r, workdir, secrets=MCP_SECRET_FORMS)


def test_redirect_location_echoing_the_token_reaches_no_output_of_doctor(tmp_path: Path) -> None:
    with scripted() as srv:
        srv.routes["/v1/mcp"] = _echoing_redirect
        out = tmp_path / "out"
        r = run_cli(
            "doctor",
            "--url",
            f"{srv.url}/v1/mcp",
            "--api-base-url",
            srv.url,
            "--out",
            out,
            "--as-of",
            AS_OF,
            cwd=tmp_path,
            env={"ROVO_AUDIT_MCP_BEARER": MCP_SECRET},
        )
    assert r.code in (0, 1), r.err
    report = json.loads((out / "doctor.json").read_text(encoding="utf-8"))
    reach = next(s for s in report["steps"] if s["code"] == "DOC-ENDPOINT-002")
    assert reach["status"] == "failed" and f"HTTP 302 to {srv.url}; not followed" in reach["summary"]
    assert_no_secret(r, tmp_path, secrets=MCP_SECRET_FORMS)


def test_admin_api_redirect_error_names_only_the_origin() -> None:
    with scripted() as srv:
        srv.routes["/x"] = lambda _q, _b: (302, {"Location": f"http://127.0.0.2:1/login?token={ADMIN_KEY}"}, b"")
        srv.routes["/bad"] = lambda _q, b: (302, {"Location": f"{b.rsplit(':', 1)[0]}:99999/x"}, b"")
        with pytest.raises(HttpError) as other:
            asyncio.run(_get(srv.url + "/x"))
        with pytest.raises(HttpError) as bad:
            asyncio.run(_get(srv.url + "/bad"))
    assert str(other.value) == (
        "x: redirected to another host (http://127.0.0.2:1); not followed, so the credential is not sent there"
    )
    assert "invalid URL" in str(bad.value) and "99999" not in str(bad.value)


async def _get(url: str) -> Any:
    async with HttpSession(tls=False, retry=RetryPolicy(max_retries=0)) as s:
        return await s.get(url, endpoint=url.rsplit("/", 1)[-1], auth=key())


# --- 3. a next link without a cursor is an error, not the end of the list ----------------


def test_next_cursor_refuses_a_next_link_it_cannot_follow() -> None:
    with pytest.raises(NoCursor):
        next_cursor({"links": {"next": "https://api.atlassian.com/admin/v1/orgs?page=2"}})
    with pytest.raises(NoCursor):
        next_cursor({"links": {"next": "/admin/v1/orgs?cursor="}})  # an empty cursor
    with pytest.raises(NoCursor):
        next_cursor({"links": {"next": {"href": "/admin/v1/orgs?cursor=a"}}})  # not a string
    # `meta.next` still says how to go on.
    assert next_cursor({"links": {"next": "/admin/v1/orgs?page=2"}, "meta": {"next": "m2"}}) == "m2"
    # The end of a list, in each of its spellings.
    assert next_cursor({"links": {"next": ""}}) is None
    assert next_cursor({"links": {"self": "x"}, "meta": {"next": None}}) is None


def test_pages_fail_on_a_next_link_without_a_cursor_over_http() -> None:
    async def read(url: str) -> list[Any]:
        async with HttpSession(tls=False, retry=RetryPolicy(max_retries=0)) as s:
            return [b async for b in s.pages(url, endpoint="domains", auth=None)]

    with scripted() as srv:
        srv.json("/d", {"data": [{"id": "1"}], "links": {"next": "/d?page=2"}})
        with pytest.raises(HttpError) as caught:
            asyncio.run(read(srv.url + "/d"))
        assert [q for _, _, q in srv.log] == [""]
    assert caught.value.endpoint == "domains" and "without a cursor" in caught.value.message


def test_org_list_with_an_unfollowable_next_link_is_not_collected_as_whole(workdir: Path) -> None:
    with scripted() as srv:
        srv.json(
            "/admin/v1/orgs",
            {
                "data": [{"id": ORG, "type": "orgs", "attributes": {"name": "Example"}}],
                "links": {"self": "x", "next": f"{srv.url}/admin/v1/orgs?page=2"},
            },
        )
        r = collect(workdir, only_admin_env(srv.url))
        assert [p for _, p, _ in srv.log] == ["/admin/v1/orgs"]  # no org audited from half a list
    assert r.code == 1 and "Traceback" not in r.err
    assert "could not list the orgs" in r.err and "without a cursor" in r.err, r.err
    assert_usage_error(r, "without a cursor", code=1, prefix="rovo-audit: collect failed: could not list the orgs")
    assert not (workdir / "settings.yaml").exists()


# --- 4. the probe's failure text is the client error's own ------------------------------


def test_probe_reports_a_json_rpc_error_in_its_own_words() -> None:
    with scripted() as srv:
        srv.json("/v1/mcp", {"jsonrpc": "2.0", "id": 1, "error": {"code": -32600, "message": f"bad {MCP_SECRET}"}})
        r = asyncio.run(
            McpProbe(f"{srv.url}/v1/mcp", Credentials.bearer(MCP_SECRET), "oauth", as_of=T0, timeout=5).collect("org-1")
        )
    assert [f.error for f in r.failures] == ["initialize failed: JSON-RPC error -32600: bad [redacted]"]


# --- 5. lists too long to read whole --------------------------------------------------------


def _endless(query: str, _base: str) -> Answer:
    n = int(query.split("cursor=")[1]) if "cursor=" in query else 0
    return 200, {}, {"data": [], "links": {"next": str(n + 1)}, "meta": {"next": str(n + 1)}}


def test_endless_lists_fail_whole_except_the_audit_log_window() -> None:
    with scripted() as srv:
        for path in ("/admin/v1/orgs", f"/admin/v1/orgs/{ORG}/domains", f"/admin/v1/orgs/{ORG}/events"):
            srv.routes[path] = _endless
        with pytest.raises(
            HttpError,
            match="more than 100 pages of orgs; the list was not read whole; name the orgs to collect with --org",
        ):
            asyncio.run(_with_session(lambda s: _admin(srv.url, s).list_orgs()))
        result = asyncio.run(_with_session(lambda s: _admin(srv.url, s).collect(ORG)))
    failed = {f.section: f for f in result.failures}
    assert failed["verified_domains"].endpoint == "domains"
    assert "more than 100 pages of domains; the list was not read whole" in failed["verified_domains"].error
    assert "mcp_activity" not in failed  # a cut audit-log window is still evidence, marked as cut
    activity = next(o.value for o in result.observations if o.path == "mcp_activity")
    assert activity.truncated is True


async def _with_session(run: Callable[[HttpSession], Any]) -> Any:
    async with HttpSession(tls=False, retry=RetryPolicy(max_retries=0), concurrency=4) as s:
        return await run(s)


def _admin(url: str, session: HttpSession) -> AdminApiCollector:
    return AdminApiCollector(session, url, key(), as_of=T0, events_days=30)


# --- 6. one parser of accessible-resources --------------------------------------------------


def test_one_accessible_resources_parser_for_doctor_and_collect() -> None:
    raw = [
        {"id": "c-1", "url": "https://b.atlassian.net", "name": "b", "scopes": ["read:me", 3, "read:jira-work"]},
        {"id": 7, "url": "https://a.atlassian.net", "scopes": "not-a-list"},
    ]
    parsed = parse_resources(raw)
    assert [(r.id, r.url, r.name, r.scopes) for r in parsed] == [
        ("c-1", "https://b.atlassian.net", "b", ("read:me", "read:jira-work")),
        ("", "https://a.atlassian.net", None, ()),
    ]
    sites, scopes = sites_and_scopes(raw)
    assert [(s.url, s.cloud_id, s.name) for s in sites] == [
        ("https://a.atlassian.net", None, None),
        ("https://b.atlassian.net", "c-1", "b"),
    ]
    assert scopes == ("read:jira-work", "read:me")
    for bad, message in (
        ({"url": "x"}, "expected a list of resources"),
        ([1], "expected a list of resources"),
        ([{"id": "c"}], "a resource without url"),
    ):
        with pytest.raises(ShapeError, match=message):
            sites_and_scopes(bad)
    with pytest.raises(ValueError, match="expected a list of resources"):
        parse_resources([{"url": "x"}, "y"])


def test_oauth_collector_reports_a_malformed_resource_list() -> None:
    with running_admin_api([example_org()], resources=[{"url": "https://x.atlassian.net"}, "junk"]) as api:

        async def run(s: HttpSession) -> Any:
            return await OAuthCollector(s, api.url, key(OAUTH_TOKEN), as_of=T0).collect(ORG)

        r = asyncio.run(_with_session(run))
    assert r.observations == ()
    assert [f.error for f in r.failures] == ["unexpected response shape: expected a list of resources"]


# --- 10. a partly read section keeps what was read, against the endpoint that ran ---------


def test_unrecognised_ranges_keep_the_enabled_state_and_name_the_policies_endpoint() -> None:
    policy = {"type": "ip-allowlist", "name": "Odd", "status": "enabled", "rule": {"in": ["not-an-ip"]}}
    with scripted() as srv:
        srv.json(
            f"/admin/v1/orgs/{ORG}/policies",
            {"data": [{"id": "p", "type": "policy", "attributes": policy}], "links": {}},
        )
        result = asyncio.run(_with_session(lambda s: _admin(srv.url, s).collect(ORG)))
    assert {o.path: o.value for o in result.observations}["ip_allowlist.enabled"] is True
    failed = {f.section: f for f in result.failures}
    assert failed["ip_allowlist.ranges"].endpoint == "policies"
    assert "'not-an-ip' is not an IP range" in failed["ip_allowlist.ranges"].error


def test_a_rule_shape_outside_the_spec_is_a_collection_error_not_a_value() -> None:
    """`ipRanges` (what an older fake served) is not AllowIfContainedRule: named, never read."""
    policy = {"type": "ip-allowlist", "name": "Old", "status": "enabled", "rule": {"ipRanges": ["203.0.113.0/24"]}}
    with scripted() as srv:
        srv.json(
            f"/admin/v1/orgs/{ORG}/policies",
            {"data": [{"id": "p", "type": "policy", "attributes": policy}], "links": {}},
        )
        result = asyncio.run(_with_session(lambda s: _admin(srv.url, s).collect(ORG)))
    got = {o.path: o.value for o in result.observations}
    assert got["ip_allowlist.enabled"] is True and "ip_allowlist.ranges" not in got
    error = {f.section: f.error for f in result.failures}["ip_allowlist.ranges"]
    assert "rule shape not recognised (expected {in: [...]}, got ipRanges)" in error
