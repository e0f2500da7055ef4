"""The doctor on the v2 endpoint: the v2 tool names map to the right permission groups, a
`capabilities=` filter in the URL blames nothing on the Permissions tab, a tool no data file
knows is reported and never becomes a blocked group, and the open Atlassian bug #254 is named
where it bites. Through the real command, against the simulator's v2 vocabulary."""

from __future__ import annotations

from pathlib import Path

from tests.doctor.conftest import basic, doctor, settings_file
from tests.servers.rovo_sim import AGENT_SCOPES, SCENARIOS, SIM_CLASSIC_API_TOKEN, oauth_token, running_sim

EVERY_GROUP = "jira.read,jira.search,jira.write,confluence.read,confluence.search,confluence.write,jsm.read"


def _causes(step: dict) -> list[str]:  # type: ignore[type-arg]
    return [c["id"] for c in step.get("causes", [])]


def test_a_healthy_v2_org_has_no_permission_group_failure(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(base, tmp_path, *basic(), "--expect", EVERY_GROUP, path="/v2/mcp")
    tools = run.steps["DOC-MCP-002"]
    assert run.code == 0, run.out
    assert tools["status"] == "passed", tools
    assert "every expected group is listed" in tools["summary"]
    details = "\n".join(tools["details"])
    assert "v2 tool names" in details
    # A tool in no vocabulary is reported against the data file, and blamed on nothing.
    assert "tools not in tool_groups.yaml" in details and "searchCode" in details
    assert not any("permission-group-blocked" in _causes(s) for s in run.steps.values())
    assert any(r.path == "/v2/mcp" and r.rpc_method == "tools/list" for r in base.requests)


def test_the_flat_catalogue_is_asked_for_on_v2(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(base, tmp_path, *basic(), "--expect", "jira.read", path="/v2/mcp")
    assert run.steps["DOC-MCP-002"]["status"] == "passed"
    assert run.steps["DOC-ENDPOINT-001"]["status"] == "passed"
    assert "tool vocabulary: v2" in "\n".join(run.steps["DOC-ENDPOINT-001"]["details"])


def test_a_capabilities_url_blames_nothing_on_the_permissions_tab(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(
            base,
            tmp_path,
            *basic(),
            "--expect",
            "jira.read,jira.search,confluence.read,jira.write",
            path="/v2/mcp?capabilities=READ_JIRA,SEARCH_JIRA",
        )
    tools = run.steps["DOC-MCP-002"]
    assert run.code == 0, run.out
    assert tools["status"] == "warning", tools
    assert "not observed here: confluence.read, jira.write" in tools["summary"]
    assert _causes(tools) == []
    details = "\n".join(tools["details"])
    assert "confluence.read: not observed, outside the URL's capabilities=READ_JIRA,SEARCH_JIRA" in details
    assert not any("permission-group-blocked" in _causes(s) for s in run.steps.values())


def test_a_capabilities_url_on_v1_too(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["permission-group-blocked"]) as base:
        narrowed = doctor(
            base, tmp_path, *basic(), "--expect", "jira.write", path="/v1/mcp?capabilities=READ_JIRA,SEARCH_JIRA"
        )
        whole = doctor(base, tmp_path, *basic(), "--expect", "jira.write", path="/v1/mcp")
    # The same blocked group: outside the filter it is not observed; without it, it is blamed.
    assert narrowed.steps["DOC-MCP-002"]["status"] == "warning"
    assert whole.first() == ("DOC-MCP-002", "permission-group-blocked")


def test_a_capabilities_filter_without_jira_is_not_taken_for_a_classic_token(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(
            base,
            tmp_path,
            *basic(),
            "--expect",
            "platform.search_atlassian",
            path="/v2/mcp?capabilities=SEARCH_ATLASSIAN",
        )
    assert run.steps["DOC-MCP-002"]["status"] == "passed", run.steps["DOC-MCP-002"]


def test_a_classic_token_on_v2_still_sees_only_the_teamwork_graph(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(base, tmp_path, *basic(SIM_CLASSIC_API_TOKEN), "--expect", "jira.read", path="/v2/mcp")
    assert run.first() == ("DOC-MCP-002", "classic-or-legacy-token")


def test_a_primary_only_listing_proves_no_group_missing(tmp_path: Path) -> None:
    """`tools=` present (not `all`): the server lists its primary tools and the meta-tools."""
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(base, tmp_path, *basic(), "--expect", "jira.read,confluence.write,jsm.read", path="/v2/mcp?tools=")
    tools = run.steps["DOC-MCP-002"]
    assert tools["status"] == "warning", tools
    assert "not observed here: jsm.read" in tools["summary"]
    assert any("primary tools only (discover, executeRead" in d for d in tools["details"])


def test_the_open_v2_domain_bug_is_named_first_when_the_origin_is_listed(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["v2-custom-domain-bug"]) as base:
        token = oauth_token(base, scopes=AGENT_SCOPES)
        run = doctor(
            base,
            tmp_path,
            "--bearer",
            token,
            "--origin",
            "https://app.example.com/oauth/callback",
            "--settings",
            str(settings_file(tmp_path)),
            path="/v2/mcp",
        )
        v1 = doctor(
            base,
            tmp_path,
            "--bearer",
            oauth_token(base),
            "--origin",
            "https://app.example.com/oauth/callback",
            path="/v1/mcp",
        )
    assert run.steps["DOC-SETTINGS-001"]["status"] == "passed"
    assert run.first() == ("DOC-MCP-001", "v2-custom-domain-bug")
    assert "atlassian-mcp-server#254" in run.out
    assert v1.code == 0  # the bug is on /v2/mcp only


def test_the_bug_comes_after_the_allowlist_when_nothing_says_the_origin_is_listed(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["v2-custom-domain-bug"]) as base:
        token = oauth_token(base, scopes=AGENT_SCOPES)
        run = doctor(base, tmp_path, "--bearer", token, "--origin", "https://app.example.com/cb", path="/v2/mcp")
    causes = _causes(run.steps["DOC-MCP-001"])
    assert causes[0] != "v2-custom-domain-bug" and "v2-custom-domain-bug" in causes


def test_a_probe_recorded_partial_group_is_not_blamed_on_the_tab(tmp_path: Path) -> None:
    settings = tmp_path / "probed.settings.yaml"
    settings.write_text(
        """\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-20T09:30:00Z
orgs:
  - id: 0c4e2b1a-7d3f-4a8e-9b21-5f6e8d9c0a11
    name: Example Corp
    rovo_mcp:
      api_token_auth: true
      permissions:
        jira: {read: partial, search: allowed}
    evidence:
      rovo_mcp: {source: mcp-probe, at: 2026-11-20T09:30:00Z, detail: tools/list listed 12 tools}
""",
        encoding="utf-8",
    )
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(base, tmp_path, *basic(), "--settings", str(settings), "--expect", "jira.read", path="/v2/mcp")
    step = run.steps["DOC-SETTINGS-003"]
    assert step["status"] == "warning" and _causes(step) == []
    assert "seen at least partly allowed (MCP probe): jira.read" in step["summary"]
    assert run.steps["DOC-MCP-002"]["status"] == "passed"  # the live listing shows the group
