"""RMCP-SCOPE-001..003: the scopes each selected credential holds."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from ..load.merge import ScopeRules
from ..model.common import STATUS_RANK, Status
from ..model.results import Finding
from ..model.settings import Credential
from .factory import OrgView


def is_classic(scope: str) -> bool:
    """Classic scopes have two colon-separated parts (read:jira-work); granular ones three."""
    return scope.count(":") == 1


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
            expected="granular scopes only on API tokens",
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
                expected="granular scopes only",
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
        for scope in scopes:
            classic = is_classic(scope)
            status: Status = ("warn" if level == "warn" else "fail") if classic else "pass"
            yield view.finding(
                "RMCP-SCOPE-003",
                status,
                f"{label}/{scope}",
                expected="granular scopes (three parts) on API tokens",
                actual=f"{scope} is a classic scope" if classic else f"{scope} is granular",
                rule=rules.classic_on_api_tokens,
                value=scope,
                credential=label,
            )
