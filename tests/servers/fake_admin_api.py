"""A fake Atlassian Admin API (and OAuth user endpoints) over real HTTP on 127.0.0.1.

    from tests.servers.fake_admin_api import FakeOrg, running_admin_api, ADMIN_KEY

    with running_admin_api([FakeOrg(...)], page_size=2, latency=0.0) as api:   # in a thread
    with running_admin_api_process([FakeOrg(...)], latency=0.1) as url:        # in a child process
    with running_admin_api([...], tls=make_tls_files(tmp_path)) as api:        # HTTPS (rovo_sim.make_tls_files)
        api.url                                  # "http://127.0.0.1:PORT" ("https://..." with tls)
        api.faults["api_tokens"] = ["500", "429"]  # the next requests to that endpoint fail so
        api.log                                  # every request seen: endpoint, path, query, auth scheme
        api.served                               # every exchange: request and the response sent (for spec checks)
        api.other.log                            # the "other host" a redirect points at

Response shapes: the /admin/v1 paths answer exactly as Atlassian's published OpenAPI says
(../shared/atlassian/admin-organization.openapi.json; tests/collect/test_admin_api_spec.py
validates every response served, and every request the collector sends, against it):
- GET /admin/v1/orgs                 {data: [{id, type: orgs, attributes: {name}, relationships, links}], links: {next?}}
- GET /admin/v1/orgs/{org}            {data: {id, type: orgs, attributes: {name}, relationships, links}}
- GET /admin/v1/orgs/{org}/domains    {data: [{id, type: domains, attributes: {name, claim: {type, status}}, links}], links}
- GET /admin/v1/orgs/{org}/policies   {data: [{id, type: policy, attributes: {type, name, status, rule: {in: [...]},
                                       resources: [{id, applicationStatus}]}}], meta, links}
- GET /admin/v1/orgs/{org}/events     {data: [{id, type: events, attributes: {time, action, actor, context, ...}, links}], meta, links}
Not in that spec (API Access and OAuth user APIs; shapes as developer.atlassian.com documents them):
- GET /admin/api-access/v1/orgs/{org}/api-tokens  {data: [{id, label, status, createdAt, expiresAt, lastActiveAt, user}], links}
- GET /admin/api-access/v1/orgs/{org}/api-keys    same, plus scopes (assumed shape); 404 when the org has none configured
- GET /oauth/token/accessible-resources  [{id, url, name, scopes, avatarUrl}]  (Bearer OAUTH_TOKEN)
- GET /me                             {account_id, email, name}                (Bearer OAUTH_TOKEN)

Pagination: `page_size` items per page; `links.next` is an opaque cursor (or, with
`next_style="url"`, a URL carrying `cursor=`), passed back as `?cursor=`.
Rate limits: the events endpoint allows `events_limit` requests per `events_window` seconds
(across orgs, like Atlassian's per-user limit) and answers 429 beyond; `violations` counts them.
Faults (consumed in order, per endpoint name): "429" (Retry-After: 1), "429-date" (Retry-After
as an HTTP date ~2 s ahead), "429-reset" (X-RateLimit-Reset only, epoch ~2 s ahead),
"429-bare" (no header), "429-long" (Retry-After: 3600), "500", "503", "timeout" (sleeps `hang`
seconds), "malformed" (200 with broken JSON), "redirect-other" (307 to the other host),
"redirect-same" (307 to the same path on this host, once), "401", "404", "echo-auth" (a 400
whose body echoes the Authorization header, as a careless proxy might).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import email.utils
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.servers import bound_socket, serving

if TYPE_CHECKING:
    from .rovo_sim import TlsFiles

ADMIN_KEY = "adminKey-PLANTED-s3cr3t-9f8e7d6c5b4a"
OAUTH_TOKEN = "oauthTok-PLANTED-s3cr3t-1a2b3c4d5e6f"


@dataclass
class FakeOrg:
    id: str
    name: str
    domains: list[tuple[str, str]] = field(default_factory=lambda: [("example.com", "verified")])
    policies: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    keys: list[dict[str, Any]] | None = None  # None: the api-keys endpoint answers 404
    events: list[dict[str, Any]] = field(default_factory=list)


def ip_policy(name: str, status: str, ranges: list[str], states: tuple[str, ...] = ("applied",)) -> dict[str, Any]:
    """An ip-allowlist policy as the spec gives it: rule AllowIfContainedRule {in: [...]}, one
    resource per `states` entry (applicationStatus: applying, removing, applied, failed, scheduled)."""
    return {
        "type": "ip-allowlist",
        "name": name,
        "status": status,
        "rule": {"in": ranges},
        "resources": [
            {"id": f"ari:cloud:platform::site/{i + 1}", "applicationStatus": state, "meta": {}, "links": {}}
            for i, state in enumerate(states)
        ],
    }


def token(
    label: str,
    email: str,
    *,
    expires: str = "2027-05-01T00:00:00.000Z",
    status: str = "ALLOWED",
    scopes: list[str] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f"tok-{label}",
        "label": label,
        "status": status,
        "createdAt": "2026-05-01T10:00:00.000Z",
        "expiresAt": expires,
        "lastActiveAt": "2026-11-19T08:00:00.000Z",
        "user": {"id": f"acct-{label}", "orgId": "x", "name": label, "email": email},
    }
    if scopes is not None:
        out["scopes"] = scopes
    return out


def event(action: str, actor: str, time_iso: str) -> dict[str, Any]:
    """An audit-log event as the spec gives it: no message text, only `action` says what happened."""
    return {
        "id": f"ev-{action}-{time_iso}",
        "type": "events",
        "attributes": {
            "time": time_iso,
            "action": action,
            "actor": {"id": actor, "name": actor},
            "context": [],
            "container": [],
            "location": {"ip": "203.0.113.9"},
        },
        "links": {"self": "x"},
    }


@dataclass(frozen=True)
class Served:
    """One exchange, as sent: for checking the fake (and the collector) against the spec."""

    method: str
    path: str
    query: str
    authorization: str | None
    status: int
    body: bytes
    content_type: str | None
    fault: str | None  # the injected fault, if this answer was one


@dataclass(frozen=True)
class Seen:
    endpoint: str
    path: str
    query: str
    auth_scheme: str | None
    at: float
    org: str | None = None


class _State:
    def __init__(
        self,
        orgs: list[FakeOrg],
        page_size: int,
        latency: float,
        next_style: str,
        events_limit: int,
        events_window: float,
        hang: float,
        resources: list[dict[str, Any]] | None,
    ) -> None:
        self.orgs = {o.id: o for o in orgs}
        self.page_size, self.latency, self.next_style = page_size, latency, next_style
        self.events_limit, self.events_window, self.hang = events_limit, events_window, hang
        self.resources = (
            resources
            if resources is not None
            else [
                {
                    "id": "11111111-2222-3333-4444-555555555555",
                    "url": "https://example.atlassian.net",
                    "name": "example",
                    "scopes": ["read:jira-work", "read:page:confluence"],
                    "avatarUrl": "https://x/a.png",
                }
            ]
        )
        self.faults: dict[str, list[str]] = {}
        self.log: list[Seen] = []
        self.served: list[Served] = []
        self.auth_values: list[str] = []
        self.events_starts: list[float] = []
        self.violations = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def stats(self) -> dict[str, Any]:
        with self.lock:
            per: dict[str, int] = {}
            for seen in self.log:
                per[seen.endpoint] = per.get(seen.endpoint, 0) + 1
            return {
                "requests": len(self.log),
                "per_endpoint": per,
                "violations": self.violations,
                "max_in_flight": self.max_in_flight,
            }


class FakeAdminApi(str):
    """The base URL, plus the server's state for assertions and fault injection."""

    state: _State
    other: OtherHost

    def __new__(cls, url: str, state: _State, other: OtherHost) -> FakeAdminApi:
        obj = super().__new__(cls, url)
        obj.state, obj.other = state, other
        return obj

    @property
    def url(self) -> str:
        return str(self)

    @property
    def faults(self) -> dict[str, list[str]]:
        return self.state.faults

    @property
    def log(self) -> list[Seen]:
        return self.state.log

    @property
    def served(self) -> list[Served]:
        return self.state.served

    def count(self, endpoint: str) -> int:
        return sum(1 for s in self.state.log if s.endpoint == endpoint)


class OtherHost:
    """Another origin (127.0.0.2 when it can bind, else another port): it records what reaches it."""

    def __init__(self) -> None:
        self.url = ""
        self.log: list[tuple[str, str | None]] = []  # (path, Authorization header value or None)


def _page(items: list[Any], request: Request, st: _State) -> tuple[list[Any], str | None]:
    cursor = request.query_params.get("cursor")
    start = int(base64.urlsafe_b64decode(cursor.encode()).decode()) if cursor else 0
    end = start + st.page_size
    nxt = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    if nxt and st.next_style == "url":
        nxt = f"{request.url.path}?cursor={nxt}"
    return items[start:end], nxt


def _org_item(o: FakeOrg) -> dict[str, Any]:
    base = f"/admin/v1/orgs/{o.id}"
    return {
        "id": o.id,
        "type": "orgs",
        "attributes": {"name": o.name},
        "relationships": {
            "domains": {"links": {"related": f"{base}/domains"}},
            "users": {"links": {"related": f"{base}/users"}},
        },
        "links": {"self": base},
    }


def _errors(status: str, code: str, title: str) -> dict[str, Any]:
    """The spec's application error body: {errors: [{id, status, code, title}]}."""
    return {"errors": [{"id": f"err-{code}", "status": status, "code": code, "title": title}]}


def build_app(st: _State, other: OtherHost, base: list[str]) -> ASGIApp:
    async def handle(request: Request) -> Response:
        endpoint, org_id = _classify(request)
        auth = request.headers.get("authorization")
        with st.lock:
            st.log.append(
                Seen(
                    endpoint,
                    request.url.path,
                    request.url.query,
                    auth.split(" ")[0] if auth else None,
                    time.monotonic(),
                    org_id,
                )
            )
            if auth:
                st.auth_values.append(auth)
            st.in_flight += 1
            st.max_in_flight = max(st.max_in_flight, st.in_flight)
        try:
            if st.latency:
                await asyncio.sleep(st.latency)
            fault = st.faults.get(endpoint, [None]).pop(0) if st.faults.get(endpoint) else None
            response = await (
                _fault(fault, request, auth) if fault is not None else _answer(request, endpoint, org_id, auth)
            )
            body = bytes(response.body) if hasattr(response, "body") else b""
            with st.lock:
                st.served.append(
                    Served(
                        request.method,
                        request.url.path,
                        request.url.query,
                        auth,
                        response.status_code,
                        body,
                        response.headers.get("content-type"),
                        fault,
                    )
                )
            return response
        finally:
            with st.lock:
                st.in_flight -= 1

    async def _answer(request: Request, endpoint: str, org_id: str | None, auth: str | None) -> Response:
        oauth = endpoint in ("accessible_resources", "me")
        if auth != f"Bearer {OAUTH_TOKEN if oauth else ADMIN_KEY}":
            return JSONResponse({"code": 401, "message": "Unauthorized"}, 401)
        if endpoint == "events":
            now = time.monotonic()
            with st.lock:
                st.events_starts = [t for t in st.events_starts if now - t < st.events_window]
                if len(st.events_starts) >= st.events_limit:
                    st.violations += 1
                    return JSONResponse({"message": "rate limited"}, 429, headers={"Retry-After": "1"})
                st.events_starts.append(now)
        if oauth:
            if endpoint == "me":
                return JSONResponse({"account_id": "acct-oauth-user", "email": "dev@example.com", "name": "Dev User"})
            return JSONResponse(st.resources)
        if endpoint == "orgs":
            items, nxt = _page([_org_item(o) for o in st.orgs.values()], request, st)
            return JSONResponse({"data": items, "links": {"self": "x", **({"next": nxt} if nxt else {})}})
        org = st.orgs.get(org_id or "")
        if org is None:  # the spec's Error.OrgNotFound (defined for GET /v1/orgs/{orgId} only)
            return JSONResponse(_errors("404", "ADMIN-404-2", "Organization not found"), 404)
        if endpoint == "org":
            return JSONResponse({"data": _org_item(org)})
        if endpoint == "api_keys" and org.keys is None:
            return JSONResponse({"code": 404, "message": "Not found"}, 404)
        items = _items(endpoint, org, request)
        page, nxt = _page(items, request, st)
        body: dict[str, Any] = {"data": page, "links": {"self": "x", **({"next": nxt} if nxt else {})}}
        if endpoint in ("policies", "events"):
            body["meta"] = {"page_size": st.page_size, **({"next": nxt} if nxt else {})}
        return JSONResponse(body)

    async def _fault(fault: str, request: Request, auth: str | None) -> Response:
        if fault == "429":
            return JSONResponse({"message": "slow down"}, 429, headers={"Retry-After": "1"})
        if fault == "429-date":
            when = email.utils.formatdate(time.time() + 2, usegmt=True)
            return JSONResponse({"message": "slow down"}, 429, headers={"Retry-After": when})
        if fault == "429-reset":
            return JSONResponse({"message": "slow down"}, 429, headers={"X-RateLimit-Reset": str(int(time.time()) + 2)})
        if fault == "429-bare":
            return JSONResponse({"message": "slow down"}, 429)
        if fault == "429-long":
            return JSONResponse({"message": "slow down"}, 429, headers={"Retry-After": "3600"})
        if fault == "500":  # the spec's Error.InternalError
            return JSONResponse(_errors("500", "ADMIN-500-1", "Internal error"), 500)
        if fault == "401":  # the spec's Error.Unauthenticated (ProxyError)
            return JSONResponse({"code": 401, "message": "Unauthorized"}, 401)
        if fault in ("503", "404"):
            return JSONResponse({"message": f"fault {fault}"}, int(fault))
        if fault == "timeout":
            await asyncio.sleep(st.hang)
            return JSONResponse({"message": "too late"}, 200)
        if fault == "malformed":
            return Response('{"data": [ {"id": "x", ', 200, media_type="application/json")
        if fault == "redirect-other":
            return Response(status_code=307, headers={"Location": f"{other.url}{request.url.path}?{request.url.query}"})
        if fault == "redirect-same":
            return Response(status_code=307, headers={"Location": f"{base[0]}{request.url.path}?{request.url.query}"})
        if fault == "echo-auth":
            return JSONResponse({"message": f"bad request; you sent {auth}"}, 400)
        raise ValueError(f"unknown fault {fault!r}")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # A bare ASGI app (no router or middleware): the fake must not be the bottleneck
        # of the benchmark it serves.
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        if scope["path"] == "/_fake/stats":  # for a server run in another process (the benchmark)
            response: Response = JSONResponse(st.stats())
        elif scope["method"] != "GET":
            response = JSONResponse({"message": "GET only"}, 405)
        else:
            response = await handle(request)
        await response(scope, receive, send)

    return app


def _classify(request: Request) -> tuple[str, str | None]:
    parts = request.url.path.strip("/").split("/")
    if request.url.path == "/oauth/token/accessible-resources":
        return "accessible_resources", None
    if request.url.path == "/me":
        return "me", None
    if parts[:3] == ["admin", "v1", "orgs"]:
        if len(parts) == 3:
            return "orgs", None
        if len(parts) == 4:
            return "org", parts[3]
        return parts[4], parts[3]
    if parts[:4] == ["admin", "api-access", "v1", "orgs"] and len(parts) == 6:
        return parts[5].replace("-", "_"), parts[4]
    return "unknown", None


def _items(endpoint: str, org: FakeOrg, request: Request) -> list[Any]:
    if endpoint == "domains":
        return [
            {
                "id": f"dom-{n}",
                "type": "domains",
                "attributes": {"name": n, "claim": {"type": "dns", "status": s}},
                "links": {"self": "x"},
            }
            for n, s in org.domains
        ]
    if endpoint == "policies":
        kind = request.query_params.get("type")
        return [
            {"id": f"pol-{i}", "type": "policy", "attributes": p}
            for i, p in enumerate(org.policies)
            if kind is None or p["type"] == kind
        ]
    if endpoint == "api_tokens":
        return org.tokens
    if endpoint == "api_keys":
        return org.keys or []
    if endpoint == "events":
        q = (request.query_params.get("q") or "").lower()
        return [e for e in org.events if not q or q in json.dumps(e).lower()]
    return []


@contextlib.contextmanager
def _serve(app: Any, host: str, tls: TlsFiles | None = None) -> Iterator[str]:
    sock = bound_socket(host)
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            backlog=256,
            limit_concurrency=1000,
            timeout_graceful_shutdown=1,
            ssl_certfile=str(tls.cert) if tls else None,
            ssl_keyfile=str(tls.key) if tls else None,
        )
    )
    with serving(server, sock, f"fake-admin:{port}"):
        yield f"{'https' if tls else 'http'}://{host}:{port}"


def _other_app(other: OtherHost) -> Starlette:
    async def catch(request: Request) -> Response:
        other.log.append((request.url.path, request.headers.get("authorization")))
        return JSONResponse({"data": [], "links": {}})

    return Starlette(routes=[Route("/{path:path}", catch, methods=["GET"])])


def _other_host() -> str:
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
        return "127.0.0.2"
    except OSError:
        return "127.0.0.1"


@contextlib.contextmanager
def running_admin_api(
    orgs: list[FakeOrg],
    *,
    page_size: int = 2,
    latency: float = 0.0,
    next_style: str = "cursor",
    events_limit: int = 10,
    events_window: float = 60.0,
    hang: float = 5.0,
    resources: list[dict[str, Any]] | None = None,
    tls: TlsFiles | None = None,
) -> Iterator[FakeAdminApi]:
    """`tls`: serve HTTPS with that certificate (the "other host" stays plain HTTP)."""
    st = _State(orgs, page_size, latency, next_style, events_limit, events_window, hang, resources)
    other = OtherHost()
    base: list[str] = []
    with _serve(_other_app(other), _other_host()) as other_url:
        other.url = other_url
        with _serve(build_app(st, other, base), "127.0.0.1", tls) as url:
            base.append(url)
            yield FakeAdminApi(url, st, other)


@contextlib.contextmanager
def running_admin_api_process(orgs: list[FakeOrg], **options: Any) -> Iterator[str]:
    """The same server in a child process (so its CPU does not share our GIL): yields its URL;
    `GET {url}/_fake/stats` returns its counters."""
    spec = json.dumps({"orgs": [dataclasses.asdict(o) for o in orgs], "options": options})
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.fake_admin_api"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(spec + "\n")
        proc.stdin.flush()
        url = proc.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError("the fake admin API process did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _main() -> None:
    spec = json.loads(sys.stdin.readline())
    orgs = [FakeOrg(**o) for o in spec["orgs"]]
    with running_admin_api(orgs, **spec["options"]) as api:
        print(api.url, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    _main()
