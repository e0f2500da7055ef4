"""What `report.html` shows, computed from Results: verdicts, evidence, charts, cards, snippets.

Kept apart from the template so the template only lays things out, and so the figures can be
tested without parsing HTML. Everything here is pure and deterministic (no clock reads).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, groupby, repeat
from operator import eq, itemgetter, ne
from typing import Any, NamedTuple

from ..catalog import AREAS, LazyRemediation, controls
from ..model.common import SECTION_OF_AREA, SECTIONS, SEVERITIES, STATUS_WORST_FIRST
from ..model.results import EvidenceRef, Finding, OrgSummary, PolicyRef, Results, WaiverNote, urgency
from ..verdict import count_text, shown_blocking, verdict_text
from .unknowns import CollectGroup, group_unknowns

AREA_LABELS = {
    "domains": "Domains",
    "auth": "Auth",
    "scopes": "Scopes",
    "permissions": "Permissions",
    "ip_allowlist": "IP allowlist",
    "evidence": "Evidence",
    "rollout": "Rollout checklist",
}
SECTION_LABELS = {"rovo_mcp": "Rovo MCP settings", "ip_allowlist": "IP allowlist", "credentials": "Credentials"}
OBSERVED = frozenset({"admin-api", "mcp-probe", "oauth"})  # seen through an API; the rest is attested
# How the card labels remediation.value: what the admin does with it.
VALUE_LABEL = {
    "RMCP-DOM-001": "Entry to add",
    "RMCP-DOM-002": "Entry to remove",
    "RMCP-DOM-003": "Entry to remove or declare",
    "RMCP-DOM-004": "Entry to replace",
    "RMCP-DOM-006": "Entry to fix",
    "RMCP-IP-002": "Range to add",
    "RMCP-SCOPE-001": "Scope to grant",
    "RMCP-SCOPE-002": "Scope to remove",
    "RMCP-SCOPE-003": "Classic scope to replace or drop",
    "RMCP-PERM-001": "Group to allow",
    "RMCP-PERM-002": "Group to block",
    "RMCP-PERM-003": "Group",
    "RMCP-PERM-004": "Group (Apply to future additions)",
    "RMCP-EVID-001": "Section to collect again",
}
WAIVER_SOON_DAYS = 30
WAIVER_SNIPPET_DAYS = 90
_KNOWN_AREAS, _KNOWN_SEVERITIES = frozenset(AREAS), frozenset(SEVERITIES)
_SHARED = {name: itemgetter(Finding._fields.index(name)) for name in ("expected", "actual", "policy_ref")}
_STATUS, _AREA, _SEVERITY, _CONTROL, _ORG, _WAIVER = (
    itemgetter(Finding._fields.index(name)) for name in ("status", "area", "severity", "control", "org", "waiver")
)


def age_days(at: dt.datetime | None, as_of: dt.datetime) -> float | None:
    """Days from the evidence to as_of; None without a time, and for evidence dated after
    as_of (no negative age: `after_as_of` says what it is)."""
    if at is None or at > as_of:
        return None
    return round((as_of - at).total_seconds() / 86400, 1)


def after_as_of(at: dt.datetime | None, as_of: dt.datetime) -> bool:
    """Evidence dated after the run's clock: the audit judged what it could not yet have seen."""
    return at is not None and at > as_of


def evidence_kind(source: str | None) -> str:
    if source is None:
        return "not collected"
    return "observed" if source in OBSERVED else "attested"


@dataclass(frozen=True, slots=True)
class SectionEvidence:
    section: str
    label: str
    source: str | None
    by: str | None
    at: dt.datetime | None
    age: float | None
    kind: str  # observed | attested | not collected | not checked
    after_as_of: bool = False  # dated after the run's as_of (no age then)


class Card(NamedTuple):
    """One finding as shown: the finding plus what the page adds to it. A NamedTuple, as a
    Finding is: one per finding not passed (15,677 on the 100-org estate), built in 0.008 s
    of CPU where a frozen dataclass took 0.018-0.024 s."""

    n: int  # position in the report: a member of an unknowns card is element f<n>
    f: Finding
    age: float | None  # evidence age in days at as_of (None when dated after it)
    waiver_days: int | None  # days from as_of to the applied waiver's expiry
    waiver_soon: bool
    expired_waiver: WaiverNote | None = None  # the waiver that covered it and has lapsed
    after_as_of: bool = False  # its evidence is dated after the run's as_of


_FINDING, _LAPSED = itemgetter(Card._fields.index("f")), itemgetter(Card._fields.index("expired_waiver"))


@dataclass(frozen=True, slots=True)
class ControlCard:
    """The findings of one control in one org (to fix, or waived) on one card: every value in
    one list with one Copy, the YAML that would declare or accept them built once."""

    k: int  # its group in the data block (html_data): the element id is c<k>
    items: tuple[Card, ...]  # most urgent first
    snippet: dict[str, Any] | None = None  # the document (YAML when shown) that would declare or accept them
    snippet_kind: str | None = None  # "policy" | "waiver"
    alike: bool = True  # every finding's advice reads the same but for its value (_alike)
    # Read by the card (html_card) once or thrice each, so made once here: each was a property
    # or a Jinja loop over the card's findings (15,635 on 901 cards on the 100-org estate).
    values: tuple[str, ...] = field(init=False)  # each finding's value, each once, in order
    noted: tuple[Card, ...] = field(init=False)  # the findings with a waiver, or a lapsed one, to name
    _shared: dict[str, str | None] = field(init=False, repr=False, compare=False)

    group = None  # GroupCard's is its CollectGroup

    def __post_init__(self) -> None:
        fs = list(map(_FINDING, self.items))
        values = dict.fromkeys(v for f in fs if (v := _value(f)) is not None)
        object.__setattr__(self, "values", tuple(values))
        # Most cards name no waiver: asked of the columns first (in C), then of each finding.
        waivers = any(map(_WAIVER, fs)) or any(map(_LAPSED, self.items))
        noted = tuple(c for c in self.items if c.f.waiver or c.expired_waiver) if waivers else ()
        object.__setattr__(self, "noted", noted)
        shared: dict[str, str | None] = {}
        for name in _SHARED:
            column = list(map(_SHARED[name], fs))
            shared[name] = column[0] if column.count(column[0]) == len(column) else None
        object.__setattr__(self, "_shared", shared)

    @property
    def f(self) -> Finding:
        return self.items[0].f  # the most urgent: its status, severity and evidence head the card

    @property
    def one(self) -> Card | None:
        """The card's only finding, when it has one (shown as it is, value and all)."""
        return self.items[0] if len(self.items) == 1 else None

    def common(self, field: str) -> str | None:
        """A text every finding on the card shares (expected, actual, policy_ref: `_SHARED`),
        else None."""
        return self._shared[field]

    @property
    def joined(self) -> str:
        """The values, one a line (the card's list to copy)."""
        return "\n".join(self.values)

    def generic(self, text: str) -> str:
        """A remediation text of the first finding, its own value replaced by the list's name."""
        v = _value(self.f)
        if self.one is not None or v is None:
            return text
        return text.replace(f"`{v}`", "each listed entry")

    @property
    def steps(self) -> tuple[str, ...]:
        """The steps as the card shows them (its own value named as the list's, when alike)."""
        r = self.f.remediation
        steps = r.steps if r is not None else ()
        return tuple(self.generic(t) for t in steps) if self.one is not None or self.alike else tuple(steps)


def _alike(items: Sequence[Card]) -> bool:
    """Every finding's advice reads the same but for its own value: a card says it once.
    (Not so when it names more than the value: "Issue `bot-1` again with scope `read:x`".)"""
    first = None
    for c in items:
        f = c.f
        r = f.remediation
        if r is None:
            return False
        # Rendered once per finding, its texts read as attributes (each property of a lazy
        # remediation renders or looks up again: 28k calls on the 100-org estate).
        rem = r.get() if isinstance(r, LazyRemediation) else r
        v = r.value if r.value is not None else f.subject  # _value(f)
        if v is None:
            texts = (rem.summary, *rem.steps)
        else:
            quoted = f"`{v}`"
            texts = (rem.summary.replace(quoted, "\0"), *[t.replace(quoted, "\0") for t in rem.steps])
        if first is None:
            first = texts
        elif texts != first:
            return False
    return True


def _value(f: Finding) -> str | None:
    r = f.remediation
    return r.value if r is not None and r.value is not None else f.subject


@dataclass(frozen=True, slots=True)
class PassGroup:
    """The passes of one control in one org: a count, listed on demand from the data block."""

    k: int
    control: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class GroupCard:
    """Unknown findings of one org that one settings section, not collected, holds back:
    one card that says how to collect or attest it, listing the checks (each still an
    element f<n> that the filters show or hide)."""

    group: CollectGroup
    items: tuple[Card, ...]
    k: int = 0  # its group in the data block: the element id is c<k>

    @property
    def n(self) -> int:
        return self.items[0].n

    @property
    def f(self) -> Finding:
        return self.items[0].f  # the most urgent: its severity and evidence head the card


@dataclass(frozen=True, slots=True)
class OrgView:
    n: int
    id: str
    name: str | None
    counts: dict[str, int]
    verdict: str
    blocked: bool
    policies: tuple[str, ...]
    collection_errors: tuple[str, ...]
    evidence: tuple[SectionEvidence, ...]
    todo: tuple[ControlCard | GroupCard, ...]  # fail, unknown (by section to collect), warn: most urgent first
    waived: tuple[ControlCard, ...]
    passes: tuple[PassGroup, ...]
    todo_count: int = 0  # findings in `todo`, each of a group's counted
    waived_count: int = 0
    pass_count: int = 0

    @property
    def shown(self) -> int:
        return self.todo_count + self.waived_count

    @property
    def display(self) -> str:
        return self.name or self.id

    @property
    def state(self) -> str:
        return "blocked" if self.blocked else "ready" if self.policies else "unchecked"

    @property
    def oldest(self) -> float | None:
        ages = [e.age for e in self.evidence if e.age is not None]
        return max(ages) if ages else None


@dataclass(frozen=True, slots=True)
class PolicyVerdict:
    policy: PolicyRef
    orgs: int
    blocking: int

    @property
    def verdict(self) -> str:
        if self.orgs == 0:
            return "Not checked: covers no org"  # fail closed: nothing judged is not "ready"
        return count_text(self.blocking)

    @property
    def state(self) -> str:
        return "unchecked" if self.orgs == 0 else "blocked" if self.blocking else "ready"


@dataclass(frozen=True, slots=True)
class Segment:
    status: str
    x: float
    w: float
    n: int


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    bars: tuple[Bar, ...]
    # geometry, in SVG user units
    label_w: int = 104
    bar_w: int = 190
    row_h: int = 22

    @property
    def height(self) -> int:
        return self.row_h * len(self.bars) + 4

    @property
    def width(self) -> int:
        return self.label_w + self.bar_w + 56


@dataclass(frozen=True, slots=True)
class WaiverSoon:
    card: Card
    org: str
    k: int  # the card that shows it


@dataclass(frozen=True, slots=True)
class View:
    results: Results
    verdict: str
    blocked: bool
    orgs: tuple[OrgView, ...]
    policies: tuple[PolicyVerdict, ...]
    charts: tuple[Chart, ...]
    expiring: tuple[WaiverSoon, ...]
    controls: tuple[tuple[str, str, str, str], ...]  # id, title, area label, default severity
    total: int
    evidence_summary: dict[str, int]  # observed / attested / not collected, over org sections
    not_pass: int = 0  # what the charts count (JavaScript redraws them for the filters)
    # A card whose steps and docs read as an earlier card's → that card (k, org): written once.
    same_steps: dict[int, tuple[int, str]] = field(default_factory=dict)


def _chart(chart_id: str, title: str, rows: Sequence[tuple[str, Counter[str]]], bar_w: int = 190) -> Chart:
    peak = max((sum(c.values()) for _, c in rows), default=0) or 1
    bars = []
    for label, counts in rows:
        x = 0.0
        segs = []
        for status in STATUS_WORST_FIRST:
            n = counts.get(status, 0)
            if n:
                w = round(bar_w * n / peak, 1)
                segs.append(Segment(status, round(x, 1), w, n))
                x += w
        bars.append(Bar(label, sum(counts.values()), tuple(segs)))
    return Chart(chart_id, title, tuple(bars), bar_w=bar_w)


def charts(findings: Sequence[Finding]) -> tuple[Chart, ...]:
    by_area: dict[str, Counter[str]] = {a: Counter() for a in AREAS}
    by_sev: dict[str, Counter[str]] = {s: Counter() for s in SEVERITIES}
    # Counted as (area, status) and (severity, status) pairs in C, then spread: an area or
    # severity outside the catalog's still takes its place by its first finding (a pair's
    # first is its key's first). setdefault(…, Counter()) per finding built 31k Counters.
    statuses = list(map(_STATUS, findings))
    by_status: Counter[str] = Counter(statuses)
    for (a, status), n in Counter(zip(map(_AREA, findings), statuses, strict=True)).items():
        by_area.setdefault(a, Counter())[status] += n
    for (sev, status), n in Counter(zip(map(_SEVERITY, findings), statuses, strict=True)).items():
        by_sev.setdefault(sev, Counter())[status] += n
    return (
        _chart("ch-status", "Findings by status", [(s, Counter({s: by_status[s]})) for s in STATUS_WORST_FIRST]),
        _chart("ch-area", "Findings by area", [(AREA_LABELS.get(a, a), c) for a, c in by_area.items()]),
        _chart("ch-sev", "Findings by severity", [(s, c) for s, c in by_sev.items()]),
    )


def snippet_doc(f: Finding, as_of: dt.datetime, lapsed: WaiverNote | None = None) -> tuple[dict[str, Any], str] | None:
    """The YAML document that declares the entry in the policy, or accepts it with a waiver, for
    findings where the org may actually want what the settings have. No fresh waiver where one
    has lapsed: the card names that one (renewing it is its approver's decision, not a template's)."""
    if f.status == "pass" or f.subject is None:
        return None
    if f.control == "RMCP-DOM-003":
        return {"domains": {"allowed": [f.subject]}}, "policy"
    if f.control in ("RMCP-PERM-001", "RMCP-PERM-002", "RMCP-PERM-004") and "." in f.subject:
        product, group = f.subject.split(".", 1)
        key = "future_additions" if f.control == "RMCP-PERM-004" else "permissions"
        return {key: {product: {group: "allow"}}}, "policy"
    if (
        f.control in ("RMCP-DOM-001", "RMCP-DOM-002", "RMCP-DOM-004", "RMCP-SCOPE-002")
        and f.status != "waived"
        and lapsed is None
    ):
        expires = (as_of.date() + dt.timedelta(days=WAIVER_SNIPPET_DAYS)).isoformat()
        waiver = {
            "control": f.control,
            "subject": f.subject,
            "org": f.org_name or f.org,
            "reason": "<why this is accepted>",
            "approved_by": "<approver>",
            "expires": expires,
        }
        return {"waivers": [waiver]}, "waiver"
    return None


def _merge(into: dict[str, Any], doc: dict[str, Any]) -> None:
    for key, value in doc.items():
        if isinstance(value, dict):
            _merge(into.setdefault(key, {}), value)
        elif isinstance(value, list):
            into.setdefault(key, []).extend(value)
        else:
            into[key] = value


def group_snippet(items: Sequence[Card], as_of: dt.datetime) -> tuple[dict[str, Any] | None, str | None]:
    """One document for every finding on a card that a snippet can declare or accept. The page's
    script writes it as YAML when asked: through PyYAML's representer, 510 of them took 3 s of a
    100-org report's 5.7 s view."""
    merged: dict[str, Any] = {}
    kind = None
    for c in items:
        f = c.f
        if f.control == "RMCP-DOM-003" and f.status != "pass" and f.subject is not None:
            # snippet_doc's {"domains": {"allowed": [subject]}}, merged as _merge would, without
            # the two: 10,928 of the 100-org estate's 15,635 findings on cards (0.019 → 0.012 s).
            merged.setdefault("domains", {}).setdefault("allowed", []).append(f.subject)
            kind = "policy"
            continue
        got = snippet_doc(f, as_of, c.expired_waiver)
        if got is not None:
            _merge(merged, got[0])
            kind = got[1]
    return (merged, kind) if merged else (None, None)


def _waiver_days(f: Finding, as_of: dt.datetime) -> int | None:
    expiry = f.waiver.expiry if f.waiver else None
    return None if expiry is None else (expiry - as_of.date()).days


def lapsed_waiver(f: Finding, lapsed: Sequence[WaiverNote]) -> WaiverNote | None:
    """The expired (or unreadable) waiver that would cover this finding, as waivers match
    (evaluate/waivers.py): same control, its subject if it names one, its org if it names one."""
    if f.status not in ("fail", "warn", "unknown"):
        return None
    for w in lapsed:
        if w.control == f.control and w.subject in (None, f.subject) and w.org in (None, f.org, f.org_name):
            return w
    return None


Ages = dict[dt.datetime | None, tuple[float | None, bool]]  # evidence time → (age_days, after_as_of)


def _cards(
    start: int, findings: Iterable[Finding], as_of: dt.datetime, lapsed: Sequence[WaiverNote], ages: Ages
) -> tuple[Card, ...]:
    """The findings' cards, numbered from `start`. An org's findings share a few evidence
    times: each one's age is worked out once (`ages`, 15,677 cards on the 100-org estate)."""
    out = []
    for n, f in enumerate(findings, start):
        at = f.evidence.at
        age = ages.get(at)
        if age is None:
            age = ages[at] = (age_days(at, as_of), after_as_of(at, as_of))
        days = None if f.waiver is None else _waiver_days(f, as_of)
        note = lapsed_waiver(f, lapsed) if lapsed else None
        out.append(Card(n, f, age[0], days, days is not None and days <= WAIVER_SOON_DAYS, note, age[1]))
    return tuple(out)


_EVID = "RMCP-EVID-001"  # its section is its subject (the one it says was not collected), not its area's


def _index(values: list[str], value: str, start: int) -> int:
    try:
        return values.index(value, start)
    except ValueError:
        return -1


def _first_of_sections(findings: Sequence[Finding]) -> dict[str, int]:
    """Each section's first finding (its index), as a walk would find it: f.subject's section
    for RMCP-EVID-001, else its area's. Looked up by list.index in C (a section no finding
    reads, e.g. credentials here, made the walk visit each of the org's 1,225 findings)."""
    controls = list(map(_CONTROL, findings))
    areas = list(map(_AREA, findings))
    first: dict[str, int] = {}
    i = _index(controls, _EVID, 0)  # a few per org: found by list.index, not a test per finding
    while i >= 0:
        section = findings[i].subject
        if section in SECTIONS and section not in first:
            first[section] = i
        i = _index(controls, _EVID, i + 1)
    for a in dict.fromkeys(areas):
        section = SECTION_OF_AREA.get(a)
        if section not in SECTIONS:
            continue
        i = _index(areas, a, 0)
        while i >= 0 and controls[i] == _EVID:
            i = _index(areas, a, i + 1)
        if i >= 0 and (section not in first or i < first[section]):
            first[section] = i
    return first


def section_evidence(findings: Sequence[Finding], as_of: dt.datetime) -> tuple[SectionEvidence, ...]:
    """Per settings section, the evidence the findings were judged on (first one seen wins)."""
    seen: dict[str, EvidenceRef] = {
        section: findings[i].evidence for section, i in _first_of_sections(findings).items()
    }
    out = []
    for section in SECTIONS:
        ev = seen.get(section)
        if ev is None:
            out.append(SectionEvidence(section, SECTION_LABELS[section], None, None, None, None, "not checked"))
        else:
            out.append(
                SectionEvidence(
                    section,
                    SECTION_LABELS[section],
                    ev.source,
                    ev.by,
                    ev.at,
                    age_days(ev.at, as_of),
                    evidence_kind(ev.source),
                    after_as_of(ev.at, as_of),
                )
            )
    return tuple(out)


class _Counter:
    """Hands out the page's group numbers (c<k>, the data block's groups) in page order."""

    def __init__(self) -> None:
        self.k = 0

    def next(self) -> int:
        self.k += 1
        return self.k - 1


def _by_control(findings: Iterable[Finding]) -> list[list[Finding]]:
    """The findings per control, each list most urgent first, the lists by their most urgent."""
    per: dict[str, list[Finding]] = {}
    for f in findings:
        per.setdefault(f.control, []).append(f)
    lists = [sorted(fs, key=urgency) for fs in per.values()]
    return sorted(lists, key=lambda fs: urgency(fs[0]))


def _split(findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(the passes, the rest), each in the order given: two filters in C (passes are 107k of
    the 100-org estate's 122k findings, and nothing but a count and a group is made of them)."""
    statuses = list(map(_STATUS, findings))
    return (
        list(compress(findings, map(eq, statuses, repeat("pass")))),
        list(compress(findings, map(ne, statuses, repeat("pass")))),
    )


def _org_view(
    n: int,
    summary: OrgSummary,
    findings: Sequence[Finding],
    split: tuple[list[Finding], list[Finding]],  # _split(findings)
    as_of: dt.datetime,
    start: int,
    fail_on: str,
    lapsed: Sequence[WaiverNote] = (),
    ks: _Counter | None = None,
) -> OrgView:
    ks = ks or _Counter()
    ages: Ages = {}
    passes, rest = split
    alone, groups = group_unknowns(f for f in rest if f.status in ("fail", "unknown", "warn"))
    # Most urgent first; a card stands where its most urgent finding would.
    entries: list[list[Finding] | CollectGroup] = sorted(
        [*_by_control(alone), *groups], key=lambda e: e.sort_key if isinstance(e, CollectGroup) else urgency(e[0])
    )
    todo: list[ControlCard | GroupCard] = []
    i = start
    for e in entries:
        members = e.findings if isinstance(e, CollectGroup) else e
        items = _cards(i, members, as_of, lapsed, ages)
        i += len(items)
        if isinstance(e, CollectGroup):
            todo.append(GroupCard(e, items, ks.next()))
        else:
            todo.append(ControlCard(ks.next(), items, *group_snippet(items, as_of), _alike(items)))
    todo_count = i - start
    waived = []
    for fs in _by_control(f for f in rest if f.status == "waived"):
        items = _cards(i, fs, as_of, (), ages)
        i += len(items)
        waived.append(ControlCard(ks.next(), items, alike=_alike(items)))
    # Per control in id order, each in the order given: a stable sort by control is that.
    pass_groups = tuple(
        PassGroup(ks.next(), c, tuple(fs)) for c, fs in groupby(sorted(passes, key=_CONTROL), key=_CONTROL)
    )
    # A pass never blocks (verdict.BLOCKING): the verdict is the rest's, or, when every finding
    # passed, that of one pass ("Ready for rollout"; none at all is "Not checked").
    judged = rest or findings[:1]
    blocked = len(shown_blocking(rest, fail_on))
    return OrgView(
        n=n,
        id=summary.id,
        name=summary.name,
        counts=summary.counts,
        # An org no policy covers was not judged: never "ready" (fail closed).
        verdict=verdict_text(judged, fail_on)
        if summary.policies or findings
        else "Not checked: no policy covers this org",
        blocked=blocked > 0,
        policies=summary.policies,
        collection_errors=summary.collection_errors,
        evidence=section_evidence(findings, as_of),
        todo=tuple(todo),
        waived=tuple(waived),
        passes=pass_groups,
        todo_count=todo_count,
        waived_count=i - start - todo_count,
        pass_count=len(passes),
    )


def policy_verdicts(
    results: Results, fail_on: str = "fail", blocking: Sequence[Finding] | None = None
) -> tuple[PolicyVerdict, ...]:
    """Blocking findings per policy: those whose rule is in the policy's file, plus rule-less
    ones (e.g. always-checked controls) in every org the policy covers. `blocking`: the
    results' shown_blocking findings, when the caller has them."""
    shown = shown_blocking(results.findings, fail_on) if blocking is None else blocking
    out = []
    for p in results.policies:
        covered = {o.id for o in results.orgs if p.name in o.policies}
        prefix = f"{p.path}:"
        n = sum(1 for f in shown if f.org in covered and (f.policy_ref is None or f.policy_ref.startswith(prefix)))
        out.append(PolicyVerdict(p, len(covered), n))
    return tuple(out)


def build(results: Results, fail_on: str = "fail") -> View:
    as_of = results.as_of
    # Each org's findings in the order given (a stable sort by org, grouped: no Python step per finding).
    per_org = {org: list(fs) for org, fs in groupby(sorted(results.findings, key=_ORG), key=_ORG)}
    orgs: list[OrgView] = []
    start = 0
    ks = _Counter()
    splits = {org: _split(fs) for org, fs in per_org.items()}
    for i, summary in enumerate(results.orgs):
        org, split = per_org.get(summary.id, []), splits.get(summary.id, ([], []))
        view = _org_view(i, summary, org, split, as_of, start, fail_on, results.expired_waivers, ks)
        start += view.shown
        orgs.append(view)
    expiring = tuple(WaiverSoon(c, o.display, g.k) for o in orgs for g in o.waived for c in g.items if c.waiver_soon)
    # What is not a pass, org by org: the verdicts count it and the charts count it by area and
    # severity, so its order matters only for an area or severity the catalog lacks (such a
    # chart bar stands where its first finding does): then it is taken in the order given.
    not_pass = list(chain.from_iterable(rest for _, rest in splits.values()))
    if not {*map(_AREA, not_pass)} <= _KNOWN_AREAS or not {*map(_SEVERITY, not_pass)} <= _KNOWN_SEVERITIES:
        _, not_pass = _split(results.findings)
    blocking = shown_blocking(not_pass, fail_on)  # as of all the findings: a pass never blocks
    # The same steps and docs on 100 orgs' cards of one control: 0.6 MB of a 100-org report.
    first: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[int, str]] = {}
    same: dict[int, tuple[int, str]] = {}
    for o in orgs:
        for g in (*o.todo, *o.waived):
            if isinstance(g, ControlCard) and g.f.remediation is not None:
                key = (g.steps, tuple(g.f.remediation.links))
                if key in first:
                    same[g.k] = first[key]
                else:
                    first[key] = (g.k, o.display)
    ev_counts: Counter[str] = Counter(e.kind for o in orgs for e in o.evidence)
    catalog = controls()
    return View(
        results=results,
        verdict=verdict_text(not_pass or results.findings[:1], fail_on),  # as _org_view's
        blocked=any(o.blocked for o in orgs),
        orgs=tuple(orgs),
        policies=policy_verdicts(results, fail_on, blocking),
        charts=charts(not_pass),
        expiring=expiring,
        controls=tuple(
            (cid, spec.title, AREA_LABELS[spec.area], spec.severity) for cid, spec in catalog.controls.items()
        ),
        total=len(results.findings),
        evidence_summary={k: ev_counts.get(k, 0) for k in ("observed", "attested", "not collected", "not checked")},
        not_pass=len(not_pass),
        same_steps=same,
    )
