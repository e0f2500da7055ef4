"""The pure heart of the audit: (policies, settings, waivers, as_of) → Results.

No I/O and no clock: the caller passes `as_of`. Each area module yields findings for one
org; the engine picks the policies that cover each org, runs the areas, keeps one finding
per (org, control, subject), applies waivers and puts the findings in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from itertools import chain, groupby
from operator import itemgetter

from ..load.documents import Loaded
from ..load.merge import EffectivePolicy, merge_policies
from ..model.common import SECTIONS, STATUSES, Section
from ..model.policy import Policy
from ..model.results import Finding, OrgSummary, PolicyRef, Results
from ..model.settings import Org, OrgSettings
from ..model.waivers import Waivers
from . import auth, domains, evidence, ip, permissions, rollout, scopes
from .factory import OrgView, control_subject
from .waivers import apply_waivers

Check = Callable[[OrgView], Iterable[Finding]]
CHECKS: tuple[Check, ...] = (
    domains.check,
    auth.check,
    scopes.check,
    permissions.check,
    ip.check,
    evidence.check,
    rollout.check,
)
# Checks that yield their findings already in (control, subject) order: the large ones,
# whose sorting would cost more than the judging. The others are sorted here.
ORDERED: frozenset[Check] = frozenset({domains.check})


# Checks that say what of the org they read (equal inputs, equal findings): a caller that
# judges one org again and again (the planner) keeps their findings in a memo. The domains
# check is most of a judgement; the plan of 100 orgs × 300 entries re-judged it for 138 of
# its 574 states with the allowlist, toggle and evidence as before (0.94 → 0.78 s CPU), and
# the IP and scopes checks for states whose section was as before (0.78 → 0.73 s).
def _reads(section: Section) -> Callable[[OrgView], Hashable]:
    """The inputs of a check that reads, of the org, one section and its evidence (and its
    id, name and collection errors: the same in every state the planner judges)."""

    def inputs(view: OrgView) -> Hashable:
        org = view.org
        return (
            id(view.policy),
            view.as_of,
            view.collected_at,
            org.id,
            org.name,
            org.collection_errors,
            getattr(org, section),
            view.evidence(section),
        )

    return inputs


def _nested(table: Mapping[str, Mapping[str, Hashable]] | None) -> Hashable:
    return None if table is None else tuple((k, tuple(v.items())) for k, v in table.items())


def _mcp_settings(view: OrgView) -> Hashable:
    """The inputs of the auth and permissions checks: of rovo_mcp, all but its entries, of
    which only whether there are any (OAuth 2.1 is open: auth.oauth_open)."""
    org, mcp = view.org, view.org.rovo_mcp
    return (
        id(view.policy),
        view.as_of,
        view.collected_at,
        org.id,
        org.name,
        org.collection_errors,
        None
        if mcp is None
        else (
            mcp.atlassian_supported_domains,
            mcp.domains is None,
            bool(mcp.domains),
            mcp.api_token_auth,
            _nested(mcp.permissions),
            _nested(mcp.future_additions),
        ),
        view.evidence("rovo_mcp"),
    )


def _evidence_inputs(view: OrgView) -> Hashable:
    """The inputs of the evidence check: each section's evidence as the view has it (absent,
    as collected, or as attested and when), and what `collect` cross-checked."""
    org = view.org
    return (
        id(view.policy),
        view.as_of,
        view.collected_at,
        org.id,
        org.name,
        tuple(view.evidence(s) for s in SECTIONS),
        org.contradictions,
        org.cross_checked,
    )


# The auth, permissions and evidence checks' inputs too (100 orgs × 300 entries: they were
# judged afresh in each of the plan's 474 states, 0.02 s of CPU with their findings indexed).
INPUTS: dict[Check, Callable[[OrgView], Hashable]] = {
    domains.check: domains.inputs,
    ip.check: _reads("ip_allowlist"),
    scopes.check: _reads("credentials"),
    auth.check: _mcp_settings,
    permissions.check: _mcp_settings,
    evidence.check: _evidence_inputs,
}
# A memo's findings are waived already (judge_org_parts): one memo, one set of waivers.
Memo = dict[tuple[Check, Hashable], list[Finding]]
# The area (controls.yaml) of all the findings of each check in INPUTS, and of no other
# check's (tests/unit/test_plan.py): one org's findings, cut by area, are its checks' parts.
AREAS: dict[Check, str] = {
    domains.check: "domains",
    ip.check: "ip_allowlist",
    scopes.check: "scopes",
    auth.check: "auth",
    permissions.check: "permissions",
    evidence.check: "evidence",
}
_AREA = itemgetter(12)  # Finding.area


def _check_findings(check: Check, view: OrgView) -> list[Finding]:
    part = list(check(view))
    if check not in ORDERED:
        part.sort(key=control_subject)
    return part


def judge_org(
    org: Org,
    policy: EffectivePolicy,
    waivers: Sequence[Loaded[Waivers]],
    *,
    collected_at: dt.datetime | None,
    as_of: dt.datetime,
    memo: Memo | None = None,
) -> list[Finding]:
    """One org's findings under its merged policy, waivers applied: what `evaluate` yields for
    that org (tests/unit/test_plan.py checks). The planner asks this many times per org, with
    one `memo` per org (the same policy, waivers, collected_at and as_of each time): a check
    in INPUTS is then judged again only when what it reads of the org has changed."""
    parts = judge_org_parts(org, policy, waivers, collected_at=collected_at, as_of=as_of, memo=memo)
    return list(chain.from_iterable(parts))


def judge_org_parts(
    org: Org,
    policy: EffectivePolicy,
    waivers: Sequence[Loaded[Waivers]],
    *,
    collected_at: dt.datetime | None,
    as_of: dt.datetime,
    memo: Memo | None = None,
) -> list[list[Finding]]:
    """`judge_org`'s findings as the checks' outputs, waivers applied, in order: concatenated,
    they are `judge_org`'s (each check yields one finding per subject, scopes merging its rule
    sets itself, and each control belongs to one check, so ordered check outputs concatenate,
    by their first control, into an ordered whole). A part the memo holds is returned as the
    very list it holds (the memo keeps it waived), so a caller may index it once and find it
    again by identity; no caller may change one. Waivers act on one finding at a time, so
    waiving part by part is waiving the whole."""

    def waived(part: list[Finding]) -> list[Finding]:
        return apply_waivers(part, waivers, as_of)[0] if waivers else part

    view = OrgView(org, policy, collected_at, as_of)
    parts: list[list[Finding]] = []
    for check in CHECKS:
        inputs = INPUTS.get(check) if memo is not None else None
        if inputs is not None and memo is not None:
            key = (check, inputs(view))
            part = memo.get(key)
            if part is None:
                part = memo[key] = waived(_check_findings(check, view))
        else:
            part = waived(_check_findings(check, view))
        if part:
            parts.append(part)
    parts.sort(key=lambda part: part[0][0])
    return parts


def remember_org(
    findings: Sequence[Finding],
    org: Org,
    policy: EffectivePolicy,
    *,
    collected_at: dt.datetime | None,
    as_of: dt.datetime,
    memo: Memo,
) -> list[list[Finding]]:
    """`findings`, what judge_org gives for `org` (or evaluate, for that org), as the parts
    judge_org_parts would give; `memo` learns those of the checks in INPUTS, as if
    judge_org_parts had judged them (the planner's first state is the audit's, and its later
    states that read the same find them: 80 domains checks of 100 orgs × 300 entries)."""
    parts = [list(run) for _, run in groupby(findings, key=_AREA)]
    by_area = {part[0].area: part for part in parts}
    if len(by_area) != len(parts):
        raise ValueError(f"{org.id}: the findings of an area are not together: not in (control, subject) order")
    view = OrgView(org, policy, collected_at, as_of)
    for check, inputs in INPUTS.items():
        memo[(check, inputs(view))] = by_area.get(AREAS[check], [])  # none of its area: it found none
    return parts


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
    chunks: list[list[Finding]] = []  # one per org judged, in settings order
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
        parts = judge_org_parts(org, policy, (), collected_at=snapshot.collected_at, as_of=as_of)
        chunks.append(list(chain.from_iterable(parts)))

    flat, unused, expired = apply_waivers(list(chain.from_iterable(chunks)), waivers, as_of)
    # apply_waivers keeps order and length: cut its output back into the orgs' chunks.
    start = 0
    for i, chunk in enumerate(chunks):
        chunks[i] = flat[start : start + len(chunk)]
        start += len(chunk)
    # Sorted by (org, control, subject): org ids are unique (the loader checks) and each
    # chunk is in order already.
    chunks.sort(key=lambda chunk: chunk[0].org if chunk else "")
    final = tuple(chain.from_iterable(chunks))
    counts = {chunk[0].org: Results.count(chunk) for chunk in chunks if chunk}
    orgs = tuple(
        OrgSummary(
            id=o.id,
            name=o.name,
            counts=counts.get(o.id) or Results.count(()),
            policies=org_policies[o.id],
            collection_errors=tuple(f"{e.section}: {e.source}: {e.error}" for e in o.collection_errors),
        )
        for o in snapshot.orgs
    )
    summary: dict[str, int] = {s: sum(c[s] for c in counts.values()) for s in STATUSES}
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
        summary=summary,
    )
