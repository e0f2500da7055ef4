"""RMCP-SCOPE-001..003: the scopes each selected credential holds.

RMCP-SCOPE-003 judges an API token's scopes by their effect, each by its family in
auditor/data/mcp_auth.yaml (the first whose pattern matches): the MCP server ignores classic
scopes on an API token, so a token whose scopes are all classic sees only the Teamwork Graph
tools (`fail`, whatever `classic_on_api_tokens` says but `ignore`); beside a scope of a
recognised family (granular, Rovo MCP `:mcp`, Teamwork Graph `:twg`, agent-interface) a classic
scope does nothing, and `classic_on_api_tokens` says what that is (`fail` or `warn`). Identity
scopes (offline_access, read:me) and scopes in no family are not classic, and are not
recognised product access either.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from ..catalog import scope_family
from ..load.merge import ScopeRules
from ..model.common import STATUS_RANK, Status
from ..model.results import Finding
from ..model.settings import Credential
from .factory import OrgView

EXPECTED_003 = "scopes the MCP server recognises on an API token (granular, Rovo MCP, Teamwork Graph, agent-interface), not classic ones"


def is_classic(scope: str) -> bool:
    """A classic scope (read:jira-work): ignored by the MCP server on an API token."""
    family = scope_family(scope)
    return family is not None and family.recognised is False


def is_recognised(scope: str) -> bool:
    """A scope of a family the MCP server honours on an API token (granular, :mcp, :twg, agent-interface)."""
    family = scope_family(scope)
    return family is not None and family.recognised is True


def check(view: OrgView) -> Iterator[Finding]:
    best: dict[tuple[str, str | None], Finding] = {}
    for rules in view.policy.scopes:
        for f in _check_set(view, rules):
            old = best.get((f.control, f.subject))
            if old is None or STATUS_RANK[f.status] < STATUS_RANK[old.status]:  # the worse result stands
                best[(f.control, f.subject)] = f
    yield from best.values()


def _selected(rules: ScopeRules, creds: tuple[Credential, ...]) -> list[Credential]:
    return [c for c in creds if any(fnmatchcase(c.label, g) for g in rules.credentials)]


def _check_set(view: OrgView, rules: ScopeRules) -> Iterator[Finding]:
    creds = view.org.credentials
    if creds is None:
        yield from _unseen_credentials(view, rules, view.missing("credentials", "credentials"))
        return
    partial = any(e.section == "credentials" for e in view.org.collection_errors)
    if partial:
        # The list is partial (e.g. only an OAuth token, no inventory of API tokens): what it
        # holds is judged below, and what it may lack is unknown, never a silent pass.
        yield from _unseen_credentials(view, rules, view.missing("credentials (the complete list)", "credentials"))
    selected = _selected(rules, creds)
    if not selected:
        if partial:
            return  # "none selected" may only mean "not listed": the unknowns above say it
        selector = ", ".join(rules.credentials)
        for req in rules.required:
            yield view.finding(
                "RMCP-SCOPE-001",
                "fail",
                f"(none)/{req.value}",
                expected=f"a credential matching {selector} with scope {req.value}",
                actual=f"no collected credential matches {selector}",
                rule=req,
                value=req.value,
                credential=f"a credential for {selector}",
            )
        return
    for cred in selected:
        yield from _check_credential(view, rules, cred)


def _unseen_credentials(view: OrgView, rules: ScopeRules, actual: str) -> Iterator[Finding]:
    """`unknown` for every scope rule, subject `*/...`: credentials that were not (all) collected."""
    for req in rules.required:
        yield view.finding(
            "RMCP-SCOPE-001",
            "unknown",
            f"*/{req.value}",
            expected=f"scope {req.value} granted",
            actual=actual,
            rule=req,
            value=req.value,
            credential="each credential",
        )
    for forb in rules.forbidden:
        yield view.finding(
            "RMCP-SCOPE-002",
            "unknown",
            f"*/{forb.value}",
            expected=f"no scope matching {forb.value}",
            actual=actual,
            rule=forb,
            value=forb.value,
            credential="each credential",
        )
    if rules.classic_on_api_tokens.value != "ignore":
        yield view.finding(
            "RMCP-SCOPE-003",
            "unknown",
            "*/*",
            expected=EXPECTED_003,
            actual=actual,
            rule=rules.classic_on_api_tokens,
            credential="each API token",
        )


def _check_credential(view: OrgView, rules: ScopeRules, cred: Credential) -> Iterator[Finding]:
    label = cred.label
    if cred.scopes is None:
        actual = view.missing(f"credentials[{label}].scopes", "credentials")
        for req in rules.required:
            yield view.finding(
                "RMCP-SCOPE-001",
                "unknown",
                f"{label}/{req.value}",
                expected=f"scope {req.value} granted",
                actual=actual,
                rule=req,
                value=req.value,
                credential=label,
            )
        for forb in rules.forbidden:
            yield view.finding(
                "RMCP-SCOPE-002",
                "unknown",
                f"{label}/{forb.value}",
                expected=f"no scope matching {forb.value}",
                actual=actual,
                rule=forb,
                value=forb.value,
                credential=label,
            )
        if cred.kind == "api_token" and rules.classic_on_api_tokens.value != "ignore":
            yield view.finding(
                "RMCP-SCOPE-003",
                "unknown",
                f"{label}/*",
                expected=EXPECTED_003,
                actual=actual,
                rule=rules.classic_on_api_tokens,
                credential=label,
            )
        return
    held = set(cred.scopes)
    scopes = tuple(dict.fromkeys(cred.scopes))  # a scope listed twice is one subject
    for req in rules.required:
        ok = req.value in held
        yield view.finding(
            "RMCP-SCOPE-001",
            "pass" if ok else "fail",
            f"{label}/{req.value}",
            expected=f"scope {req.value} granted",
            actual="granted" if ok else f"not granted (holds: {', '.join(cred.scopes) or 'none'})",
            rule=req,
            value=req.value,
            credential=label,
        )
    if rules.forbidden:
        for scope in scopes:
            hit = next((f for f in rules.forbidden if fnmatchcase(scope, f.value)), None)
            yield view.finding(
                "RMCP-SCOPE-002",
                "fail" if hit else "pass",
                f"{label}/{scope}",
                expected="no scope matching " + ", ".join(f.value for f in rules.forbidden),
                actual=f"holds {scope}, forbidden by {hit.value}" if hit else f"holds {scope}, not forbidden",
                rule=hit or rules.forbidden[0],
                value=scope,
                credential=label,
            )
    level = rules.classic_on_api_tokens.value
    if cred.kind == "api_token" and level != "ignore":
        yield from _classic(view, rules, label, scopes)


def _classic(view: OrgView, rules: ScopeRules, label: str, scopes: tuple[str, ...]) -> Iterator[Finding]:
    """RMCP-SCOPE-003 by effect: one finding per scope of an API token."""
    recognised = [s for s in scopes if is_recognised(s)]
    beside: Status = "warn" if rules.classic_on_api_tokens.value == "warn" else "fail"
    for scope in scopes:
        family = scope_family(scope)
        variant: str | None = None
        if family is not None and family.recognised is False:
            if recognised:
                status, variant = beside, "beside"
                shown = ", ".join(recognised[:3]) + (", ..." if len(recognised) > 3 else "")
                actual = f"{scope} is a classic scope, ignored beside the recognised {shown}"
            else:
                status = "fail"
                actual = (
                    f"{scope} is a classic scope and {label} holds no scope the MCP server recognises: "
                    "it sees only the Teamwork Graph tools"
                )
        else:
            status = "pass"
            if family is None:
                actual = f"{scope} is not classic (in no scope family of mcp_auth.yaml)"
            elif family.recognised is None:
                actual = f"{scope} is not classic ({family.id} scope, not product access)"
            else:
                actual = f"{scope} is recognised ({family.id} scope)"
        yield view.finding(
            "RMCP-SCOPE-003",
            status,
            f"{label}/{scope}",
            expected=EXPECTED_003,
            actual=actual,
            rule=rules.classic_on_api_tokens,
            value=scope,
            variant=variant,
            credential=label,
        )
