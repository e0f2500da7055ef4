"""The MCP probe against the Rovo MCP simulator (the official `mcp` SDK's server on
127.0.0.1, behind an auth layer like the documented one)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from auditor.collect.mcp_probe import McpProbe, permissions_from_tools, tool_groups
from auditor.load.documents import load_file
from auditor.mcpclient import Credentials
from tests.collect.conftest import collect, collect_env
from tests.conftest import assert_no_secret
from tests.servers.fake_admin_api import FakeAdminApi
from tests.servers.rovo_sim import (
    SCENARIOS,
    SIM_API_TOKEN,
    SIM_CLASSIC_API_TOKEN,
    SIM_EMAIL,
    SIM_SERVICE_KEY,
    SimConfig,
    oauth_token,
    running_sim,
)

T0 = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
SECRETS = (SIM_API_TOKEN, SIM_CLASSIC_API_TOKEN, SIM_SERVICE_KEY)


def probe(url: str, creds: Credentials, kind: str | None):
    return asyncio.run(McpProbe(url, creds, kind, as_of=T0, timeout=10).collect("org-1"))  # type: ignore[arg-type]


def values(result) -> dict[str, object]:
    return {o.path: o.value for o in result.observations}


def test_basic_api_token_session_shows_token_auth_and_groups() -> None:
    with running_sim(SCENARIOS["healthy"]) as sim:
        r = probe(f"{sim}/v1/mcp", Credentials.basic(SIM_EMAIL, SIM_API_TOKEN), "api_token")
    v = values(r)
    assert v["rovo_mcp.api_token_auth"] is True
    assert v["rovo_mcp.permissions.jira.search"] == "allowed"  # its only tool is listed
    assert v["rovo_mcp.permissions.jira.read"] == "partial"  # some of its tools: a lower bound
    assert "rovo_mcp.permissions.compass.read" not in v  # Compass is OAuth-only: unseen, not "blocked"
    assert all(o.certainty == "at_least" for o in r.observations if "permissions" in o.path)
    assert r.failures == ()
    assert any("getJsmRequest" in n for n in r.notes)  # a tool the data file does not know is reported
    assert [x.rpc_method for x in sim.requests if x.rpc_method][:2] == ["initialize", "notifications/initialized"]
    assert not any(x.tool for x in sim.requests)  # never calls a tool


def test_blocked_group_is_not_seen() -> None:
    with running_sim(SCENARIOS["permission-group-blocked"]) as sim:
        v = values(probe(f"{sim}/v1/mcp", Credentials.basic(SIM_EMAIL, SIM_API_TOKEN), "api_token"))
    assert "rovo_mcp.permissions.jira.write" not in v and v["rovo_mcp.permissions.jira.search"] == "allowed"


def test_refused_api_token_session_concludes_nothing() -> None:
    with running_sim(SCENARIOS["api-token-auth-off"]) as sim:
        r = probe(f"{sim}/v1/mcp", Credentials.basic(SIM_EMAIL, SIM_API_TOKEN), "api_token")
    assert r.observations == ()
    assert {f.section for f in r.failures} == {"rovo_mcp.api_token_auth", "rovo_mcp.permissions"}
    assert "HTTP 401" in r.failures[0].error and "cannot tell" in r.failures[0].error


def test_classic_token_sees_only_the_teamwork_graph() -> None:
    with running_sim(SCENARIOS["healthy"]) as sim:
        r = probe(f"{sim}/v1/mcp", Credentials.basic(SIM_EMAIL, SIM_CLASSIC_API_TOKEN), "api_token")
    perms = {k for k in values(r) if "permissions" in k}
    assert perms and all(k.startswith("rovo_mcp.permissions.platform.") for k in perms)
    assert any("legacy or classic-scoped" in n for n in r.notes)


def test_service_account_key_and_oauth_bearer() -> None:
    with running_sim(SCENARIOS["healthy"]) as sim:
        svc = values(probe(f"{sim}/v1/mcp", Credentials.bearer(SIM_SERVICE_KEY), "service_account_key"))
        oauth = values(probe(f"{sim}/v1/mcp", Credentials.bearer(oauth_token(sim)), "oauth"))
    assert svc["rovo_mcp.api_token_auth"] is True
    assert "rovo_mcp.api_token_auth" not in oauth  # an OAuth session says nothing about the toggle
    assert oauth["rovo_mcp.permissions.compass.read"] in ("allowed", "partial")


def test_without_a_credential_the_discovery_chain_is_walked() -> None:
    with running_sim(SCENARIOS["healthy"]) as sim:
        r = probe(f"{sim}/v1/mcp", Credentials.none(), None)
    assert r.observations == () and r.failures == ()
    text = "\n".join(r.notes)
    assert "answered HTTP 401 with a Bearer challenge" in text
    assert "registration endpoint: http" in text and "PKCE S256: yes" in text
    assert all(x.authorization is None for x in sim.requests)


def test_redirecting_endpoint_is_a_failure_and_gets_no_credential() -> None:
    with running_sim(SCENARIOS["healthy"]) as other, running_sim(SimConfig(redirect_to=str(other))) as sim:
        r = probe(f"{sim}/v1/mcp", Credentials.basic(SIM_EMAIL, SIM_API_TOKEN), "api_token")
    assert r.observations == () and "redirect" in r.failures[0].error
    assert other.requests == []


def test_tool_mapping_data_file() -> None:
    data = tool_groups()
    assert data.group_of("createJiraIssue") == ("jira", "write")
    assert data.listing_url("https://mcp.atlassian.com/v2/mcp") == "https://mcp.atlassian.com/v2/mcp?tools=all"
    assert data.listing_url("https://mcp.atlassian.com/v1/mcp") == "https://mcp.atlassian.com/v1/mcp"
    every_jira_search = tuple(data.vocabularies["v1"].groups["jira"]["search"])
    got, unknown, notes = permissions_from_tools(
        (*every_jira_search, "getJiraIssue", "mysteryTool", "atlassianUserInfo")
    )
    assert got == {("jira", "read"): "partial", ("jira", "search"): "allowed"}
    assert unknown == ["mysteryTool"] and notes == []


@pytest.mark.parametrize("scenario", ["healthy", "api-token-auth-off"])
def test_probe_through_the_command(api: FakeAdminApi, workdir: Path, scenario: str) -> None:
    with running_sim(SCENARIOS[scenario]) as sim:
        env = collect_env(
            api, mcp_url=f"{sim}/v1/mcp", ROVO_AUDIT_MCP_EMAIL=SIM_EMAIL, ROVO_AUDIT_MCP_API_TOKEN=SIM_API_TOKEN
        )
        r = collect(workdir, env)
    org = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    if scenario == "healthy":
        assert r.code == 0 and org.rovo_mcp.api_token_auth is True
        assert org.evidence["rovo_mcp"].source == "mcp-probe"
    else:
        assert r.code == 1 and org.rovo_mcp is None
        assert {e.section for e in org.collection_errors} == {"rovo_mcp.api_token_auth", "rovo_mcp.permissions"}
    # Always with the Admin key and the Basic pair's base64, not only the raw MCP tokens.
    assert_no_secret(r, workdir, secrets=SECRETS)
