"""RMCP-ROLL-001..003: the pre-rollout checklist of what no API shows, attested in the
settings' `rollout_checklist`, checked only for the items a policy's `rollout.checklist`
names. Fail closed: an item nobody attested is `unknown`; attested not done is `fail` (an
open to-do item); attested done is `pass`, with the attestation as its evidence."""

from __future__ import annotations

from collections.abc import Iterator

from ..load.merge import Rule
from ..model.common import Status, iso
from ..model.results import EvidenceRef, Finding
from ..model.settings import Attested, site_key
from .factory import OrgView

CONTROL_OF = {
    "site_admin_consent": "RMCP-ROLL-001",
    "user_installed_apps": "RMCP-ROLL-002",
    "connected_apps_oauth": "RMCP-ROLL-003",
}
EXPECTED = {
    "user_installed_apps": "users may install the Atlassian MCP app, or a site admin installed it on each site (attested done)",
    "connected_apps_oauth": "Connected apps does not block user-based OAuth connections for the MCP app (attested done)",
}
_NONE = EvidenceRef(None, None)


def check(view: OrgView) -> Iterator[Finding]:
    for rule in view.policy.checklist:
        if rule.value == "site_admin_consent":
            yield from _site_consent(view, rule)
        else:
            item = getattr(view.org.rollout_checklist, rule.value, None)
            yield _judge(view, CONTROL_OF[rule.value], None, rule, EXPECTED[rule.value], item, None, rule.value)


def _site_consent(view: OrgView, rule: Rule[str]) -> Iterator[Finding]:
    checklist = view.org.rollout_checklist
    entries = checklist.site_admin_consent if checklist else None
    attested = {site_key(e.site): e for e in entries or ()}
    sites = {site_key(s.url): s.url for s in view.org.sites}
    for key, entry in attested.items():
        sites.setdefault(key, entry.site)
    for key, url in sites.items():
        expected = f"a site admin gave the first consent on {url} (attested done)"
        yield _judge(view, "RMCP-ROLL-001", url, rule, expected, attested.get(key), url, "site_admin_consent")
    if not view.org.sites:
        # Which sites the org has was not collected: a site nobody attested may be missing.
        yield view.finding(
            "RMCP-ROLL-001",
            "unknown",
            "*",
            expected="a site admin gave the first consent on each site (attested done)",
            actual=view.missing("sites", "sites") + ", so a site without consent cannot be ruled out",
            rule=rule,
            site="each site",
        )


def _judge(
    view: OrgView,
    control: str,
    subject: str | None,
    rule: Rule[str],
    expected: str,
    item: Attested | None,
    site: str | None,
    path: str,
) -> Finding:
    status: Status
    if item is None:
        status, evidence = "unknown", _NONE
        where = f"rollout_checklist.{path}" + (f" for {site}" if site else "")
        actual = f"not attested: {where} is absent from the settings"
    else:
        status = "pass" if item.done else "fail"
        evidence = EvidenceRef("attested", item.at or view.collected_at, item.by)
        who = f" by {item.by}" if item.by else ""
        when = f" at {iso(item.at)}" if item.at else ""
        actual = f"{'done' if item.done else 'open: not done'} (attested{who}{when})"
        if item.note:
            actual += f": {item.note}"
    f = view.finding(
        control, status, subject, expected=expected, actual=actual, rule=rule, value=site, site=site or "each site"
    )
    return f._replace(evidence=evidence)
