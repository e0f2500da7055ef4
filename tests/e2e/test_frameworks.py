"""Framework mappings through the real commands: summary.md's roll-up, --framework, `controls --frameworks`."""

from __future__ import annotations

from pathlib import Path

from auditor.catalog import controls, frameworks
from tests.conftest import run_cli


def _audit(tmp: Path, *extra: str) -> tuple[int, str, Path]:
    out = tmp / "out"
    r = run_cli("audit", "--demo", "--out", out, "--format", "md", "--as-of", "2026-11-26", "--no-history", *extra)
    return r.code, r.err, out


def test_summary_rolls_up_every_framework_worst_first(tmp_path: Path) -> None:
    code, err, out = _audit(tmp_path)
    assert code == 1, err
    md = (out / "summary.md").read_text()
    section = md.split("## Framework roll-up", 1)[1]
    for fw in frameworks().frameworks.values():
        assert f"### {fw.name}" in section.replace("\\", "")
    # The demo allows Jira delete (RMCP-PERM-002 fails): least privilege fails, and the row names it.
    nist = section.split("### NIST SP 800-53 Rev. 5", 1)[1].split("###", 1)[0]
    row = next(line for line in nist.splitlines() if "AC-6 Least Privilege" in line)
    assert row.startswith("| AC-6 Least Privilege | fail |") and "RMCP-PERM-002 jira.delete" in row
    assert "not assessed" in nist.splitlines()[0]  # counts say what was not assessed


def test_framework_flag_limits_the_roll_up_and_is_checked(tmp_path: Path) -> None:
    code, err, out = _audit(tmp_path, "--framework", "soc2", "--framework", "owasp-mcp-top10")
    assert code == 1, err
    section = (out / "summary.md").read_text().split("## Framework roll-up", 1)[1]
    assert "### SOC 2 Trust Services Criteria" in section and "### OWASP MCP Top 10" in section
    assert "NIST" not in section and "ISO/IEC" not in section

    bad = tmp_path / "bad"
    r = run_cli("audit", "--demo", "--out", bad, "--format", "md", "--framework", "pci-dss")
    assert r.code == 2
    assert "--framework pci-dss: no such framework (choices: nist-800-53," in r.err
    assert "Traceback" not in r.err and not bad.exists()


def test_controls_lists_every_mapping_with_its_reason() -> None:
    r = run_cli("controls", "--frameworks")
    assert r.code == 0, r.err
    for cid in controls().controls:
        block = r.out.split(cid + "\n", 1)[1].split("\nRMCP-", 1)[0]
        assert "  why: " in block, cid
    assert "rovo-audit's judgement" in r.out and "https://csrc.nist.gov/" in r.out


def test_sarif_rules_carry_framework_tags(tmp_path: Path) -> None:
    import json

    code, err, out = _audit(tmp_path, "--format", "sarif")
    assert code == 1, err
    rules = json.loads((out / "results.sarif").read_text())["runs"][0]["tool"]["driver"]["rules"]
    assert rules
    data = frameworks()
    for rule in rules:
        tags = rule["properties"]["tags"]
        want = [f"{fw}/{req}" for fw, reqs in data.of(rule["id"]).items() for req in reqs]
        assert want and all(t in tags for t in want), rule["id"]


def test_terminal_names_the_chosen_frameworks_only(tmp_path: Path) -> None:
    r = run_cli("audit", "--demo", "--out", tmp_path / "a", "--format", "md", "--no-history", "--framework", "soc2")
    assert r.code == 1, r.err
    assert "  SOC 2 Trust Services Criteria: " in r.out and " fail" in r.out.split("SOC 2 Trust Services Criteria:")[1]
    assert "NIST" not in r.out
    plain = run_cli("audit", "--demo", "--out", tmp_path / "b", "--format", "md", "--no-history")
    assert "Trust Services" not in plain.out


def test_results_json_and_cards_carry_each_controls_mappings(tmp_path: Path) -> None:
    import json
    import re

    code, err, out = _audit(tmp_path, "--format", "json,html")
    assert code == 1, err
    doc = json.loads((out / "results.json").read_text())
    data = frameworks()
    seen = {f["control"] for f in doc["findings"]}
    for cid in seen:
        assert doc["controls"][cid]["frameworks"] == {fw: list(reqs) for fw, reqs in data.of(cid).items()}
    html = (out / "report.html").read_text()
    # each card's details name its control's mappings; the controls table lists them all
    for cid in ("RMCP-PERM-002", "RMCP-DOM-004"):
        line = "; ".join(f"{fw} {', '.join(reqs)}" for fw, reqs in data.of(cid).items())
        assert re.search(
            r'<p class="meta">' + re.escape(cid) + r" · [^\n]*?frameworks: " + re.escape(line + "</p>"), html
        )
        assert f'<tr><th scope="row">{cid}</th>' in html and f"<td>{line}</td>" in html
