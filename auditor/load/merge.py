"""Several policies add up to one rule set; a contradiction between them is an input error.

Each rule keeps the location it came from, so a finding can cite `policy_ref` and a
conflict can name both places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Generic, TypeVar

from pydantic import BaseModel

from ..errors import InputError, Location, Problem
from ..model.common import Level, Severity, Tri
from ..model.policy import Policy
from .documents import Loaded

T = TypeVar("T")
# Covariant (a frozen Rule only gives its value out), so a Rule[Tri] is a Rule[object].
T_co = TypeVar("T_co", covariant=True)
LEVEL_RANK: dict[Level, int] = {"ignore": 0, "warn": 1, "fail": 2}


@dataclass(frozen=True, slots=True)
class Rule(Generic[T_co]):
    value: T_co
    at: Location
    ref: str = field(init=False, compare=False)  # `file:line`, read once per finding

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", self.at.ref)


@dataclass(frozen=True, slots=True)
class DomainRules:
    at: Location
    atlassian_supported: Rule[Tri] | None
    required: tuple[Rule[str], ...]
    allowed: tuple[Rule[str], ...]
    forbidden: tuple[Rule[str], ...]
    unlisted: Rule[Level]
    public_suffix_wildcards: Rule[Level]


@dataclass(frozen=True, slots=True)
class ScopeRules:
    at: Location
    credentials: tuple[str, ...]
    required: tuple[Rule[str], ...]
    forbidden: tuple[Rule[str], ...]
    classic_on_api_tokens: Rule[Level]


@dataclass(frozen=True, slots=True)
class IpRules:
    enabled: Rule[Tri] | None
    required_ranges: tuple[Rule[str], ...]


@dataclass(frozen=True, slots=True)
class EffectivePolicy:
    """The rules that apply to one org, merged from every policy that covers it."""

    names: tuple[str, ...]
    domains: DomainRules | None = None
    oauth: Rule[Tri] | None = None
    api_token: Rule[Tri] | None = None
    scopes: tuple[ScopeRules, ...] = ()
    permissions: dict[tuple[str, str], Rule[Tri]] = field(default_factory=dict)
    ip: IpRules | None = None
    max_age_days: Rule[int] | None = None
    severity: dict[str, Rule[Severity]] = field(default_factory=dict)
    checklist: tuple[Rule[str], ...] = ()  # rollout.checklist: the pre-rollout items asked for
    # future_additions: the Permissions tab's "Apply to future additions" per (product, group)
    future_additions: dict[tuple[str, str], Rule[Tri]] = field(default_factory=dict)


def _conflict(a: Location, b: Location, what: str) -> InputError:
    return InputError(Problem(b, f"policies contradict each other: {what} (the other rule is at {a})"))


def _tri(current: Rule[Tri] | None, new: Rule[Tri], what: str) -> Rule[Tri] | None:
    """require/forbid/allow: `allow` checks nothing; require against forbid is a contradiction."""
    if new.value == "allow":
        return current
    if current is None:
        return new
    if current.value != new.value:
        raise _conflict(current.at, new.at, f"{what}: one says {current.value}, the other {new.value}")
    return current


def _level(current: Rule[Level] | None, new: Rule[Level]) -> Rule[Level]:
    """fail/warn/ignore: the strictest wins, no contradiction."""
    if current is None or LEVEL_RANK[new.value] > LEVEL_RANK[current.value]:
        return new
    return current


def _items(doc: Loaded[Policy], values: Sequence[str], *path: str) -> tuple[Rule[str], ...]:
    return tuple(Rule(v, doc.at(*path, i)) for i, v in enumerate(values))


def _union(current: tuple[Rule[str], ...], new: tuple[Rule[str], ...]) -> tuple[Rule[str], ...]:
    seen = {r.value for r in current}
    added: list[Rule[str]] = []
    for r in new:
        if r.value not in seen:
            seen.add(r.value)
            added.append(r)
    return current + tuple(added)


def _rule(doc: Loaded[Policy], section: BaseModel, key: str, value: T, *path: str) -> Rule[T]:
    """A keyed rule (`value` is `section.<key>`); when the key was not written, it points at
    its section (the default applies there)."""
    at = doc.at(*path, key) if key in section.model_fields_set else doc.at(*path)
    return Rule(value, at)


def merge_policies(docs: Sequence[Loaded[Policy]]) -> EffectivePolicy:
    names: list[str] = []
    domains: DomainRules | None = None
    oauth: Rule[Tri] | None = None
    api_token: Rule[Tri] | None = None
    scopes: list[ScopeRules] = []
    perms: dict[tuple[str, str], Rule[Tri]] = {}
    future: dict[tuple[str, str], Rule[Tri]] = {}
    ip: IpRules | None = None
    max_age: Rule[int] | None = None
    severity: dict[str, Rule[Severity]] = {}
    checklist: tuple[Rule[str], ...] = ()
    for doc in docs:
        p = doc.model
        names.append(p.metadata.name)
        if p.domains is not None:
            d = p.domains
            supported = _rule(doc, d, "atlassian_supported", d.atlassian_supported, "domains")
            new = DomainRules(
                at=doc.at("domains"),
                atlassian_supported=supported,
                required=_items(doc, d.required, "domains", "required"),
                allowed=_items(doc, d.allowed, "domains", "allowed"),
                forbidden=_items(doc, d.forbidden, "domains", "forbidden"),
                unlisted=_rule(doc, d, "unlisted", d.unlisted, "domains"),
                public_suffix_wildcards=_rule(doc, d, "public_suffix_wildcards", d.public_suffix_wildcards, "domains"),
            )
            if domains is None:
                toggle = _tri(None, supported, "domains.atlassian_supported")
                domains = DomainRules(
                    new.at, toggle, new.required, new.allowed, new.forbidden, new.unlisted, new.public_suffix_wildcards
                )
            else:
                domains = DomainRules(
                    domains.at,
                    _tri(domains.atlassian_supported, supported, "domains.atlassian_supported"),
                    _union(domains.required, new.required),
                    _union(domains.allowed, new.allowed),
                    _union(domains.forbidden, new.forbidden),
                    _level(domains.unlisted, new.unlisted),
                    _level(domains.public_suffix_wildcards, new.public_suffix_wildcards),
                )
        if p.auth is not None:
            if "oauth" in p.auth.model_fields_set:
                oauth = _tri(oauth, Rule(p.auth.oauth, doc.at("auth", "oauth")), "auth.oauth")
            if "api_token" in p.auth.model_fields_set:
                api_token = _tri(api_token, Rule(p.auth.api_token, doc.at("auth", "api_token")), "auth.api_token")
        if p.scopes is not None:
            s = p.scopes
            scopes.append(
                ScopeRules(
                    at=doc.at("scopes"),
                    credentials=s.credentials,
                    required=_items(doc, s.required, "scopes", "required"),
                    forbidden=_items(doc, s.forbidden, "scopes", "forbidden"),
                    classic_on_api_tokens=_rule(doc, s, "classic_on_api_tokens", s.classic_on_api_tokens, "scopes"),
                )
            )
        sections = (("permissions", p.permissions, perms), ("future_additions", p.future_additions, future))
        for key, rules, into in sections:
            for product, groups in (rules or {}).items():
                for group, value in groups.items():
                    perm = _tri(
                        into.get((product, group)),
                        Rule(value, doc.at(key, product, group)),
                        f"{key}.{product}.{group}",
                    )
                    if perm is not None:
                        into[(product, group)] = perm
        if p.ip_allowlist is not None:
            enabled = _tri(
                ip.enabled if ip else None,
                _rule(doc, p.ip_allowlist, "enabled", p.ip_allowlist.enabled, "ip_allowlist"),
                "ip_allowlist.enabled",
            )
            ranges = _items(doc, p.ip_allowlist.required_ranges, "ip_allowlist", "required_ranges")
            ip = IpRules(enabled, _union(ip.required_ranges if ip else (), ranges))
        if p.rollout is not None:
            checklist = _union(checklist, _items(doc, p.rollout.checklist, "rollout", "checklist"))
        if p.evidence is not None and p.evidence.max_age_days is not None:
            new_age = Rule(p.evidence.max_age_days, doc.at("evidence", "max_age_days"))
            if max_age is None or new_age.value < max_age.value:
                max_age = new_age
        for cid, sev in p.severity.items():
            new_sev = Rule(sev, doc.at("severity", cid))
            old = severity.get(cid)
            if old is not None and old.value != sev:
                raise _conflict(old.at, new_sev.at, f"severity of {cid}: {old.value} or {sev}")
            severity[cid] = new_sev
    merged = EffectivePolicy(
        tuple(names), domains, oauth, api_token, tuple(scopes), perms, ip, max_age, severity, checklist, future
    )
    _check_cross_rules(merged)
    return merged


def _globs_overlap(a: str, b: str) -> bool:
    """Whether two `*`-globs can match a common label (exact for literal and single-`*` globs)."""
    if "*" not in a or "*" not in b:
        return fnmatchcase(a, b) or fnmatchcase(b, a)
    pa, sa = a.split("*")[0], a.rsplit("*", 1)[1]
    pb, sb = b.split("*")[0], b.rsplit("*", 1)[1]
    return (pa.startswith(pb) or pb.startswith(pa)) and (sa.endswith(sb) or sb.endswith(sa))


def _check_cross_rules(policy: EffectivePolicy) -> None:
    """Contradictions that span two kinds of rule: a required item that is also forbidden."""
    if policy.domains is not None and policy.domains.forbidden and policy.domains.required:
        from ..patterns import PatternIndex, parse_pattern

        # Through the index: only the forbidden patterns that can share a host with a required
        # one are compared (all pairs took 155 s for 39,789 patterns; the first hit, in the
        # forbidden list's order, is the one named, as before).
        forbidden = policy.domains.forbidden
        index = PatternIndex([parse_pattern(f.value) for f in forbidden])
        position: dict[int, int] = {}
        for i, pattern in enumerate(index.patterns):
            position.setdefault(id(pattern), i)  # the first of equal entries, as before
        for req in policy.domains.required:
            hits = index.intersecting(parse_pattern(req.value))
            if hits:
                forb = forbidden[position[id(hits[0])]]
                raise _conflict(forb.at, req.at, f"required {req.value!r} matches forbidden {forb.value!r}")
    for a in policy.scopes:
        for b in policy.scopes:
            if not any(_globs_overlap(x, y) for x in a.credentials for y in b.credentials):
                continue
            for req in a.required:
                for forb in b.forbidden:
                    if fnmatchcase(req.value, forb.value):
                        raise _conflict(
                            forb.at, req.at, f"scope {req.value!r} is required and forbidden by {forb.value!r}"
                        )
