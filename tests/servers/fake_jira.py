"""A fake Jira Cloud site over real HTTP on 127.0.0.1, for `rovo-audit tickets`.

    with running_jira(project="SEC", page_size=2) as jira:
        jira.url                       # "http://127.0.0.1:PORT"
        jira.issues                    # key → FakeIssue (fields, properties, comments, status)
        jira.faults["create"] = ["429", "500"]   # the next requests to that endpoint answer so
        jira.served                    # every exchange: request (with its body) and the answer sent
        jira.writes()                  # the exchanges that changed something

What it answers, in the shapes of Jira's published OpenAPI (tests/tickets/test_fake_jira_spec.py
validates every exchange: the 2022 copy ../shared/atlassian/jira-platform.openapi.json, and
for the newer search the fragment tests/tickets/jira-search-jql.openapi.json, copied from
Atlassian's current document):
- POST /rest/api/3/search/jql          {issues: [IssueBean], nextPageToken?, isLast} (the one JQL the
                                        sync sends: project = "KEY" AND labels = "L" ORDER BY created ASC)
- GET|POST /rest/api/3/search          410 Gone: removed from Jira Cloud in 2025 (CHANGE-2046)
- POST /rest/api/3/issue               201 {id, key, self}
- PUT /rest/api/3/issue/{key}          204 (fields and entity properties)
- GET /rest/api/3/issue/{key}          IssueBean (fields summary, status, labels; ?properties=)
- POST /rest/api/3/issue/{key}/comment 201 Comment
- GET|POST /rest/api/3/issue/{key}/transitions   {transitions: [...]} / 204
A workflow of three statuses: To Do (new), In Progress (indeterminate), Done (done).
`freeze()` makes the search lag its writes as Jira Cloud's does (eventual consistency) except
for the ids a search names in `reconcileIssues` (at most 50, the same on every page).
Credentials: Basic JIRA_EMAIL:JIRA_TOKEN or Bearer JIRA_BEARER; else 401.
Faults per endpoint name (search, create, edit, comment, transitions, transition): "429"
(Retry-After: 1), "500", "400", "echo" (a 400 whose errors echo the credential),
"redirect" (307 to another host, `other_log` records what reached it).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import functools
import json
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers import bound_socket, serving

JIRA_EMAIL = "tickets-bot@example.com"
JIRA_TOKEN = "jiraTok-PLANTED-s3cr3t-77aa88bb99cc"
JIRA_BEARER = "jiraBearer-PLANTED-s3cr3t-0d1e2f3a4b5c"

STATUSES: dict[str, tuple[str, str, int]] = {  # name → (id, category key, category id)
    "To Do": ("10000", "new", 2),
    "In Progress": ("3", "indeterminate", 4),
    "Done": ("10001", "done", 3),
}
TRANSITIONS: dict[str, str] = {"11": "To Do", "21": "In Progress", "31": "Done"}
_JQL = re.compile(r'project = "([A-Z][A-Z0-9_]*)" AND labels = "([a-z0-9-]+)" ORDER BY created ASC')


@dataclass
class FakeIssue:
    id: str
    key: str
    fields: dict[str, Any]
    status: str = "To Do"
    properties: dict[str, Any] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Served:
    method: str
    path: str
    query: str
    authorization: str | None
    request_body: bytes
    status: int
    body: bytes
    content_type: str | None
    endpoint: str
    fault: str | None


@dataclass
class FakeJira:
    project: str
    page_size: int
    url: str = ""
    issues: dict[str, FakeIssue] = field(default_factory=dict)
    faults: dict[str, list[str]] = field(default_factory=dict)
    served: list[Served] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 10000
    other: str = ""  # another host a "redirect" fault points at
    # Eventual consistency (Jira's search index lags its writes): None, the search sees every
    # write; else the issues as the index last saw them (`freeze()`); the search answers from
    # them, except for the ids in `reconcileIssues`, which it answers as they are now.
    indexed: dict[str, FakeIssue] | None = None
    reconcile: list[int] | None = None  # the reconcileIssues of the search being paged
    # The workflow: status → the statuses a transition from it reaches (None: any to any); the
    # transitions listed but not available (isAvailable false: a condition is not met).
    workflow: dict[str, tuple[str, ...]] | None = None
    delay: dict[str, float] = field(default_factory=dict)  # endpoint → seconds each request waits first
    unavailable: set[str] = field(default_factory=set)
    other_log: list[str | None] = field(default_factory=list)  # the Authorization headers it saw

    def add(
        self, labels: list[str], *, status: str = "To Do", summary: str = "by hand", digest: str | None = None
    ) -> FakeIssue:
        """An item already in Jira (made by a person, or an earlier run)."""
        with self.lock:
            return self._new({"summary": summary, "labels": labels, "description": None}, status, digest)

    def _new(self, fields: dict[str, Any], status: str, digest: str | None = None) -> FakeIssue:
        self.next_id += 1
        issue = FakeIssue(str(self.next_id), f"{self.project}-{self.next_id - 10000}", fields, status)
        if digest is not None:
            issue.properties["rovo-audit"] = {"version": 1, "digest": digest}
        self.issues[issue.key] = issue
        return issue

    def freeze(self) -> None:
        """From now on the search sees the issues as they are now (until `thaw()`)."""
        with self.lock:
            self.indexed = copy.deepcopy(self.issues)

    def thaw(self) -> None:
        with self.lock:
            self.indexed = None

    def writes(self) -> list[Served]:
        return [
            s
            for s in self.served
            if s.endpoint not in ("search", "transitions", "removed-search", "get") and s.status < 300
        ]

    def by_label(self, label: str) -> list[FakeIssue]:
        return [i for i in self.issues.values() if label in i.fields.get("labels", [])]


def _status_bean(base: str, name: str) -> dict[str, Any]:
    sid, cat, cid = STATUSES[name]
    return {
        "self": f"{base}/rest/api/3/status/{sid}",
        "id": sid,
        "name": name,
        "description": "",
        "iconUrl": f"{base}/images/icons/statuses/generic.png",
        "statusCategory": {
            "self": f"{base}/rest/api/3/statuscategory/{cid}",
            "id": cid,
            "key": cat,
            "colorName": {"new": "blue-gray", "indeterminate": "yellow", "done": "green"}[cat],
            "name": {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}[cat],
        },
    }


def _authorized(header: str | None) -> bool:
    basic = "Basic " + base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()
    return header in (basic, f"Bearer {JIRA_BEARER}")


def _error(status: int, message: str, errors: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errorMessages": [message] if message else [], "errors": errors or {}}, status)


def build_app(st: FakeJira) -> Starlette:
    def record(request: Request, raw: bytes, endpoint: str, resp: Response, fault: str | None) -> Response:
        st.served.append(
            Served(
                request.method,
                request.url.path,
                request.url.query,
                request.headers.get("authorization"),
                raw,
                resp.status_code,
                bytes(resp.body),
                resp.headers.get("content-type"),
                endpoint,
                fault,
            )
        )
        return resp

    def handler(endpoint: str, fn: Any) -> Any:
        async def endpoint_fn(request: Request) -> Response:
            raw = await request.body()
            await asyncio.sleep(st.delay.get(endpoint, 0.0))
            with st.lock:
                if not _authorized(request.headers.get("authorization")):
                    return record(request, raw, endpoint, _error(401, "Client must be authenticated"), None)
                queue = st.faults.get(endpoint) or []
                fault = queue.pop(0) if queue else None
                if fault == "429":
                    resp: Response = JSONResponse(
                        {"errorMessages": ["Rate limit exceeded."]}, 429, headers={"Retry-After": "1"}
                    )
                elif fault == "500":
                    resp = JSONResponse({"errorMessages": ["Internal server error"]}, 500)
                elif fault == "echo":  # a careless proxy: the credential echoed back as field names
                    auth = request.headers.get("authorization", "")
                    token = (
                        base64.b64decode(auth.split(" ")[-1]).decode().split(":")[-1]
                        if auth.startswith("Basic")
                        else auth
                    )
                    resp = _error(400, auth, {token: "bad", auth.split(" ")[-1]: "bad", token[:20]: "bad"})
                elif fault == "redirect":  # to another host: the credential must not follow
                    resp = Response(status_code=307, headers={"Location": f"{st.other}{request.url.path}"})
                elif fault == "400":
                    resp = _error(400, "", {"customfield_10000": "rejected (fault injected)"})
                else:
                    try:
                        body = json.loads(raw) if raw else None
                    except ValueError:
                        return record(request, raw, endpoint, _error(400, "Invalid JSON"), None)
                    resp = fn(request, body)
                return record(request, raw, endpoint, resp, fault)

        return endpoint_fn

    def search(request: Request, body: Any) -> Response:
        m = _JQL.fullmatch(str(body.get("jql", "")))
        if not m or m.group(1) != st.project:
            return _error(400, "The JQL query is not the one this fake understands.")
        reconcile = body.get("reconcileIssues")
        if reconcile is not None and (
            not isinstance(reconcile, list)
            or len(reconcile) > 50
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in reconcile)
        ):
            return _error(400, "reconcileIssues accepts at most 50 issue ids.")
        if body.get("nextPageToken") and reconcile != st.reconcile:
            return _error(400, "reconcileIssues must be the same on every page of a search.")
        st.reconcile = reconcile
        view = dict(st.issues if st.indexed is None else st.indexed)
        view.update({i.key: i for i in st.issues.values() if int(i.id) in (reconcile or [])})
        found = [i for i in view.values() if m.group(2) in i.fields.get("labels", [])]
        found.sort(key=lambda i: int(i.id))
        start = int(base64.urlsafe_b64decode(body["nextPageToken"]).decode()) if body.get("nextPageToken") else 0
        size = min(int(body.get("maxResults", 50)), st.page_size)
        page = found[start : start + size]
        wanted = body.get("properties") or []
        issues = []
        issues = [_bean(st.url, i, wanted) for i in page]
        out: dict[str, Any] = {"issues": issues, "isLast": start + size >= len(found)}
        if not out["isLast"]:
            out["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return JSONResponse(out)

    def removed(request: Request, body: Any) -> Response:
        return _error(410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.")

    def create(request: Request, body: Any) -> Response:
        fields = body.get("fields", {})
        errors = _check_fields(fields, creating=True, project=st.project)
        if errors:
            return _error(400, "", errors)
        issue = st._new(dict(fields), "To Do")
        for p in body.get("properties", []):
            issue.properties[p["key"]] = p["value"]
        return JSONResponse({"id": issue.id, "key": issue.key, "self": f"{st.url}/rest/api/3/issue/{issue.id}"}, 201)

    def issue_of(request: Request) -> FakeIssue | None:
        key = request.path_params["key"]
        return st.issues.get(key) or next((i for i in st.issues.values() if i.id == key), None)

    def get(request: Request, body: Any) -> Response:
        issue = issue_of(request)
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        wanted = [p for p in request.query_params.get("properties", "").split(",") if p]
        return JSONResponse(_bean(st.url, issue, wanted))

    def edit(request: Request, body: Any) -> Response:
        issue = issue_of(request)
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        fields = body.get("fields", {})
        errors = _check_fields(fields, creating=False, project=st.project)
        if errors:
            return _error(400, "", errors)
        issue.fields.update(fields)
        for p in body.get("properties", []):
            issue.properties[p["key"]] = p["value"]
        return Response(status_code=204)

    def comment(request: Request, body: Any) -> Response:
        issue = issue_of(request)
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        doc = body.get("body") if isinstance(body, dict) else None
        if not _is_adf(doc):
            return _error(400, "", {"comment": "Comment body is not valid."})
        cid = str(20000 + sum(len(i.comments) for i in st.issues.values()))
        issue.comments.append(doc)
        return JSONResponse(
            {"id": cid, "self": f"{st.url}/rest/api/3/issue/{issue.id}/comment/{cid}", "body": doc}, 201
        )

    def transitions(request: Request, body: Any) -> Response:
        issue = issue_of(request)
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        options = [
            {
                "id": tid,
                "name": f"Move to {name}",
                "to": _status_bean(st.url, name),
                "hasScreen": False,
                "isGlobal": True,
                "isInitial": False,
                "isAvailable": tid not in st.unavailable,
                "isConditional": tid in st.unavailable,
                "isLooped": False,
            }
            for tid, name in TRANSITIONS.items()
            if _reachable(st, issue.status, name) or tid in st.unavailable
        ]
        return JSONResponse({"transitions": options})

    def transition(request: Request, body: Any) -> Response:
        issue = issue_of(request)
        if issue is None:
            return _error(404, "Issue does not exist or you do not have permission to see it.")
        tid = (body or {}).get("transition", {}).get("id")
        if tid not in TRANSITIONS or tid in st.unavailable or not _reachable(st, issue.status, TRANSITIONS[tid]):
            return _error(400, "", {"transition": "Transition id is not valid for this issue."})
        issue.status = TRANSITIONS[tid]
        return Response(status_code=204)

    return Starlette(
        routes=[
            Route("/rest/api/3/search/jql", handler("search", search), methods=["POST"]),
            Route("/rest/api/3/search", handler("removed-search", removed), methods=["GET", "POST"]),
            Route("/rest/api/3/issue", handler("create", create), methods=["POST"]),
            Route("/rest/api/3/issue/{key}", handler("edit", edit), methods=["PUT"]),
            Route("/rest/api/3/issue/{key}", handler("get", get), methods=["GET"]),
            Route("/rest/api/3/issue/{key}/comment", handler("comment", comment), methods=["POST"]),
            Route("/rest/api/3/issue/{key}/transitions", handler("transitions", transitions), methods=["GET"]),
            Route("/rest/api/3/issue/{key}/transitions", handler("transition", transition), methods=["POST"]),
        ]
    )


def _reachable(st: FakeJira, status: str, to: str) -> bool:
    return to != status and (st.workflow is None or to in st.workflow.get(status, ()))


def _bean(base: str, i: FakeIssue, properties: list[str]) -> dict[str, Any]:
    """An IssueBean with the fields the sync asks for and the entity properties named."""
    fields = {
        "summary": i.fields["summary"],
        "labels": i.fields.get("labels", []),
        "status": _status_bean(base, i.status),
    }
    bean: dict[str, Any] = {"id": i.id, "key": i.key, "self": f"{base}/rest/api/3/issue/{i.id}", "fields": fields}
    props = {k: v for k, v in i.properties.items() if k in properties}
    if props:
        bean["properties"] = props
    return bean


ADF_SCHEMA = Path(__file__).parents[1] / "tickets" / "adf-full.schema.json"


@functools.cache
def _adf_validator() -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(json.loads(ADF_SCHEMA.read_text(encoding="utf-8")))


def _is_adf(doc: Any) -> bool:
    """A document Jira would take: valid against Atlassian's ADF JSON Schema (@atlaskit/adf-schema,
    full.json; an empty text node, an unknown mark or a mark combination it forbids is refused).
    Checked once per distinct document: the check takes ~0.05-0.15 s (the schema's anyOf), and
    the tests send the same descriptions run after run."""
    return isinstance(doc, dict) and _valid_adf_text(json.dumps(doc, sort_keys=True))


@functools.lru_cache(maxsize=4096)
def _valid_adf_text(text: str) -> bool:
    return bool(_adf_validator().is_valid(json.loads(text)))


def _check_fields(fields: dict[str, Any], *, creating: bool, project: str) -> dict[str, str]:
    """What Jira would reject (its `errors` object: field → message)."""
    errors = {}
    if creating and fields.get("project", {}).get("key") != project:
        errors["project"] = "valid project is required"
    if creating and fields.get("issuetype", {}).get("name") not in ("Task", "Bug"):
        errors["issuetype"] = "valid issue type is required"
    summary = fields.get("summary")
    if (creating or "summary" in fields) and (
        not isinstance(summary, str) or not summary or len(summary) > 255 or "\n" in summary
    ):
        errors["summary"] = "Summary must be one line of at most 255 characters."
    if "description" in fields and not _is_adf(fields["description"]):
        errors["description"] = "Operation value must be an Atlassian Document."
    elif len(json.dumps(fields.get("description"), ensure_ascii=False, separators=(",", ":"))) > 32767:
        errors["description"] = "The entered text is too long. It exceeds the allowed limit of 32,767 characters."
    for label in fields.get("labels", []):
        if not isinstance(label, str) or " " in label or len(label) > 255:
            errors["labels"] = "Labels cannot contain spaces."
    if "priority" in fields and fields["priority"].get("name") not in ("Highest", "High", "Medium", "Low", "Lowest"):
        errors["priority"] = "Specify a valid priority."
    return errors


@contextlib.contextmanager
def serve(app: Any, host: str) -> Iterator[str]:
    """`app` on `host`, a port the kernel chose, in a thread. TCP_NODELAY on the listening
    socket (accepted sockets inherit it on Linux): Starlette sends a response's headers and body
    in two writes, and Nagle held the second for the client's delayed ACK, ~40 ms per answer
    with a body (a create took 55 ms, 11 ms with it; measured over 50 creates)."""
    sock = bound_socket(host)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    with serving(server, sock, f"fake-jira:{port}"):
        yield f"http://{host}:{port}"


@contextlib.contextmanager
def running_jira(project: str = "SEC", *, page_size: int = 50) -> Iterator[FakeJira]:
    st = FakeJira(project, page_size)

    async def other(request: Request) -> Response:
        st.other_log.append(request.headers.get("authorization"))
        return JSONResponse({"issues": [], "isLast": True})

    other_app = Starlette(routes=[Route("/{path:path}", other, methods=["GET", "POST", "PUT"])])
    with serve(other_app, "127.0.0.2") as other_url, serve(build_app(st), "127.0.0.1") as url:
        st.url, st.other = url, other_url
        yield st
