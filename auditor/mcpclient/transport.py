"""HTTP for the MCP client: no redirects followed, credentials only to allowed origins.

Every request yields an `Exchange`: what was asked and what came back, with secrets removed,
so callers (the doctor, the collect probe) can show evidence without ever holding a secret.
"""

from __future__ import annotations

import contextlib
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from .credentials import Credentials

# Response headers worth showing as evidence (never request headers: they carry secrets).
_KEPT_HEADERS = ("www-authenticate", "location", "content-type", "mcp-session-id", "retry-after")
BODY_EXCERPT = 2000
# Read this much for an excerpt: a secret cut at the read limit then lies past the excerpt.
_EXCERPT_READ = BODY_EXCERPT * 4
MAX_BODY = 1_000_000  # a metadata document or tools page larger than this is refused


class FailureKind(StrEnum):
    UNREACHABLE = "unreachable"  # DNS, connection refused, proxy
    TIMEOUT = "timeout"
    TLS = "tls"  # handshake or certificate verification
    REDIRECT = "redirect"  # a 3xx: never followed
    PROTOCOL = "protocol"  # an answer that is not what the protocol says (bad JSON, no response)


@dataclass(frozen=True, slots=True)
class TransportFailure:
    kind: FailureKind
    detail: str


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and what it saw; safe to print (secrets redacted, request headers omitted)."""

    method: str
    url: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""  # an excerpt, redacted
    failure: TransportFailure | None = None
    elapsed_ms: float = 0.0
    authenticated: bool = False  # whether credentials were attached

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "authenticated": self.authenticated,
        }
        if self.headers:
            out["headers"] = dict(self.headers)
        if self.body:
            out["body"] = self.body
        if self.failure:
            out["failure"] = {"kind": str(self.failure.kind), "detail": self.failure.detail}
        return out


class McpClientError(Exception):
    """Base of the client's errors; each carries the `Exchange` that failed."""

    def __init__(self, message: str, exchange: Exchange) -> None:
        super().__init__(message)
        self.exchange = exchange


class TransportError(McpClientError):
    """No usable HTTP answer: unreachable, timeout, TLS, redirect, or a protocol violation."""

    def __init__(self, failure: TransportFailure, exchange: Exchange) -> None:
        super().__init__(f"{failure.kind}: {failure.detail}", exchange)
        self.failure = failure


class HttpStatusError(McpClientError):
    """An HTTP error status (4xx/5xx) from the server."""

    @property
    def status(self) -> int:
        return self.exchange.status or 0


@dataclass(frozen=True, slots=True)
class HttpSettings:
    timeout: float = 15.0
    verify: bool | str = True  # True, False (never by default) or a CA bundle path
    user_agent: str = "rovo-audit"
    origin: str | None = None  # sent as `Origin` to the MCP endpoint, like a browser client would


def origin_of(url: str) -> str:
    """`scheme://host[:port]`, lower-cased, default ports dropped."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{scheme}://{host}{port}"


class Http:
    """A synchronous httpx client that never follows redirects and guards credentials.

    `credential_origins`: the only origins that may ever receive `Authorization`; a request
    that asks for credentials elsewhere is a programming error and raises ValueError.
    """

    def __init__(
        self,
        settings: HttpSettings,
        credentials: Credentials | None = None,
        credential_origins: frozenset[str] = frozenset(),
    ) -> None:
        self.settings = settings
        self.credentials = credentials or Credentials.none()
        self.credential_origins = frozenset(origin_of(o) for o in credential_origins)
        # Same length floor as the Redactor: shorter strings would blank out ordinary text.
        self._encoded = tuple(_percent_encoded(f) for f in self.credentials.secret_forms() if len(f) >= 4)
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
            verify=_verify(settings.verify),
            headers={"User-Agent": settings.user_agent},
            trust_env=True,  # proxies and SSL_CERT_FILE from the environment, as users expect
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def redact(self, text: str) -> str:
        """Every form of the secret, also percent-encoded: a redirect (its Location, its HTML
        body) or an error page may echo the credential inside a URL."""
        text = self.credentials.redact(text)
        if "%" in text:  # an encoded form needs one; the raw forms are gone already
            for pattern in self._encoded:
                text = pattern.sub("[redacted]", text)
        return text

    def excerpt(self, text: str) -> str:
        """Redact first, then cut: cutting first could leave a secret's prefix at the edge."""
        return self.redact(text)[:BODY_EXCERPT]

    def read_excerpt(self, response: httpx.Response) -> str:
        return self.excerpt(read_limited(response, _EXCERPT_READ))

    def _headers(self, url: str, headers: Mapping[str, str] | None, authenticate: bool) -> dict[str, str]:
        out = dict(headers or {})
        if authenticate:
            if origin_of(url) not in self.credential_origins:
                raise ValueError(f"refusing to send credentials to {origin_of(url)}")
            value = self.credentials.authorization()
            if value:
                out["Authorization"] = value
        return out

    @contextlib.contextmanager
    def stream(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        authenticate: bool = False,
    ) -> Iterator[tuple[httpx.Response, Exchange]]:
        """Open a response for streaming; the Exchange has status and headers but no body yet.

        Transport failures and redirects raise `TransportError`; HTTP error statuses do not
        (the caller reads the body and decides).
        """
        sent = self._headers(url, headers, authenticate)
        start = time.monotonic()
        base = Exchange(method, url, authenticated="Authorization" in sent)
        try:
            request = self._client.build_request(method, url, json=json, headers=sent)
            with contextlib.closing(self._send_within(request, start + self.settings.timeout)) as response:
                # httpx's timeout is per read: a body dripped a byte at a time would never end.
                # The readers below stop at this deadline for the whole exchange (check_deadline).
                response.extensions[DEADLINE] = start + self.settings.timeout
                exchange = Exchange(
                    method,
                    url,
                    response.status_code,
                    _kept(response, self.redact),
                    elapsed_ms=_ms(start),
                    authenticated=base.authenticated,
                )
                if response.is_redirect:
                    body = self.read_excerpt(response)
                    where = redirect_origin(str(response.url), response.headers.get("location"))
                    failure = TransportFailure(
                        FailureKind.REDIRECT, f"HTTP {response.status_code} to {where}; not followed"
                    )
                    raise TransportError(failure, _with(exchange, body=body, failure=failure))
                yield response, exchange
        except httpx.HTTPError as e:
            failure = classify(e)
            raise TransportError(failure, _with(base, failure=failure, elapsed_ms=_ms(start))) from None

    def _send_within(self, request: httpx.Request, deadline: float) -> httpx.Response:
        """Send and read the headers by `deadline`: httpx's timeout is per read, so a server
        dripping its headers a byte at a time would hold the doctor for ever. The send runs in
        a helper thread; past the deadline it is left to its fate (a daemon, ended by the
        server or the process) and this exchange is a timeout."""
        box: dict[str, Any] = {}

        def send() -> None:
            try:
                box["response"] = self._client.send(request, stream=True)
            except BaseException as e:  # handed to the caller below
                box["error"] = e

        worker = threading.Thread(target=send, name="rovo-audit-http", daemon=True)
        worker.start()
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            raise httpx.ReadTimeout("no complete answer within the deadline", request=request)
        if "error" in box:
            raise box["error"]
        response: httpx.Response = box["response"]
        return response

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        authenticate: bool = False,
    ) -> tuple[Exchange, bytes]:
        """A whole request: the Exchange (with a redacted body excerpt) and the raw body."""
        start = time.monotonic()
        with self.stream(method, url, json=json, headers=headers, authenticate=authenticate) as (response, exchange):
            try:
                raw = read_limited_bytes(response, MAX_BODY)
            except httpx.HTTPError as e:
                failure = classify(e)
                raise TransportError(failure, _with(exchange, failure=failure)) from None
            excerpt = self.excerpt(raw[:_EXCERPT_READ].decode("utf-8", "replace"))
            return _with(exchange, body=excerpt, elapsed_ms=_ms(start)), raw


def redirect_origin(url: str, location: str | None) -> str:
    """Where a redirect points, as an origin only: the path and query may carry what the
    server echoed (a token, in a form redaction does not know), and error text is stored."""
    if not location:
        return "(no Location)"
    try:
        return origin_of(urljoin(url, location))
    except ValueError:  # e.g. a port out of range
        return "(an invalid URL)"


def _percent_encoded(secret: str) -> re.Pattern[str]:
    """`secret` with any of its characters percent-encoded (hex digits in either case)."""

    def hexed(byte: int) -> str:
        return "%" + "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{byte:02x}")

    return re.compile("".join(f"(?:{re.escape(ch)}|{''.join(hexed(b) for b in ch.encode())})" for ch in secret))


def _verify(value: bool | str) -> bool | ssl.SSLContext:
    if isinstance(value, str):
        return ssl.create_default_context(cafile=value)
    return value


def _kept(response: httpx.Response, redact: Callable[[str], str]) -> dict[str, str]:
    return {k: redact(response.headers[k]) for k in _KEPT_HEADERS if k in response.headers}


def _with(exchange: Exchange, **changes: Any) -> Exchange:
    return replace(exchange, **changes)


def _ms(start: float) -> float:
    return round((time.monotonic() - start) * 1000, 1)


DEADLINE = "rovo_audit_deadline"  # in a streamed response's extensions: time.monotonic() to stop at


def check_deadline(response: httpx.Response) -> None:
    """Raise httpx.ReadTimeout once the exchange's whole deadline has passed."""
    deadline = response.extensions.get(DEADLINE)
    if deadline is not None and time.monotonic() > deadline:
        raise httpx.ReadTimeout("the exchange took longer than its deadline", request=response.request)


def read_limited_bytes(response: httpx.Response, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        check_deadline(response)
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]


def read_limited(response: httpx.Response, limit: int) -> str:
    return read_limited_bytes(response, limit).decode("utf-8", "replace")


def classify(error: httpx.HTTPError) -> TransportFailure:
    """Name the layer that failed: the doctor's endpoint steps depend on this distinction."""
    if isinstance(error, httpx.TimeoutException):
        return TransportFailure(FailureKind.TIMEOUT, f"{type(error).__name__}: no answer in time")
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            reason = getattr(cause, "verify_message", None) or getattr(cause, "reason", None) or str(cause)
            return TransportFailure(FailureKind.TLS, str(reason))
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, httpx.LocalProtocolError):
        # Our own request was refused before sending; its text quotes the offending header
        # (the credential), escaped so that redaction cannot find it: never show it.
        return TransportFailure(
            FailureKind.UNREACHABLE,
            "the request could not be sent: a header value is invalid "
            "(does the credential contain a space or a line break?)",
        )
    if isinstance(error, httpx.TransportError):
        return TransportFailure(
            FailureKind.UNREACHABLE, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        )
    return TransportFailure(FailureKind.PROTOCOL, f"{type(error).__name__}: {error}")
