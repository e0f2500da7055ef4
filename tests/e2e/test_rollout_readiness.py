"""Rollout readiness through the real command (issue 12, part 4): the bundled rollout
profile with an org that is ready on every toggle, then with its IP allowlist on (the
vendor-hosted Claude cannot pass it) and with the pre-rollout checklist open."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from auditor.bundled import policy_file
from tests.conftest import run_cli

AS_OF = "2026-11-26T00:00:00Z"

READY_ORG = {
    "id": "0c4e2b1a-0000-4a8e-9b21-5f6e8d9c0a11",
    "name": "Ready Corp",
    "sites": [{"url": "https://ready.atlassian.net"}],
    "rovo_mcp": {
        "atlassian_supported_domains": False,
        "domains": [
            "https://claude.ai/api/mcp/auth_callback",
            "https://claude.com/api/mcp/auth_callback",
            "http://localhost:*/callback",
            "cursor://anysphere.cursor-mcp/oauth/**",
            "http://127.0.0.1:*/",
            "https://vscode.dev/redirect",
        ],
        "api_token_auth": False,
        "permissions": {
            "jira": {
                "read": "allowed",
                "search": "allowed",
                "write": "allowed",
                "delete": "blocked",
                "manage": "blocked",
            },
            "confluence": {"read": "allowed", "search": "allowed", "write": "allowed"},
            "platform": {"search_atlassian": "allowed"},
        },
        # "Apply to future additions": on for reading, off for writing (the baseline's rule)
        "future_additions": {
            "jira": {"read": True, "search": True, "write": False, "delete": False, "manage": False},
            "confluence": {"read": True, "search": True, "write": False},
        },
    },
    "ip_allowlist": {"enabled": False, "ranges": ["203.0.113.0/24"]},
    "credentials": [],
    "rollout_checklist": {
        "site_admin_consent": [
            {
                "site": "https://ready.atlassian.net",
                "done": True,
                "by": "siteadmin@ready.example",
                "at": "2026-11-21T10:00:00Z",
            }
        ],
        "user_installed_apps": {"done": True, "by": "admin@ready.example", "at": "2026-11-21T10:00:00Z"},
        "connected_apps_oauth": {"done": True, "by": "admin@ready.example", "at": "2026-11-21T10:00:00Z"},
    },
    "evidence": {
        "rovo_mcp": {"source": "attested", "by": "admin@ready.example", "at": "2026-11-20T09:00:00Z"},
        "ip_allowlist": {"source": "admin-api", "at": "2026-11-20T09:30:00Z"},
        "credentials": {"source": "admin-api", "at": "2026-11-20T09:30:00Z"},
    },
}


def audit(tmp_path: Path, org: dict[str, object]) -> tuple[int, str, list[dict[str, object]]]:
    doc = {"apiVersion": "rovo-audit/v1", "kind": "OrgSettings", "collected_at": "2026-11-20T09:30:00Z", "orgs": [org]}
    tmp_path.mkdir(exist_ok=True)
    settings = tmp_path / "settings.yaml"
    settings.write_text(yaml.safe_dump(doc, sort_keys=False))
    out = tmp_path / "out"
    r = run_cli(
        "audit",
        "--policy",
        "baseline",
        "--policy",
        "rollout-approved-clients",
        "--settings",
        settings,
        "--out",
        out,
        "--no-history",
        "--as-of",
        AS_OF,
    )
    assert r.code in (0, 1), r.err
    return r.code, r.out, json.loads((out / "results.json").read_text())["findings"]


def not_passing(findings: list[dict[str, object]]) -> set[tuple[object, object, object]]:
    return {(f["control"], f["subject"], f["status"]) for f in findings if f["status"] != "pass"}


def test_a_ready_org_is_ready(tmp_path):
    code, out, findings = audit(tmp_path, READY_ORG)
    assert (code, not_passing(findings)) == (0, set()), out
    assert out.startswith("Ready for rollout")
    assert ("RMCP-IP-003", "claude", "pass") in {(f["control"], f["subject"], f["status"]) for f in findings}


def test_an_ip_allowlist_that_claude_cannot_pass_is_not_ready(tmp_path):
    org = {**READY_ORG, "ip_allowlist": {"enabled": True, "ranges": ["203.0.113.0/24"]}}
    code, out, findings = audit(tmp_path, org)
    assert code == 1 and not out.startswith("Ready for rollout")
    assert not_passing(findings) == {("RMCP-IP-003", "claude", "fail")}
    f = next(f for f in findings if f["control"] == "RMCP-IP-003")
    assert f["severity"] == "high" and "160.79.104.0/21" in f["actual"]
    # policy_ref: the line of the bundled profile that requires Claude's redirect.
    lines = policy_file("rollout-approved-clients").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "- https://claude.ai/api/mcp/auth_callback" in text)
    assert f["policy_ref"].endswith(f"rollout-approved-clients.yaml:{line}")
    page = (tmp_path / "out" / "report.html").read_text()
    assert "RMCP-IP-003" in page and '<h1 class="verdict blocked">' in page


def test_open_or_unattested_checklist_items_are_to_do(tmp_path):
    checklist = {
        "site_admin_consent": [{"site": "https://ready.atlassian.net", "done": False, "by": "admin@ready.example"}],
        "user_installed_apps": {"done": True, "by": "admin@ready.example"},
    }
    code, out, findings = audit(tmp_path, {**READY_ORG, "rollout_checklist": checklist})
    assert code == 1
    assert not_passing(findings) == {
        ("RMCP-ROLL-001", "https://ready.atlassian.net", "fail"),  # attested open: a to-do item
        ("RMCP-ROLL-003", None, "unknown"),  # nobody attested it: never a pass
    }
    assert "Have a site admin of https://ready.atlassian.net connect an MCP client once" in out
    page = (tmp_path / "out" / "report.html").read_text()
    assert "Rollout checklist" in page and "RMCP-ROLL-003" in page
    # Without the section at all, every item of the profile is unknown.
    org = {k: v for k, v in READY_ORG.items() if k != "rollout_checklist"}
    _, _, findings = audit(tmp_path / "none", org)
    assert {(c, st) for c, _, st in not_passing(findings)} == {
        ("RMCP-ROLL-001", "unknown"),
        ("RMCP-ROLL-002", "unknown"),
        ("RMCP-ROLL-003", "unknown"),
    }
