"""The verdict the terminal, summary.md and report.html give agrees with the exit status:
`--fail-on` counts everywhere, and a run that evaluated nothing is never "ready"."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLE, assert_usage_error, run_cli

SETTINGS = EXAMPLE / "example-corp.settings.yaml"


def _policy(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "p.yaml"
    p.write_text("apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: p}\n" + body)
    return p


def test_fail_on_warn_blocks_in_every_verdict(tmp_path: Path) -> None:
    # Evidence a year old against a one-day limit: warn findings only.
    policy = _policy(tmp_path, "evidence: {max_age_days: 1}\n")
    out = tmp_path / "out"
    r = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        SETTINGS,
        "--out",
        out,
        "--format",
        "html,json,md",
        "--as-of",
        "2027-11-26",
        "--fail-on",
        "warn",
        "--no-history",
    )
    assert r.code == 1, r.err
    statuses = {f["status"] for f in json.loads((out / "results.json").read_text())["findings"]}
    assert statuses == {"warn"}
    assert r.out.startswith("Blocked: "), r.out
    assert "RMCP-EVID-001" in r.out  # the blocking findings are listed
    assert (out / "summary.md").read_text().startswith("# Rovo MCP audit: Blocked: ")
    assert "Ready for rollout" not in (out / "report.html").read_text()
    # The default level: the same warns do not block.
    r = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        SETTINGS,
        "--out",
        out,
        "--format",
        "md",
        "--as-of",
        "2027-11-26",
        "--no-history",
    )
    assert r.code == 0 and r.out.startswith("Ready for rollout"), r.out


def test_nothing_evaluated_is_not_ready(tmp_path: Path) -> None:
    policy = _policy(tmp_path, 'orgs: ["no-such-org"]\nauth: {api_token: require}\n')
    out = tmp_path / "out"
    r = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        SETTINGS,
        "--out",
        out,
        "--format",
        "html,md",
        "--as-of",
        "2026-11-26",
        "--no-history",
    )
    assert r.out.startswith("Not checked: nothing was evaluated"), r.out
    summary = (out / "summary.md").read_text()
    assert summary.startswith("# Rovo MCP audit: Not checked")
    assert "(not checked)" in summary and "Every check passed" not in summary and "ready" not in summary
    assert "Not checked" in (out / "report.html").read_text()


def _results(tmp_path: Path) -> Path:
    out = tmp_path / "one"
    policy = EXAMPLE / "custom-webapp.policy.yaml"
    r = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        SETTINGS,
        "--out",
        out,
        "--format",
        "json",
        "--as-of",
        "2026-11-26",
        "--no-history",
    )
    assert r.code == 1, r.err
    return out / "results.json"


def test_merge_rebuilds_unlisted_orgs_and_refuses_an_unknown_severity(tmp_path: Path) -> None:
    doc = json.loads(_results(tmp_path).read_text())
    blocking = [f for f in doc["findings"] if f["status"] in ("fail", "unknown")]
    doc["orgs"] = []  # a shard that does not list its orgs: they are rebuilt from the findings
    shard = tmp_path / "shard.json"
    shard.write_text(json.dumps(doc))
    out = tmp_path / "merged"
    r = run_cli("merge", shard, "--out", out, "--format", "md,junit", "--no-history")
    assert r.code == 1, r.err
    assert "Traceback" not in r.err
    org_name = doc["findings"][0]["org_name"]
    summary = (out / "summary.md").read_text()
    assert f"## {org_name} (blocked by {len(blocking)})" in summary
    assert f'name="{org_name}"' in (out / "junit.xml").read_text()
    # A severity FORMATS.md does not define is refused where it stands (severities are a closed
    # set: a typo or a tampered file must not be judged by guesswork), never a crash.
    blocking[0]["severity"] = "urgent"
    shard.write_text(json.dumps(doc, indent=1))
    line = assert_usage_error(run_cli("merge", shard, "--out", tmp_path / "m2", "--no-history"), "severity", "urgent")
    assert f"{shard}:" in line and not (tmp_path / "m2").exists()
