"""Benchmark (issue 4): collect 5 orgs from the fake Admin API with 100 ms of latency on
every request. Wall time must be at most 1.5x the critical path (the longest chain of
requests that depend on each other, times the latency), without breaking the rate limits.

Run: python -m pytest tests/bench/test_collect_bench.py -q -s
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from pydantic import SecretStr

from auditor.collect.run import collect_async
from auditor.config import CollectConfig
from auditor.report.collect import collect_summary
from tests.servers.fake_admin_api import (
    ADMIN_KEY,
    FakeOrg,
    event,
    ip_policy,
    running_admin_api,
    running_admin_api_process,
    token,
)

LATENCY = 0.100
PAGE = 2
ORGS = 5
TOKENS, EVENTS = 7, 3  # 4 pages of tokens, 2 of events (5 orgs x 2 = the events limit of 10/min)
AS_OF = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
RUNS = 5


def orgs() -> list[FakeOrg]:
    return [
        FakeOrg(
            f"org-{i}",
            f"Org {i}",
            domains=[("a.example", "verified"), ("b.example", "verified")],
            policies=[ip_policy("office", "enabled", ["203.0.113.0/24"])],
            tokens=[token(f"t{j}", f"u{j}@example.com", scopes=["read:jira-work"]) for j in range(TOKENS)],
            keys=[{"id": "k", "label": "svc", "status": "ACTIVE", "scopes": ["read:page:confluence"]}],
            events=[event("mcp_tool_invoked", f"acct-{j}", "2026-11-19T10:00:00Z") for j in range(EVENTS)],
        )
        for i in range(ORGS)
    ]


def critical_path(with_org_listing: bool) -> float:
    """The longest dependent chain: every page of an endpoint needs the previous page's cursor,
    and without org ids every org's requests need the (paginated) org list first."""
    chains = [
        1,
        1,
        1,
        math.ceil(TOKENS / PAGE),
        1,
        math.ceil(EVENTS / PAGE),
    ]  # org, domains, policies, tokens, keys, events
    listing = math.ceil(ORGS / PAGE) if with_org_listing else 0
    return (max(chains) + listing) * LATENCY


def run_once(url: str, org_ids: tuple[str, ...]) -> float:
    config = CollectConfig(
        _env_file=None,
        admin_api_key=SecretStr(ADMIN_KEY),
        api_base_url=url,  # type: ignore[call-arg]
        mcp_url="http://127.0.0.1:9/v1/mcp",
        events_days=30,
    )
    outcome = asyncio.run(collect_async(config, org_ids=org_ids, attestation=None, as_of=AS_OF))
    assert outcome.complete, collect_summary(outcome)
    assert len(outcome.settings.orgs) == ORGS
    assert all(len(o.credentials or ()) == TOKENS + 1 for o in outcome.settings.orgs)
    return outcome.elapsed


def test_collect_five_orgs_near_the_critical_path(tmp_path: Path) -> None:
    ids = tuple(f"org-{i}" for i in range(ORGS))
    for with_listing in (False, True):
        times = []
        for _ in range(RUNS):
            # The fake runs in its own process: its CPU is not ours to measure (a real API's isn't).
            with running_admin_api_process(orgs(), page_size=PAGE, latency=LATENCY) as url:
                times.append(run_once(url, () if with_listing else ids))
                stats = httpx.get(f"{url}/_fake/stats").json()
                assert stats["violations"] == 0  # the server's own events limit (10/min) was never hit
                assert stats["per_endpoint"]["events"] == ORGS * math.ceil(EVENTS / PAGE) <= 10
                requests, in_flight = stats["requests"], stats["max_in_flight"]
        best, median = min(times), statistics.median(times)
        path = critical_path(with_listing)
        print(
            f"\ncollect {ORGS} orgs{' (org list from the key)' if with_listing else ''}: {requests} requests, "
            f"latency {LATENCY * 1000:.0f} ms, critical path {path * 1000:.0f} ms; wall best {best * 1000:.0f} ms "
            f"= {best / path:.2f}x, median {median * 1000:.0f} ms = {median / path:.2f}x "
            f"(runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms); max in flight {in_flight}"
        )
        # The best of several runs: the machine is shared (2 cores), and other work only adds time.
        assert best <= 1.5 * path, f"{best:.3f}s > 1.5 x {path:.3f}s"

    # The same run through the real command, start-up included, for the README.
    with running_admin_api(orgs(), page_size=PAGE, latency=LATENCY) as api:
        env = {
            "ROVO_AUDIT_ADMIN_API_KEY": ADMIN_KEY,
            "ROVO_AUDIT_API_BASE_URL": api.url,
            "ROVO_AUDIT_MCP_URL": "http://127.0.0.1:9/v1/mcp",
            "ROVO_AUDIT_ORG_ID": ",".join(ids),
        }
        import os

        start = time.monotonic()
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "auditor",
                "collect",
                "--out",
                str(tmp_path / "s.yaml"),
                "--as-of",
                "2026-11-20T09:30:00Z",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            cwd=tmp_path,
            timeout=60,
        )
        total = time.monotonic() - start
        assert p.returncode == 0, p.stdout + p.stderr
        print(
            f"rovo-audit collect (5 orgs, whole command incl. start-up): {total * 1000:.0f} ms; {p.stdout.splitlines()[0]}"
        )
