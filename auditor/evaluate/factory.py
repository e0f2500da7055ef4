"""Builds findings for one org: titles, severities, evidence and remediation in one place,
so each check says only what it judged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..catalog import LazyRemediation, collect_remediation, controls
from ..load.merge import EffectivePolicy, Rule
from ..model.common import SECTION_OF_AREA, SECTIONS, Section, Severity, Status
from ..model.results import AppliedWaiver, EvidenceRef, Finding, RemediationLike
from ..model.settings import Org

_NO_EVIDENCE = EvidenceRef(None, None)

# Findings are built positionally with tuple.__new__: NamedTuple's own __new__ is
# Python-level, 10x slower. The field tuples are spelt out so that mypy checks every
# position of every construction; tests/unit/test_finding_fields.py checks that they
# match Finding's and FindingTemplate's declared fields, in order.
FindingFields = tuple[
    str,  # control
    Status,  # status
    Severity,  # severity
    str,  # org
    str | None,  # org_name
    str | None,  # subject
    str,  # title
    str,  # expected
    str,  # actual
    EvidenceRef,  # evidence
    str | None,  # policy_ref
    RemediationLike | None,  # remediation
    str,  # area
    Status | None,  # original_status
    AppliedWaiver | None,  # waiver
]
TemplateFields = tuple[
    str,  # control
    Status,  # status
    str | None,  # subject
    str,  # expected
    str,  # actual
    str | None,  # ref
    LazyRemediation | None,  # remediation
]


def control_subject(f: Finding) -> str:
    """The order of findings within an org, (control, subject), as one string: NUL sorts
    before every character and no control id holds one, so this equals tuple order; a
    null subject sorts first, and never shares a control with "". Strings compare in C."""
    return f[0] + "\0" + (f[5] or "")


class FindingTemplate(NamedTuple):
    """The org-independent part of a finding: judged once, emitted for every org that has it."""

    control: str
    status: Status
    subject: str | None
    expected: str
    actual: str
    ref: str | None
    remediation: LazyRemediation | None


# Typed views of tuple.__new__ (mypy checks that it fits them: no cast).
_new_finding: Callable[[type[Finding], FindingFields], Finding] = tuple.__new__
_new_template: Callable[[type[FindingTemplate], TemplateFields], FindingTemplate] = tuple.__new__


def template(
    control: str,
    status: Status,
    subject: str | None,
    expected: str,
    actual: str,
    rule: Rule[object] | None,
    value: str | None = None,
    detail: str | None = None,
) -> FindingTemplate:
    """Positional and plain: an estate's audit builds one per distinct entry and control.
    Templates judge entries that were collected: a pass carries no remediation, anything
    else the control's own."""
    remediation = (
        None
        if status == "pass"
        else LazyRemediation(control, value, None, () if detail is None else (("detail", detail),))
    )
    return _new_template(
        FindingTemplate, (control, status, subject, expected, actual, rule.ref if rule else None, remediation)
    )


@dataclass(frozen=True, slots=True)
class _ControlFacts:
    severity: Severity
    severities: dict[str, Severity]  # by kind of subject (controls.yaml); empty under a policy override
    title: str
    area: str
    evidence: EvidenceRef  # of the section this control reads
    section: Section | None  # that section; None for controls that read none (e.g. rollout)


@dataclass(frozen=True)
class OrgView:
    """Everything a check needs about one org, plus the means to emit findings."""

    org: Org
    policy: EffectivePolicy
    collected_at: dt.datetime | None
    as_of: dt.datetime
    _evidence: dict[Section, EvidenceRef] = field(init=False, repr=False)
    _facts: dict[str, _ControlFacts] = field(init=False, repr=False)
    _org_id: str = field(init=False, repr=False)
    _org_name: str | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Computed once per org: a large org emits thousands of findings.
        evidence = {s: self._section_evidence(s) for s in SECTIONS}
        facts: dict[str, _ControlFacts] = {}
        for cid, spec in controls().controls.items():
            override = self.policy.severity.get(cid)
            section = SECTION_OF_AREA.get(spec.area)
            facts[cid] = _ControlFacts(
                override.value if override else spec.severity,
                {} if override else spec.severities,
                spec.title,
                spec.area,
                evidence[section] if section else _NO_EVIDENCE,
                section,
            )
        object.__setattr__(self, "_evidence", evidence)
        object.__setattr__(self, "_org_id", self.org.id)
        object.__setattr__(self, "_org_name", self.org.name)
        object.__setattr__(self, "_facts", facts)

    def _section_evidence(self, section: Section) -> EvidenceRef:
        if getattr(self.org, section, None) is None:
            return _NO_EVIDENCE
        ev = self.org.evidence.get(section)
        if ev is None:
            return EvidenceRef("file", self.collected_at)
        return EvidenceRef(ev.source, ev.at or self.collected_at, ev.by)

    def evidence(self, section: Section) -> EvidenceRef:
        return self._evidence.get(section, _NO_EVIDENCE)

    def missing(self, what: str, section: str) -> str:
        """The `actual` text of an unknown finding: what is absent, and why if collection said."""
        errors = [e for e in self.org.collection_errors if e.section == section or what.startswith(e.section)]
        if errors:
            e = errors[0]
            return f"not collected: {what} is absent ({e.source}{' ' + e.endpoint if e.endpoint else ''} failed: {e.error})"
        return f"not collected: {what} is absent from the settings"

    def from_templates(self, control: str, templates: Iterable[FindingTemplate]) -> list[Finding]:
        """This org's findings of one control from org-independent templates: the hot path
        of a large estate (one finding per allowlist entry and control), hence one
        comprehension with everything else looked up once."""
        f, oid, name, new = self._facts[control], self._org_id, self._org_name, _new_finding
        severity, title, evidence, area = f.severity, f.title, f.evidence, f.area
        return [
            new(
                Finding,
                (control, t[1], severity, oid, name, t[2], title, t[3], t[4], evidence, t[5], t[6], area, None, None),
            )
            for t in templates
        ]

    def finding(
        self,
        control: str,
        status: Status,
        subject: str | None,
        *,
        expected: str,
        actual: str,
        rule: Rule[object] | None,
        value: str | None = None,
        action: str | None = None,
        section: Section | None = None,
        collect: bool = True,
        variant: str | None = None,
        kind: str | None = None,
        notes: tuple[tuple[str, str], ...] = (),
        **fields: str,
    ) -> Finding:
        """One finding. Its remediation fits its status: none on a pass; on an unknown, how to
        collect or attest the section it reads (`section`, else its area's), unless `collect`
        is False (an unknown that fresh evidence would not settle); else the control's own
        advice (its `variant` when given), filled in from `value`, `action` and `fields`, with
        `notes` (step, link) after its steps (catalog.bug_notes: an open Atlassian bug). Its
        severity is the control's, or its default for the subject's `kind` (controls.yaml
        `severities`) unless the policy overrides the control's."""
        facts = self._facts[control]
        ev = self._evidence[section] if section else facts.evidence
        reads = section or facts.section
        remediation: RemediationLike | None
        if status == "pass":
            remediation = None
        elif status == "unknown" and collect and reads is not None:
            remediation = collect_remediation(reads)
        else:
            remediation = LazyRemediation(
                control, value, action, tuple(fields.items()) if fields else (), variant, notes
            )
        return _new_finding(
            Finding,
            (
                control,
                status,
                facts.severities.get(kind, facts.severity) if kind else facts.severity,
                self._org_id,
                self._org_name,
                subject,
                facts.title,
                expected,
                actual,
                ev,
                rule.ref if rule else None,
                remediation,
                facts.area,
                None,
                None,
            ),
        )
