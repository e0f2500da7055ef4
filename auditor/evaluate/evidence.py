"""RMCP-EVID-001: evidence older than the policy's `evidence.max_age_days`.
RMCP-EVID-002: an attested value that an observation contradicts (from `collect`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.common import SECTIONS, Status, is_section, iso
from ..model.results import Finding
from .factory import OrgView


def check(view: OrgView) -> Iterator[Finding]:
    yield from _age(view)
    yield from _attested(view)


def _attested(view: OrgView) -> Iterator[Finding]:
    """Always checked, for every attested field `collect` compared with an observation."""
    org = view.org
    contradicted = {c.field: c for c in org.contradictions}
    expected = "the attested value agrees with the observed one"
    for path in sorted(set(org.cross_checked) | set(contradicted)):
        section = path.split(".")[0].split("[")[0]
        where = section if is_section(section) else None
        c = contradicted.get(path)
        if c is None:
            yield view.finding(
                "RMCP-EVID-002",
                "pass",
                path,
                expected=expected,
                actual="attested and observed agree",
                rule=None,
                value=path,
                section=where,
            )
            continue
        by = f" by {c.attested_by}" if c.attested_by else ""
        yield view.finding(
            "RMCP-EVID-002",
            "fail",
            path,
            expected=expected,
            actual=f"attested {c.attested}{by}, observed {c.observed} ({c.observed_source}); "
            "the observed value was kept",
            rule=None,
            value=path,
            section=where,
        )


def _age(view: OrgView) -> Iterator[Finding]:
    rule = view.policy.max_age_days
    if rule is None:
        return
    for section in SECTIONS:
        if getattr(view.org, section) is None:
            continue  # only sections the settings contain (FORMATS.md §1)
        ev = view.org.evidence.get(section)
        at = (ev.at if ev else None) or view.collected_at
        expected = f"evidence at most {rule.value} days old"
        if at is None:
            yield view.finding(
                "RMCP-EVID-001",
                "unknown",
                section,
                expected=expected,
                actual="no time recorded (evidence.at or collected_at)",
                rule=rule,
                value=section,
                section=section,
            )
            continue
        age = view.as_of - at
        days = age.total_seconds() / 86400
        status: Status = "warn" if days > rule.value else "pass"
        yield view.finding(
            "RMCP-EVID-001",
            status,
            section,
            expected=expected,
            actual=f"{days:.1f} days old (gathered {iso(at)})",
            rule=rule,
            value=section,
            section=section,
        )
