"""The audit's output: findings and the run's facts. Plain frozen dataclasses: a large
estate yields 100,000+ findings, and these are built and written without validation cost."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple, Protocol

from .common import SEVERITY_RANK, STATUS_RANK, STATUSES, Section, Severity, Source, Status, expiry_date


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    source: Source | None
    at: dt.datetime | None
    by: str | None = None


@dataclass(frozen=True, slots=True)
class Remediation:
    summary: str
    steps: tuple[str, ...]
    links: tuple[str, ...]
    value: str | None = None  # the exact value to add or remove, when there is one
    action: str | None = None
    collect: Section | None = None  # an unknown's: the settings section to collect or attest


class RemediationLike(Protocol):
    """A Remediation, or one rendered from its control's template on first use."""

    @property
    def summary(self) -> str: ...
    @property
    def steps(self) -> tuple[str, ...]: ...
    @property
    def links(self) -> tuple[str, ...]: ...
    @property
    def value(self) -> str | None: ...
    @property
    def collect(self) -> Section | None: ...


@dataclass(frozen=True, slots=True)
class AppliedWaiver:
    reason: str
    approved_by: str
    expires: str
    ref: str  # file:line of the waiver

    @property
    def expiry(self) -> dt.date | None:
        return expiry_date(self.expires)


class Finding(NamedTuple):
    """One judgement: one control, org and subject.

    A NamedTuple rather than a dataclass: a large estate yields 100,000+ findings and tuple
    construction costs a fifth as much, while staying immutable and typed.
    """

    control: str
    status: Status
    severity: Severity
    org: str
    org_name: str | None
    subject: str | None
    title: str
    expected: str
    actual: str
    evidence: EvidenceRef
    policy_ref: str | None
    remediation: RemediationLike | None  # None on a pass (FORMATS.md §6, amended 2026-12-01)
    area: str
    original_status: Status | None = None
    waiver: AppliedWaiver | None = None

    @property
    def sort_key(self) -> tuple[str, str, int, str]:
        # subject None sorts before any string
        return (self.org, self.control, 0 if self.subject is None else 1, self.subject or "")

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.org, self.control, self.subject)

    @property
    def underlying_status(self) -> Status:
        """What the check found, a waiver aside."""
        return (self.original_status or self.status) if self.status == "waived" else self.status


_status = itemgetter(Finding._fields.index("status"))


def complete_orgs(orgs: Iterable[OrgSummary], findings: Iterable[Finding]) -> tuple[OrgSummary, ...]:
    """The orgs as listed, plus one rebuilt from the findings for each org they name that
    the list lacks (results.json need not list its orgs; a merged shard may not), so that
    every output shows every finding's org."""
    listed = tuple(orgs)
    known = {o.id for o in listed}
    missing: dict[str, list[Finding]] = {}
    for f in findings:
        if f.org not in known:
            missing.setdefault(f.org, []).append(f)
    return listed + tuple(OrgSummary(o, fs[0].org_name, Results.count(fs), ()) for o, fs in missing.items())


def urgency(f: Finding) -> tuple[int, int, str, bool, str]:
    """Most urgent first: worst status, then highest severity, then (control, subject)."""
    return (
        STATUS_RANK.get(f.status, 9),
        SEVERITY_RANK.get(f.severity, 9),
        f.control,
        f.subject is not None,
        f.subject or "",
    )


@dataclass(frozen=True, slots=True)
class WaiverNote:
    """A waiver that did nothing: expired (or unreadable expiry), or matched no finding."""

    control: str
    subject: str | None
    org: str | None
    reason: str
    approved_by: str
    expires: str
    ref: str
    why: str  # "expired" | "unparsable-expiry" | "unused"


@dataclass(frozen=True, slots=True)
class PolicyRef:
    name: str
    path: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class OrgSummary:
    id: str
    name: str | None
    counts: dict[str, int]
    policies: tuple[str, ...]
    collection_errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Results:
    generated_at: dt.datetime
    as_of: dt.datetime
    policies: tuple[PolicyRef, ...]
    findings: tuple[Finding, ...]
    unused_waivers: tuple[WaiverNote, ...] = ()
    expired_waivers: tuple[WaiverNote, ...] = ()
    orgs: tuple[OrgSummary, ...] = ()
    settings_path: str | None = None
    collected_at: dt.datetime | None = None
    summary: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def count(findings: Iterable[Finding]) -> dict[str, int]:
        c = Counter(map(_status, findings))
        return {s: c.get(s, 0) for s in STATUSES}
