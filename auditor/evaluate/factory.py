"""Builds findings for one org: titles, severities, evidence and remediation in one place,
so each check says only what it judged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..catalog import controls, render_remediation
from ..load.merge import EffectivePolicy, Rule
from ..model.results import EvidenceRef, Finding
from ..model.settings import Org

# Which settings section a control's evidence comes from.
SECTION_OF_AREA = {
    "domains": "rovo_mcp", "auth": "rovo_mcp", "permissions": "rovo_mcp",
    "scopes": "credentials", "ip_allowlist": "ip_allowlist",
}


@dataclass(frozen=True, slots=True)
class OrgView:
    """Everything a check needs about one org, plus the means to emit findings."""

    org: Org
    policy: EffectivePolicy
    collected_at: dt.datetime | None
    as_of: dt.datetime

    def evidence(self, section: str) -> EvidenceRef:
        present = getattr(self.org, section, None) is not None
        if not present:
            return EvidenceRef(None, None)
        ev = self.org.evidence.get(section)  # type: ignore[call-overload]
        if ev is None:
            return EvidenceRef("file", self.collected_at)
        return EvidenceRef(ev.source, ev.at or self.collected_at, ev.by)

    def missing(self, what: str, section: str) -> str:
        """The `actual` text of an unknown finding: what is absent, and why if collection said."""
        errors = [e for e in self.org.collection_errors if e.section == section or what.startswith(e.section)]
        if errors:
            e = errors[0]
            return f"not collected: {what} is absent ({e.source}{' ' + e.endpoint if e.endpoint else ''} failed: {e.error})"
        return f"not collected: {what} is absent from the settings"

    def finding(
        self,
        control: str,
        status: str,
        subject: str | None,
        *,
        expected: str,
        actual: str,
        rule: Rule[object] | None,
        value: str | None = None,
        action: str | None = None,
        section: str | None = None,
        **fields: str,
    ) -> Finding:
        spec = controls().controls[control]
        override = self.policy.severity.get(control)
        sev = override.value if override else spec.severity
        remediation = render_remediation(control, value=value, action=action, **fields)
        return Finding(
            control=control,
            status=status,
            severity=sev,
            org=self.org.id,
            org_name=self.org.name,
            subject=subject,
            title=spec.title,
            expected=expected,
            actual=actual,
            evidence=self.evidence(section or SECTION_OF_AREA[spec.area]),
            policy_ref=rule.ref if rule else None,
            remediation=remediation,
            area=spec.area,
        )
