"""What a policy requires, before any settings exist: the plan of a locked-down blank org.

A blank org has every section, every toggle off, no allowlist entry, no IP range, every
permission group blocked (and "Apply to future additions" off for each) and no credential. Planning it against the policies gives the
least the policies require: the template an admin checks and signs to attest the settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fnmatch import fnmatchcase

from ..catalog import permission_groups
from ..errors import UsageError
from ..model.common import PermissionValue
from ..model.policy import Policy
from ..model.settings import (
    Attested,
    Evidence,
    IpAllowlist,
    Org,
    OrgSettings,
    RolloutChecklist,
    RovoMcp,
    Site,
    SiteConsent,
)

TEMPLATE_ORG = "your-org-id"
TEMPLATE_BY = "you@example.com"
TEMPLATE_SITE = "https://your-site.atlassian.net"


def blank_org_id(policies: Sequence[Policy]) -> str:
    """An org id every policy covers: the placeholder when all cover any org, else a literal id they name."""
    for candidate in (TEMPLATE_ORG, *(g for p in policies for g in p.orgs if not any(ch in g for ch in "*?["))):
        if all(any(fnmatchcase(candidate, g) for g in p.orgs) for p in policies):
            return candidate
    raise UsageError("the policies cover no common org id: give --settings, or plan each policy on its own")


def blank_settings(policies: Sequence[Policy], as_of: dt.datetime) -> OrgSettings:
    blocked: PermissionValue = "blocked"
    products = permission_groups().products
    perms = {p: dict.fromkeys(spec.groups, blocked) for p, spec in products.items()}
    future = {p: dict.fromkeys(spec.groups, False) for p, spec in products.items()}
    signed = Evidence(source="attested", by=TEMPLATE_BY, at=as_of)
    org = Org(
        id=blank_org_id(policies),
        name="Your org",
        sites=(Site(url=TEMPLATE_SITE),),
        rovo_mcp=RovoMcp(
            atlassian_supported_domains=False,
            domains=(),
            api_token_auth=False,
            permissions=perms,
            future_additions=future,
        ),
        ip_allowlist=IpAllowlist(enabled=False, ranges=()),
        credentials=(),
        evidence={"rovo_mcp": signed, "ip_allowlist": signed, "credentials": signed},
    )
    return OrgSettings(kind="OrgSettings", collected_at=as_of, orgs=(org,))


def as_template(target: Org, blank: Org) -> Org:
    """The plan's target as a form to fill in: every section signed by the placeholder, and each
    checklist to-do open (done: false) for whoever does it to tick."""
    checklist = target.rollout_checklist
    if checklist is not None:
        sites = checklist.site_admin_consent
        checklist = RolloutChecklist(
            site_admin_consent=None
            if sites is None
            else tuple(SiteConsent(site=c.site, done=False, by=TEMPLATE_BY) for c in sites),
            user_installed_apps=Attested(done=False, by=TEMPLATE_BY) if checklist.user_installed_apps else None,
            connected_apps_oauth=Attested(done=False, by=TEMPLATE_BY) if checklist.connected_apps_oauth else None,
        )
    return target.model_copy(update={"evidence": blank.evidence, "rollout_checklist": checklist})
