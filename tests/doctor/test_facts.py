"""The dated facts of issue 13 load, validate and say what they should: scope families, which
credentials the MCP server accepts, the status page, endpoint states and the open v2 bug."""

from __future__ import annotations

import datetime as dt

import pytest

from auditor.doctor.facts import endpoints, known_bugs, mcp_auth
from auditor.doctor.knowledge import knowledge


@pytest.mark.parametrize(
    "scope, family",
    [
        ("read:jira-work", "classic"),
        ("read:confluence-content.all", "classic"),
        ("read:page:confluence", "granular"),
        ("read:confluence:mcp", "mcp"),
        ("search:rovo:mcp", "mcp"),
        ("read:3p-data:mcp", "mcp"),
        ("read:all:twg", "teamwork-graph"),
        ("delete:jira:agent-interface", "agent-interface"),
        ("manage:jira:agent-interface", "agent-interface"),
        ("offline_access", "identity"),
    ],
)
def test_scope_families(scope: str, family: str) -> None:
    got = mcp_auth().family_of(scope)
    assert got is not None and got.id == family
    expected = {"classic": False, "identity": None}.get(family, True)  # classic scopes on API tokens: ignored
    assert got.recognised is expected


def test_credentials_the_mcp_server_takes_and_refuses() -> None:
    auth = mcp_auth()
    assert not auth.credential("org-admin-api-key").accepted
    assert auth.credential("org-admin-api-key").symptom == "Method not found"
    assert not auth.credential("service-account-oauth").accepted
    assert auth.credential("service-account-api-token-bearer").accepted
    assert auth.status_page.url == "https://rovo.status.atlassian.com"
    assert all(f.read == dt.date(2026, 12, 1) for f in auth.facts.values())


def test_endpoint_states() -> None:
    data = endpoints()
    sse = data.find("/v1/sse")
    assert sse is not None and sse.status == "deprecated" and sse.answers == 404
    preview = data.find("/v1/mcp/preview")
    assert preview is not None and preview.status == "preview" and preview.tools == "preview"
    v1 = data.find("/v1/mcp")
    assert v1 is not None and v1.tools_on(dt.date(2026, 12, 1)) == "v1" and v1.tools_on(dt.date(2027, 3, 1)) == "v2"
    assert v1.tools_switch is not None and v1.tools_switch.confirmed is False  # said so in the data
    assert data.find("/v2/mcp").status == "recommended"  # type: ignore[union-attr]


def test_the_open_v2_domain_bug_is_a_dated_fact() -> None:
    bugs = known_bugs()
    (bug,) = bugs.open_for(control="RMCP-DOM-001", day=dt.date(2026, 12, 1))
    assert bug.id == "atlassian-mcp-server-254" and bug.open_since == dt.date(2026, 9, 22)
    assert bug.source == "https://github.com/atlassian/atlassian-mcp-server/issues/254"
    assert bug.affects.endpoints == ("/v2/mcp",) and bug.cause in knowledge().causes
    assert bugs.open_for(control="RMCP-DOM-001", day=dt.date(2026, 9, 1)) == []  # not yet reported
    fixed = bug.model_copy(update={"state": "fixed", "fixed_on": dt.date(2027, 1, 10)})
    assert fixed.open_on(dt.date(2027, 1, 9)) and not fixed.open_on(dt.date(2027, 1, 10))


def test_token_facts_place_issuers_and_endpoints() -> None:
    """mcp_tokens.yaml (DOC-CRED-002 offline): every fact dated and of a stated certainty; the
    3LO issuer and audience; which authorization server mints tokens for which endpoint."""
    from auditor.doctor.tokens import canonical, token_facts

    data = token_facts()
    assert all(f.read == dt.date(2026, 12, 1) for f in data.facts.values())
    assert data.facts["3lo-audience"].certainty == "confirmed"
    assert data.facts["3lo-claims"].certainty == "assumed"  # the token's own claims are inferred
    assert data.custom_app.issuer == "https://auth.atlassian.com" and "api.atlassian.com" in data.custom_app.audiences
    v2 = data.server_for("https://MCP.atlassian.com:443/v2/mcp/")
    assert v2 is not None and v2 is data.server_for("https://mcp.atlassian.com/v1/mcp/authv2")
    v1 = data.server_for("https://mcp.atlassian.com/v1/mcp")
    assert v1 is not None and v1 is not v2 and v1.issuers == ("https://cf.mcp.atlassian.com",)
    assert data.server_for("https://mcp.example.com/v2/mcp") is None  # Atlassian's facts, Atlassian's host
    assert canonical("HTTPS://Mcp.Atlassian.com/v2/mcp?x=1") == "https://mcp.atlassian.com/v2/mcp"
