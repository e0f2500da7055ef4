"""Combine what each source saw about one org into an `Org` of the snapshot.

Rules (fail closed):
- An observed value wins over an attested one. Where they disagree, the observed value is
  kept and a `Contradiction` is recorded; every attested field compared with an observation
  is listed in `cross_checked` (RMCP-EVID-002 judges them).
- A lower bound (the probe saw *some* tools of a permission group) agrees with an attested
  `allowed` or `partial`; the attested value is then kept, as it says more.
- What a source failed to collect stays absent unless an admin attested it; the failure is
  listed in `collection_errors` either way.
- The credentials list is complete only when the admin API listed it; an OAuth credential
  alone is kept only when no admin API listing was attempted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..catalog import permission_groups
from ..evaluate.ipranges import parse_network
from ..model.common import SECTIONS, Section
from ..model.settings import (
    CollectionError,
    Contradiction,
    Credential,
    Evidence,
    IpAllowlist,
    McpActivity,
    Org,
    RovoMcp,
    Site,
)
from .interface import CouldNotCollect, Observed, SourceResult

_RANK = {"blocked": 0, "partial": 1, "allowed": 2}
_PRIORITY = {"admin-api": 0, "mcp-probe": 1, "oauth": 2, "file": 3, "attested": 4}


def _norm(path: str, value: Any) -> Any:
    if path == "ip_allowlist.ranges":
        return frozenset(str(parse_network(r)) for r in value)
    if isinstance(value, tuple | list):
        return frozenset(value)
    return value


def _show(value: Any) -> str:
    if value is None:
        return "(not listed)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list | frozenset):
        return "[" + ", ".join(sorted(str(v) for v in value)) + "]"
    return str(value)


def _agrees(obs: Observed, att: Observed) -> bool:
    if obs.certainty == "at_least" and obs.path.startswith("rovo_mcp.permissions."):
        return _RANK[att.value] >= _RANK[obs.value]
    return bool(_norm(obs.path, obs.value) == _norm(att.path, att.value))


class _Builder:
    def __init__(self, org_id: str) -> None:
        self.org_id = org_id
        self.values: dict[str, Any] = {}
        self.prov: dict[str, Evidence] = {}
        self.contradictions: list[Contradiction] = []
        self.checked: set[str] = set()

    def put(self, path: str, o: Observed) -> None:
        self.values[path] = o.value
        self.prov[path] = o.evidence

    def compare(
        self,
        path: str,
        obs: Observed,
        att: Observed,
        *,
        observed_shown: str | None = None,
        attested_shown: str | None = None,
    ) -> bool:
        self.checked.add(path)
        if _agrees(obs, att):
            return True
        self.contradictions.append(
            Contradiction(
                field=path,
                observed=observed_shown or _show(obs.value),
                observed_source=obs.evidence.source,
                attested=attested_shown or _show(att.value),
                attested_by=att.evidence.by,
            )
        )
        return False


def merge_org(org_id: str, results: Sequence[SourceResult], *, name_hint: str | None = None) -> Org:
    b = _Builder(org_id)
    observed = sorted((r for r in results if r.source != "attested"), key=lambda r: _PRIORITY[r.source])
    failures = [f for r in observed for f in r.failures]
    obs: dict[str, Observed] = {}
    partial_creds: list[Observed] = []
    for r in observed:
        for ob in r.observations:
            if ob.path == "credentials" and not ob.complete:
                partial_creds.append(ob)
            else:
                obs.setdefault(ob.path, ob)  # the first (highest priority) source wins
    att = {o.path: o for r in results if r.source == "attested" for o in r.observations}

    for path in sorted(set(obs) | set(att)):
        if path == "credentials":
            continue
        o, a = obs.get(path), att.get(path)
        if o is not None and a is not None and path.split(".")[0] not in SECTIONS:
            b.put(path, o)  # descriptive fields (name, sites): the observation simply wins
        elif o is not None and a is not None:
            agree = b.compare(path, o, a)
            keep_attested = agree and o.certainty == "at_least" and a.value != o.value
            b.put(path, a if keep_attested else o)
        elif o is not None:
            b.put(path, o)
        elif a is not None:
            b.put(path, a)
    _merge_credentials(b, obs.get("credentials"), partial_creds, att.get("credentials"), failures)
    return _assemble(b, failures, name_hint)


def _merge_credentials(
    b: _Builder, full: Observed | None, partial: list[Observed], att: Observed | None, failures: list[CouldNotCollect]
) -> None:
    if full is not None:
        base, ev = list(full.value), full.evidence
        if att is not None:
            _compare_credentials(b, full, att)
    elif att is not None:
        base, ev = list(att.value), att.evidence
    elif partial and not any(f.section == "credentials" for f in failures):
        # No inventory was attempted: keep what the OAuth token showed, and record the gap as a
        # collection error, so scope checks over every credential say `unknown`, not `pass`.
        base, ev = (
            [],
            partial[0].evidence.model_copy(
                update={
                    "detail": "only the configured OAuth token; API tokens and keys were not listed (no admin API key)"
                }
            ),
        )
        failures.append(
            CouldNotCollect(
                "credentials", "admin-api", "API tokens and keys were not listed: no admin API key configured", None
            )
        )
    else:
        return  # absent: an inventory failed and nobody attested one
    labels = {c.label for c in base}
    added = [(c, o.evidence) for o in partial for c in o.value if c.label not in labels]
    b.values["credentials"] = tuple(base + [c for c, _ in added])
    b.prov["credentials"] = ev
    for c, e in added:  # say where each credential outside the inventory came from
        b.prov[f"credentials[{c.label}]"] = e


def _compare_credentials(b: _Builder, full: Observed, att: Observed) -> None:
    seen = {c.label: c for c in full.value}
    for c in att.value:
        o = seen.get(c.label)
        key = f"credentials[{c.label}]"
        pair = (Observed(key, None if o is None else o.label, full.evidence), Observed(key, c.label, att.evidence))
        if (
            not b.compare(key, *pair, observed_shown="(not listed)" if o is None else "listed", attested_shown="listed")
            or o is None
        ):
            continue
        for name in ("kind", "scopes", "expires"):
            ov, av = getattr(o, name), getattr(c, name)
            if ov is not None and av is not None:
                path = f"{key}.{name}"
                b.compare(path, Observed(path, ov, full.evidence), Observed(path, av, att.evidence))


def _assemble(b: _Builder, failures: list[CouldNotCollect], name_hint: str | None) -> Org:
    v = b.values
    catalog = permission_groups().products
    perms: dict[str, dict[str, Any]] = {}
    future: dict[str, dict[str, Any]] = {}
    for field, into in (("permissions", perms), ("future_additions", future)):
        for product, spec in catalog.items():
            groups = {
                g: v[f"rovo_mcp.{field}.{product}.{g}"] for g in spec.groups if f"rovo_mcp.{field}.{product}.{g}" in v
            }
            if groups:
                into[product] = groups
    mcp_fields = {
        k: v[f"rovo_mcp.{k}"]
        for k in ("atlassian_supported_domains", "domains", "api_token_auth")
        if f"rovo_mcp.{k}" in v
    }
    rovo = (
        RovoMcp(**mcp_fields, permissions=perms or None, future_additions=future or None)
        if mcp_fields or perms or future
        else None
    )
    ip_fields = {k: v[f"ip_allowlist.{k}"] for k in ("enabled", "ranges") if f"ip_allowlist.{k}" in v}
    ip = IpAllowlist(**ip_fields) if ip_fields else None
    creds: tuple[Credential, ...] | None = v.get("credentials")
    sites: tuple[Site, ...] = v.get("sites", ())
    activity: McpActivity | None = v.get("mcp_activity")
    evidence, provenance = _evidence(b.prov)
    return Org(
        id=b.org_id,
        name=v.get("name") or name_hint,
        sites=sites,
        rovo_mcp=rovo,
        ip_allowlist=ip,
        credentials=creds,
        evidence=evidence,
        verified_domains=v.get("verified_domains"),
        collection_errors=tuple(
            sorted(
                (
                    CollectionError(section=f.section, source=f.source, error=f.error, endpoint=f.endpoint)
                    for f in failures
                ),
                key=lambda e: (e.section, e.source, e.endpoint or ""),
            )
        ),
        contradictions=tuple(sorted(b.contradictions, key=lambda c: c.field)),
        provenance=provenance,
        cross_checked=tuple(sorted(b.checked)),
        mcp_activity=activity,
    )


def _evidence(prov: dict[str, Evidence]) -> tuple[dict[Section, Evidence], dict[str, Evidence]]:
    """One evidence per section, plus the fields whose source differs from their section's.

    A section mixing sources carries the attested signature if any field was attested (a
    person vouches for part of it), and the oldest time of its fields (for RMCP-EVID-001).
    """
    sections: dict[Section, Evidence] = {}
    exceptions: dict[str, Evidence] = {}
    for section in SECTIONS:
        fields = {p: e for p, e in prov.items() if p == section or p.startswith((section + ".", section + "["))}
        if not fields:
            continue
        evs = sorted(fields.values(), key=lambda e: _PRIORITY[e.source] if e.source != "attested" else -1)
        head = evs[0]
        oldest = min((e.at for e in evs if e.at is not None), default=None)
        others = sorted({e.source for e in evs} - {head.source})
        detail = head.detail
        if others:
            moved = sorted(p.removeprefix(section + ".") for p, e in fields.items() if e.source != head.source)
            detail = f"{', '.join(moved)}: {', '.join(others)}; the rest: {head.source}"
        sections[section] = head.model_copy(update={"at": oldest, "detail": detail})
        exceptions.update({p: e for p, e in fields.items() if e.source != head.source})
    for path in ("verified_domains", "mcp_activity"):
        if path in prov:
            exceptions[path] = prov[path]
    return sections, dict(sorted(exceptions.items()))
