"""`rovo-audit collect` as a user runs it, against the fake Admin API and the Rovo MCP
simulator over real HTTP on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from auditor.load.documents import load_file
from tests.collect.conftest import AS_OF, ORG, collect, collect_env, example_org, step_summary_here
from tests.conftest import assert_no_secret, assert_usage_error, run_cli
from tests.servers.fake_admin_api import OAUTH_TOKEN, FakeAdminApi, ip_policy, running_admin_api
from tests.servers.rovo_sim import SCENARIOS, SIM_API_TOKEN, SIM_EMAIL, running_sim

EVERY_FORMAT = "html,json,md,csv,sarif,junit"


def test_complete_collection_writes_a_snapshot_that_loads_and_audits(api: FakeAdminApi, workdir: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as sim:
        env = collect_env(
            api,
            mcp_url=f"{sim}/v1/mcp",
            ROVO_AUDIT_OAUTH_TOKEN=OAUTH_TOKEN,
            ROVO_AUDIT_MCP_EMAIL=SIM_EMAIL,
            ROVO_AUDIT_MCP_API_TOKEN=SIM_API_TOKEN,
        )
        r = collect(workdir, env)
        assert r.code == 0, r.err + r.out
        assert "complete" in r.out and "wrote" in r.out
        org = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
        assert org.id == ORG and org.name == "Example Corp"
        assert org.verified_domains == ("example.com", "example.org")
        assert org.ip_allowlist.enabled is True and org.ip_allowlist.ranges == ("203.0.113.0/24", "198.51.100.7/32")
        by_label = {c.label: c for c in org.credentials}
        assert set(by_label) == {
            "ci-bot",
            "release",
            "legacy",
            "docs-sync",
            "oauth:dev@example.com",
        }  # not the revoked one
        assert by_label["legacy"].scopes is None  # the API did not say: absent, not empty
        assert by_label["docs-sync"].kind == "service_account_key"
        assert by_label["oauth:dev@example.com"].kind == "oauth"
        assert by_label["oauth:dev@example.com"].scopes == ("read:jira-work", "read:page:confluence")
        assert org.rovo_mcp.api_token_auth is True
        assert org.rovo_mcp.permissions["jira"]["search"] == "allowed"
        assert org.rovo_mcp.permissions["jira"]["write"] == "partial"
        assert "delete" not in org.rovo_mcp.permissions["jira"]  # no tool seen: not collected, not "blocked"
        assert org.rovo_mcp.domains is None  # no API shows the allowlist
        assert org.evidence["rovo_mcp"].source == "mcp-probe"
        assert org.evidence["ip_allowlist"].source == "admin-api"
        assert org.mcp_activity.events == 3 and org.mcp_activity.actors == 2
        assert org.collection_errors == ()
        assert run_cli("validate", workdir / "settings.yaml").code == 0
        audit = run_cli(
            "audit",
            "--policy",
            "baseline",
            "--settings",
            workdir / "settings.yaml",
            "--out",
            workdir / "rep",
            "--format",
            "html,json",
            "--as-of",
            "2026-11-26",
            cwd=workdir,
            env={"GITHUB_STEP_SUMMARY": step_summary_here()},
        )
        assert audit.code in (0, 1) and "error" not in audit.err, audit.err
        results = json.loads((workdir / "rep" / "results.json").read_text())
        assert results["findings"]
        # The planted secrets (the MCP token raw and as its Basic pair, the Admin key, the OAuth token).
        assert_no_secret(r, audit, workdir)
        assert all(v.split(" ")[0] == "Basic" for v in sim.authorization_values)
        # Each credential went only to its own host.
        assert all(
            v.endswith(("Bearer " + env["ROVO_AUDIT_ADMIN_API_KEY"], "Bearer " + OAUTH_TOKEN))
            for v in api.state.auth_values
        )


def test_snapshot_is_deterministic(api: FakeAdminApi, workdir: Path) -> None:
    env = collect_env(api)
    assert collect(workdir, env, out="a.yaml").code == 0
    assert collect(workdir, env, out="b.yaml").code == 0
    a, b = (workdir / "a.yaml").read_bytes(), (workdir / "b.yaml").read_bytes()
    assert a == b
    doc = yaml.safe_load(a)
    assert list(doc) == ["apiVersion", "kind", "collected_at", "orgs"]
    assert doc["collected_at"] == AS_OF


def test_failing_endpoint_leaves_its_section_absent_and_exits_1(api: FakeAdminApi, workdir: Path) -> None:
    api.faults["api_tokens"] = ["500"] * 10
    api.faults["domains"] = ["malformed"]
    r = collect(workdir, collect_env(api))
    assert r.code == 1, r.err
    assert "PARTIAL (2 problems)" in r.out and "FAILED  credentials" in r.out and "HTTP 500" in r.out
    org = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert org.credentials is None and org.verified_domains is None
    assert org.ip_allowlist is not None  # the other endpoints still count
    errors = {(e.section, e.endpoint) for e in org.collection_errors}
    assert errors == {("credentials", "api_tokens"), ("verified_domains", "domains")}
    policy = workdir / "p.yaml"
    policy.write_text(
        "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: p}\n"
        "scopes: {required: [read:jira-work], forbidden: ['delete:*']}\n"
    )
    audit = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        workdir / "settings.yaml",
        "--out",
        workdir / "rep",
        "--format",
        "json",
        "--as-of",
        "2026-11-26",
        cwd=workdir,
    )
    found = json.loads((workdir / "rep" / "results.json").read_text())["findings"]
    scope = [f for f in found if f["control"].startswith("RMCP-SCOPE")]
    assert scope and all(f["status"] == "unknown" for f in scope)
    assert "api_tokens failed" in scope[0]["actual"] and audit.code == 1


def test_redirect_to_another_host_fails_closed_without_leaking(api: FakeAdminApi, workdir: Path) -> None:
    api.faults["policies"] = ["redirect-other"]
    r = collect(workdir, collect_env(api))
    assert r.code == 1 and "redirected to another host" in r.out
    assert api.other.log == []
    org = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert org.ip_allowlist is None
    assert_no_secret(r, workdir)


def test_secret_echoed_by_the_server_never_reaches_an_output(api: FakeAdminApi, workdir: Path) -> None:
    api.faults["policies"] = ["echo-auth"]
    r = collect(workdir, collect_env(api, ROVO_AUDIT_OAUTH_TOKEN=OAUTH_TOKEN))
    assert r.code == 1
    assert_no_secret(r, workdir)


def test_rate_limited_endpoint_recovers(api: FakeAdminApi, workdir: Path) -> None:
    api.faults["events"] = ["429"]
    api.faults["org"] = ["429-bare"]
    r = collect(workdir, collect_env(api))
    assert r.code == 0, r.out + r.err
    assert "2 retries, 2 rate-limited" in r.out


def test_without_an_org_id_every_org_of_the_key_is_collected(workdir: Path) -> None:
    with running_admin_api([example_org("org-a", "A Corp"), example_org("org-b", "B Corp")]) as api:
        env = collect_env(api)
        del env["ROVO_AUDIT_ORG_ID"]
        r = collect(workdir, env)
    assert r.code == 0, r.err
    orgs = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs
    assert [(o.id, o.name) for o in orgs] == [("org-a", "A Corp"), ("org-b", "B Corp")]


def test_org_flag_wins_over_environment(workdir: Path) -> None:
    with running_admin_api([example_org("org-a", "A Corp"), example_org("org-b", "B Corp")]) as api:
        r = collect(workdir, collect_env(api, ROVO_AUDIT_ORG_ID="org-a"), "--org", "org-b")
    assert r.code == 0, r.err
    assert [o.id for o in load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs] == ["org-b"]


def test_unknown_org_is_a_collection_failure(api: FakeAdminApi, workdir: Path) -> None:
    r = collect(workdir, collect_env(api, ROVO_AUDIT_ORG_ID="no-such-org"))
    assert r.code == 1 and "404" in r.out
    org = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert org.ip_allowlist is None and org.credentials is None


def test_audit_collect_collects_then_audits(api: FakeAdminApi, workdir: Path) -> None:
    r = run_cli(
        "audit",
        "--collect",
        "--policy",
        "baseline",
        "--out",
        workdir / "rep",
        "--as-of",
        AS_OF,
        "--format",
        EVERY_FORMAT,
        cwd=workdir,
        env=collect_env(api, ROVO_AUDIT_OAUTH_TOKEN=OAUTH_TOKEN),
    )
    assert r.code == 1, r.err  # the baseline asks for what no API shows: unknown findings
    assert (workdir / "rep" / "settings.yaml").is_file() and (workdir / "rep" / "results.json").is_file()
    written = {p.name for p in (workdir / "rep").iterdir()}
    assert {
        "report.html",
        "results.json",
        "summary.md",
        "action-plan.csv",
        "results.sarif",
        "junit.xml",
        "history",
    } <= written, written
    assert r.summary is not None and r.summary.parent == workdir and r.summary.is_file()  # searched below
    assert "collect: 1 org, complete" in r.out
    results = json.loads((workdir / "rep" / "results.json").read_text())
    ev = [f for f in results["findings"] if f["control"] == "RMCP-EVID-001" and f["subject"] == "ip_allowlist"]
    assert ev and ev[0]["status"] == "pass" and ev[0]["evidence"]["source"] == "admin-api"
    assert_no_secret(r, workdir)


def test_audit_collect_refuses_settings_too(api: FakeAdminApi, workdir: Path) -> None:
    r = run_cli("audit", "--collect", "--settings", "x.yaml", "--policy", "baseline", cwd=workdir, env=collect_env(api))
    assert r.code == 2 and r.err.count("\n") == 1
    assert_usage_error(r, "--collect")


def test_a_probe_secret_with_a_line_break_never_reaches_the_snapshot(workdir: Path) -> None:
    secret = "PLANTEDprobeBearerWithBreak0001"
    with running_sim(SCENARIOS["healthy"]) as sim:
        env = {
            "ROVO_AUDIT_ORG_ID": ORG,
            "ROVO_AUDIT_MCP_URL": f"{sim}/v1/mcp",
            "ROVO_AUDIT_MCP_BEARER": secret + "\nzz",
        }
        r = collect(workdir, env)
    assert r.code == 1, r.err + r.out
    org = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert org.rovo_mcp is None and any("header value is invalid" in e.error for e in org.collection_errors)
    assert_no_secret(r, workdir, secrets=(secret,))


def test_an_ip_policy_of_unrecognised_status_leaves_the_allowlist_absent(workdir: Path) -> None:
    # Read as "not enabled", a policy `ip_allowlist.enabled: forbid` would pass on what was never observed.
    org = example_org()
    org.policies = [ip_policy("Office", "active", ["203.0.113.0/24"])]
    with running_admin_api([org]) as api:
        r = collect(workdir, collect_env(api))
    assert r.code == 1, r.err + r.out
    got = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert got.ip_allowlist is None
    assert any(e.section == "ip_allowlist" and "'active'" in e.error for e in got.collection_errors)


def test_lists_cut_at_the_page_limit_are_not_recorded_as_whole(workdir: Path) -> None:
    # 101 pages of one item: past the 100 pages read, so the rest was never seen.
    org = example_org()
    org.domains = [(f"d{i}.example.com", "verified") for i in range(101)]
    with running_admin_api([org], page_size=1) as api:
        r = collect(workdir, collect_env(api, ROVO_AUDIT_EVENTS_DAYS="0"))
    assert r.code == 1, r.err + r.out
    got = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert got.verified_domains is None and any(e.section == "verified_domains" for e in got.collection_errors)
    many = [example_org(f"org-{i:03}", f"Org {i}") for i in range(101)]
    with running_admin_api(many, page_size=1) as api:
        env = collect_env(api)
        del env["ROVO_AUDIT_ORG_ID"]
        r = collect(workdir, env, out="all.yaml")
    assert r.code == 1 and "--org" in r.err and not (workdir / "all.yaml").exists(), r.err + r.out
