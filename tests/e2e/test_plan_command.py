"""`rovo-audit plan` through the real command: its files, its order, and the proof that the
target settings it writes audit clean with `rovo-audit audit`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from auditor.atomic import STATE
from tests.conftest import assert_usage_error, run_cli
from tests.unit.test_plan import lockout_doc

AS_OF = "2026-11-26T00:00:00Z"  # a time: a date alone is the end of that day
PLAN_FILES = ("plan.json", "plan.md", "target.settings.yaml")


def write(path: Path, doc: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def audit_target(out: Path, *policies: str) -> tuple[int, dict[str, object]]:
    pol = [a for p in policies for a in ("--policy", p)]
    r = run_cli("audit", *pol, "--settings", out / "target.settings.yaml", "--out", out / "re",
                "--format", "json", "--no-history", "--as-of", AS_OF)  # fmt: skip
    return r.code, json.loads((out / "re" / "results.json").read_text())


def test_demo_plan_writes_its_files_and_its_target_audits_ready(tmp_path: Path) -> None:
    r = run_cli("plan", "--demo", "--out", tmp_path, "--as-of", AS_OF)
    assert r.code == 0, r.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted((*PLAN_FILES, STATE))  # STATE: the set's manifest
    doc = json.loads((tmp_path / "plan.json").read_text())
    assert doc["schema"] == "rovo-audit/plan/v1" and doc["as_of"] == "2026-11-26T00:00:00Z"
    assert [s["n"] for s in doc["steps"]] == list(range(1, len(doc["steps"]) + 1))
    for s in doc["steps"]:
        assert set(s) >= {"n", "org", "action", "path", "value", "findings", "summary", "where"}
        assert s["findings"] and all(len(pair) == 2 for pair in s["findings"])
    assert doc["unresolvable"] == []
    assert "1. " in r.out and "where: " in r.out
    code, results = audit_target(tmp_path, "baseline")
    assert code == 0, results["summary"]
    assert results["summary"]["fail"] == results["summary"]["warn"] == results["summary"]["unknown"] == 0
    target = yaml.safe_load((tmp_path / "target.settings.yaml").read_text())
    assert target["orgs"][0]["evidence"]["rovo_mcp"]["by"] == "rovo-audit plan"
    assert target["orgs"][0]["evidence"]["rovo_mcp"]["source"] == "file"


def test_lockout_plan_adds_vendor_origins_first_and_turns_the_toggle_off_last(tmp_path: Path) -> None:
    settings = write(tmp_path / "s.yaml", lockout_doc())
    out = tmp_path / "out"
    policies = ("baseline", "rollout-approved-clients")
    before = run_cli("audit", "--policy", policies[0], "--policy", policies[1], "--settings", settings,
                     "--out", tmp_path / "a", "--format", "json", "--no-history", "--as-of", AS_OF)  # fmt: skip
    assert before.code == 1  # the toggle is on, which the rollout policy forbids
    r = run_cli("plan", "--policy", policies[0], "--policy", policies[1], "--settings", settings,
                "--out", out, "--as-of", AS_OF)  # fmt: skip
    assert r.code == 1, r.err  # one thing only collecting the org's sites settles
    steps = json.loads((out / "plan.json").read_text())["steps"]
    toggle = next(i for i, s in enumerate(steps) if s["path"] == "rovo_mcp.atlassian_supported_domains")
    assert steps[toggle]["action"] == "set" and steps[toggle]["value"] is False
    assert ["RMCP-DOM-005", None] in steps[toggle]["findings"]
    assert steps[0]["action"] == "add" and all(s["action"] == "add" for s in steps[:toggle])
    assert all(s["path"] != "rovo_mcp.domains" for s in steps[toggle:])  # no origin added after the toggle is off
    prerequisites = [s for s in steps if s.get("before") == toggle + 1]
    assert prerequisites and all("before step" in s["summary"] for s in prerequisites)
    md = (out / "plan.md").read_text()
    assert md.index(steps[0]["value"]) < md.index("Turn off Allow Atlassian supported domains")
    # the checklist's to-dos come after the settings, each a person's job then attested
    todo = [s for s in steps if s["path"].startswith("rollout_checklist.")]
    assert {s["path"] for s in todo} == {
        "rollout_checklist.user_installed_apps.done",
        "rollout_checklist.connected_apps_oauth.done",
    }
    _, results = audit_target(out, *policies)
    left = {(f["control"], f["subject"], f["status"]) for f in results["findings"] if f["status"] != "pass"}  # type: ignore[index,union-attr]
    assert left == {("RMCP-ROLL-001", "*", "unknown")}, left  # which sites the org has was never collected
    unresolvable = json.loads((out / "plan.json").read_text())["unresolvable"]
    assert [(u["control"], u["status"]) for u in unresolvable] == [("RMCP-ROLL-001", "unknown")]
    assert "sites were not collected" in unresolvable[0]["reason"]


def test_what_was_not_collected_is_a_collect_step_and_the_run_is_not_clean(tmp_path: Path) -> None:
    doc = lockout_doc()
    org = doc["orgs"][0]  # type: ignore[index]
    del org["ip_allowlist"], org["evidence"]["ip_allowlist"]
    settings = write(tmp_path / "s.yaml", doc)
    r = run_cli("plan", "--policy", "rollout-custom-webapp", "--settings", settings, "--out", tmp_path / "o",
                "--as-of", AS_OF)  # fmt: skip
    assert r.code == 1, r.err
    steps = json.loads((tmp_path / "o" / "plan.json").read_text())["steps"]
    collect = [s for s in steps if s["action"] == "collect"]
    assert [s["path"] for s in collect] == ["ip_allowlist"]
    assert "value" not in collect[0] and "ROVO_AUDIT_ADMIN_API_KEY" in collect[0]["where"]
    assert {tuple(f) for f in collect[0]["findings"]} >= {("RMCP-IP-001", None)}


def test_without_settings_the_target_is_a_template_of_what_the_policy_requires(tmp_path: Path) -> None:
    r = run_cli("plan", "--policy", "rollout-approved-clients", "--out", tmp_path, "--as-of", AS_OF)
    assert r.code == 0, r.out + r.err
    assert [p.name for p in tmp_path.iterdir()] == ["target.settings.yaml"]
    text = (tmp_path / "target.settings.yaml").read_text()
    assert text.startswith("# What policies/rollout-approved-clients.yaml requires")
    assert run_cli("validate", tmp_path / "target.settings.yaml").code == 0
    org = yaml.safe_load(text)["orgs"][0]
    assert org["id"] == "your-org-id" and org["evidence"]["rovo_mcp"] == {
        "source": "attested", "by": "you@example.com", "at": "2026-11-26T00:00:00Z"}  # fmt: skip
    assert {c["done"] for c in org["rollout_checklist"]["site_admin_consent"]} == {False}  # to-dos, open
    _, results = audit_target(tmp_path, "rollout-approved-clients")
    left = {(f["control"], f["status"]) for f in results["findings"] if f["status"] != "pass"}  # type: ignore[index,union-attr]
    assert left == {("RMCP-ROLL-001", "fail"), ("RMCP-ROLL-002", "fail"), ("RMCP-ROLL-003", "fail")}, left


def test_same_inputs_and_as_of_give_the_same_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run_cli("plan", "--demo", "--out", tmp_path / name, "--as-of", AS_OF, "-q").code == 0
    for f in PLAN_FILES:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    assert_usage_error(run_cli("plan", "--settings", tmp_path / "x.yaml", "--out", tmp_path / "o"), "--policy")
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: rovo-audit/v1\nkind: OrgSettings\norgs: [{id: o, rovo_mcp: {domains: 3}}]\n")
    line = assert_usage_error(run_cli("plan", "--policy", "baseline", "--settings", bad, "--out", tmp_path / "o"))
    assert f"{bad}:3:" in line
    assert not (tmp_path / "o").exists()


def test_hostile_labels_cannot_inject_markdown_or_terminal_sequences(tmp_path: Path) -> None:
    doc = lockout_doc()
    org = doc["orgs"][0]  # type: ignore[index]
    org["name"] = "Evil [click](https://evil.example) \x1b]0;pwned\x07"
    org["credentials"] = [
        {"label": "bot|`x`<img src=x>\x1b[2J", "kind": "api_token", "scopes": ["read:jira-work", "read:issue:jira"]}
    ]
    settings = write(tmp_path / "s.yaml", doc)
    r = run_cli("plan", "--policy", "baseline", "--settings", settings, "--out", tmp_path / "o", "--as-of", AS_OF)
    assert r.code == 0, r.err
    assert "\x1b" not in r.out and "\\x1b" in r.out
    md = (tmp_path / "o" / "plan.md").read_text()
    assert "\x1b" not in md
    prose = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", md)  # what is outside code spans renders as Markdown
    assert "<img" in md and "<img" not in prose  # shown literally, in code
    assert "[click](" not in prose and "[click](https://evil.example)" in md  # in code: shown, not linked


def test_summary_md_carries_the_plan_and_plan_json_has_the_same_steps(tmp_path: Path) -> None:
    settings = write(tmp_path / "s.yaml", lockout_doc())
    r = run_cli("audit", "--policy", "baseline", "--policy", "rollout-approved-clients", "--settings", settings,
                "--out", tmp_path / "a", "--format", "md", "--no-history", "--as-of", AS_OF)  # fmt: skip
    assert r.code == 1, r.err
    md = (tmp_path / "a" / "summary.md").read_text()
    end = re.search(r"^## Lockout Org \(", md, re.M)  # the org's own section follows the plan
    assert end is not None
    plan_md = md[md.index("## Remediation plan") : end.start()]
    run_cli("plan", "--policy", "baseline", "--policy", "rollout-approved-clients", "--settings", settings,
            "--out", tmp_path / "p", "--as-of", AS_OF, "-q")  # fmt: skip
    steps = json.loads((tmp_path / "p" / "plan.json").read_text())["steps"]
    numbered = re.findall(r"^(\d+)\. ", plan_md, re.M)
    assert [int(n) for n in numbered] == [s["n"] for s in steps]


def test_audit_no_plan_leaves_the_plan_out(tmp_path: Path) -> None:
    r = run_cli("audit", "--demo", "--no-plan", "--format", "md,html", "--out", tmp_path, "--as-of", AS_OF, "-q")
    assert r.code == 1, r.err
    assert "Remediation plan" not in (tmp_path / "summary.md").read_text()
    assert 'id="plan"' not in (tmp_path / "report.html").read_text()
    r = run_cli("audit", "--demo", "--format", "md,html", "--out", tmp_path / "with", "--as-of", AS_OF, "-q")
    assert "Remediation plan" in (tmp_path / "with" / "summary.md").read_text()
    assert 'id="plan"' in (tmp_path / "with" / "report.html").read_text()
