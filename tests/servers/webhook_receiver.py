"""Webhook receivers over real HTTP on 127.0.0.1: what Slack, a Teams Workflows trigger or a
generic endpoint would be sent.

    with running_receiver() as hook:
        hook.url("/services/T0/B0/SECRETPART")   # a URL to post to
        hook.answers["/fail"] = [500]            # the next posts to that path get these statuses
        hook.received                            # (path, query, content type, JSON body) of each post

It answers 200 "ok" (as a Slack incoming webhook does) unless told otherwise, and 400
"invalid_blocks" to a Block Kit section whose text passes Slack's 3,000 characters; "429" answers
carry Retry-After: 1; "401" answers echo the path. A redirect answer (307) points at another host: a client must not follow.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tests.servers.fake_jira import serve


@dataclass
class Received:
    path: str
    query: str
    content_type: str | None
    body: Any


@dataclass
class Receiver:
    base: str = ""
    answers: dict[str, list[int]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _app(r: Receiver) -> Starlette:
    async def hook(request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        r.received.append(Received(request.url.path, request.url.query, request.headers.get("content-type"), body))
        queue = r.answers.get(request.url.path) or []
        status = queue.pop(0) if queue else 200
        if isinstance(body, dict) and any(
            len(str((b.get("text") or {}).get("text", ""))) > 3000
            for b in body.get("blocks", [])
            if isinstance(b, dict)
        ):  # Slack: a section's text is at most 3,000 characters; else the post is refused
            return PlainTextResponse("invalid_blocks", 400)
        if status == 429:
            return PlainTextResponse("rate_limited", 429, headers={"Retry-After": "1"})
        if status == 401:  # a careless endpoint: its answer echoes the path (the URL's secret part)
            return PlainTextResponse(request.url.path.strip("/").lower(), 401)
        if status == 307:
            return Response(status_code=307, headers={"Location": "http://192.0.2.1/elsewhere"})
        return PlainTextResponse("ok" if status < 300 else "no_service", status)

    return Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])


@contextlib.contextmanager
def running_receiver() -> Iterator[Receiver]:
    r = Receiver()
    with serve(_app(r), "127.0.0.1") as url:
        r.base = url
        yield r
