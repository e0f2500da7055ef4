"""Run every configured source for every org, merge, and render the snapshot.

The orchestration only: sources live in their own modules, the merge rules in merge.py.
All sources share one HttpSession, so the concurrency bound and the per-endpoint rate
limits hold across sources and orgs.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

import httpx

from ..config import CollectConfig
from ..errors import UsageError
from ..model.settings import OrgSettings
from .admin_api import AdminApiCollector, catalog
from .attest import Attestation
from .http import AuthHeader, HttpError, HttpSession, RetryPolicy, Stats
from .interface import Collector, CouldNotCollect, SourceResult
from .mcp_probe import McpProbe
from .merge import merge_org
from .oauth import OAuthCollector


class CollectionFailed(Exception):
    """Nothing could be collected at all (e.g. the org list itself failed): exit 1, no snapshot."""


@dataclass(frozen=True, slots=True)
class CollectOutcome:
    settings: OrgSettings
    notes: tuple[str, ...]
    not_configured: tuple[str, ...]
    stats: Stats = field(compare=False)
    elapsed: float = 0.0

    @property
    def complete(self) -> bool:
        return not any(o.collection_errors for o in self.settings.orgs)

    @property
    def exit_status(self) -> int:
        return 0 if self.complete else 1


class Progress:
    """A one-line status on stderr, refreshed while the run lasts more than a moment."""

    def __init__(self, stats: Stats, enabled: bool, stream: TextIO | None = None, delay: float = 0.5) -> None:
        # The terminal below the CLI's SafeStream: this line's own \r and erase sequence are meant.
        target = stream or sys.stderr
        self.stats, self.enabled, self.delay = stats, enabled, delay
        self.stream: TextIO = getattr(target, "raw", target)
        self.orgs_done = 0
        self.orgs_total = 0
        self._task: asyncio.Task[None] | None = None
        self._shown = False

    def line(self) -> str:
        s = self.stats
        wait = f", waiting for the {', '.join(sorted(s.waiting))} rate limit" if s.waiting else ""
        return f"collecting: {self.orgs_done}/{self.orgs_total} orgs, {s.requests} requests, {s.retries} retries{wait}"

    async def _loop(self) -> None:
        await asyncio.sleep(self.delay)
        while True:
            self.stream.write("\r\033[K" + self.line())
            self.stream.flush()
            self._shown = True
            await asyncio.sleep(0.2)

    def start(self) -> None:
        if self.enabled:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


async def collect_async(
    config: CollectConfig,
    *,
    org_ids: Sequence[str],
    attestation: Attestation | None,
    as_of: dt.datetime,
    progress: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], float] | None = None,
) -> CollectOutcome:
    loop = asyncio.get_running_loop()
    now = clock or loop.time
    started = now()
    session = HttpSession(
        timeout=config.timeout_seconds,
        max_response_bytes=config.max_response_mib * 1024 * 1024,
        concurrency=config.concurrency,
        rate_limits=catalog().rate_limits(),
        retry=RetryPolicy(
            max_retries=config.max_retries, base=config.retry_base_seconds, max_wait=config.max_retry_wait_seconds
        ),
        transport=transport,
        tls=config.api_base_url.startswith("https://"),
    )
    show = Progress(session.stats, progress)
    show.start()
    try:
        async with session:
            outcome = await _collect(config, session, show, org_ids, attestation, as_of)
    finally:
        await show.stop()
    return CollectOutcome(outcome[0], outcome[1], outcome[2], session.stats, now() - started)


async def _collect(
    config: CollectConfig,
    session: HttpSession,
    show: Progress,
    org_ids: Sequence[str],
    attestation: Attestation | None,
    as_of: dt.datetime,
) -> tuple[OrgSettings, tuple[str, ...], tuple[str, ...]]:
    admin = None
    if config.admin_api_key is not None:
        admin = AdminApiCollector(
            session,
            config.api_base_url,
            AuthHeader("Bearer", config.admin_api_key),
            as_of=as_of,
            events_days=config.events_days,
        )
    names: dict[str, str | None] = dict(attestation.names) if attestation else {}
    ids = list(org_ids)
    if not ids and admin is not None:
        try:
            listed = await admin.list_orgs()
        except HttpError as e:  # a malformed org list included: list_orgs raises nothing else
            raise CollectionFailed(f"could not list the orgs of the admin API key: {e}") from None
        ids = [i for i, _ in listed]
        names.update({i: n for i, n in listed if n})
    if not ids and attestation is not None:
        ids = list(attestation.orgs)
    if not ids:
        raise UsageError(
            "no org to collect: set ROVO_AUDIT_ORG_ID or pass --org ID "
            "(or set ROVO_AUDIT_ADMIN_API_KEY to collect every org the key can see)"
        )
    probe_org = config.probe_org or ids[0]
    if probe_org not in ids:
        raise UsageError(f"--probe-org {probe_org!r} is not among the orgs collected ({', '.join(ids)})")

    per_org: dict[str, list[Collector]] = {i: [] for i in ids}
    not_configured: list[str] = []
    if admin is not None:
        for i in ids:
            per_org[i].append(admin)
    else:
        not_configured.append(
            "admin API (ROVO_AUDIT_ADMIN_API_KEY): no org, IP allowlist, token inventory or audit log"
        )
    if config.oauth_token is not None:
        per_org[probe_org].append(
            OAuthCollector(session, config.api_base_url, AuthHeader("Bearer", config.oauth_token), as_of=as_of)
        )
    else:
        not_configured.append("OAuth token (ROVO_AUDIT_OAUTH_TOKEN)")
    creds = config.mcp_credentials()
    per_org[probe_org].append(
        McpProbe(config.mcp_url, creds, config.mcp_credential_kind, as_of=as_of, timeout=config.timeout_seconds)
    )
    if config.mcp_credential_kind is None:
        not_configured.append(
            "MCP credential (ROVO_AUDIT_MCP_EMAIL + ROVO_AUDIT_MCP_API_TOKEN, or "
            "ROVO_AUDIT_MCP_BEARER): discovery chain only"
        )
    if admin is None and config.oauth_token is None and config.mcp_credential_kind is None and attestation is None:
        raise UsageError(
            "nothing to collect: set ROVO_AUDIT_ADMIN_API_KEY, ROVO_AUDIT_OAUTH_TOKEN or the "
            "MCP credentials, or pass --attest FILE"
        )

    show.orgs_total = len(ids)

    async def one(org_id: str) -> tuple[str, list[SourceResult]]:
        results = list(await asyncio.gather(*(_guarded(c, org_id) for c in per_org[org_id])))
        show.orgs_done += 1
        return org_id, results

    gathered = dict(await asyncio.gather(*(one(i) for i in ids)))
    notes: list[str] = []
    orgs = []
    for org_id in ids:
        results = gathered[org_id]
        if attestation is not None and org_id in attestation.orgs:
            results.append(attestation.orgs[org_id])
        notes.extend(n for r in results for n in r.notes)
        orgs.append(merge_org(org_id, results, name_hint=names.get(org_id)))
    if attestation is not None:
        ignored = sorted(set(attestation.orgs) - set(ids))
        if ignored:
            notes.append(f"attestation for org(s) not collected, ignored: {', '.join(ignored)}")
    return OrgSettings(kind="OrgSettings", collected_at=as_of, orgs=tuple(orgs)), tuple(notes), tuple(not_configured)


async def _guarded(collector: Collector, org_id: str) -> SourceResult:
    """A source that breaks unexpectedly fails alone: its sections stay absent, the others count."""
    try:
        return await collector.collect(org_id)
    except Exception as e:  # the type only: a message could quote what a server sent
        error = f"{collector.label} failed unexpectedly ({type(e).__name__}); please report it"
        return SourceResult(
            collector.source,
            org_id,
            failures=tuple(CouldNotCollect(section, collector.source, error) for section in collector.sections),
        )
