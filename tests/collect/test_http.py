"""The HTTP layer against the fake Admin API over real HTTP: pagination, 429s, retries,
timeouts, malformed JSON, redirects, the rate limiter and the concurrency bound."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from auditor.collect.http import AuthHeader, HttpError, HttpSession, RateLimit, RetryPolicy, _retry_after, next_cursor
from tests.collect.conftest import ORG, example_org
from tests.servers.fake_admin_api import ADMIN_KEY, FakeAdminApi, running_admin_api

KEY = AuthHeader("Bearer", SecretStr(ADMIN_KEY))
FAST = RetryPolicy(max_retries=3, base=0.02, cap=0.1, max_wait=5)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _tokens(api: FakeAdminApi, **kw: Any) -> list[Any]:
    async with HttpSession(retry=kw.pop("retry", FAST), **kw) as s:
        return [
            p
            async for p in s.pages(
                f"{api.url}/admin/api-access/v1/orgs/{ORG}/api-tokens", endpoint="api_tokens", auth=KEY
            )
        ]


@pytest.mark.parametrize("style", ["cursor", "url"])
def test_cursor_pagination_reads_every_page(style: str) -> None:
    with running_admin_api([example_org()], page_size=1, next_style=style) as api:
        pages = run(_tokens(api))
    labels = [t["label"] for p in pages for t in p["data"]]
    assert labels == ["ci-bot", "release", "legacy", "revoked"]
    assert api.count("api_tokens") == 4
    assert [s.query.startswith("cursor=") for s in api.log] == [False, True, True, True]


@pytest.mark.parametrize("fault", ["429", "429-date", "429-reset"])
def test_429_waits_as_the_server_says(api: FakeAdminApi, fault: str) -> None:
    api.faults["api_tokens"] = [fault]
    start = time.monotonic()
    pages = run(_tokens(api, retry=RetryPolicy(max_retries=2, base=5, cap=5, max_wait=5)))
    waited = time.monotonic() - start
    assert len(pages) == 2 and api.count("api_tokens") == 3
    # The server asks for 1-2 s; the 5 s backoff would show if the headers were ignored.
    assert 0.5 <= waited < 3.5


def test_429_without_headers_backs_off_exponentially_and_bounded(api: FakeAdminApi) -> None:
    api.faults["api_tokens"] = ["429-bare", "429-bare"]
    pages = run(_tokens(api))
    assert len(pages) == 2 and api.count("api_tokens") == 4


def test_429_asking_for_too_long_a_wait_fails_fast(api: FakeAdminApi) -> None:
    api.faults["api_tokens"] = ["429-long"]
    start = time.monotonic()
    with pytest.raises(HttpError, match="asks to wait 3600s"):
        run(_tokens(api))
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("fault", ["500", "503"])
def test_5xx_is_retried(api: FakeAdminApi, fault: str) -> None:
    api.faults["api_tokens"] = [fault, fault]
    assert len(run(_tokens(api))) == 2
    assert api.count("api_tokens") == 4


def test_persistent_5xx_gives_up_after_the_retries(api: FakeAdminApi) -> None:
    api.faults["api_tokens"] = ["500"] * 10
    with pytest.raises(HttpError, match=r"server error \(HTTP 500\), 4 attempts"):
        run(_tokens(api))
    assert api.count("api_tokens") == 4


def test_4xx_is_not_retried(api: FakeAdminApi) -> None:
    api.faults["api_tokens"] = ["401"]
    with pytest.raises(HttpError, match="401") as e:
        run(_tokens(api))
    assert e.value.status == 401 and api.count("api_tokens") == 1


def test_timeout_is_retried_then_reported() -> None:
    with running_admin_api([example_org()], hang=1.0) as api:
        api.faults["api_tokens"] = ["timeout"]
        assert len(run(_tokens(api, timeout=0.3))) == 2
        api.faults["api_tokens"] = ["timeout"] * 5
        with pytest.raises(HttpError, match="timed out"):
            run(_tokens(api, timeout=0.3, retry=RetryPolicy(max_retries=1, base=0.01)))


def test_connection_refused_is_retried_then_reported() -> None:
    async def go() -> None:
        async with HttpSession(retry=RetryPolicy(max_retries=2, base=0.01)) as s:
            await s.get_json("http://127.0.0.1:9/admin/v1/orgs", endpoint="orgs", auth=KEY)

    with pytest.raises(HttpError, match=r"connection failed.*3 attempts"):
        run(go())


def test_malformed_json_is_an_error_not_a_crash(api: FakeAdminApi) -> None:
    api.faults["api_tokens"] = ["malformed"]
    with pytest.raises(HttpError, match="not valid JSON"):
        run(_tokens(api))


def test_redirect_to_another_host_is_not_followed_and_the_key_stays_home(api: FakeAdminApi) -> None:
    api.faults["api_tokens"] = ["redirect-other"]
    with pytest.raises(HttpError, match="redirected to another host"):
        run(_tokens(api))
    assert api.other.url and api.other.log == []  # not even an anonymous request
    assert all(v == f"Bearer {ADMIN_KEY}" for v in api.state.auth_values)


def test_redirect_on_the_same_host_is_followed(api: FakeAdminApi) -> None:
    api.faults["api_tokens"] = ["redirect-same"]
    assert len(run(_tokens(api))) == 2


def test_rate_limiter_is_a_sliding_window() -> None:
    async def go() -> list[float]:
        limit = RateLimit(3, 0.4, margin=0.0)
        start = time.monotonic()
        out = []
        for _ in range(7):
            await limit.acquire()
            out.append(time.monotonic() - start)
        return out

    t = run(go())
    assert t[2] < 0.1 and 0.38 < t[3] < 0.6 and 0.78 < t[6] < 1.1
    for i in range(3, 7):  # never more than 3 starts in any 0.4 s window
        assert t[i] - t[i - 3] >= 0.39


def test_rate_limit_holds_against_the_server_across_orgs() -> None:
    orgs = [example_org(f"org-{i}") for i in range(3)]
    with running_admin_api(orgs, events_limit=2, events_window=0.5) as api:

        async def go() -> None:
            async with HttpSession(retry=FAST, rate_limits={"events": (2, 0.5)}) as s:
                await asyncio.gather(
                    *(
                        s.get_json(f"{api.url}/admin/v1/orgs/org-{i % 3}/events", endpoint="events", auth=KEY)
                        for i in range(6)
                    )
                )

        start = time.monotonic()
        run(go())
        assert api.state.violations == 0 and api.count("events") == 6
        assert time.monotonic() - start >= 1.0  # 6 requests at 2 per 0.5 s


def test_concurrency_is_bounded_across_endpoints() -> None:
    with running_admin_api([example_org()], latency=0.15) as api:

        async def go() -> None:
            async with HttpSession(retry=FAST, concurrency=3) as s:
                await asyncio.gather(
                    *(
                        s.get_json(f"{api.url}/admin/v1/orgs/{ORG}/{ep}", endpoint=ep, auth=KEY)
                        for ep in ("domains", "policies", "events") * 3
                    )
                )

        run(go())
        assert api.state.max_in_flight == 3


def test_next_cursor_shapes() -> None:
    assert next_cursor({"links": {"next": "abc"}}) == "abc"
    assert next_cursor({"links": {"next": "/admin/v1/orgs/x/events?cursor=q%3D1&limit=5"}}) == "q=1"
    assert next_cursor({"links": {"next": "https://api.atlassian.com/x?cursor=zz"}}) == "zz"
    assert next_cursor({"links": {}, "meta": {"next": "m"}}) == "m"
    assert next_cursor({"links": {"next": None}}) is None
    assert next_cursor([1, 2]) is None


def test_retry_after_forms() -> None:
    now = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    req = httpx.Request("GET", "http://x")

    def wait(**headers: str) -> float | None:
        return _retry_after(httpx.Response(429, headers=headers, request=req), lambda: now)

    assert wait(**{"Retry-After": "7"}) == 7
    assert wait(**{"Retry-After": "Fri, 20 Nov 2026 09:30:05 GMT"}) == 5
    assert wait(**{"X-RateLimit-Reset": str(int(now.timestamp()) + 9)}) == 9
    assert wait(**{"X-RateLimit-Reset": "2026-11-20T09:30:30Z"}) == 30
    assert wait(**{"X-RateLimit-Reset": "12"}) == 12
    assert wait() is None
    assert wait(**{"Retry-After": "soon"}) is None


def test_auth_header_repr_hides_the_secret() -> None:
    assert ADMIN_KEY not in repr(KEY) and ADMIN_KEY not in str(KEY)
