"""`--format sarif` validates against the SARIF 2.1.0 schema and points at policy lines;
`--format junit` parses with a JUnit XML reader: a suite per org, a case per finding."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from junitparser import Failure, JUnitXml, Skipped
from lxml import etree

from auditor.catalog import controls
from auditor.model.common import SEVERITY_RANK
from tests.conftest import EXAMPLE, FIXTURES, run_cli
from tests.estate import AS_OF, make_estate
from tests.review.scenario import OLD_AS_OF, audit, write_files

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


# The Jenkins xunit plugin's JUnit schema, vendored with its source: tests/fixtures/junit/README.md
JUNIT_XSD = etree.XMLSchema(etree.parse(str(FIXTURES / "junit" / "junit-10.xsd")))


def _validate_junit(xml: bytes) -> None:
    doc = etree.fromstring(xml)
    assert JUNIT_XSD.validate(doc), [f"{e.line}:{e.column}: {e.message}" for e in JUNIT_XSD.error_log][:5]


def _validate_sarif(doc: dict) -> None:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("ci")
    files = write_files(base / "in")
    r = audit(files, files.old_settings, OLD_AS_OF, base / "out", "--no-history", "--format", "json,sarif,junit")
    assert r.code == 1, r.err
    return base / "out"


@pytest.fixture(scope="module")
def estate(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("ci-estate")
    policy_text, settings_text = make_estate(5, 6, seed=11)
    # An org name with a control character: JUnit XML must still be well formed.
    settings_text = settings_text.replace("name: Acme Engineering", 'name: "Acme\\x01Engineering <&>"', 1)
    (base / "policy.yaml").write_text(policy_text)
    (base / "settings.yaml").write_text(settings_text)
    r = run_cli(
        "audit",
        "--policy",
        base / "policy.yaml",
        "--settings",
        base / "settings.yaml",
        "--out",
        base / "out",
        "--format",
        "json,sarif,junit",
        "--as-of",
        AS_OF,
        "--no-history",
    )
    assert r.code in (0, 1), r.err
    return base / "out"


def test_sarif_validates_against_2_1_0_schema(scenario, estate):
    for out in (scenario, estate):
        _validate_sarif(json.loads((out / "results.sarif").read_text()))


def test_sarif_schema_check_can_fail():
    bad = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "fatal", "message": {"text": "x"}}]}],
    }
    with pytest.raises(AssertionError):
        _validate_sarif(bad)


def test_sarif_rules_and_results_point_at_policy_lines(scenario):
    sarif = json.loads((scenario / "results.sarif").read_text())
    findings = json.loads((scenario / "results.json").read_text())["findings"]
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "rovo-audit"
    rules = run["tool"]["driver"]["rules"]
    catalog = controls().controls
    assert [r["id"] for r in rules] == sorted(catalog)  # one rule per control, stable order
    for rule in rules:
        spec = catalog[rule["id"]]
        assert rule["shortDescription"]["text"] == spec.title
        # The risk as written, a finding's detail in it said generically: no placeholder left.
        risk = rule["fullDescription"]["text"]
        assert risk == spec.risk or ("{" in spec.risk and "the value shown in the result" in risk)
        assert "How to fix" in rule["help"]["text"] and rule["help"]["markdown"]
        for text in (risk, rule["help"]["text"], rule["help"]["markdown"]):
            assert "{" not in text and "}" not in text, (rule["id"], text)
        assert (
            rule["defaultConfiguration"]["level"]
            == {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}[spec.severity]
        )
        assert 0 < float(rule["properties"]["security-severity"]) <= 10
    # Every finding but a pass, the most severe first and waived last (code scanning keeps the
    # first ones of a large run), in the findings' own order within a severity.
    not_pass = sorted(
        (f for f in findings if f["status"] != "pass"),
        key=lambda f: (f["status"] == "waived", SEVERITY_RANK[f["severity"]]),
    )
    assert len({f["severity"] for f in not_pass}) > 1 and any(f["status"] == "waived" for f in not_pass)
    assert len(run["results"]) == len(not_pass)
    for res, f in zip(run["results"], not_pass, strict=True):
        assert res["ruleId"] == f["control"] and rules[res["ruleIndex"]]["id"] == f["control"]
        loc = res["locations"][0]["physicalLocation"]
        file, line = f["policy_ref"].rsplit(":", 1)
        assert loc["artifactLocation"]["uri"] == file.lstrip("/") or loc["artifactLocation"]["uri"].endswith(file)
        assert loc["region"]["startLine"] == int(line)
        assert res["properties"]["status"] == f["status"]
        if f["status"] == "waived":
            assert (
                res["suppressions"][0]["status"] == "accepted"
                and f["waiver"]["reason"] in res["suppressions"][0]["justification"]
            )
        else:
            assert "suppressions" not in res
    fingerprints = [r["partialFingerprints"]["rovoAuditFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_policy_line_is_the_rule_that_required_it(tmp_path):
    policy = EXAMPLE / "custom-webapp.policy.yaml"
    run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        EXAMPLE / "example-corp.settings.yaml",
        "--out",
        tmp_path,
        "--format",
        "sarif",
        "--as-of",
        "2026-11-26",
        "--no-history",
    )
    results = json.loads((tmp_path / "results.sarif").read_text())["runs"][0]["results"]
    ip = next(r for r in results if r["ruleId"] == "RMCP-IP-002")
    line = ip["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert "192.0.2.10/32" in policy.read_text().splitlines()[line - 1]
    auth = next(r for r in results if r["ruleId"] == "RMCP-AUTH-001")
    line = auth["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert "api_token: require" in policy.read_text().splitlines()[line - 1]


def test_junit_parses_suite_per_org_case_per_finding(scenario, estate):
    for out in (scenario, estate):
        xml = JUnitXml.fromfile(str(out / "junit.xml"))
        doc = json.loads((out / "results.json").read_text())
        suites = list(xml)
        assert len(suites) == len(doc["orgs"])
        by_org: dict[str, list] = {}
        for f in doc["findings"]:
            by_org.setdefault(f["org"], []).append(f)
        for suite, org in zip(suites, doc["orgs"], strict=True):
            found = by_org.get(org["id"], [])
            cases = list(suite)
            assert len(cases) == suite.tests == len(found)
            assert suite.failures == sum(f["status"] in ("fail", "unknown") for f in found)
            assert suite.skipped == sum(f["status"] == "waived" for f in found)
            for case, f in zip(cases, found, strict=True):
                kinds = {type(r) for r in case.result}
                if f["status"] in ("fail", "unknown"):
                    assert kinds == {Failure} and case.result[0].type == f["status"]
                elif f["status"] == "waived":
                    assert kinds == {Skipped}
                else:
                    assert not case.result  # pass and warn pass
                assert case.name.startswith(f["control"])
        assert xml.tests == len(doc["findings"])


def test_junit_validates_against_the_jenkins_xunit_schema(scenario, estate, tmp_path):
    for out in (scenario, estate):
        _validate_junit((out / "junit.xml").read_bytes())
    # Every status at once, under each --fail-on: failures, skips (waived) and system-out.
    files = write_files(tmp_path / "in")
    r = audit(
        files, files.old_settings, OLD_AS_OF, tmp_path / "w", "--no-history", "--format", "junit", "--fail-on", "warn"
    )
    assert r.code == 1, r.err
    text = (tmp_path / "w" / "junit.xml").read_bytes()
    assert b"<skipped" in text and b"<failure" in text
    _validate_junit(text)


def test_junit_schema_check_can_fail(scenario):
    text = (scenario / "junit.xml").read_bytes()
    with pytest.raises(AssertionError, match="skipped"):  # what the xunit plugin rejected (issue 15)
        _validate_junit(text.replace(b"<testsuites ", b'<testsuites skipped="1" ', 1))


def test_junit_escapes_and_replaces_what_xml_cannot_carry(estate):
    text = (estate / "junit.xml").read_text()
    assert "Acme\ufffdEngineering &lt;&amp;&gt;" in text and "\x01" not in text


def test_sarif_and_junit_keep_what_this_version_does_not_know(scenario, tmp_path):
    # A results.json from a newer writer (a control outside this catalogue) or one whose
    # `orgs` omits an org: a failing finding must still reach code scanning and CI.
    doc = json.loads((scenario / "results.json").read_text())
    extra = {**doc["findings"][0], "control": "RMCP-NEW-001", "status": "fail", "subject": "zzz"}
    if "controls" in doc:  # the lean file (FORMATS-EXTENSIONS A.2): the newer control's text in its table
        doc["controls"]["RMCP-NEW-001"] = {**doc["controls"][doc["findings"][0]["control"]], "title": "Newer"}
    lost = {**doc["findings"][0], "org": "org-not-listed", "org_name": "Unlisted", "status": "unknown"}
    doc["findings"] += [extra, lost]
    (tmp_path / "newer.json").write_text(json.dumps(doc))
    r = run_cli("merge", tmp_path / "newer.json", "--out", tmp_path / "out", "--format", "sarif,junit", "--no-history")
    assert r.code == 1, r.err
    sarif = json.loads((tmp_path / "out" / "results.sarif").read_text())
    _validate_sarif(sarif)
    run = sarif["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules[: len(controls().controls)] == sorted(controls().controls)  # catalogue indexes do not move
    new = [x for x in run["results"] if x["ruleId"] == "RMCP-NEW-001"]
    assert len(new) == 1 and rules[new[0]["ruleIndex"]] == "RMCP-NEW-001"
    suites = {s.name: s for s in JUnitXml.fromfile(str(tmp_path / "out" / "junit.xml"))}
    assert "Unlisted" in suites and suites["Unlisted"].failures == 1
