"""RMCP-PERM-001..004: the Permissions tab, product by product, group by group.

RMCP-PERM-004 is the tab's "Apply to future additions" (`rovo_mcp.future_additions`): on, new
permissions that request an allowed intent are granted without an admin's review. Its default
severity follows the group's verb (controls.yaml `severities`): high for write and destructive
intents, medium for read and search."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from ..catalog import permission_groups
from ..load.merge import Rule
from ..model.common import Status, Tri
from ..model.results import Finding
from .auth import oauth_open
from .factory import OrgView

SHOWN = {"allowed": "Allowed", "blocked": "Blocked", "partial": "Partially allowed"}


def check(view: OrgView) -> Iterator[Finding]:
    products = permission_groups().products
    mcp = view.org.rovo_mcp
    perms = mcp.permissions if mcp else None
    for (product, group), rule in sorted(view.policy.permissions.items()):
        subject = f"{product}.{group}"
        product_title, group_title = products[product].title, group.replace("_", " ").title()
        control = "RMCP-PERM-001" if rule.value == "require" else "RMCP-PERM-002"
        want = "Allowed" if rule.value == "require" else "Blocked"
        value = (perms or {}).get(product, {}).get(group) if perms is not None else None
        if value is None:
            what = "rovo_mcp.permissions" if perms is None else f"rovo_mcp.permissions.{product}.{group}"
            yield view.finding(
                control,
                "unknown",
                subject,
                expected=want,
                actual=view.missing(what, "rovo_mcp"),
                rule=rule,
                value=subject,
                product_title=product_title,
                group=group_title,
            )
        else:
            ok = value == ("allowed" if rule.value == "require" else "blocked")
            yield view.finding(
                control,
                "pass" if ok else "fail",
                subject,
                expected=want,
                actual=SHOWN[value],
                rule=rule,
                value=subject,
                product_title=product_title,
                group=group_title,
            )
        needs = products[product].requires
        if rule.value == "require" and needs:
            yield _workable(view, product, group, needs, rule)
    yield from _future_additions(view)


def _future_additions(view: OrgView) -> Iterator[Finding]:
    """RMCP-PERM-004: "Apply to future additions" against the policy, fail closed (absent: unknown)."""
    products = permission_groups().products
    mcp = view.org.rovo_mcp
    future = mcp.future_additions if mcp else None
    for (product, group), rule in sorted(view.policy.future_additions.items()):
        subject = f"{product}.{group}"
        want = rule.value == "require"
        expected = f"Apply to future additions: {'on' if want else 'off'}"
        value = future.get(product, {}).get(group) if future is not None else None
        if value is None:
            what = "rovo_mcp.future_additions" if future is None else f"rovo_mcp.future_additions.{product}.{group}"
            status: Status = "unknown"
            actual = view.missing(what, "rovo_mcp")
        else:
            status = "pass" if value == want else "fail"
            actual = f"Apply to future additions: {'on' if value else 'off'}"
        yield view.finding(
            "RMCP-PERM-004",
            status,
            subject,
            expected=expected,
            actual=actual,
            rule=rule,
            value=subject,
            action="Turn on" if want else "Turn off",
            kind=group.split("_", 1)[0],  # read, write, search, delete, manage: its default severity
            product_title=products[product].title,
            group=group.replace("_", " ").title(),
        )


def _workable(
    view: OrgView, product: str, group: str, needs: Literal["api_token", "oauth"], rule: Rule[Tri]
) -> Finding:
    """RMCP-PERM-003: JSM tools need API token auth; Compass tools need OAuth 2.1 open."""
    subject = f"{product}.{group}"
    title = permission_groups().products[product].title
    mcp = view.org.rovo_mcp
    if needs == "api_token":
        state = mcp.api_token_auth if mcp else None
        expected = "API token authentication on"
        detail = f"{title} tools work only with API token authentication, which is off"
        fix = "Turn on API token authentication (Authentication section)"
        missing = "rovo_mcp.api_token_auth"
    else:
        state = oauth_open(view)
        expected = "OAuth 2.1 access open"
        detail = f"{title} tools work only over OAuth 2.1, and no origin is allowed"
        fix = "Allow your OAuth clients' origins under Your domains (or Allow Atlassian supported domains)"
        missing = "rovo_mcp.domains / atlassian_supported_domains"
    if state is None:
        return view.finding(
            "RMCP-PERM-003",
            "unknown",
            subject,
            expected=expected,
            actual=view.missing(missing, "rovo_mcp"),
            rule=rule,
            value=subject,
            detail=detail,
            fix=fix,
        )
    return view.finding(
        "RMCP-PERM-003",
        "pass" if state else "fail",
        subject,
        expected=expected,
        actual=expected if state else detail,
        rule=rule,
        value=subject,
        detail=detail,
        fix=fix,
    )
