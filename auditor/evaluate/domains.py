"""RMCP-DOM-001..006: the org's domain allowlist against the policy's patterns."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field

from ..catalog import bug_notes
from ..load.merge import DomainRules, Rule
from ..model.common import Level, Status
from ..model.results import Finding
from ..patterns import (
    Pattern,
    PatternIndex,
    PatternSyntaxError,
    covered_by_union,
    covers,
    intersects,
    parse_pattern,
    public_suffix_wildcard,
    rule_violations,
    supported_domain_patterns,
)
from .factory import FindingTemplate, OrgView, control_subject, template

# The per-entry controls, in id order: a verdict keeps its findings in this order.
ENTRY_CONTROLS = ("RMCP-DOM-002", "RMCP-DOM-003", "RMCP-DOM-004", "RMCP-DOM-006")
_FORBIDDEN, _UNLISTED, _PUBLIC_SUFFIX, _RULES = range(len(ENTRY_CONTROLS))


@dataclass(frozen=True, slots=True)
class EntryVerdict:
    """What the policy's patterns say about one allowlist entry, whatever org holds it."""

    pattern: Pattern | None  # None when the entry does not parse
    required_hits: tuple[tuple[int, bool], ...]  # (index of a required pattern it meets, covers it whole?)
    findings: tuple[FindingTemplate | None, ...]  # by ENTRY_CONTROLS; None where the policy does not ask


@dataclass(frozen=True, slots=True)
class PreparedDomains:
    """The policy's patterns, parsed and indexed once per merged policy, not once per org."""

    rules: DomainRules
    # required, then allowed, then forbidden: one index, so that each entry is judged
    # against all three in one pass; positions below n_declared are required or allowed
    # (what an entry may be covered by), those below n_required are required.
    combined: PatternIndex
    n_required: int
    n_declared: int
    declared_rules: dict[str, Rule[str]]
    forbidden_rules: dict[str, Rule[str]]
    required: tuple[tuple[Rule[str], Pattern], ...]
    required_by_text: tuple[int, ...]  # positions in `required`, in subject order
    supported_meeting: tuple[tuple[Pattern, ...], ...]  # per required pattern: supported domains that meet it
    always: Rule[str]  # RMCP-DOM-006 has no rule of its own: it cites the domains section
    # Entries recur across the orgs of an estate: judge each distinct text once.
    verdicts: dict[str, EntryVerdict] = field(default_factory=dict)

    def judge(self, text: str) -> EntryVerdict:
        verdict = self.verdicts.get(text)
        if verdict is None:
            verdict = self.verdicts[text] = self._judge(text)
        return verdict

    def _judge(self, text: str) -> EntryVerdict:
        # The hot path of a large estate: every distinct entry passes here once.
        try:
            pattern = parse_pattern(text)
        except PatternSyntaxError as e:
            # Unparsable: only RMCP-DOM-006 can say anything about it.
            dom6 = template(
                "RMCP-DOM-006",
                "fail",
                text,
                "a valid allowlist entry: scheme://host[:port][path]",
                f"column {e.column}: {e.message}",
                self.always,
                text,
                e.message,
            )
            return EntryVerdict(None, (), (None, None, None, dom6))
        rules = self.rules
        # One pass over the policy's patterns that share a URL with the entry.
        forbidden: list[str] = []
        covering: str | None = None
        required: list[tuple[int, bool]] = []
        n_required, n_declared, patterns = self.n_required, self.n_declared, self.combined.patterns
        for i, covers_it in self.combined.relations(pattern):
            if i >= n_declared:
                forbidden.append(patterns[i].text)
                continue
            if covers_it and covering is None:
                covering = patterns[i].text
            if i < n_required:  # does the entry cover the required pattern (the other way round)?
                required.append((i, covers(pattern, patterns[i])))
        violations = rule_violations(pattern)
        return EntryVerdict(
            pattern,
            tuple(required),
            (
                _forbidden(self, text, tuple(forbidden)) if rules.forbidden else None,
                _unlisted(self, text, covering) if rules.unlisted.value != "ignore" else None,
                _public_suffix(self, text, public_suffix_wildcard(pattern))
                if rules.public_suffix_wildcards.value != "ignore"
                else None,
                _rules(self, text, "; ".join(v.message for v in violations) if violations else ""),
            ),
        )


_PREPARED: dict[int, tuple[DomainRules, PreparedDomains]] = {}
_BY_VALUE: dict[DomainRules, PreparedDomains] = {}


def prepare(rules: DomainRules) -> PreparedDomains:
    """Once per merged policy. Keyed by identity: every org under one policy shares its
    rules object, and hashing 400 rules for each org cost more than judging it."""
    hit = _PREPARED.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    if len(_PREPARED) >= 64:
        _PREPARED.clear()
        _BY_VALUE.clear()
    # The same rules merged again (the plan after the audit, in one run): its verdicts too
    # (equal rules, equal verdicts; 3,219 distinct entries on 100 orgs × 300 entries: 0.06 s).
    prepared = _BY_VALUE.get(rules)
    if prepared is None:
        prepared = _BY_VALUE[rules] = _prepare(rules)
    _PREPARED[id(rules)] = (rules, prepared)  # holding `rules` keeps its id from being reused
    return prepared


def _prepare(rules: DomainRules) -> PreparedDomains:
    declared = rules.required + rules.allowed
    required = tuple((r, parse_pattern(r.value)) for r in rules.required)
    supported = supported_domain_patterns()
    return PreparedDomains(
        rules=rules,
        combined=PatternIndex([parse_pattern(r.value) for r in (*declared, *rules.forbidden)]),
        n_required=len(required),
        n_declared=len(declared),
        declared_rules={r.value: r for r in reversed(declared)},
        forbidden_rules={r.value: r for r in reversed(rules.forbidden)},
        required=required,
        required_by_text=tuple(sorted(range(len(required)), key=lambda i: required[i][1].text)),
        supported_meeting=tuple(tuple(s for s in supported if intersects(s, p)) for _, p in required),
        always=Rule("always", rules.at),
    )


def _level_status(level: Level) -> Status:
    return "warn" if level == "warn" else "fail"


def inputs(view: OrgView) -> Hashable:
    """All that `check` reads of the view: equal inputs, equal findings (engine.INPUTS)."""
    org, mcp = view.org, view.org.rovo_mcp
    return (
        id(view.policy.domains),
        view.as_of,
        view.collected_at,
        org.id,
        org.name,
        org.collection_errors,
        mcp is None,
        mcp.domains if mcp else None,
        mcp.atlassian_supported_domains if mcp else None,
        view.evidence("rovo_mcp"),
    )


def check(view: OrgView) -> list[Finding]:
    rules = view.policy.domains
    if rules is None:
        return []
    prepared = prepare(rules)
    mcp = view.org.rovo_mcp
    toggle = mcp.atlassian_supported_domains if mcp else None
    entries = mcp.domains if mcp else None

    if entries is None:
        return sorted([*_toggle(view, rules, toggle), *_no_allowlist(view, rules)], key=control_subject)

    # Findings leave each check in (control, subject) order (engine.py relies on it):
    # entries sorted once, then each per-entry control over them in turn.
    judge, known = prepared.judge, prepared.verdicts
    unique = list(dict.fromkeys(entries))  # an entry listed twice is one subject
    verdicts = [known.get(text) or judge(text) for text in unique]  # a verdict is never falsy
    out = list(_required(view, prepared, verdicts, toggle))  # in the org's order: "allowed by" its first entry
    by_subject = list(map(known.__getitem__, sorted(unique)))
    for i, control in enumerate(ENTRY_CONTROLS):
        if control == "RMCP-DOM-006":
            out.extend(_toggle(view, rules, toggle))  # RMCP-DOM-005 sorts between -004 and -006
        out += view.from_templates(control, [t for v in by_subject if (t := v.findings[i]) is not None])
    return out


def _toggle(view: OrgView, rules: DomainRules, toggle: bool | None) -> Iterator[Finding]:
    rule = rules.atlassian_supported
    if rule is None:
        return
    want = rule.value == "require"
    expected = f"Allow Atlassian supported domains: {'on' if want else 'off'}"
    if toggle is None:
        yield view.finding(
            "RMCP-DOM-005",
            "unknown",
            None,
            expected=expected,
            actual=view.missing("rovo_mcp.atlassian_supported_domains", "rovo_mcp"),
            rule=rule,
            action="Turn on" if want else "Turn off",
        )
        return
    status: Status = "pass" if toggle == want else "fail"
    yield view.finding(
        "RMCP-DOM-005",
        status,
        None,
        expected=expected,
        actual=f"Allow Atlassian supported domains: {'on' if toggle else 'off'}",
        rule=rule,
        action="Turn on" if want else "Turn off",
    )


def _no_allowlist(view: OrgView, rules: DomainRules) -> Iterator[Finding]:
    actual = view.missing("rovo_mcp.domains", "rovo_mcp")
    for req in rules.required:
        yield view.finding(
            "RMCP-DOM-001",
            "unknown",
            req.value,
            expected=f"the allowlist allows every URL matching {req.value}",
            actual=actual,
            rule=req,
            value=req.value,
        )
    if rules.forbidden:
        yield view.finding(
            "RMCP-DOM-002",
            "unknown",
            None,
            expected="no entry matches a forbidden pattern",
            actual=actual,
            rule=rules.forbidden[0],
            detail="the forbidden patterns",
        )
    if rules.unlisted.value != "ignore":
        yield view.finding(
            "RMCP-DOM-003",
            "unknown",
            None,
            expected="every entry is declared in required or allowed",
            actual=actual,
            rule=rules.unlisted,
        )
    if rules.public_suffix_wildcards.value != "ignore":
        yield view.finding(
            "RMCP-DOM-004",
            "unknown",
            None,
            expected="no wildcard entry spans a public suffix",
            actual=actual,
            rule=rules.public_suffix_wildcards,
            detail="a public suffix",
        )
    yield view.finding(
        "RMCP-DOM-006",
        "unknown",
        None,
        expected="every entry is well formed",
        actual=actual,
        rule=Rule("always", rules.at),
        detail="see the entry",
    )


def _rules(prepared: PreparedDomains, text: str, violations: str) -> FindingTemplate:
    if violations:
        return template(
            "RMCP-DOM-006",
            "fail",
            text,
            "an entry that follows Atlassian's pattern rules",
            violations,
            prepared.always,
            text,
            violations,
        )
    return template("RMCP-DOM-006", "pass", text, "a valid allowlist entry", "well formed", prepared.always, text)


def _forbidden(prepared: PreparedDomains, text: str, hits: tuple[str, ...]) -> FindingTemplate:
    if not hits:
        return template(
            "RMCP-DOM-002",
            "pass",
            text,
            "matches no forbidden pattern",
            "matches no forbidden pattern",
            prepared.rules.forbidden[0],
            text,
            "",
        )
    names = ", ".join(hits)
    return template(
        "RMCP-DOM-002",
        "fail",
        text,
        f"no origin matched by forbidden {names}",
        f"{text} allows origins that {names} matches",
        prepared.forbidden_rules[hits[0]],
        text,
        names,
    )


def _unlisted(prepared: PreparedDomains, text: str, covered_by: str | None) -> FindingTemplate:
    expected = "covered by a required or allowed pattern"
    if covered_by is not None:
        return template(
            "RMCP-DOM-003",
            "pass",
            text,
            expected,
            f"covered by {covered_by}",
            prepared.declared_rules[covered_by],
            text,
        )
    unlisted = prepared.rules.unlisted
    return template(
        "RMCP-DOM-003",
        _level_status(unlisted.value),
        text,
        expected,
        "allows URLs that no required or allowed pattern covers",
        unlisted,
        text,
    )


def _public_suffix(prepared: PreparedDomains, text: str, fixed: str | None) -> FindingTemplate:
    rule = prepared.rules.public_suffix_wildcards
    if fixed is None:
        return template(
            "RMCP-DOM-004",
            "pass",
            text,
            "no wildcard over a public suffix",
            "no wildcard over a public suffix",
            rule,
            text,
            "",
        )
    shown = fixed or "(empty: the wildcard is the whole host)"
    return template(
        "RMCP-DOM-004",
        _level_status(rule.value),
        text,
        "wildcards only under a domain the org controls",
        f"the wildcard's fixed part {shown} is a public suffix",
        rule,
        text,
        fixed or "example.com",
    )


def _required(
    view: OrgView, prepared: PreparedDomains, verdicts: list[EntryVerdict], toggle: bool | None
) -> Iterator[Finding]:
    """RMCP-DOM-001 without an index per org: each distinct entry already knows (in its
    verdict) which required patterns it meets; only those feed the exact union check."""
    if not prepared.required:
        return
    meets: list[list[Pattern]] = [[] for _ in prepared.required]
    covered_by: list[str | None] = [None] * len(prepared.required)
    for v in verdicts:
        for i, covers_it in v.required_hits:  # none for an unparsable entry
            assert v.pattern is not None
            meets[i].append(v.pattern)
            if covers_it and covered_by[i] is None:
                covered_by[i] = v.pattern.text
    for i in prepared.required_by_text:
        rule, req = prepared.required[i]
        expected = f"the allowlist allows every URL matching {req.text}"
        if covered_by[i] is not None or (len(meets[i]) > 1 and covered_by_union(req, meets[i])):
            actual = f"allowed by {covered_by[i]}" if covered_by[i] else "allowed by the org's entries together"
            yield view.finding(
                "RMCP-DOM-001", "pass", req.text, expected=expected, actual=actual, rule=rule, value=req.text
            )
            continue
        supported = prepared.supported_meeting[i]
        supported_covers = bool(supported) and covered_by_union(req, [*meets[i], *supported])
        if supported_covers and toggle:
            yield view.finding(
                "RMCP-DOM-001",
                "pass",
                req.text,
                expected=expected,
                actual="allowed by the Atlassian supported domains (toggle on)",
                rule=rule,
                value=req.text,
            )
        elif supported_covers and toggle is None:
            yield view.finding(
                "RMCP-DOM-001",
                "unknown",
                req.text,
                expected=expected,
                actual="allowed only if Allow Atlassian supported domains is on, and that toggle was not collected",
                rule=rule,
                value=req.text,
            )
        else:
            actual = (
                f"only partly allowed (by {', '.join(p.text for p in meets[i])})"
                if meets[i]
                else "no allowlist entry matches it"
            )
            yield view.finding(
                "RMCP-DOM-001",
                "fail",
                req.text,
                expected=expected,
                actual=actual,
                rule=rule,
                value=req.text,
                notes=bug_notes("RMCP-DOM-001", view.as_of.date()),  # atlassian-mcp-server#254, while open
            )
