"""An MCP session over streamable HTTP, in either protocol era, and `tools/list` and (only
when asked) one `tools/call`. JSON-RPC is POSTed; the answer may be JSON or an SSE stream.

Eras, in the specification's own terms (2026-07-28 basic/versioning.mdx, "Terminology", read
2026-12-01 from modelcontextprotocol/modelcontextprotocol): **modern** (2026-07-28: stateless,
no `initialize`, no `Mcp-Session-Id`; `server/discover`, which servers MUST implement; the
protocol version and client capabilities in every request's `_meta`, mirrored in the
`MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers, basic/transports/streamable-http.mdx
"Request Metadata") and **legacy** (2025-11-25 and earlier: the `initialize` handshake and the
session id). `discover()` speaks the first, `initialize()` the second; either raises
`EraNotSpoken` when the server's answer says it does not speak that era (the rules of
streamable-http.mdx "Backward Compatibility", and the `mcp` 2.3.0 SDK's own client,
mcp/client/_probe.py: anything but positive modern evidence means a legacy server).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

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

Era = Literal["modern", "legacy"]
ERAS: tuple[Era, ...] = ("modern", "legacy")  # the order the doctor tries them (modern first, as the spec allows)
# Offered in `initialize`; the server answers with the version it will speak.
PROTOCOL_VERSION = "2025-06-18"
MODERN_VERSION = "2026-07-28"
# The reserved `_meta` keys and error codes, as mcp_types 2.3.0 spells them (_types.py,
# jsonrpc.py; tests/doctor/test_eras.py checks they agree). Written out here so that the
# client loads no pydantic models.
PROTOCOL_VERSION_META_KEY = "io.modelcontextprotocol/protocolVersion"
CLIENT_INFO_META_KEY = "io.modelcontextprotocol/clientInfo"
CLIENT_CAPABILITIES_META_KEY = "io.modelcontextprotocol/clientCapabilities"
SERVER_INFO_META_KEY = "io.modelcontextprotocol/serverInfo"
HEADER_MISMATCH = -32020
MISSING_REQUIRED_CLIENT_CAPABILITY = -32021
UNSUPPORTED_PROTOCOL_VERSION = -32022
METHOD_NOT_FOUND = -32601
# Methods whose name (or URI) the `Mcp-Name` header mirrors (streamable-http.mdx, "Standard Request Headers").
NAME_PARAMS = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}
_HEADER_SAFE = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$")
MAX_PAGES = 50  # a tools/list that pages longer than this is a server bug, not a catalogue
MAX_EVENTS = 1000


class RpcError(McpClientError):
    """A JSON-RPC error response."""

    def __init__(self, code: int, message: str, data: Any, exchange: Exchange) -> None:
        super().__init__(f"JSON-RPC error {code}: {message}", exchange)
        self.code = code
        self.rpc_message = message
        self.data = data


class EraNotSpoken(McpClientError):
    """The server answered, and what it answered says it does not speak `era` (for a modern
    probe: no DiscoverResult naming a modern version; for `initialize`: a modern server's
    refusal). Not a fault by itself: a server may speak one era only."""

    def __init__(self, era: Era, detail: str, exchange: Exchange, supported: tuple[str, ...] = ()) -> None:
        super().__init__(f"{era} era not spoken: {detail}", exchange)
        self.era: Era = era
        self.detail = detail
        self.supported = supported  # the versions the server named, if it named any


@dataclass(frozen=True, slots=True)
class InitializeResult:
    protocol_version: str | None
    server_name: str | None
    server_version: str | None
    capabilities: Mapping[str, Any]
    session_id: bool  # whether the server issued an Mcp-Session-Id (the id itself is not kept)
    instructions: str | None
    exchange: Exchange
    era: Era = "legacy"
    supported_versions: tuple[str, ...] = ()  # server/discover's supportedVersions (modern only)


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


def discover_request_body(request_id: int) -> dict[str, Any]:
    """`server/discover` in the modern shape (its `_meta` carries the version)."""
    params: dict[str, Any] = {"_meta": modern_meta()}
    return {"jsonrpc": "2.0", "id": request_id, "method": "server/discover", "params": params}


def modern_headers(settings: HttpSettings, method: str, params: Mapping[str, Any]) -> dict[str, str]:
    """Every modern POST mirrors its version and method (and for tools/call its name)."""
    headers = mcp_headers(settings)
    headers["MCP-Protocol-Version"] = MODERN_VERSION
    headers["Mcp-Method"] = method
    key = NAME_PARAMS.get(method)
    if key is not None and isinstance(params.get(key), str):
        headers["Mcp-Name"] = header_value(params[key])
    return headers


def modern_meta() -> dict[str, Any]:
    """The per-request `_meta` of the modern era: version and capabilities are required,
    client info is a SHOULD (basic/index.mdx 2026-07-28; mcp/shared/inbound.py's ladder)."""
    return {
        PROTOCOL_VERSION_META_KEY: MODERN_VERSION,
        CLIENT_CAPABILITIES_META_KEY: {},
        CLIENT_INFO_META_KEY: {"name": "rovo-audit", "version": __version__},
    }


def header_value(value: str) -> str:
    """A value for `Mcp-Name`: as is when it is plain visible ASCII, else the spec's Base64
    sentinel `=?base64?...?=` (streamable-http.mdx, "Value Encoding"), which a plain value
    that looks like the sentinel also takes."""
    if _HEADER_SAFE.match(value) and not (value.startswith("=?base64?") and value.endswith("?=")):
        return value
    return "=?base64?" + base64.b64encode(value.encode()).decode("ascii") + "?="


class McpSession:
    """One authenticated MCP session on `url`; close it (or use `with`) to end it politely.

    `discover()` makes it a modern (stateless) session; `initialize()` a legacy one. Until
    one of them succeeds, requests go out in the legacy shape (no `_meta`), as before."""

    def __init__(self, http: Http, url: str) -> None:
        self.http = http
        self.url = url
        self._ids = itertools.count(1)
        self._session_id: str | None = None
        self._protocol: str | None = None
        self.era: Era | None = None

    def __enter__(self) -> McpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def initialize(self) -> InitializeResult:
        """`initialize`, then `notifications/initialized` (the legacy handshake)."""
        try:
            result, exchange = self._call_raw(initialize_request_body(next(self._ids)))
        except (HttpStatusError, RpcError) as e:
            raise _modern_refusal(e) or e from None
        self._session_id = exchange_session_id(exchange)
        version = result.get("protocolVersion")
        self._protocol = version if isinstance(version, str) else None
        self.era = "legacy"
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

    def discover(self) -> InitializeResult:
        """`server/discover` at MODERN_VERSION (no handshake follows: the era is stateless).

        Raises EraNotSpoken when the answer is not positive modern evidence; HttpStatusError,
        TransportError or RpcError when a (modern) server refused the request itself."""
        body = discover_request_body(next(self._ids))
        try:
            result, exchange = self._call_raw(
                body, modern_headers(self.http.settings, "server/discover", body["params"])
            )
        except (HttpStatusError, RpcError) as e:
            raise _legacy_answer(e) or e from None
        supported = _strings(result.get("supportedVersions"))
        if MODERN_VERSION not in supported:
            named = ", ".join(supported) or "none"
            raise EraNotSpoken("modern", f"server/discover names no {MODERN_VERSION} (it names {named})", exchange)
        self.era, self._protocol = "modern", MODERN_VERSION
        meta = result.get("_meta")
        info = meta.get(SERVER_INFO_META_KEY) if isinstance(meta, dict) else None
        info = info if isinstance(info, dict) else {}
        capabilities, instructions = result.get("capabilities"), result.get("instructions")
        return InitializeResult(
            protocol_version=MODERN_VERSION,
            server_name=info.get("name") if isinstance(info.get("name"), str) else None,
            server_version=info.get("version") if isinstance(info.get("version"), str) else None,
            capabilities=capabilities if isinstance(capabilities, dict) else {},
            session_id=exchange_session_id(exchange) is not None,  # a modern server must not mint one
            instructions=instructions[:500] if isinstance(instructions, str) else None,
            exchange=_without_session(exchange),
            era="modern",
            supported_versions=supported,
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
        """DELETE the session (servers may refuse with 405; that is fine). A modern session
        has none to end."""
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
        body: dict[str, Any] = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": dict(params)}
        if self.era == "modern":
            body["params"]["_meta"] = modern_meta()
            result, exchange = self._call_raw(body, modern_headers(self.http.settings, method, body["params"]))
        else:
            result, exchange = self._call_raw(body)
        return result, _without_session(exchange)

    def _notify(self, method: str) -> None:
        exchange, _ = self.http.request(
            "POST", self.url, json={"jsonrpc": "2.0", "method": method}, headers=self._headers(), authenticate=True
        )
        if exchange.status is not None and exchange.status >= 400:
            raise HttpStatusError(f"{method}: HTTP {exchange.status}", exchange)

    def _call_raw(
        self, body: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> tuple[dict[str, Any], Exchange]:
        sent = dict(headers) if headers is not None else self._headers()
        with self.http.stream("POST", self.url, json=body, headers=sent, authenticate=True) as (
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


def rpc_error_of(error: McpClientError) -> tuple[int, str, Any] | None:
    """The JSON-RPC error an error carries: its own (RpcError) or one in an HTTP error's
    body (a modern server answers 400/404 with one; a legacy SDK server too)."""
    if isinstance(error, RpcError):
        return error.code, error.rpc_message, error.data
    try:
        message = json.loads(error.exchange.body)
    except ValueError:
        return None
    err = message.get("error") if isinstance(message, dict) else None
    if not isinstance(err, dict) or not isinstance(err.get("code"), int):
        return None
    return int(err["code"]), str(err.get("message", ""))[:300], err.get("data")


def _supported(data: Any) -> tuple[str, ...]:
    return _strings(data.get("supported")) if isinstance(data, dict) else ()


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _legacy_answer(error: HttpStatusError | RpcError) -> EraNotSpoken | None:
    """Whether a refused server/discover says "legacy server" (None: a modern refusal, or an
    HTTP error that is no era's answer, e.g. 401, 403, 429, 5xx). Streamable-http.mdx: on a 4xx
    whose body is not a recognised modern error, fall back; a modern error means a modern
    server that refused this request."""
    status = error.exchange.status or 0
    if isinstance(error, HttpStatusError) and status not in (400, 404, 405):
        return None
    rpc = rpc_error_of(error)
    code = rpc[0] if rpc else None
    if code in (HEADER_MISMATCH, MISSING_REQUIRED_CLIENT_CAPABILITY):
        return None  # a modern server finding fault with our request: a real failure
    supported = _supported(rpc[2]) if rpc else ()
    if code == UNSUPPORTED_PROTOCOL_VERSION and MODERN_VERSION in supported:
        return None  # it names our version yet refuses it: not an era question
    said = f"JSON-RPC error {code}: {rpc[1]}" if rpc else "no JSON-RPC error in the body"
    where = f"HTTP {status}" if isinstance(error, HttpStatusError) else "an error"
    return EraNotSpoken("modern", f"server/discover answered {where} ({said})", error.exchange, supported)


def _modern_refusal(error: HttpStatusError | RpcError) -> EraNotSpoken | None:
    """Whether a refused `initialize` is a modern-only server's answer: an unsupported-version
    error naming no handshake version, a header-validation error (the request lacks the
    modern headers), or `initialize` unknown as a method (versioning.mdx, "Compatibility
    Matrix": Legacy client, Modern server)."""
    rpc = rpc_error_of(error)
    if rpc is None:
        return None
    code, message, data = rpc
    supported = _supported(data)
    if code == UNSUPPORTED_PROTOCOL_VERSION and supported and all(v == MODERN_VERSION for v in supported):
        detail = f"initialize refused: the server supports {', '.join(supported)} only"
    elif code == HEADER_MISMATCH:
        detail = f"initialize refused for want of the modern request headers ({message[:120]})"
    elif code == METHOD_NOT_FOUND:
        detail = "initialize is not a method this server knows"
    else:
        return None
    return EraNotSpoken("legacy", detail, error.exchange, supported)


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
