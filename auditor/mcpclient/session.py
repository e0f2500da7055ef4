"""An MCP session over streamable HTTP: `initialize`, `tools/list`, and (only when asked)
one `tools/call`. JSON-RPC is POSTed; the answer may be JSON or an SSE stream."""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from .. import __version__
from .transport import (
    MAX_BODY,
    Exchange,
    FailureKind,
    Http,
    HttpSettings,
    HttpStatusError,
    McpClientError,
    TransportError,
    TransportFailure,
    check_deadline,
    classify,
    read_limited,
)

# Offered in `initialize`; the server answers with the version it will speak.
PROTOCOL_VERSION = "2025-06-18"
MAX_PAGES = 50  # a tools/list that pages longer than this is a server bug, not a catalogue
MAX_EVENTS = 1000


class RpcError(McpClientError):
    """A JSON-RPC error response."""

    def __init__(self, code: int, message: str, data: Any, exchange: Exchange) -> None:
        super().__init__(f"JSON-RPC error {code}: {message}", exchange)
        self.code = code
        self.rpc_message = message
        self.data = data


@dataclass(frozen=True, slots=True)
class InitializeResult:
    protocol_version: str | None
    server_name: str | None
    server_version: str | None
    capabilities: Mapping[str, Any]
    session_id: bool  # whether the server issued an Mcp-Session-Id (the id itself is not kept)
    instructions: str | None
    exchange: Exchange


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    title: str | None = None
    description: str | None = None
    read_only: bool | None = None  # annotations.readOnlyHint
    destructive: bool | None = None  # annotations.destructiveHint

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Tool:
        annotations = raw.get("annotations")
        ann = annotations if isinstance(annotations, dict) else {}
        return cls(
            name=str(raw.get("name", "")),
            title=raw.get("title") if isinstance(raw.get("title"), str) else None,
            description=(raw.get("description") or "")[:500] or None,
            read_only=ann.get("readOnlyHint") if isinstance(ann.get("readOnlyHint"), bool) else None,
            destructive=ann.get("destructiveHint") if isinstance(ann.get("destructiveHint"), bool) else None,
        )


@dataclass(frozen=True, slots=True)
class ToolListing:
    tools: tuple[Tool, ...]
    pages: int
    exchanges: tuple[Exchange, ...] = field(default=(), repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tools)


@dataclass(frozen=True, slots=True)
class ToolCallResult:
    is_error: bool
    text: str  # the text content, redacted and cut to an excerpt
    exchange: Exchange


def mcp_headers(settings: HttpSettings) -> dict[str, str]:
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    if settings.origin:
        headers["Origin"] = settings.origin
    return headers


def initialize_request_body(request_id: int) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "initialize",
        "params": {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "rovo-audit", "version": __version__},
        },
    }


class McpSession:
    """One authenticated MCP session on `url`; close it (or use `with`) to end it politely."""

    def __init__(self, http: Http, url: str) -> None:
        self.http = http
        self.url = url
        self._ids = itertools.count(1)
        self._session_id: str | None = None
        self._protocol: str | None = None

    def __enter__(self) -> McpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def initialize(self) -> InitializeResult:
        """`initialize`, then `notifications/initialized`."""
        result, exchange = self._call_raw(initialize_request_body(next(self._ids)))
        self._session_id = exchange_session_id(exchange)
        version = result.get("protocolVersion")
        self._protocol = version if isinstance(version, str) else None
        self._notify("notifications/initialized")
        server_info, capabilities = result.get("serverInfo"), result.get("capabilities")
        info = server_info if isinstance(server_info, dict) else {}
        caps = capabilities if isinstance(capabilities, dict) else {}
        instructions = result.get("instructions")
        return InitializeResult(
            protocol_version=self._protocol,
            server_name=info.get("name") if isinstance(info.get("name"), str) else None,
            server_version=info.get("version") if isinstance(info.get("version"), str) else None,
            capabilities=caps,
            session_id=self._session_id is not None,
            instructions=instructions[:500] if isinstance(instructions, str) else None,
            exchange=_without_session(exchange),
        )

    def list_tools(self, max_pages: int = MAX_PAGES) -> ToolListing:
        """Every page of `tools/list`, following `nextCursor`."""
        tools: list[Tool] = []
        exchanges: list[Exchange] = []
        cursor: str | None = None
        seen: set[str] = set()
        for page in range(1, max_pages + 1):
            params = {"cursor": cursor} if cursor else {}
            result, exchange = self._call("tools/list", params)
            exchanges.append(exchange)
            tools.extend(Tool.parse(t) for t in result.get("tools", []) if isinstance(t, dict))
            nxt = result.get("nextCursor")
            if not isinstance(nxt, str) or not nxt:
                return ToolListing(tuple(tools), page, tuple(exchanges))
            if nxt in seen:
                raise _protocol_error(exchange, f"tools/list repeated the cursor {nxt[:40]!r}")
            seen.add(nxt)
            cursor = nxt
        raise _protocol_error(exchanges[-1], f"tools/list still paging after {max_pages} pages")

    def call_tool(self, name: str, arguments: Mapping[str, Any]) -> ToolCallResult:
        """One `tools/call`. The caller decides whether the tool is safe to call."""
        result, exchange = self._call("tools/call", {"name": name, "arguments": dict(arguments)})
        texts = [
            c.get("text", "") for c in result.get("content", []) if isinstance(c, dict) and c.get("type") == "text"
        ]
        text = self.http.excerpt("\n".join(t for t in texts if isinstance(t, str)))
        return ToolCallResult(result.get("isError") is True, text, exchange)

    def close(self) -> None:
        """DELETE the session (servers may refuse with 405; that is fine)."""
        if self._session_id is None:
            return
        with contextlib.suppress(McpClientError):
            self.http.request("DELETE", self.url, headers=self._headers(), authenticate=True)
        self._session_id = None

    # -- JSON-RPC plumbing ---------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = mcp_headers(self.http.settings)
        if self._session_id:
            headers["Mcp-Session-Id"] = self._session_id
        if self._protocol:
            headers["MCP-Protocol-Version"] = self._protocol
        return headers

    def _call(self, method: str, params: Mapping[str, Any]) -> tuple[dict[str, Any], Exchange]:
        result, exchange = self._call_raw(
            {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": dict(params)}
        )
        return result, _without_session(exchange)

    def _notify(self, method: str) -> None:
        exchange, _ = self.http.request(
            "POST", self.url, json={"jsonrpc": "2.0", "method": method}, headers=self._headers(), authenticate=True
        )
        if exchange.status is not None and exchange.status >= 400:
            raise HttpStatusError(f"{method}: HTTP {exchange.status}", exchange)

    def _call_raw(self, body: dict[str, Any]) -> tuple[dict[str, Any], Exchange]:
        with self.http.stream("POST", self.url, json=body, headers=self._headers(), authenticate=True) as (
            response,
            exchange,
        ):
            if response.status_code >= 400 or response.status_code in (202, 204):
                text = self.http.read_excerpt(response)
                failed = replace(exchange, body=text)
                if response.status_code >= 400:
                    raise HttpStatusError(f"{body['method']}: HTTP {response.status_code}", failed)
                raise _protocol_error(failed, f"{body['method']}: HTTP {response.status_code} without a response")
            try:
                message = _read_response(response, body["id"], exchange)
            except httpx.HTTPError as e:
                failure = classify(e)
                raise TransportError(failure, replace(exchange, failure=failure)) from None
        shown = replace(exchange, body=self.http.excerpt(json.dumps(message)))
        if "error" in message:
            err = message["error"] if isinstance(message["error"], dict) else {}
            raise RpcError(
                int(err.get("code", 0) or 0), self.http.redact(str(err.get("message", ""))), err.get("data"), shown
            )
        result = message.get("result")
        if not isinstance(result, dict):
            raise _protocol_error(shown, "response has no result object")
        return result, shown


def _read_response(response: httpx.Response, request_id: int, exchange: Exchange) -> dict[str, Any]:
    """The JSON-RPC response to `request_id`, from a JSON body or an SSE stream."""
    kind = exchange.content_type
    if kind == "application/json":
        raw = read_limited(response, MAX_BODY)
        try:
            message = json.loads(raw)
        except ValueError:
            raise _protocol_error(exchange, "response is not valid JSON") from None
        if isinstance(message, list):  # a batch: pick ours
            message = next((m for m in message if isinstance(m, dict) and m.get("id") == request_id), None)
        if not isinstance(message, dict):
            raise _protocol_error(exchange, "response is not a JSON-RPC object")
        return message
    if kind == "text/event-stream":
        for data in _sse_data(response):
            try:
                message = json.loads(data)
            except ValueError:
                continue
            # Server requests and notifications may come first; only our response ends the wait.
            if (
                isinstance(message, dict)
                and message.get("id") == request_id
                and ("result" in message or "error" in message)
            ):
                return message
        raise _protocol_error(exchange, "the event stream ended without a response")
    raise _protocol_error(exchange, f"unexpected content type {kind or '(none)'!r}")


def _sse_data(response: httpx.Response) -> Iterator[str]:
    """The `data` of each server-sent event (multi-line data joined with newlines), up to
    MAX_EVENTS events or MAX_BODY bytes read: a stream that never answers, or one endless
    line (httpx's iter_lines would hold it whole), must not hang us or fill memory."""
    data: list[str] = []
    events = 0
    for line in _bounded_lines(response, MAX_BODY):
        if events >= MAX_EVENTS:
            return
        if line == "":
            if data:
                events += 1
                yield "\n".join(data)
            data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)


def _bounded_lines(response: httpx.Response, limit: int) -> Iterator[str]:
    """Lines of a streamed body, at most `limit` bytes in all: past it the stream is dropped."""
    pending = b""
    size = 0
    for chunk in response.iter_bytes():
        check_deadline(response)
        size += len(chunk)
        if size > limit:
            return
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line.removesuffix(b"\r").decode("utf-8", "replace")
    if pending:
        yield pending.removesuffix(b"\r").decode("utf-8", "replace")


def exchange_session_id(exchange: Exchange) -> str | None:
    value = exchange.headers.get("mcp-session-id")
    return value or None


def _without_session(exchange: Exchange) -> Exchange:
    """The session id is a capability: evidence shows that one was issued, not its value."""
    if "mcp-session-id" not in exchange.headers:
        return exchange
    headers = {k: ("(issued)" if k == "mcp-session-id" else v) for k, v in exchange.headers.items()}
    return replace(exchange, headers=headers)


def _protocol_error(exchange: Exchange, detail: str) -> TransportError:
    failure = TransportFailure(FailureKind.PROTOCOL, detail)
    return TransportError(failure, replace(exchange, failure=failure))
