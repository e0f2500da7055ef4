"""Combine results audited separately (one job per org, say) into one run.

Rules, so a merged report says no more than its shards did:
- an org may appear in one shard only (two shards judging one org could disagree);
- `as_of` is the earliest shard's and `collected_at` the oldest: the merged report is only
  as fresh as its oldest part; `generated_at` is the latest;
- a waiver (known by its file:line) is unused only if no shard used it; expired notes are
  deduplicated;
- policies are listed once each, in order of first appearance; findings are re-sorted.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputError, Location, Problem
from ..model.results import OrgSummary, PolicyRef, Results, WaiverNote, complete_orgs


def merge(shards: Sequence[tuple[str, Results]]) -> Results:
    """`shards`: (path as the user named it, results), in the order given."""
    if not shards:
        raise ValueError("nothing to merge")
    owner: dict[str, str] = {}
    orgs: list[OrgSummary] = []
    for path, r in shards:
        ids = [o.id for o in r.orgs] or list(dict.fromkeys(f.org for f in r.findings))
        for org_id in ids:
            if org_id in owner:
                raise InputError(
                    Problem(
                        Location(path, 1, 1),
                        f"org {org_id} is also in {owner[org_id]}: each org must come from one shard only",
                    )
                )
            owner[org_id] = path
        orgs.extend(r.orgs)
    findings = sorted((f for _, r in shards for f in r.findings), key=lambda f: f.sort_key)
    used_refs = {f.waiver.ref for f in findings if f.waiver is not None}
    unused: dict[str, WaiverNote] = {}
    expired: dict[tuple[str, str], WaiverNote] = {}
    for _, r in shards:
        for w in r.unused_waivers:
            if w.ref not in used_refs:
                unused.setdefault(w.ref, w)
        for w in r.expired_waivers:
            expired.setdefault((w.ref, w.why), w)
    policies: dict[tuple[str, str], PolicyRef] = {}
    for _, r in shards:
        for p in r.policies:
            policies.setdefault((p.name, p.path), p)
    settings_paths = list(dict.fromkeys(r.settings_path for _, r in shards if r.settings_path))
    collected = [r.collected_at for _, r in shards if r.collected_at is not None]
    final = tuple(findings)
    return Results(
        generated_at=max(r.generated_at for _, r in shards),
        as_of=min(r.as_of for _, r in shards),
        policies=tuple(policies.values()),
        findings=final,
        unused_waivers=tuple(unused.values()),
        expired_waivers=tuple(expired.values()),
        orgs=complete_orgs(orgs, final),
        settings_path=", ".join(settings_paths) or None,
        collected_at=min(collected) if collected else None,
        summary=Results.count(final),
    )
