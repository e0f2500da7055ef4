"""RMCP-AUTH-001 (API token authentication) and RMCP-AUTH-002 (OAuth 2.1 access)."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.results import Finding
from .factory import OrgView


def oauth_open(view: OrgView) -> bool | None:
    """OAuth 2.1 access is open when the supported-domains toggle is on or the org lists an origin.

    None when the settings do not say enough to tell (FORMATS.md §4).
    """
    mcp = view.org.rovo_mcp
    if mcp is None:
        return None
    toggle, domains = mcp.atlassian_supported_domains, mcp.domains
    if toggle is True or (domains is not None and len(domains) > 0):
        return True
    if toggle is False and domains is not None:
        return False
    return None


def check(view: OrgView) -> Iterator[Finding]:
    policy = view.policy
    mcp = view.org.rovo_mcp
    if policy.api_token is not None:
        want = policy.api_token.value == "require"
        actual_on = mcp.api_token_auth if mcp else None
        expected = f"API token authentication {'on' if want else 'off'}"
        action = "Turn on" if want else "Turn off"
        if actual_on is None:
            yield view.finding(
                "RMCP-AUTH-001",
                "unknown",
                None,
                expected=expected,
                actual=view.missing("rovo_mcp.api_token_auth", "rovo_mcp"),
                rule=policy.api_token,
                action=action,
            )
        else:
            yield view.finding(
                "RMCP-AUTH-001",
                "pass" if actual_on == want else "fail",
                None,
                expected=expected,
                actual=f"API token authentication {'on' if actual_on else 'off'}",
                rule=policy.api_token,
                action=action,
            )
    if policy.oauth is not None:
        want = policy.oauth.value == "require"
        is_open = oauth_open(view)
        expected = (
            "OAuth 2.1 access open (at least one allowed origin)"
            if want
            else "OAuth 2.1 access closed (no allowed origin)"
        )
        fix = (
            "Add the origins of your OAuth clients under Your domains, or turn on Allow Atlassian supported domains"
            if want
            else "Turn off Allow Atlassian supported domains and delete every entry under Your domains"
        )
        if is_open is None:
            yield view.finding(
                "RMCP-AUTH-002",
                "unknown",
                None,
                expected=expected,
                actual=view.missing("rovo_mcp.atlassian_supported_domains or rovo_mcp.domains", "rovo_mcp"),
                rule=policy.oauth,
                detail=fix,
            )
        else:
            actual = "OAuth 2.1 access open" if is_open else "OAuth 2.1 access closed: no allowed origin"
            yield view.finding(
                "RMCP-AUTH-002",
                "pass" if is_open == want else "fail",
                None,
                expected=expected,
                actual=actual,
                rule=policy.oauth,
                detail=fix,
            )
