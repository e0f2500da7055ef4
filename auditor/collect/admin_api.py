"""The Atlassian Admin API collector: org, verified domains, the IP allowlist policy, API
tokens and keys, and audit events that show Rovo MCP use.

Endpoints, shapes and limits come from `data/admin_api.yaml`. The endpoints of one org run
concurrently (the session bounds concurrency across orgs); each one that fails leaves its
fields absent and says why.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..catalog import read_data
from ..model.common import Source
from ..model.settings import Credential, CredentialKind, McpActivity
from .http import AuthHeader, HttpError, HttpSession, PageLimit
from .interface import Collector, CouldNotCollect, Observed, SourceResult, evidence

SOURCE: Source = "admin-api"
# Endpoints whose lists run longest (many pages) start first: their chain of pages is the
# run's critical path. A scheduling choice, not a fact about the API.
_LONG_LISTS = {"api_tokens": 2, "events": 1}
# What to do about a list too long to read whole, where there is something to do.
_TOO_LONG_HINT = {"orgs": "; name the orgs to collect with --org"}


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateLimitSpec(_Data):
    requests: int
    per_seconds: float


class EndpointSpec(_Data):
    path: str
    params: dict[str, str] = {}
    paginated: bool = False
    optional: bool = False
    rate_limit: RateLimitSpec | None = None


class IpRuleSpec(_Data):
    rule_keys: tuple[str, ...]
    enabled_status: str
    disabled_status: str = "disabled"
    applied_statuses: tuple[str, ...]
    pending_statuses: tuple[str, ...]


class EventsSpec(_Data):
    query: str
    match: str
    epoch_unit: str
    max_pages: int


class AdminApiCatalog(_Data):
    as_of: dt.date
    source: str
    endpoints: dict[str, EndpointSpec]
    ip_allowlist: IpRuleSpec
    inactive_statuses: tuple[str, ...]
    events: EventsSpec

    def rate_limits(self) -> dict[str, tuple[int, float]]:
        return {
            k: (e.rate_limit.requests, e.rate_limit.per_seconds)
            for k, e in self.endpoints.items()
            if e.rate_limit is not None
        }


@cache
def catalog() -> AdminApiCatalog:
    return AdminApiCatalog.model_validate(read_data("admin_api.yaml"))


class ShapeError(ValueError):
    """A response that parsed as JSON but not in the documented shape."""


def _items(body: Any) -> list[Mapping[str, Any]]:
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, list) or not all(isinstance(i, Mapping) for i in data):
        raise ShapeError("expected {data: [...]} in the response")
    return data


def _attrs(item: Mapping[str, Any]) -> Mapping[str, Any]:
    attrs = item.get("attributes", {})
    if not isinstance(attrs, Mapping):
        raise ShapeError("expected an `attributes` object")
    return attrs


def _date(text: Any) -> dt.date | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None


def _time(value: Any) -> dt.datetime | None:
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value / 1000 if value > 1e12 else value, dt.UTC)
    if isinstance(value, str) and value:
        try:
            t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return t if t.tzinfo else t.replace(tzinfo=dt.UTC)
    return None


# --- pure parsers (one per endpoint), tested without a network -------------------------------


def parse_org_name(body: Any) -> str | None:
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, Mapping):
        raise ShapeError("expected {data: {...}} in the response")
    name = _attrs(data).get("name")
    return name if isinstance(name, str) and name else None


def parse_verified_domains(pages: Iterable[Any]) -> tuple[str, ...]:
    out: list[str] = []
    for body in pages:
        for item in _items(body):
            attrs = _attrs(item)
            claim = attrs.get("claim")
            status = claim.get("status") if isinstance(claim, Mapping) else None
            if isinstance(attrs.get("name"), str) and status == "verified":
                out.append(attrs["name"].lower())
    return tuple(sorted(set(out)))


@dataclass(frozen=True, slots=True)
class IpAllowlistRead:
    """What the ip-allowlist policies say. `enabled`/`ranges` are None when they cannot be
    told; the problem says why (a collection error, never a silent value)."""

    enabled: bool | None
    ranges: tuple[str, ...] | None
    problem: str | None = None  # why `enabled` is None (the whole section stays uncollected)
    ranges_problem: str | None = None  # why `ranges` is None while `enabled` is known
    detail: str | None = None  # for the evidence: what was taken on trust


def _not_applied(p: Mapping[str, Any], spec: IpRuleSpec) -> tuple[list[str], bool]:
    """(descriptions of the resources a policy is not applied on, whether it lists none)."""
    resources = p.get("resources")
    if resources is None or resources == []:
        return [], True
    if not isinstance(resources, list):
        raise ShapeError(f"policy {p.get('name', '?')!r}: `resources` is not a list")
    pending = []
    for r in resources:
        if not isinstance(r, Mapping):
            raise ShapeError(f"policy {p.get('name', '?')!r}: a resource is not an object")
        state = r.get("applicationStatus")
        if state in spec.applied_statuses:
            continue
        known = state in spec.pending_statuses
        what = f"applicationStatus {state!r}" + ("" if known else " (not recognised)")
        pending.append(f"{what} on {r.get('id', '?')}")
    return pending, False


def parse_ip_allowlist(pages: Iterable[Any], spec: IpRuleSpec) -> IpAllowlistRead:
    """Ranges are those of the policies in force (of all of them when none is enabled). A
    policy is in force when its status is enabled and every resource it lists is `applied`;
    one that is still applying, removing, scheduled or failed (or in a state not recognised)
    leaves what is in force unknown, and is reported with its state."""
    from ..evaluate.ipranges import parse_network

    policies = [_attrs(i) for body in pages for i in _items(body)]
    policies = [p for p in policies if p.get("type", "ip-allowlist") == "ip-allowlist"]
    for p in policies:
        # A status that is neither is not "disabled": which ranges apply would be a guess.
        status = p.get("status")
        if not isinstance(status, str) or status.lower() not in (spec.enabled_status, spec.disabled_status):
            raise ShapeError(f"policy {p.get('name', '?')!r}: status {status!r} is not recognised")
    enabled = [p for p in policies if p["status"].lower() == spec.enabled_status]
    in_force, pending, trusted = [], [], []
    for p in enabled:
        not_applied, unlisted = _not_applied(p, spec)
        name = p.get("name", "?")
        if not_applied:
            pending.append(f"policy {name!r}: {', '.join(not_applied)}")
        else:
            in_force.append(p)
            if unlisted:
                trusted.append(f"policy {name!r} lists no resources: in force per its status")
    detail = "; ".join(trusted) or None
    state_problem = (
        "; ".join(pending) + ": only `applied` counts as in force, so which ranges apply cannot be told"
        if pending
        else None
    )
    if pending and not in_force:
        return IpAllowlistRead(None, None, problem=state_problem, detail=detail)
    ranges: list[str] = []
    for p in in_force or policies:
        rule = p.get("rule")
        found = next((rule[k] for k in spec.rule_keys if k in rule), None) if isinstance(rule, Mapping) else None
        name = p.get("name", "?")
        if not isinstance(found, list):
            keys = ", ".join(sorted(rule)) if isinstance(rule, Mapping) else type(rule).__name__
            return IpAllowlistRead(
                bool(enabled),
                None,
                ranges_problem=f"policy {name!r}: rule shape not recognised (expected {{in: [...]}}, got {keys})",
                detail=detail,
            )
        for value in found:
            if not isinstance(value, str):
                return IpAllowlistRead(
                    bool(enabled), None, ranges_problem=f"policy {name!r}: a range entry is not a string", detail=detail
                )
            try:
                parse_network(value)
            except ValueError:
                return IpAllowlistRead(
                    bool(enabled), None, ranges_problem=f"policy {name!r}: {value!r} is not an IP range", detail=detail
                )
            ranges.append(value)
    if state_problem:  # some policy is in force (so the allowlist is on), others' state is pending
        return IpAllowlistRead(True, None, ranges_problem=state_problem, detail=detail)
    return IpAllowlistRead(bool(enabled), tuple(dict.fromkeys(ranges)), detail=detail)


def parse_credentials(pages: Iterable[Any], kind: CredentialKind, inactive: Iterable[str]) -> list[Credential]:
    dead = {s.upper() for s in inactive}
    out = []
    for body in pages:
        for item in _items(body):
            status = item.get("status")
            if isinstance(status, str) and status.upper() in dead:
                continue
            label = item.get("label") or item.get("name") or item.get("id")
            if not isinstance(label, str) or not label:
                raise ShapeError("a token without label, name or id")
            user = item.get("user") or item.get("serviceAccount") or {}
            owner = (user.get("email") or user.get("name")) if isinstance(user, Mapping) else None
            scopes = item.get("scopes")
            out.append(
                Credential(
                    label=label,
                    kind=kind,
                    owner=owner if isinstance(owner, str) else None,
                    scopes=tuple(sorted(s for s in scopes if isinstance(s, str))) if isinstance(scopes, list) else None,
                    expires=_date(item.get("expiresAt")),
                    created=_date(item.get("createdAt")),
                )
            )
    return out


def unique_labels(creds: list[Credential]) -> tuple[Credential, ...]:
    """Labels are what policies select; two credentials with one label get the owner appended."""
    count: dict[str, int] = {}
    for c in creds:
        count[c.label] = count.get(c.label, 0) + 1
    renamed = [
        c if count[c.label] == 1 else c.model_copy(update={"label": f"{c.label} ({c.owner or c.kind})"}) for c in creds
    ]
    return tuple(sorted(renamed, key=lambda c: (c.kind, c.label, c.owner or "")))


def parse_mcp_events(
    pages: Iterable[Any], match: str, since: dt.datetime, until: dt.datetime, truncated: bool
) -> McpActivity:
    needle = match.lower()
    actions: set[str] = set()
    actors: set[str] = set()
    count, last = 0, None
    for body in pages:
        for item in _items(body):
            attrs = _attrs(item)
            raw_action = attrs.get("action")
            action = raw_action if isinstance(raw_action, str) else ""
            # Atlassian's spec gives events no message text: only `action` says what happened.
            if needle not in action.lower():
                continue
            count += 1
            actions.add(action)
            actor = attrs.get("actor")
            if isinstance(actor, Mapping) and isinstance(actor.get("id"), str):
                actors.add(actor["id"])
            t = _time(attrs.get("time"))
            if t is not None and (last is None or t > last):
                last = t
    return McpActivity(
        since=since,
        until=until,
        events=count,
        actors=len(actors),
        last_seen=last,
        actions=tuple(sorted(a for a in actions if a)),
        truncated=truncated,
    )


# --- the collector ----------------------------------------------------------------------------


class AdminApiCollector(Collector):
    source = SOURCE
    label = "admin API"
    sections = ("name", "verified_domains", "ip_allowlist", "credentials", "mcp_activity")

    def __init__(
        self, session: HttpSession, base_url: str, key: AuthHeader, *, as_of: dt.datetime, events_days: int = 30
    ) -> None:
        self.session, self.base, self.key = session, base_url.rstrip("/"), key
        self.as_of, self.events_days = as_of, events_days
        self.cat = catalog()

    def _url(self, name: str, org: str = "") -> str:
        return self.base + self.cat.endpoints[name].path.replace("{org}", org)

    async def _all_pages(
        self, name: str, org: str, params: Mapping[str, str] | None = None, max_pages: int = 100, *, whole: bool = True
    ) -> tuple[list[Any], bool]:
        """(pages, truncated). With `whole`, a list longer than `max_pages` is an HttpError
        (what it lists past the limit would silently go unjudged), so truncated is False."""
        spec = self.cat.endpoints[name]
        got: list[Any] = []
        try:
            async for body in self.session.pages(
                self._url(name, org),
                endpoint=name,
                auth=self.key,
                params={**spec.params, **(params or {})},
                max_pages=max_pages,
                priority=_LONG_LISTS.get(name, 0),
            ):
                got.append(body)
        except PageLimit:
            if whole:
                raise HttpError(
                    name,
                    f"more than {max_pages} pages of {name}; the list was not read whole"
                    + _TOO_LONG_HINT.get(name, ""),
                ) from None
            return got, True
        return got, False

    async def list_orgs(self) -> list[tuple[str, str | None]]:
        """(id, name) of every org the key sees. Raises HttpError, a bad shape included."""
        pages, _ = await self._all_pages("orgs", "")
        out = []
        try:
            for item in (i for body in pages for i in _items(body)):
                if isinstance(item.get("id"), str):
                    name = _attrs(item).get("name")
                    out.append((item["id"], name if isinstance(name, str) else None))
        except ShapeError as e:
            raise HttpError("orgs", f"unexpected response shape: {e}") from None
        return out

    async def collect(self, org_id: str) -> SourceResult:
        at = self.as_of
        # Longest page chains first: the concurrency bound serves waiting requests in order,
        # so starting them early keeps the run close to its critical path.
        parts: list[tuple[str, str, Callable[[], Awaitable[list[Observed]]]]] = [
            ("api_tokens", "credentials", lambda: self._credentials(org_id, at)),
            ("org", "name", lambda: self._org(org_id, at)),
            ("domains", "verified_domains", lambda: self._domains(org_id, at)),
            ("policies", "ip_allowlist", lambda: self._ip_allowlist(org_id, at)),
        ]
        if self.events_days > 0:
            parts.insert(1, ("events", "mcp_activity", lambda: self._events(org_id, at)))
        outcomes = await asyncio.gather(*(self._guard(*p) for p in parts))
        obs = tuple(o for got, _ in outcomes for o in got)
        fails = tuple(f for _, f in outcomes if f is not None)
        return SourceResult(SOURCE, org_id, obs, fails)

    async def _guard(
        self, endpoint: str, section: str, run: Callable[[], Awaitable[list[Observed]]]
    ) -> tuple[list[Observed], CouldNotCollect | None]:
        try:
            return await run(), None
        except _Partial as e:
            return e.observed, CouldNotCollect(e.section, SOURCE, e.problem, endpoint)
        except HttpError as e:
            return [], CouldNotCollect(section, SOURCE, e.message, e.endpoint)
        except ShapeError as e:
            return [], CouldNotCollect(section, SOURCE, f"unexpected response shape: {e}", endpoint)
        except ValueError as e:  # a value the snapshot model refuses (e.g. a bad date)
            return [], CouldNotCollect(section, SOURCE, f"unexpected value: {type(e).__name__}", endpoint)

    async def _org(self, org: str, at: dt.datetime) -> list[Observed]:
        body = await self.session.get_json(self._url("org", org), endpoint="org", auth=self.key)
        name = parse_org_name(body)
        return [Observed("name", name, evidence(SOURCE, at))] if name else []

    async def _domains(self, org: str, at: dt.datetime) -> list[Observed]:
        pages, _ = await self._all_pages("domains", org)
        return [Observed("verified_domains", parse_verified_domains(pages), evidence(SOURCE, at))]

    async def _ip_allowlist(self, org: str, at: dt.datetime) -> list[Observed]:
        pages, _ = await self._all_pages("policies", org)
        read = parse_ip_allowlist(pages, self.cat.ip_allowlist)
        if read.enabled is None:
            raise _Partial([], "ip_allowlist", read.problem or "the policies' state is not recognised")
        ev = evidence(SOURCE, at, "ip-allowlist policies" + (f" ({read.detail})" if read.detail else ""))
        out = [Observed("ip_allowlist.enabled", read.enabled, ev)]
        if read.ranges is None:
            # The state is known, the ranges are not: keep the one, report the other.
            raise _Partial(out, "ip_allowlist.ranges", read.ranges_problem or "ranges not recognised")
        out.append(Observed("ip_allowlist.ranges", read.ranges, ev))
        return out

    async def _credentials(self, org: str, at: dt.datetime) -> list[Observed]:
        # Tokens first, in this task, so their first page queues before the other endpoints'.
        keys_task = asyncio.ensure_future(self._optional_pages("api_keys", org))
        # When the tokens fail first, the keys' own failure is not the one reported: retrieve it
        # (else asyncio logs "Task exception was never retrieved" with a traceback on stderr).
        keys_task.add_done_callback(lambda t: None if t.cancelled() else t.exception())
        try:
            tokens, _ = await self._all_pages("api_tokens", org)
            keys = await keys_task
        except BaseException:
            # Awaiting a task does not cancel it when this one is cancelled (Ctrl-C): without
            # this it would go on after the session closed ("the client has been closed").
            keys_task.cancel()
            raise
        inactive = self.cat.inactive_statuses
        creds = parse_credentials(tokens, "api_token", inactive) + parse_credentials(
            keys, "service_account_key", inactive
        )
        detail = "API tokens of managed accounts" + (" and API keys" if keys else "")
        return [Observed("credentials", unique_labels(creds), evidence(SOURCE, at, detail))]

    async def _optional_pages(self, name: str, org: str) -> list[Any]:
        try:
            pages, _ = await self._all_pages(name, org)
        except HttpError as e:
            if e.status == 404 and self.cat.endpoints[name].optional:
                return []
            raise
        return pages

    async def _events(self, org: str, at: dt.datetime) -> list[Observed]:
        spec = self.cat.events
        since = at - dt.timedelta(days=self.events_days)
        scale = 1000 if spec.epoch_unit == "ms" else 1
        params = {"q": spec.query, "from": str(int(since.timestamp() * scale)), "to": str(int(at.timestamp() * scale))}
        # Not whole: a cut window still shows MCP use; the observation records the cut.
        pages, truncated = await self._all_pages("events", org, params, max_pages=spec.max_pages, whole=False)
        activity = parse_mcp_events(pages, spec.match, since, at, truncated)
        return [Observed("mcp_activity", activity, evidence(SOURCE, at, f"audit log, last {self.events_days} days"))]


class _Partial(Exception):
    """Some fields of a section were read, some not: keep the first, report the rest (the
    endpoint is the one `_guard` ran)."""

    def __init__(self, observed: list[Observed], section: str, problem: str) -> None:
        super().__init__(problem)
        self.observed, self.section, self.problem = observed, section, problem
