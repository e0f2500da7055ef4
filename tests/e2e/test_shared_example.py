"""The shared example (../shared/examples) must hold exactly, through the real command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.conftest import EXAMPLE, SHARED, Run, run_cli, run_cmd, unavailable
from tests.results_doc import whole

POLICY = EXAMPLE / "custom-webapp.policy.yaml"
SETTINGS = EXAMPLE / "example-corp.settings.yaml"
EXPECTED = EXAMPLE / "custom-webapp.expected.yaml"


def audit(out: Path, *extra: str, run: Callable[..., Run] = run_cli) -> Run:
    return run(
        "audit",
        "--policy",
        POLICY,
        "--settings",
        SETTINGS,
        "--out",
        out,
        "--format",
        "json",
        "--as-of",
        "2026-11-26T00:00:00Z",
        *extra,
    )


def test_fixture_copy_matches_shared():
    if not (SHARED / "examples").is_dir():
        unavailable("../shared is not beside this checkout")
    for f in EXAMPLE.iterdir():
        assert f.read_bytes() == (SHARED / "examples" / f.name).read_bytes(), f.name


def test_expected_outcome_exactly(tmp_path):
    r = audit(tmp_path, run=run_cmd)  # through the real command, as a process
    assert r.code == 1, r.err
    found = json.loads((tmp_path / "results.json").read_text())["findings"]
    got = {(f["control"], f["subject"], f["status"]) for f in found if f["status"] != "pass"}
    want = {(e["control"], e["subject"], e["status"]) for e in yaml.safe_load(EXPECTED.read_text())["not_pass"]}
    assert got == want
    passes = {(f["control"], f["subject"]) for f in found if f["status"] == "pass"}
    # The passes the example names, and the credential it says is not selected.
    assert {("RMCP-PERM-001", "jira.read"), ("RMCP-IP-001", None), ("RMCP-EVID-001", "rovo_mcp")} <= passes
    assert not any(f["subject"] and f["subject"].startswith("ci-bot/") for f in found)


def test_results_shape_and_order(tmp_path):
    audit(tmp_path)
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["schema"] == "rovo-audit/results/v1"
    assert doc["generated_at"] == doc["as_of"] == "2026-11-26T00:00:00Z"
    assert doc["policies"] == [
        {
            "name": "custom-webapp-rollout",
            "path": str(POLICY),
            "title": "Our web app on the Rovo MCP server, with scoped API tokens",
        }
    ]  # title: an extension
    assert set(doc["summary"]) == {"pass", "fail", "warn", "unknown", "waived"}
    assert sum(doc["summary"].values()) == len(doc["findings"])
    keys = [(f["org"], f["control"], f["subject"] is not None, f["subject"] or "") for f in doc["findings"]]
    assert keys == sorted(keys)
    assert len({(f["org"], f["control"], f["subject"]) for f in doc["findings"]}) == len(doc["findings"])
    # FORMATS.md §6, amended 2026-12-01: remediation on every finding but a pass; per-control
    # text (title, area, step templates, links) once in `controls` (FORMATS-EXTENSIONS.md A.2).
    fields = ["control", "status", "severity", "org", "org_name", "subject", "expected", "actual"]
    fields += ["evidence", "policy_ref"]
    assert set(doc["controls"]) == {f["control"] for f in doc["findings"]}
    for f in doc["findings"]:
        if f["status"] == "pass":
            assert list(f) == fields
        else:
            assert list(f) == [*fields, "remediation"]
            assert f["remediation"]["summary"] and isinstance(f["remediation"]["template"], int)
        assert f["policy_ref"] is None or f["policy_ref"].startswith(f"{POLICY}:")
    for f in whole(doc):
        assert f["title"] and f["area"]
        if f["status"] != "pass":
            assert f["remediation"]["summary"] and f["remediation"]["steps"] and f["remediation"]["links"]
    dom1 = next(f for f in doc["findings"] if f["control"] == "RMCP-IP-002" and f["subject"] == "192.0.2.10/32")
    assert dom1["policy_ref"] == f"{POLICY}:31"
    assert dom1["evidence"] == {"source": "admin-api", "at": "2026-11-20T09:30:00Z"}


def test_byte_identical_with_as_of(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    audit(a, "--format", "json,html,md")
    audit(b, "--format", "json,html,md")
    for name in ("results.json", "report.html", "summary.md"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
