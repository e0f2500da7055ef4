"""RMCP-EVID-001: evidence older than the policy's `evidence.max_age_days`."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.common import SECTIONS
from ..model.results import Finding
from .factory import OrgView


def check(view: OrgView) -> Iterator[Finding]:
    rule = view.policy.max_age_days
    if rule is None:
        return
    for section in SECTIONS:
        if getattr(view.org, section) is None:
            continue  # only sections the settings contain (FORMATS.md §1)
        ev = view.org.evidence.get(section)  # type: ignore[call-overload]
        at = (ev.at if ev else None) or view.collected_at
        expected = f"evidence at most {rule.value} days old"
        if at is None:
            yield view.finding("RMCP-EVID-001", "unknown", section, expected=expected,
                               actual="no time recorded (evidence.at or collected_at)", rule=rule, value=section, section=section)
            continue
        age = view.as_of - at
        days = age.total_seconds() / 86400
        status = "warn" if days > rule.value else "pass"
        yield view.finding("RMCP-EVID-001", status, section, expected=expected,
                           actual=f"{days:.1f} days old (gathered {at.isoformat().replace('+00:00', 'Z')})", rule=rule,
                           value=section, section=section)
