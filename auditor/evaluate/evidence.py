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
        if at > view.as_of:
            # Never a negative age: evidence from after the audit's clock is its own warning.
            ahead = (at - view.as_of).total_seconds() / 86400
            yield view.finding(
                "RMCP-EVID-001",
                "warn",
                section,
                expected=f"evidence dated at or before the audit's as-of time, at most {rule.value} days old",
                actual=f"dated after the audit's as-of time: gathered {iso(at)}, "
                f"{ahead:.1f} days after {iso(view.as_of)}",
                rule=rule,
                value=section,
                section=section,
                variant="future",
                section_name=section,
            )
            continue
        days = (view.as_of - at).total_seconds() / 86400
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
