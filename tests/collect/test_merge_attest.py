"""Merging sources and attestations: observed wins, contradictions are recorded and audited
(RMCP-EVID-002), lower bounds agree with what they bound, failures stay absent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from auditor.collect.interface import CouldNotCollect, Observed, SourceResult, evidence
from auditor.collect.merge import merge_org
from auditor.load.documents import load_file, load_text
from auditor.model.settings import Credential, OrgSettings
from auditor.report.settings_yaml import dump_snapshot
from tests.collect.conftest import ORG, collect, collect_env, step_summary_here
from tests.conftest import assert_no_secret, run_cli
from tests.servers.fake_admin_api import FakeAdminApi

T0 = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
T_ATT = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)


def seen(source: str, path: str, value: object, **kw: object) -> Observed:
    return Observed(path, value, evidence(source, T0), **kw)  # type: ignore[arg-type]


def attested(path: str, value: object) -> Observed:
    return Observed(path, value, evidence("attested", T_ATT, by="admin@example.com"))


def att_result(*obs: Observed) -> SourceResult:
    return SourceResult("attested", ORG, obs)


def test_observed_wins_and_the_contradiction_is_recorded() -> None:
    probe = SourceResult("mcp-probe", ORG, (seen("mcp-probe", "rovo_mcp.api_token_auth", True),))
    org = merge_org(
        ORG,
        [
            probe,
            att_result(
                attested("rovo_mcp.api_token_auth", False),
                attested("rovo_mcp.domains", ("https://app.example.com/**",)),
            ),
        ],
    )
    assert org.rovo_mcp.api_token_auth is True
    assert org.rovo_mcp.domains == ("https://app.example.com/**",)
    (c,) = org.contradictions
    assert (c.field, c.observed, c.observed_source, c.attested, c.attested_by) == (
        "rovo_mcp.api_token_auth",
        "true",
        "mcp-probe",
        "false",
        "admin@example.com",
    )
    assert org.cross_checked == ("rovo_mcp.api_token_auth",)
    # The section mixes sources: signed by the attester, as old as its oldest part.
    ev = org.evidence["rovo_mcp"]
    assert (ev.source, ev.by, ev.at) == ("attested", "admin@example.com", T_ATT)
    assert "api_token_auth: mcp-probe" in (ev.detail or "")
    assert org.provenance["rovo_mcp.api_token_auth"].source == "mcp-probe"


def test_probe_lower_bound_agrees_with_allowed_and_partial_but_not_blocked() -> None:
    probe = SourceResult(
        "mcp-probe",
        ORG,
        tuple(
            seen("mcp-probe", f"rovo_mcp.permissions.jira.{g}", "partial", certainty="at_least")
            for g in ("read", "search", "write")
        ),
    )
    org = merge_org(
        ORG,
        [
            probe,
            att_result(
                attested("rovo_mcp.permissions.jira.read", "allowed"),
                attested("rovo_mcp.permissions.jira.search", "partial"),
                attested("rovo_mcp.permissions.jira.write", "blocked"),
            ),
        ],
    )
    perms = org.rovo_mcp.permissions["jira"]
    assert perms == {"read": "allowed", "write": "partial", "search": "partial"}
    assert [c.field for c in org.contradictions] == ["rovo_mcp.permissions.jira.write"]
    assert len(org.cross_checked) == 3


def test_ranges_compare_as_networks() -> None:
    api = SourceResult(
        "admin-api", ORG, (seen("admin-api", "ip_allowlist.ranges", ("198.51.100.7/32", "203.0.113.0/24")),)
    )
    org = merge_org(ORG, [api, att_result(attested("ip_allowlist.ranges", ("203.0.113.0/24", "198.51.100.7")))])
    assert org.contradictions == () and org.cross_checked == ("ip_allowlist.ranges",)


def test_failed_source_falls_back_to_the_attestation_and_keeps_the_error() -> None:
    fail = CouldNotCollect("ip_allowlist", "admin-api", "HTTP 500", "policies")
    api = SourceResult("admin-api", ORG, (), (fail,))
    org = merge_org(ORG, [api, att_result(attested("ip_allowlist.enabled", True))])
    assert org.ip_allowlist.enabled is True and org.evidence["ip_allowlist"].source == "attested"
    assert [e.endpoint for e in org.collection_errors] == ["policies"]
    bare = merge_org(ORG, [api])
    assert bare.ip_allowlist is None and bare.evidence == {}


def test_credentials_inventory_rules() -> None:
    oauth_cred = Credential(label="oauth:dev", kind="oauth", scopes=("read:jira-work",))
    oauth = SourceResult("oauth", ORG, (seen("oauth", "credentials", (oauth_cred,), complete=False),))
    token = Credential(label="ci-bot", kind="api_token", scopes=("read:jira-work",))
    admin_ok = SourceResult("admin-api", ORG, (seen("admin-api", "credentials", (token,)),))
    admin_failed = SourceResult(
        "admin-api", ORG, (), (CouldNotCollect("credentials", "admin-api", "HTTP 500", "api_tokens"),)
    )
    both = merge_org(ORG, [admin_ok, oauth])
    assert [c.label for c in both.credentials] == ["ci-bot", "oauth:dev"]
    assert both.provenance["credentials[oauth:dev]"].source == "oauth"
    # The inventory failed: a partial list would let scope checks pass on what was not seen.
    assert merge_org(ORG, [admin_failed, oauth]).credentials is None
    # No inventory attempted: the OAuth credential alone, and the evidence says so.
    alone = merge_org(ORG, [oauth])
    assert [c.label for c in alone.credentials] == ["oauth:dev"]
    assert "not listed" in alone.evidence["credentials"].detail
    assert [(e.section, e.source) for e in alone.collection_errors] == [("credentials", "admin-api")]
    # An attested credential the inventory does not list, and one whose scopes differ.
    att = att_result(
        attested(
            "credentials",
            (
                Credential(label="ghost", kind="api_token"),
                Credential(label="ci-bot", kind="api_token", scopes=("write:jira-work",)),
            ),
        )
    )
    checked = merge_org(ORG, [admin_ok, att])
    assert [c.field for c in checked.contradictions] == ["credentials[ci-bot].scopes", "credentials[ghost]"]
    assert [c.label for c in checked.credentials] == ["ci-bot"]


def test_merged_org_round_trips_through_the_loader() -> None:
    probe = SourceResult(
        "mcp-probe",
        ORG,
        (
            seen("mcp-probe", "rovo_mcp.api_token_auth", True),
            seen("mcp-probe", "rovo_mcp.permissions.jira.read", "partial", certainty="at_least"),
        ),
    )
    org = merge_org(ORG, [probe, att_result(attested("rovo_mcp.api_token_auth", False))])
    settings = OrgSettings(kind="OrgSettings", collected_at=T0, orgs=(org,))
    text = dump_snapshot(settings)
    loaded = load_text(text, "snapshot.yaml", expect="OrgSettings").model
    assert loaded == settings
    assert dump_snapshot(loaded) == text


ATTEST = """\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-18T09:00:00Z
orgs:
  - id: {org}
    rovo_mcp:
      atlassian_supported_domains: false
      domains: [https://app.example.com/**]
      api_token_auth: false
    ip_allowlist:
      enabled: false
    evidence:
      rovo_mcp: {{source: attested, by: admin@example.com}}
      ip_allowlist: {{source: attested, by: admin@example.com}}
"""


def test_attestation_through_collect_and_audit(api: FakeAdminApi, workdir: Path) -> None:
    (workdir / "attest.yaml").write_text(ATTEST.format(org=ORG))
    r = collect(workdir, collect_env(api), "--attest", workdir / "attest.yaml", out="s.yaml")
    assert r.code == 0, r.err
    assert (
        "CONTRADICTION  ip_allowlist.enabled: observed true (admin-api), attested false by admin@example.com" in r.out
    )
    org = load_file(workdir / "s.yaml", expect="OrgSettings").model.orgs[0]
    assert org.ip_allowlist.enabled is True and org.rovo_mcp.api_token_auth is False
    assert org.evidence["rovo_mcp"].source == "attested" and org.evidence["rovo_mcp"].by == "admin@example.com"
    policy = workdir / "p.yaml"
    policy.write_text("apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: p}\nauth: {api_token: forbid}\n")
    audit = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        workdir / "s.yaml",
        "--out",
        workdir / "rep",
        "--format",
        "json",
        "--as-of",
        "2026-11-26",
        cwd=workdir,
        env={"GITHUB_STEP_SUMMARY": step_summary_here()},
    )
    findings = json.loads((workdir / "rep" / "results.json").read_text())["findings"]
    evid = {(f["subject"], f["status"]) for f in findings if f["control"] == "RMCP-EVID-002"}
    assert evid == {("ip_allowlist.enabled", "fail")}
    auth = next(f for f in findings if f["control"] == "RMCP-AUTH-001")
    assert auth["status"] == "pass" and auth["evidence"] == {
        "source": "attested",
        "at": "2026-11-18T09:00:00Z",
        "by": "admin@example.com",
    }
    assert audit.code == 1
    assert (workdir / "rep" / "history").is_dir()
    assert_no_secret(r, audit, workdir)  # stdout, stderr, the step summary, s.yaml, rep/results.json, rep/history/*


def test_attestation_without_a_signature_is_refused(api: FakeAdminApi, workdir: Path) -> None:
    text = ATTEST.format(org=ORG).replace(
        "{source: attested, by: admin@example.com}\n      ip", "{source: attested}\n      ip"
    )
    (workdir / "attest.yaml").write_text(text)
    r = run_cli(
        "collect", "--out", workdir / "s.yaml", "--attest", workdir / "attest.yaml", cwd=workdir, env=collect_env(api)
    )
    assert r.code == 2
    assert "attest.yaml:13:17: rovo_mcp is attested but evidence.rovo_mcp.by is missing" in r.err
    assert not (workdir / "s.yaml").exists() and api.log == []  # checked before any request


def test_hand_written_contradictions_are_audited() -> None:
    text = f"""\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-20T09:30:00Z
orgs:
  - id: {ORG}
    contradictions:
      - {{field: rovo_mcp.api_token_auth, observed: "true", observed_source: mcp-probe, attested: "false"}}
    cross_checked: [ip_allowlist.enabled]
"""
    from auditor.evaluate.engine import evaluate
    from auditor.pipeline import load_policy

    settings = load_text(text, "s.yaml", expect="OrgSettings")
    results = evaluate([load_policy("baseline")], settings, as_of=T0)
    got = {(f.subject, f.status) for f in results.findings if f.control == "RMCP-EVID-002"}
    assert got == {("rovo_mcp.api_token_auth", "fail"), ("ip_allowlist.enabled", "pass")}


def test_attested_future_additions_reach_the_snapshot_and_the_audit(api: FakeAdminApi, workdir: Path) -> None:
    """Apply to future additions is only attested (no API or probe shows it): collect keeps it."""
    text = ATTEST.format(org=ORG).replace(
        "      api_token_auth: false\n",
        "      api_token_auth: false\n      future_additions: {jira: {write: true, read: true}}\n",
    )
    (workdir / "attest.yaml").write_text(text)
    r = collect(workdir, collect_env(api), "--attest", workdir / "attest.yaml", out="s.yaml")
    assert r.code == 0, r.err
    org = load_file(workdir / "s.yaml", expect="OrgSettings").model.orgs[0]
    assert org.rovo_mcp is not None and org.rovo_mcp.future_additions == {"jira": {"write": True, "read": True}}
    audit = run_cli("audit", "--policy", "baseline", "--settings", workdir / "s.yaml", "--out", workdir / "rep",
                    "--format", "json", "--no-history", "--as-of", "2026-11-26", cwd=workdir)  # fmt: skip
    assert audit.code == 1
    findings = json.loads((workdir / "rep" / "results.json").read_text())["findings"]
    perm4 = {f["subject"]: (f["status"], f["evidence"].get("by")) for f in findings if f["control"] == "RMCP-PERM-004"}
    assert perm4["jira.write"] == ("fail", "admin@example.com")
    assert perm4["jira.delete"][0] == "unknown"  # not attested: never a pass
