"""Issue 12 (parts 3 and 6), through the real command: remediation that fits the status in
every output, unknowns given once per org and missing section, and the small truths (no
negative evidence age, what a date-only --as-of means, an expired waiver named on its card,
the diff's observed values, --fail-on by severity, summary.md's review section)."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, assert_usage_error, run_cli
from tests.results_doc import findings

POLICY = EXAMPLE / "custom-webapp.policy.yaml"
SETTINGS = EXAMPLE / "example-corp.settings.yaml"
ALL = "html,json,md,csv,sarif,junit"


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _audit(out: Path, *args: str | Path, as_of: str = "2026-11-26T00:00:00Z", fmt: str = ALL) -> tuple[int, str]:
    r = run_cli("audit", *args, "--out", out, "--format", fmt, "--as-of", as_of, "--no-history")
    assert r.code in (0, 1), r.err
    return r.code, r.out


def _findings(out: Path) -> list[dict]:
    return findings(out / "results.json")  # each whole: tests/results_doc.py


# --- part 3: remediation that fits the status -------------------------------------------


def test_a_pass_carries_no_remediation_in_any_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _audit(out, "--policy", POLICY, "--settings", SETTINGS)
    found = _findings(out)
    passes = [f for f in found if f["status"] == "pass"]
    others = [f for f in found if f["status"] != "pass"]
    assert passes and others
    assert not any("remediation" in f for f in passes)
    assert all(f["remediation"]["summary"] and f["remediation"]["steps"] for f in others)
    # csv, sarif: a row / result per finding that is not a pass, each with its remediation
    rows = list(csv.DictReader(io.StringIO((out / "action-plan.csv").read_text())))
    assert len(rows) == len(others) and all(r["remediation"] for r in rows)
    sarif = json.loads((out / "results.sarif").read_text())["runs"][0]["results"]
    assert len(sarif) == len(others) and all(" Fix: " in r["message"]["text"] for r in sarif)
    # junit: a case per finding; a pass's says nothing of a fix
    cases = ET.fromstring((out / "junit.xml").read_text()).iter("testcase")
    for case in cases:
        if not len(case):
            assert "fix:" not in ET.tostring(case, encoding="unicode")
    # summary.md lists no pass; report.html shows passes only in their table, with no advice
    md = (out / "summary.md").read_text()
    assert not re.search(r"^\| pass \| (critical|high|medium|low|info) \|", md, re.M)
    html = (out / "report.html").read_text()
    assert not re.search(r'<article[^>]*data-s="pass"', html)
    passed = html[html.index('<details class="passes g"') : html.index("</details>", html.index("passes g"))]
    assert "<ol>" not in passed and "Docs:" not in passed


UNSEEN = """\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-20T09:30:00Z
orgs:
  - id: o1
    name: One
    rovo_mcp: {atlassian_supported_domains: true}
  - id: o2
    name: Two
    ip_allowlist: {enabled: true, ranges: [192.0.2.10/32]}
"""


def test_unknowns_say_how_to_collect_once_per_org_and_section(tmp_path: Path) -> None:
    from auditor.catalog import controls

    settings = _write(tmp_path / "s.yaml", UNSEEN)
    out = tmp_path / "out"
    assert _audit(out, "--policy", POLICY, "--settings", settings)[0] == 1
    collect = controls().collect
    unknowns = [f for f in _findings(out) if f["status"] == "unknown"]
    groups: dict[tuple[str, str], set[str]] = {}
    for f in unknowns:
        rem = f["remediation"]
        section = rem["collect"]
        assert rem["summary"] == collect[section].summary and rem["links"]
        assert "Turn on" not in rem["summary"] and " it " not in rem["summary"]
        groups.setdefault((f["org"], section), set()).add(f["control"])
    assert set(groups) == {("o1", "rovo_mcp"), ("o1", "ip_allowlist"), ("o1", "credentials")} | {
        ("o2", "rovo_mcp"),
        ("o2", "credentials"),
    }
    # summary.md: one entry per (org, section), naming the controls it holds back
    md = (out / "summary.md").read_text()
    for (org, section), ctrls in groups.items():
        heading = re.search(rf"^## {'One' if org == 'o1' else 'Two'} ", md, re.M)  # the org's own section
        assert heading is not None
        part = md[heading.start() :]
        part = part[: part.index("\n## ")] if "\n## " in part else part
        rows = [line for line in part.splitlines() if collect[section].summary in line]
        assert len(rows) == 1, (org, section, rows)
        assert all(c in rows[0] for c in ctrls) and f"{collect[section].label} not (fully) collected" in rows[0]
    assert len(re.findall(r"^\| unknown \|", md, re.M)) == len(groups)
    # report.html: one card per (org, section), each unknown a filterable item in it
    html = (out / "report.html").read_text()
    cards = re.findall(r'<article class="card unknown fs"[^>]*data-section="([a-z_]+)"', html)
    assert sorted(cards) == sorted(section for _, section in groups)
    assert len(re.findall(r'<li class="f" id="f\d+">', html)) == len(unknowns)
    assert html.count(collect["rovo_mcp"].summary) == 2  # once per org that lacks it
    # the terminal: one line per (org, section) too
    _, text = _audit(tmp_path / "t", "--policy", POLICY, "--settings", settings, fmt="json")
    assert text.count("rovo_mcp not (fully) collected") == 2


def test_results_written_before_the_amendment_are_still_read(tmp_path: Path) -> None:
    """A results.json of the earlier rule carries remediation on every finding: merge and
    diff read it, and what they write gives none for a pass."""
    new = tmp_path / "new"
    _audit(new, "--policy", POLICY, "--settings", SETTINGS, fmt="json")
    doc = json.loads((new / "results.json").read_text())
    for f in doc["findings"]:
        if f["status"] == "pass":
            f["remediation"] = {"summary": "Add it to Your domains", "steps": ["Open it."], "links": []}
            f["remediation"].update({"value": f["subject"]} if f["subject"] else {})
    old = _write(tmp_path / "old.json", json.dumps(doc))
    merged = tmp_path / "merged"
    r = run_cli("merge", old, "--out", merged, "--format", "json,html,md", "--no-history")
    assert r.code == 1, r.err
    assert (merged / "results.json").read_text() == (new / "results.json").read_text()
    assert "Add it to Your domains" not in (merged / "report.html").read_text()
    r = run_cli("diff", old, new / "results.json", "--format", "json")
    assert r.code == 0, r.err
    summary = json.loads(r.out)["summary"]
    assert summary["unchanged"] + summary["still-failing"] == len(doc["findings"])


# --- part 6: small truths ----------------------------------------------------------------

AGE = """\
apiVersion: rovo-audit/v1
kind: Policy
metadata: {name: age}
ip_allowlist: {enabled: require}
evidence: {max_age_days: 30}
"""
SAME_DAY = """\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-26T09:30:00Z
orgs:
  - {id: o1, name: One, ip_allowlist: {enabled: true, ranges: [203.0.113.0/24]}}
"""


def test_a_date_only_as_of_is_the_end_of_that_day(tmp_path: Path) -> None:
    policy, settings = _write(tmp_path / "p.yaml", AGE), _write(tmp_path / "s.yaml", SAME_DAY)
    out = tmp_path / "out"
    code, text = _audit(out, "--policy", policy, "--settings", settings, as_of="2026-11-26")
    assert code == 0 and "dated after" not in text
    doc = json.loads((out / "results.json").read_text())
    assert doc["as_of"] == doc["generated_at"] == "2026-11-26T23:59:59Z"
    age = next(f for f in doc["findings"] if f["control"] == "RMCP-EVID-001")
    assert (age["status"], age["actual"]) == ("pass", "0.6 days old (gathered 2026-11-26T09:30:00Z)")
    assert "dated after" not in (out / "report.html").read_text()


def test_evidence_dated_after_as_of_is_its_own_warning_never_a_negative_age(tmp_path: Path) -> None:
    policy, settings = _write(tmp_path / "p.yaml", AGE), _write(tmp_path / "s.yaml", SAME_DAY)
    out = tmp_path / "out"
    code, text = _audit(out, "--policy", policy, "--settings", settings, as_of="2026-11-26T00:00:00Z")
    assert code == 0  # a warn
    age = next(f for f in _findings(out) if f["control"] == "RMCP-EVID-001")
    assert age["status"] == "warn"
    assert age["actual"] == (
        "dated after the audit's as-of time: gathered 2026-11-26T09:30:00Z, 0.4 days after 2026-11-26T00:00:00Z"
    )
    assert "--as-of" in age["remediation"]["summary"] and "Collect" not in age["remediation"]["summary"]
    assert "is dated after the as-of time 2026-11-26T00:00:00Z (One ip_allowlist)" in text
    html = (out / "report.html").read_text()
    assert "dated after the as-of time" in html and not re.search(r"-\d+\.\d days", html)
    # Without an age rule there is no EVID-001, but the page and the terminal still say it.
    plain = _write(tmp_path / "plain.yaml", AGE.replace("evidence: {max_age_days: 30}\n", ""))
    code, text = _audit(tmp_path / "o2", "--policy", plain, "--settings", settings)
    assert code == 0 and "dated after the as-of time" in text
    html = (tmp_path / "o2" / "report.html").read_text()
    assert "dated after the as-of time" in html and not re.search(r"-\d+\.\d days", html)


def test_the_card_of_a_finding_whose_waiver_expired_names_that_waiver(tmp_path: Path) -> None:
    waivers = _write(
        tmp_path / "w.yaml",
        "apiVersion: rovo-audit/v1\nkind: Waivers\nwaivers:\n"
        '  - {control: RMCP-DOM-004, subject: "https://*.vercel.app/**", reason: Preview builds until the move,'
        " approved_by: ciso@example.com, expires: 2026-11-01}\n",
    )
    out = tmp_path / "out"
    _audit(out, "--policy", POLICY, "--settings", SETTINGS, "--waivers", waivers, fmt="html,json")
    doc = json.loads((out / "results.json").read_text())
    assert doc["expired_waivers"][0]["why"] == "expired"
    html = (out / "report.html").read_text()
    card = re.search(
        r'<article class="card fail"[^>]*>(?:(?!</article>).)*?vercel(?:(?!</article>).)*RMCP-DOM-004.*?</article>',
        html,
        re.S,
    )
    assert card, "no card for the DOM-004 finding"
    text = card.group(0)
    assert "Waiver expired 2026-11-01" in text and "Preview builds until the move" in text
    assert "ciso@example.com" in text and "w.yaml:4" in text
    assert "&lt;why this is accepted&gt;" not in text and ", YAML</button>" not in text  # no fresh placeholder waiver
    # Other cards still offer one (written by the page, from its data block, when asked).
    assert html.count(", YAML</button>") == html.count('"yk":"waiver"') + html.count('"yk":"policy"') > 0
    assert '"yk":"waiver"' in html


def _history_run(tmp_path: Path, settings: Path, as_of: str) -> None:
    r = run_cli(
        "audit", "--policy", POLICY, "--settings", settings, "--out", tmp_path / "out", "--format", "json,md,html",
        "--as-of", as_of,
    )  # fmt: skip
    assert r.code == 1, r.err


def test_diff_rows_carry_the_observed_values_and_summary_md_has_the_review(tmp_path: Path) -> None:
    text = SETTINGS.read_text()
    toggle, read = "atlassian_supported_domains: true", "jira: {read: allowed"
    assert toggle in text and read in text
    later = _write(tmp_path / "later.yaml", text.replace(toggle, "atlassian_supported_domains: false"))
    worse = _write(tmp_path / "worse.yaml", later.read_text().replace(read, "jira: {read: blocked"))
    _history_run(tmp_path, SETTINGS, "2026-11-26T00:00:00Z")
    md = (tmp_path / "out" / "summary.md").read_text()
    assert "Since the last review" not in md  # no earlier run yet
    _history_run(tmp_path, later, "2026-11-27T00:00:00Z")
    md = (tmp_path / "out" / "summary.md").read_text()
    assert "## Since the last review" in md
    on, off = "Allow Atlassian supported domains: on", "Allow Atlassian supported domains: off"
    assert f"| fixed | Example Corp | RMCP-DOM-005 | — | fail → pass | {on} → {off} |" in md
    runs = sorted((tmp_path / "out" / "history").iterdir())
    assert len(runs) == 2
    old, new = runs
    r = run_cli("diff", old, new)
    assert f"      was: {on}\n      now: {off}\n" in r.out
    changes = {c["control"]: c for c in json.loads(run_cli("diff", old, new, "--format", "json").out)["changes"]}
    fixed = changes["RMCP-DOM-005"]
    assert (fixed["change"], fixed["old_actual"], fixed["new_actual"]) == ("fixed", on, off)
    assert all(c["old_actual"] is None for c in changes.values() if c["change"] not in ("fixed", "regressed"))
    html = run_cli("diff", old, new, "--format", "html").out
    assert f"was: {on}" in html and f"now: {off}" in html
    # A regression carries both values too (a permission group blocked since).
    _history_run(tmp_path, worse, "2026-11-28T00:00:00Z")
    old, new = sorted((tmp_path / "out" / "history").iterdir())[1:]
    doc = json.loads(run_cli("diff", old, new, "--format", "json").out)
    reg = next(c for c in doc["changes"] if (c["control"], c["subject"]) == ("RMCP-PERM-001", "jira.read"))
    assert (reg["change"], reg["old_actual"], reg["new_actual"]) == ("regressed", "Allowed", "Blocked")
    md = (tmp_path / "out" / "summary.md").read_text()
    assert "| regressed | Example Corp | RMCP-PERM-001 | jira.read | pass → fail | Allowed → Blocked |" in md


MIXED = """\
apiVersion: rovo-audit/v1
kind: Policy
metadata: {name: mixed}
auth: {api_token: forbid}
ip_allowlist: {enabled: require}
severity: {RMCP-IP-001: medium}
"""
MIXED_SETTINGS = """\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-20T09:30:00Z
orgs:
  - {id: o1, name: One, rovo_mcp: {api_token_auth: true}, ip_allowlist: {enabled: false}}
"""


@pytest.mark.parametrize(
    ("fail_on", "code", "verdict"),
    [
        ("fail", 1, "Blocked: 2 findings"),
        ("low", 1, "Blocked: 2 findings"),
        ("medium", 1, "Blocked: 2 findings"),
        ("high", 1, "Blocked: 1 finding"),  # AUTH-001 (high); IP-001 (medium) is below
        ("critical", 0, "Ready for rollout at --fail-on critical (2 lower-severity findings to fix)"),
    ],
)
def test_fail_on_takes_a_severity_everywhere_the_verdict_is_used(
    tmp_path: Path, fail_on: str, code: int, verdict: str
) -> None:
    policy, settings = _write(tmp_path / "p.yaml", MIXED), _write(tmp_path / "s.yaml", MIXED_SETTINGS)
    out = tmp_path / "out"
    r = run_cli(
        "audit", "--policy", policy, "--settings", settings, "--out", out, "--format", ALL,
        "--as-of", "2026-11-26", "--fail-on", fail_on, "--no-history",
    )  # fmt: skip
    assert r.code == code, r.err
    assert r.out.startswith(verdict + "  ("), r.out
    assert (out / "summary.md").read_text().startswith(f"# Rovo MCP audit: {verdict}\n")
    assert f"<title>Rovo MCP audit: {verdict}</title>" in (out / "report.html").read_text()
    listed = [line for line in r.out.splitlines() if line.startswith("  fail ")]
    assert len(listed) == (2 if fail_on in ("fail", "low", "medium") else 1 if fail_on == "high" else 0)
    junit = ET.fromstring((out / "junit.xml").read_text())
    assert junit.get("failures") == str(len(listed))
    # merge applies the same rule to the same results
    r = run_cli("merge", out / "results.json", "--out", tmp_path / "m", "--fail-on", fail_on, "--no-history")
    assert r.code == code and verdict in r.out


def test_fail_on_help_and_a_bad_level(tmp_path: Path) -> None:
    r = run_cli("audit", "--help")
    assert r.code == 0
    flat = " ".join(r.out.split())
    assert "--fail-on {fail,warn,never,critical,high,medium,low}" in flat
    assert "critical|high|medium|low (fail and unknown findings of that severity or higher" in flat
    assert "--fail-on" in run_cli("merge", "--help").out
    assert_usage_error(run_cli("audit", "--demo", "--fail-on", "severe", "--out", tmp_path), "--fail-on", "severe")
