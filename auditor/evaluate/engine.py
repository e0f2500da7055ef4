"""The pure heart of the audit: (policies, settings, waivers, as_of) → Results.

No I/O and no clock: the caller passes `as_of`. Each area module yields findings for one
org; the engine picks the policies that cover each org, runs the areas, keeps one finding
per (org, control, subject), applies waivers and sorts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatchcase

from ..load.documents import Loaded
from ..load.merge import EffectivePolicy, merge_policies
from ..model.policy import Policy
from ..model.results import Finding, OrgSummary, PolicyRef, Results
from ..model.settings import Org, OrgSettings
from ..model.waivers import Waivers
from . import auth, domains, evidence, ip, permissions, scopes
from .factory import OrgView
from .waivers import apply_waivers

Check = Callable[[OrgView], Iterator[Finding]]
CHECKS: tuple[Check, ...] = (domains.check, auth.check, scopes.check, permissions.check, ip.check, evidence.check)



def covers(policy: Policy, org: Org) -> bool:
    return any(fnmatchcase(org.id, g) or (org.name is not None and fnmatchcase(org.name, g)) for g in policy.orgs)


def evaluate(
    policies: Sequence[Loaded[Policy]],
    settings: Loaded[OrgSettings],
    waivers: Sequence[Loaded[Waivers]] = (),
    *,
    as_of: dt.datetime,
    generated_at: dt.datetime | None = None,
) -> Results:
    merged_cache: dict[tuple[int, ...], EffectivePolicy] = {}
    findings: list[Finding] = []
    org_policies: dict[str, tuple[str, ...]] = {}
    snapshot = settings.model
    for org in snapshot.orgs:
        chosen = tuple(i for i, p in enumerate(policies) if covers(p.model, org))
        if not chosen:
            org_policies[org.id] = ()
            continue
        if chosen not in merged_cache:
            merged_cache[chosen] = merge_policies([policies[i] for i in chosen])
        policy = merged_cache[chosen]
        org_policies[org.id] = policy.names
        view = OrgView(org, policy, snapshot.collected_at, as_of)
        # Each check yields one finding per subject (scopes merges its rule sets itself).
        for check in CHECKS:
            findings.extend(check(view))

    findings, unused, expired = apply_waivers(findings, waivers, as_of)
    # (org, control, subject); a null subject sorts first, and never shares a control with "".
    findings.sort(key=lambda f: (f[3], f[0], f[5] or ""))
    final = tuple(findings)
    per_org: dict[str, list[Finding]] = {}
    for f in final:
        per_org.setdefault(f.org, []).append(f)
    orgs = tuple(
        OrgSummary(
            id=o.id, name=o.name,
            counts=Results.count(per_org.get(o.id, [])),
            policies=org_policies[o.id],
            collection_errors=tuple(f"{e.section}: {e.source}: {e.error}" for e in o.collection_errors),
        )
        for o in snapshot.orgs
    )
    return Results(
        generated_at=generated_at or as_of,
        as_of=as_of,
        policies=tuple(PolicyRef(p.model.metadata.name, p.path, p.model.metadata.title) for p in policies),
        findings=final,
        unused_waivers=tuple(unused),
        expired_waivers=tuple(expired),
        orgs=orgs,
        settings_path=settings.path,
        collected_at=snapshot.collected_at,
        summary=Results.count(final),
    )
