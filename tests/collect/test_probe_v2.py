"""The MCP probe on the v2 endpoint: v2 tool names give the right permission groups, a
`capabilities=` filter narrows what is observed (never turning into "blocked"), and a tool in
neither vocabulary is reported as unknown to tool_groups.yaml. Against the simulator's v2
vocabulary, and through `rovo-audit collect`."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from auditor.collect.mcp_probe import McpProbe, permissions_from_tools
from auditor.collect.tool_groups import tool_groups
from auditor.load.documents import load_file
from auditor.mcpclient import Credentials
from tests.collect.conftest import collect, collect_env
from tests.conftest import assert_no_secret
from tests.servers.fake_admin_api import FakeAdminApi
from tests.servers.rovo_sim import SCENARIOS, SIM_API_TOKEN, SIM_EMAIL, running_sim

T0 = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def probe(url: str):  # type: ignore[no-untyped-def]
    creds = Credentials.basic(SIM_EMAIL, SIM_API_TOKEN)
    return asyncio.run(McpProbe(url, creds, "api_token", as_of=T0, timeout=10).collect("org-1"))


def perms(result) -> dict[str, object]:  # type: ignore[no-untyped-def]
    prefix = "rovo_mcp.permissions."
    return {o.path.removeprefix(prefix): o.value for o in result.observations if o.path.startswith(prefix)}


def test_a_healthy_v2_org_gives_the_right_groups() -> None:
    with running_sim(SCENARIOS["healthy"]) as sim:
        r = probe(f"{sim}/v2/mcp")
    got = perms(r)
    for group in ("jira.read", "jira.search", "jira.write", "confluence.read", "confluence.search", "confluence.write"):
        assert got[group] == "allowed", (group, got)
    assert got["jsm.read"] == "allowed" and got["platform.search_atlassian"] == "allowed"
    assert "jira.delete" not in got and "jira.manage" not in got  # blocked by default: unseen, not "blocked"
    assert "loom.read" not in got  # Loom is OAuth only: unseen
    assert got["platform.read_teamwork_graph"] == "partial"  # names sources disagree on: never "allowed"
    assert set(got.values()) <= {"allowed", "partial"}
    assert r.failures == ()
    notes = "\n".join(r.notes)
    assert "tools not in tool_groups.yaml" in notes and "searchCode" in notes
    assert "tools=all" in r.observations[-1].evidence.detail and "v2 tool names" in r.observations[-1].evidence.detail
    listed = [req for req in sim.requests if req.rpc_method == "tools/list"]
    assert listed and all(req.query == "tools=all" for req in listed)  # the path alone never held it


def test_v1_names_still_give_their_groups() -> None:
    with running_sim(SCENARIOS["healthy"]) as sim:
        got = perms(probe(f"{sim}/v1/mcp"))
    assert got["jira.search"] == "allowed" and got["jira.read"] == "partial"  # the sim lists some v1 read tools
    assert got["confluence.read"] == "partial" and got["confluence.search"] == "allowed"


def test_a_capabilities_filter_narrows_what_is_observed() -> None:
    with running_sim(SCENARIOS["healthy"]) as sim:
        r = probe(f"{sim}/v2/mcp?capabilities=READ_JIRA,SEARCH_CONFLUENCE")
    assert perms(r) == {"jira.read": "allowed", "confluence.search": "allowed"}
    notes = "\n".join(r.notes)
    assert "capabilities=READ_JIRA,SEARCH_CONFLUENCE" in notes and "not observed" in notes
    assert "legacy or classic-scoped" not in notes


def test_unknown_tools_never_become_groups() -> None:
    values, unknown, _ = permissions_from_tools(("searchCode", "someFutureTool", "discover", "atlassianUserInfo"))
    assert values == {} and unknown == ["searchCode", "someFutureTool"]
    values, _, notes = permissions_from_tools(("getJiraIssue", "discover"), "https://mcp.atlassian.com/v2/mcp")
    assert values == {("jira", "read"): "partial"}  # a primary listing never proves a whole group
    assert any("primary tools" in n for n in notes)


def test_the_vocabularies_and_renames_hold_together() -> None:
    data = tool_groups()
    for rename in data.renames:
        assert data.group_of(rename.v1) == data.group_of(rename.v2), rename
    assert data.group_of("addOrEditJiraIssueComment") == ("jira", "write")
    assert data.group_of("deleteJiraIssueAttachment") == ("jira", "delete")
    assert all(data.group_of(t) is None and data.is_neutral(t) for t in data.meta_tools)
    url = data.listing_url("https://mcp.atlassian.com/v2/mcp?capabilities=READ_JIRA")
    assert url == "https://mcp.atlassian.com/v2/mcp?capabilities=READ_JIRA&tools=all"
    assert (
        data.listing_url("https://mcp.atlassian.com/v2/mcp?tools=all") == "https://mcp.atlassian.com/v2/mcp?tools=all"
    )
    for fact in data.facts.values():
        assert fact.tag in ("doc", "repo", "field") and fact.read is not None


def test_v2_probe_through_the_command(api: FakeAdminApi, workdir: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as sim:
        env = collect_env(
            api, mcp_url=f"{sim}/v2/mcp", ROVO_AUDIT_MCP_EMAIL=SIM_EMAIL, ROVO_AUDIT_MCP_API_TOKEN=SIM_API_TOKEN
        )
        r = collect(workdir, env)
    assert r.code == 0, (r.out, r.err)
    org = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert org.rovo_mcp is not None and org.rovo_mcp.permissions is not None
    assert org.rovo_mcp.permissions["jira"] == {"read": "allowed", "search": "allowed", "write": "allowed"}
    assert org.rovo_mcp.permissions["confluence"]["read"] == "allowed"
    assert "searchCode" in r.out + r.err  # reported as unknown to the data file
    assert_no_secret(r, workdir, secrets=(SIM_API_TOKEN,))
