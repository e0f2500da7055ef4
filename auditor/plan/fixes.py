"""For one failing finding, the smallest changes that would make it pass (or why there are none).

Local knowledge only: each control's fix says what to change for its own subject. Whether the
change breaks something else, or needs another change first, is the planner's business: it
asks the evaluator (plan/planner.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..load.merge import EffectivePolicy
from ..model.common import SECTION_OF_AREA, Section, is_section
from ..model.results import Finding
from ..model.settings import Org
from .model import Action, Change, Value

# Change built positionally with tuple.__new__ where the planner asks most (one per entry to
# delete: 14,872 on 100 orgs × 300 entries): a NamedTuple's own __new__ is a Python call.
_new_change: Callable[[type[Change], tuple[str, Action, str, Value | None]], Change] = tuple.__new__


@dataclass(frozen=True, slots=True)
class NoFix:
    """A finding no change of the settings can settle, and why."""

    reason: str
    collect: Section | None = None  # a collect step can settle it (stale or contradicted evidence)


Fixer = Callable[[Finding, Org, EffectivePolicy], "list[Change] | NoFix"]


def section_of_finding(f: Finding) -> Section | None:
    if f.area == "evidence":
        head = (f.subject or "").split(".", 1)[0].split("[", 1)[0]
        return head if is_section(head) else None
    section = SECTION_OF_AREA.get(f.area)
    return section if is_section(section) else None


def fix(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    """Changes that make the fail/warn finding `f` pass, for the org it is about."""
    handler = _FIXES.get(f.control)
    if handler is None:
        return NoFix(f"rovo-audit plan does not know how to fix {f.control}")
    return handler(f, org, policy)


def _subject(f: Finding) -> str:
    if f.subject is None:
        raise ValueError(f"{f.control} has a subject")
    return f.subject


def _add_required_origin(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    return [Change(org.id, "add", "rovo_mcp.domains", _subject(f))]


def _remove_entry(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    if f.subject is None:
        return NoFix("the allowlist was not collected")
    return [_new_change(Change, (org.id, "remove", "rovo_mcp.domains", f.subject))]


def _toggle(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    rule = policy.domains.atlassian_supported if policy.domains else None
    if rule is None or rule.value == "allow":
        return NoFix("the policy does not rule on the toggle")
    return [Change(org.id, "set", "rovo_mcp.atlassian_supported_domains", rule.value == "require")]


def _api_token(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    if policy.api_token is None or policy.api_token.value == "allow":
        return NoFix("the policy does not rule on API token authentication")
    return [Change(org.id, "set", "rovo_mcp.api_token_auth", policy.api_token.value == "require")]


def _open_oauth(org: Org, policy: EffectivePolicy, why: str) -> list[Change] | NoFix:
    """OAuth 2.1 access needs an allowed origin: the policy's required ones (RMCP-DOM-001 adds
    them), else the supported-domains toggle where the policy allows it."""
    rules = policy.domains
    if rules is not None and rules.required:
        return [Change(org.id, "add", "rovo_mcp.domains", r.value) for r in rules.required]
    if rules is None or rules.atlassian_supported is None or rules.atlassian_supported.value != "forbid":
        return [Change(org.id, "set", "rovo_mcp.atlassian_supported_domains", True)]
    return NoFix(
        f"{why}, but the policy requires no origin and forbids Allow Atlassian supported domains: "
        "list your OAuth clients' origins in the policy's domains.required"
    )


def _oauth(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    if policy.oauth is None or policy.oauth.value == "allow":
        return NoFix("the policy does not rule on OAuth 2.1 access")
    if policy.oauth.value == "require":
        return _open_oauth(org, policy, "OAuth 2.1 access must be open")
    changes = [Change(org.id, "set", "rovo_mcp.atlassian_supported_domains", False)]
    entries = org.rovo_mcp.domains if org.rovo_mcp else None
    changes += [Change(org.id, "remove", "rovo_mcp.domains", d) for d in entries or ()]
    return changes


def _credential_scope(f: Finding, org: Org, action: str) -> list[Change] | NoFix:
    label, _, scope = _subject(f).rpartition("/")
    if label in ("(none)", "*"):
        return NoFix("no collected credential matches the policy's selector: issue one with the scopes it needs")
    change = Change(org.id, "add" if action == "add" else "remove", f"credentials[{label}].scopes", scope)
    return [change]


def _scope_required(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    return _credential_scope(f, org, "add")


def _scope_remove(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    return _credential_scope(f, org, "remove")


def _classic_scope(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    """RMCP-SCOPE-003: a classic scope beside recognised ones is dropped (the MCP server ignores
    it); a token with no recognised scope needs new scopes the plan cannot choose."""
    from ..evaluate.scopes import is_recognised

    label = _subject(f).rpartition("/")[0]
    cred = next((c for c in org.credentials or () if c.label == label), None)
    if cred is not None and cred.scopes is not None and not any(is_recognised(s) for s in cred.scopes):
        return NoFix(
            f"{label} holds no scope the MCP server recognises on an API token (it sees only the Teamwork Graph "
            "tools): issue it again with the granular or Rovo MCP scopes its client needs, which the plan cannot "
            "choose (list them in the policy's scopes.required and the plan adds them)"
        )
    return _credential_scope(f, org, "remove")


def _permission(value: str) -> Fixer:
    def handler(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
        product, group = _subject(f).split(".", 1)
        return [Change(org.id, "set", f"rovo_mcp.permissions.{product}.{group}", value)]

    return handler


def _future_additions(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    """RMCP-PERM-004: "Apply to future additions" set as the policy asks."""
    product, group = _subject(f).split(".", 1)
    rule = policy.future_additions.get((product, group))
    if rule is None or rule.value == "allow":
        return NoFix("the policy does not rule on Apply to future additions for it")
    return [Change(org.id, "set", f"rovo_mcp.future_additions.{product}.{group}", rule.value == "require")]


def _workable(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    from ..catalog import permission_groups

    product = _subject(f).split(".", 1)[0]
    needs = permission_groups().products[product].requires
    if needs == "api_token":
        if policy.api_token is not None and policy.api_token.value == "forbid":
            return NoFix(f"{product} tools need API token authentication, which the policy forbids")
        return [Change(org.id, "set", "rovo_mcp.api_token_auth", True)]
    if policy.oauth is not None and policy.oauth.value == "forbid":
        return NoFix(f"{product} tools need OAuth 2.1 access, which the policy forbids")
    return _open_oauth(org, policy, f"{product} tools need OAuth 2.1 access")


def _ip_enabled(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    rule = policy.ip.enabled if policy.ip else None
    if rule is None or rule.value == "allow":
        return NoFix("the policy does not rule on the IP allowlist")
    return [Change(org.id, "set", "ip_allowlist.enabled", rule.value == "require")]


def _ip_range(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    return [Change(org.id, "add", "ip_allowlist.ranges", _subject(f))]


def _vendor_egress(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    """RMCP-IP-003: let the vendor's published egress ranges through the IP allowlist. Turning
    the allowlist off would also pass, but loosening it is the admin's call, never the plan's."""
    from ..catalog import mcp_clients

    client = mcp_clients().clients.get(_subject(f))
    egress = client.egress if client else None
    if client is None or egress is None or egress.published != "listed" or not egress.ranges:
        vendor = client.vendor if client else _subject(f)
        return NoFix(
            f"{vendor} publishes no fixed list of egress ranges to allow: with the IP allowlist on its hosted "
            "client cannot connect; turn the allowlist off if the policy allows it, or drop the client"
        )
    have = set(org.ip_allowlist.ranges or ()) if org.ip_allowlist else set()
    return [Change(org.id, "add", "ip_allowlist.ranges", r) for r in egress.ranges if r not in have]


def _checklist(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    """RMCP-ROLL-*: a pre-rollout to-do no API shows: a person does it, then attests it."""
    if f.control == "RMCP-ROLL-001":
        if f.subject in (None, "*"):
            return NoFix(
                "the org's sites were not collected (the admin API lists them): collect them so that each site's first consent can be checked"
            )
        return [Change(org.id, "set", f"rollout_checklist.site_admin_consent[{f.subject}].done", True)]
    item = {"RMCP-ROLL-002": "user_installed_apps", "RMCP-ROLL-003": "connected_apps_oauth"}[f.control]
    return [Change(org.id, "set", f"rollout_checklist.{item}.done", True)]


# Controls whose `unknown` the plan settles with a change, not a collect step: what they
# need is done by a person and attested, not read from an API.
ATTESTED_TODO = frozenset({"RMCP-ROLL-001", "RMCP-ROLL-002", "RMCP-ROLL-003"})


def _stale(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    section = section_of_finding(f)
    return NoFix("the evidence is older than the policy allows: collect it again", collect=section)


def _contradicted(f: Finding, org: Org, policy: EffectivePolicy) -> list[Change] | NoFix:
    return NoFix(
        "an attested value contradicts what was observed: correct the attestation, then collect again",
        collect=section_of_finding(f),
    )


# Controls whose fix reads the org's settings (its allowlist, a credential's scopes, its IP
# ranges); every other fix reads only the org's id, so the planner may hand it the org as
# it was when the finding was judged (tests/unit/test_plan.py holds every fixer to this).
READS_ORG = frozenset({"RMCP-AUTH-002", "RMCP-SCOPE-003", "RMCP-IP-003"})

_FIXES: dict[str, Fixer] = {
    "RMCP-DOM-001": _add_required_origin,
    "RMCP-DOM-002": _remove_entry,
    "RMCP-DOM-003": _remove_entry,
    "RMCP-DOM-004": _remove_entry,
    "RMCP-DOM-005": _toggle,
    "RMCP-DOM-006": _remove_entry,
    "RMCP-AUTH-001": _api_token,
    "RMCP-AUTH-002": _oauth,
    "RMCP-SCOPE-001": _scope_required,
    "RMCP-SCOPE-002": _scope_remove,
    "RMCP-SCOPE-003": _classic_scope,
    "RMCP-PERM-001": _permission("allowed"),
    "RMCP-PERM-002": _permission("blocked"),
    "RMCP-PERM-003": _workable,
    "RMCP-PERM-004": _future_additions,
    "RMCP-IP-001": _ip_enabled,
    "RMCP-IP-002": _ip_range,
    "RMCP-IP-003": _vendor_egress,
    "RMCP-ROLL-001": _checklist,
    "RMCP-ROLL-002": _checklist,
    "RMCP-ROLL-003": _checklist,
    "RMCP-EVID-001": _stale,
    "RMCP-EVID-002": _contradicted,
}
