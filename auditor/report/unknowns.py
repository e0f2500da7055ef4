"""Unknown findings grouped by what settles them: one entry per (org, settings section not
collected), with the controls it holds back, instead of one card per finding. report.html
and summary.md show them this way; results.json keeps one finding per check.

A finding joins a group when its remediation says which section to collect or attest
(`remediation.collect`); other unknowns (e.g. a vendor's egress published only as a
changing file, an attested checklist item) keep their own advice and their own card.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..catalog import controls
from ..model.common import Section
from ..model.results import Finding, RemediationLike, urgency


@dataclass(frozen=True, slots=True)
class CollectGroup:
    org: str
    section: Section
    findings: tuple[Finding, ...]  # most urgent first

    @property
    def remediation(self) -> RemediationLike:
        rem = self.findings[0].remediation
        assert rem is not None  # only findings with a remediation are grouped
        return rem

    @property
    def severity(self) -> str:
        return self.findings[0].severity

    @property
    def label(self) -> str:
        spec = controls().collect.get(self.section)
        return spec.label if spec else self.section

    @property
    def controls(self) -> tuple[str, ...]:
        """The controls it holds back, each once, in id order."""
        return tuple(sorted({f.control for f in self.findings}))

    @property
    def sort_key(self) -> tuple[int, int, str, bool, str]:
        return urgency(self.findings[0])


def section_to_collect(f: Finding) -> Section | None:
    """The section whose collection would settle an unknown finding, if that is what it lacks."""
    if f.status != "unknown" or f.remediation is None:
        return None
    return f.remediation.collect


def group_unknowns(findings: Iterable[Finding]) -> tuple[list[Finding], list[CollectGroup]]:
    """(the findings shown one by one, in the order given; the groups, most urgent first)."""
    alone: list[Finding] = []
    groups: dict[tuple[str, Section], list[Finding]] = {}
    for f in findings:
        section = section_to_collect(f)
        if section is None:
            alone.append(f)
        else:
            groups.setdefault((f.org, section), []).append(f)
    out = [CollectGroup(org, section, tuple(sorted(fs, key=urgency))) for (org, section), fs in groups.items()]
    out.sort(key=lambda g: (g.org, g.sort_key))
    return alone, out
