"""The one HTTP layer `collect` (and `doctor`) use: httpx with retries, 429 handling,
per-endpoint rate limits, a global concurrency bound, cursor pagination, and redirects that
never carry a credential to another host.

Errors are `HttpError`s whose text names the endpoint and the status, never a header or a
response body (a server may echo what it was sent).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import heapq
import random
import ssl
import time
import zlib
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from pydantic import SecretStr

from ..mcpclient import FailureKind, origin_of
from ..mcpclient.transport import classify

RETRY_STATUSES = frozenset({500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


_ENCODING_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
# What the client offers (Accept-Encoding) and decodes itself, bounded: zlib's window bits.
_DECODERS: dict[str, int] = {"identity": 0, "gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class HttpError(Exception):
    """A request that failed for good (after retries). `status` is None for transport failures."""

    def __init__(self, endpoint: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{endpoint}: {message}")
        self.endpoint = endpoint
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class AuthHeader:
    """An Authorization header kept secret until the moment a request is sent."""

    scheme: str  # "Bearer" or "Basic"
    secret: SecretStr

    def value(self) -> str:
        return f"{self.scheme} {self.secret.get_secret_value()}"

    def __repr__(self) -> str:
        return f"AuthHeader({self.scheme}, **********)"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 4  # retries after the first attempt, for 5xx, 429 and connection errors
    base: float = 0.5  # first backoff, seconds; doubles each time, with full jitter
    cap: float = 8.0  # longest single backoff
    max_wait: float = 60.0  # a server asking to wait longer than this is an error, not a hang

    def backoff(self, attempt: int) -> float:
        return random.uniform(0, min(self.cap, self.base * (2**attempt)))


class RateLimit:
    """At most `requests` starts in any `per`-second window (a sliding log, exact, FIFO)."""

    def __init__(
        self, requests: int, per: float, *, margin: float = 0.05, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.requests, self.per, self.margin = requests, per, margin
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._clock = clock

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                while self._starts and now - self._starts[0] >= self.per + self.margin:
                    self._starts.popleft()
                if len(self._starts) < self.requests:
                    self._starts.append(now)
                    return
                await asyncio.sleep(self._starts[0] + self.per + self.margin - now)


class PrioritySlots:
    """A concurrency bound that serves the highest priority first (FIFO within a priority),
    and says which of its `slots` numbered slots the holder has.

    Requests that arrive together (in one turn of the event loop) are ranked before any is
    served, so a burst is ordered by priority too. Later pages of a paginated endpoint go
    first: a long chain of pages is the run's critical path, so its next link should not
    queue behind short, fresh requests.
    """

    def __init__(self, slots: int) -> None:
        self._free = list(range(slots - 1, -1, -1))
        self._waiting: list[tuple[int, int, asyncio.Future[int]]] = []
        self._seq = 0
        self._dispatching = False

    @contextlib.asynccontextmanager
    async def slot(self, priority: int = 0) -> AsyncIterator[int]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[int] = loop.create_future()
        self._seq += 1
        heapq.heappush(self._waiting, (-priority, self._seq, fut))
        if self._free and not self._dispatching:
            self._dispatching = True
            loop.call_soon(self._dispatch)
        try:
            index = await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self._release(fut.result())  # handed over as we were cancelled: pass it on
            raise
        try:
            yield index
        finally:
            self._release(index)

    def _dispatch(self) -> None:
        self._dispatching = False
        while self._free and self._waiting:
            _, _, fut = heapq.heappop(self._waiting)
            if not fut.done():
                fut.set_result(self._free.pop())

    def _release(self, index: int) -> None:
        while self._waiting:
            _, _, fut = heapq.heappop(self._waiting)
            if not fut.done():
                fut.set_result(index)  # hand the slot over directly
                return
        self._free.append(index)


@dataclass(slots=True)
class Stats:
    """Counters for the progress display, the summary and the benchmark."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    waiting: set[str] = field(default_factory=set)


def _retry_after(resp: httpx.Response, now: Callable[[], dt.datetime]) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or HTTP date), else `X-RateLimit-Reset`."""
    ra = resp.headers.get("Retry-After")
    if ra:
        ra = ra.strip()
        if ra.replace(".", "", 1).isdigit():
            return float(ra)
        try:
            when = email.utils.parsedate_to_datetime(ra)
            return max(0.0, (when - now()).total_seconds())
        except (TypeError, ValueError):
            pass
    reset = resp.headers.get("X-RateLimit-Reset")
    if reset:
        reset = reset.strip()
        try:
            number = float(reset)
        except ValueError:
            try:  # Atlassian documents an ISO 8601 timestamp here
                when = dt.datetime.fromisoformat(reset.replace("Z", "+00:00"))
            except ValueError:
                return None
            when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
            return max(0.0, (when - now()).total_seconds())
        if number > 1e12:  # epoch milliseconds
            number /= 1000
        if number > 1e9:  # epoch seconds
            return max(0.0, number - now().timestamp())
        return max(0.0, number)  # a delta in seconds
    return None


class NoCursor(ValueError):
    """The server says there is a next page but not how to ask for it."""


def next_cursor(body: Any) -> str | None:
    """The cursor of the next page: `links.next` (a cursor, or a URL carrying `cursor=`), else
    `meta.next`; None when neither names a next page.

    Raises NoCursor when a next page is announced without a usable cursor: stopping there would
    report a truncated list as whole.
    """
    if not isinstance(body, Mapping):
        return None
    unusable = False
    for holder in (body.get("links"), body.get("meta")):
        if not isinstance(holder, Mapping):
            continue
        nxt = holder.get("next")
        if nxt is None or nxt == "":
            continue
        if isinstance(nxt, str):
            if not ("://" in nxt or nxt.startswith("/") or "cursor=" in nxt):
                return nxt
            found = parse_qs(urlsplit(nxt).query).get("cursor")
            if found:
                return found[0]
        unusable = True  # a link we cannot follow: `meta.next` may still say how
    if unusable:
        raise NoCursor("the server announced a next page without a cursor; the list was not read whole")
    return None


class HttpSession:
    """One httpx client shared by every collector: a concurrency bound across endpoints and
    orgs, a rate limit per endpoint name, retries and bounded waits."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        max_response_bytes: int = 8 * 1024 * 1024,
        retry: RetryPolicy | None = None,
        concurrency: int = 16,
        rate_limits: Mapping[str, tuple[int, float]] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str = "rovo-audit",
        tls: bool = True,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self._slots = PrioritySlots(concurrency)
        self.limits = {k: RateLimit(n, per) for k, (n, per) in (rate_limits or {}).items()}
        self.stats = Stats()
        self._timeout = timeout
        self._max_bytes = max_response_bytes
        # One TLS context for every client (building one costs ~50 ms); none for a plain-HTTP
        # (loopback) session, where no TLS connection can happen: redirects never leave the origin.
        self._verify: ssl.SSLContext | bool = ssl.create_default_context() if tls else False
        self._transport, self._user_agent = transport, user_agent
        # One small client per concurrency slot: httpx's connection pool slows down
        # quadratically with the requests waiting in it, and a slot holds one at a time.
        self._clients: dict[int, httpx.AsyncClient] = {}
        self._closed = False

    async def __aenter__(self) -> HttpSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closed = True
        for client in self._clients.values():
            await client.aclose()

    def _client(self, slot: int) -> httpx.AsyncClient:
        if self._closed:  # a task the shutdown has not reached yet: it ends, it does not send
            raise asyncio.CancelledError("the HTTP session is closed")
        client = self._clients.get(slot)
        if client is None:
            client = self._clients[slot] = httpx.AsyncClient(
                verify=self._verify,
                timeout=httpx.Timeout(self._timeout),
                follow_redirects=False,
                transport=self._transport,
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                headers={
                    "Accept": "application/json",
                    "Accept-Encoding": "gzip, deflate",
                    "User-Agent": self._user_agent,
                },
            )
        return client

    @staticmethod
    def _now() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    async def get_json(
        self,
        url: str,
        *,
        endpoint: str,
        auth: AuthHeader | None,
        params: Mapping[str, str] | None = None,
        priority: int = 0,
    ) -> Any:
        resp = await self.get(url, endpoint=endpoint, auth=auth, params=params, priority=priority)
        try:
            return resp.json()
        except ValueError:
            raise HttpError(
                endpoint, f"HTTP {resp.status_code} but the response is not valid JSON", resp.status_code
            ) from None

    async def get(
        self,
        url: str,
        *,
        endpoint: str,
        auth: AuthHeader | None,
        params: Mapping[str, str] | None = None,
        priority: int = 0,
    ) -> httpx.Response:
        """GET with retries (idempotent), 429 waits and same-origin redirects; 2xx or HttpError."""
        attempt = 0
        while True:
            limit = self.limits.get(endpoint)
            if limit is not None:
                self.stats.waiting.add(endpoint)
                try:
                    await limit.acquire()
                finally:
                    self.stats.waiting.discard(endpoint)
            try:
                async with self._slots.slot(priority) as slot:
                    # One deadline for the whole exchange (connect, headers, body, redirects):
                    # httpx's own timeout is per read, so a server dripping a byte at a time
                    # would keep it alive for ever.
                    # asyncio.timeout, not wait_for: no task of its own, so a Ctrl-C that cancels
                    # this one cancels the send in place (a wait_for task could still start after
                    # the session had closed its clients).
                    async with asyncio.timeout(self._timeout):
                        resp = await self._send(self._client(slot), url, endpoint, auth, params)
            except (httpx.TimeoutException, TimeoutError):
                failure, wait, status = f"timed out (no answer within {self._timeout}s)", None, None
            except httpx.TransportError as e:
                kind = classify(e)
                if kind.kind is FailureKind.TLS:
                    # A certificate that does not verify will not on the next attempt either.
                    raise HttpError(
                        endpoint, f"TLS failed: {kind.detail} (behind a proxy? trust its CA with SSL_CERT_FILE)"
                    ) from None
                failure, wait, status = f"connection failed ({type(e).__name__})", None, None
            else:
                if resp.status_code < 300:
                    return resp
                if resp.status_code == 429:
                    self.stats.rate_limited += 1
                    wait, status = _retry_after(resp, self._now), 429
                    failure = "rate limited (HTTP 429)"
                    if wait is not None and wait > self.retry.max_wait:
                        raise HttpError(
                            endpoint,
                            f"{failure}; the server asks to wait {wait:.0f}s, "
                            f"more than the {self.retry.max_wait:.0f}s allowed",
                            429,
                        )
                elif resp.status_code in RETRY_STATUSES:
                    # A 5xx that outlasts the retries gives the error no status: callers branch
                    # on the status (e.g. the 404 of an optional endpoint), not on a server fault.
                    failure, wait, status = f"server error (HTTP {resp.status_code})", None, None
                else:
                    raise HttpError(endpoint, _describe_status(resp.status_code), resp.status_code)
            if attempt >= self.retry.max_retries:
                raise HttpError(endpoint, f"{failure}, {attempt + 1} attempt{'s' if attempt else ''}", status)
            self.stats.retries += 1
            await asyncio.sleep(wait if wait is not None else self.retry.backoff(attempt))
            attempt += 1

    async def _send(
        self,
        client: httpx.AsyncClient,
        url: str,
        endpoint: str,
        auth: AuthHeader | None,
        params: Mapping[str, str] | None,
    ) -> httpx.Response:
        start = origin_of(str(httpx.URL(url)))  # parsed as the redirect targets are, below
        target: str = url
        query: Mapping[str, str] | None = params
        for _ in range(MAX_REDIRECTS + 1):
            headers = {"Authorization": auth.value()} if auth is not None else {}
            self.stats.requests += 1
            async with client.stream("GET", target, params=query, headers=headers) as resp:
                if resp.status_code not in REDIRECT_STATUSES or "location" not in resp.headers:
                    return await self._read(resp, endpoint)
            location = resp.headers["location"]
            try:
                # Parsed by httpx first, so the origin checked is the one httpx would connect to.
                nxt = str(httpx.URL(urljoin(str(resp.url), location)))
                where = origin_of(nxt)
            except (httpx.InvalidURL, ValueError):  # e.g. a port out of range; the text is not shown
                raise HttpError(endpoint, "redirected to an invalid URL; not followed", resp.status_code) from None
            if where != start:
                # Never follow: the credential belongs to the host it was configured for.
                # Only the origin is shown: the rest of the URL may carry what the server echoed.
                raise HttpError(
                    endpoint,
                    f"redirected to another host ({where}); not followed, so the credential is not sent there",
                    resp.status_code,
                )
            target, query = nxt, None
        raise HttpError(endpoint, f"more than {MAX_REDIRECTS} redirects")

    async def _read(self, resp: httpx.Response, endpoint: str) -> httpx.Response:
        """The body, decompressed here with a bound on each step's output (httpx would inflate
        a whole network chunk at once: a 250 KB gzip bomb became 256 MiB before any check),
        and refused past the limit: a response whose body is held in full."""
        encoding = resp.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in _DECODERS:
            raise HttpError(endpoint, f"answered in an encoding it was not offered ({encoding[:20]})", resp.status_code)
        inflate = zlib.decompressobj(_DECODERS[encoding]) if _DECODERS[encoding] else None
        body = bytearray()
        limit = self._max_bytes

        def too_large() -> HttpError:
            return HttpError(
                endpoint,
                f"the response is larger than {limit // (1024 * 1024)} MiB (after decompression); "
                "refused (ROVO_AUDIT_MAX_RESPONSE_MIB raises the limit)",
                resp.status_code,
            )

        try:
            async for raw in resp.aiter_raw():
                if inflate is None:
                    body += raw
                else:
                    data = inflate.decompress(raw, limit + 1 - len(body))
                    while True:
                        body += data
                        if len(body) > limit or not inflate.unconsumed_tail:
                            break
                        data = inflate.decompress(inflate.unconsumed_tail, limit + 1 - len(body))
                if len(body) > limit:
                    raise too_large()
        except zlib.error:
            raise HttpError(endpoint, f"the {encoding} body does not decompress", resp.status_code) from None
        # Decoded already: the new response must not claim an encoding or a length it lacks.
        kept = [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in _ENCODING_HEADERS]
        return httpx.Response(resp.status_code, headers=kept, content=bytes(body), request=resp.request)

    async def pages(
        self,
        url: str,
        *,
        endpoint: str,
        auth: AuthHeader | None,
        params: Mapping[str, str] | None = None,
        max_pages: int = 100,
        priority: int = 0,
    ) -> AsyncIterator[Any]:
        """Each page's JSON body, following the cursor until there is none (or `max_pages`).
        Each later page queues with a higher priority than the one before."""
        seen: set[str] = set()
        query = dict(params or {})
        for page in range(max_pages):
            body = await self.get_json(url, endpoint=endpoint, auth=auth, params=query, priority=priority + page)
            yield body
            try:
                cursor = next_cursor(body)
            except NoCursor as e:
                raise HttpError(endpoint, str(e)) from None
            if cursor is None:
                return
            if cursor in seen:
                raise HttpError(endpoint, "the server returned the same page cursor twice")
            seen.add(cursor)
            query = {**query, "cursor": cursor}
        raise PageLimit(endpoint, f"stopped after {max_pages} pages")


class PageLimit(HttpError):
    """More pages than the caller wanted to read: what was read is valid, the rest was not read."""


def _describe_status(status: int) -> str:
    if status == 401:
        return "HTTP 401 unauthorized: the credential was refused (wrong, expired or revoked?)"
    if status == 403:
        return "HTTP 403 forbidden: the credential lacks the permission or scope for this endpoint"
    if status == 404:
        return "HTTP 404 not found (wrong org id, or the endpoint is not available to this org)"
    return f"HTTP {status}"
