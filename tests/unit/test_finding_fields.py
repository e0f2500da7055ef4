"""evaluate/factory.py builds findings positionally with tuple.__new__ (NamedTuple's own
__new__ is 10x slower on 100,000+ findings). These tests fail when a field is added to
Finding, FindingTemplate or their parts without the factory filling it, or when the
factory's positions drift from the declared fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import textwrap
import typing

import pytest

from auditor.catalog import LazyRemediation, controls
from auditor.errors import InputError
from auditor.evaluate.factory import FindingFields, FindingTemplate, OrgView, TemplateFields, template
from auditor.load.documents import load_text
from auditor.load.merge import EffectivePolicy, merge_policies
from auditor.load.results import read_text
from auditor.model import common, schemas
from auditor.model.results import EvidenceRef, Finding
from auditor.model.settings import Org
from auditor.patterns.syntax import Pattern, PatternFields

AS_OF = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
COLLECTED = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
SEEN = dt.datetime(2026, 11, 19, 8, 30, tzinfo=dt.UTC)


def _view() -> tuple[OrgView, EffectivePolicy]:
    policy = load_text(
        textwrap.dedent("""\
            apiVersion: rovo-audit/v1
            kind: Policy
            metadata: {name: p}
            domains: {atlassian_supported: forbid, allowed: ["https://app.example.com/**"]}
            ip_allowlist: {enabled: require}
            severity: {RMCP-DOM-005: low}
            """),
        "p.yaml",
    )
    settings = load_text(
        textwrap.dedent("""\
            apiVersion: rovo-audit/v1
            kind: OrgSettings
            collected_at: 2026-11-20T00:00:00Z
            orgs:
              - id: o1
                name: One
                rovo_mcp: {atlassian_supported_domains: true, domains: ["https://app.example.com/cb"]}
                ip_allowlist: {enabled: false}
                evidence:
                  rovo_mcp: {source: admin-api, at: 2026-11-19T08:30:00Z, by: robot@example.com}
            """),
        "s.yaml",
    )
    merged = merge_policies([policy])
    org: Org = settings.model.orgs[0]
    return OrgView(org, merged, settings.model.collected_at, AS_OF), merged


def _assert_complete(f: Finding) -> None:
    """Every declared field is present (a short tuple fails here, not in some report), and repr works."""
    assert len(f) == len(Finding._fields)
    for name in Finding._fields:
        getattr(f, name)
    assert repr(f).startswith("Finding(control=")


def test_factory_field_tuples_match_finding_and_template_declarations() -> None:
    """The tuple types mypy checks each construction against (factory.py) are exactly the
    declared fields, in order: a field added to Finding must be added there too. (Pattern,
    built the same way in patterns/syntax.py, likewise.)"""
    for cls, fields in ((Finding, FindingFields), (FindingTemplate, TemplateFields), (Pattern, PatternFields)):
        hints = typing.get_type_hints(cls)
        assert list(hints) == list(cls._fields)
        assert typing.get_args(fields) == tuple(hints[name] for name in cls._fields), cls.__name__


def test_finding_sets_every_field() -> None:
    view, policy = _view()
    rules = policy.domains
    assert rules is not None and rules.atlassian_supported is not None
    rule = rules.atlassian_supported
    spec = controls().controls["RMCP-DOM-005"]
    f = view.finding(
        "RMCP-DOM-005", "fail", None, expected="E", actual="A", rule=rule, value="V", action="Turn off", group="g"
    )
    _assert_complete(f)
    assert f._asdict() == {
        "control": "RMCP-DOM-005",
        "status": "fail",
        "severity": "low",  # the policy's override, not the catalog's
        "org": "o1",
        "org_name": "One",
        "subject": None,
        "title": spec.title,
        "expected": "E",
        "actual": "A",
        "evidence": EvidenceRef("admin-api", SEEN, "robot@example.com"),  # of rovo_mcp, the area's section
        "policy_ref": rule.ref,
        "remediation": LazyRemediation("RMCP-DOM-005", "V", "Turn off", (("group", "g"),)),
        "area": spec.area,
        "original_status": None,
        "waiver": None,
    }


def test_finding_with_a_section_and_no_rule() -> None:
    view, _ = _view()
    spec = controls().controls["RMCP-EVID-002"]
    f = view.finding(
        "RMCP-EVID-002", "pass", "ip_allowlist.enabled", expected="E", actual="A", rule=None, section="ip_allowlist"
    )
    _assert_complete(f)
    assert f._asdict() == {
        "control": "RMCP-EVID-002",
        "status": "pass",
        "severity": spec.severity,
        "org": "o1",
        "org_name": "One",
        "subject": "ip_allowlist.enabled",
        "title": spec.title,
        "expected": "E",
        "actual": "A",
        "evidence": EvidenceRef("file", COLLECTED),  # the section has no evidence entry
        "policy_ref": None,
        "remediation": None,  # a pass carries none (FORMATS.md §6, amended 2026-12-01)
        "area": spec.area,
        "original_status": None,
        "waiver": None,
    }


def test_template_and_from_templates_set_every_field() -> None:
    view, policy = _view()
    rules = policy.domains
    assert rules is not None
    rule = rules.allowed[0]
    t = template("RMCP-DOM-006", "warn", "https://x.example.com", "E", "A", rule, "V", "D")
    assert len(t) == len(FindingTemplate._fields)
    assert repr(t).startswith("FindingTemplate(control=")
    remediation = LazyRemediation("RMCP-DOM-006", "V", None, (("detail", "D"),))
    assert t._asdict() == {
        "control": "RMCP-DOM-006",
        "status": "warn",
        "subject": "https://x.example.com",
        "expected": "E",
        "actual": "A",
        "ref": rule.ref,
        "remediation": remediation,
    }
    spec = controls().controls["RMCP-DOM-006"]
    (f,) = view.from_templates("RMCP-DOM-006", [t])
    _assert_complete(f)
    assert f._asdict() == {
        "control": "RMCP-DOM-006",
        "status": "warn",
        "severity": spec.severity,
        "org": "o1",
        "org_name": "One",
        "subject": "https://x.example.com",
        "title": spec.title,
        "expected": "E",
        "actual": "A",
        "evidence": EvidenceRef("admin-api", SEEN, "robot@example.com"),
        "policy_ref": rule.ref,
        "remediation": remediation,
        "area": spec.area,
        "original_status": None,
        "waiver": None,
    }
    assert f.remediation is t.remediation  # shared, rendered at most once


def test_evidence_ref_fields_are_the_ones_the_factory_fills() -> None:
    """OrgView._section_evidence builds EvidenceRef(source, at, by) positionally."""
    assert [f.name for f in dataclasses.fields(EvidenceRef)] == ["source", "at", "by"]


@pytest.mark.parametrize(
    ("alias", "values"),
    [
        (common.Status, common.STATUSES),
        (common.Status, common.STATUS_WORST_FIRST),
        (common.Severity, common.SEVERITIES),
        (common.Source, common.SOURCES),
        (common.Section, common.SECTIONS),
    ],
)
def test_value_tuples_hold_every_literal_once(alias: object, values: tuple[str, ...]) -> None:
    assert sorted(values) == sorted(typing.get_args(alias))


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (common.is_status, "waived", "waive"),
        (common.is_severity, "critical", "Critical"),
        (common.is_source, "mcp-probe", "mcp"),
        (common.is_section, "credentials", "credentials[0]"),
    ],
)
def test_literal_checks(check: typing.Callable[[object], bool], good: str, bad: str) -> None:
    assert check(good)
    assert not check(bad)
    assert not check(None)
    assert not check([good])  # unhashable values from JSON are rejected, not raised on


def _results_json(**changes: object) -> str:
    finding: dict[str, object] = {
        "control": "RMCP-AUTH-001",
        "status": "waived",
        "severity": "high",
        "org": "o1",
        "org_name": None,
        "subject": None,
        "title": "t",
        "expected": "e",
        "actual": "a",
        "evidence": {"source": "admin-api", "at": "2026-11-19T08:30:00Z"},
        "policy_ref": None,
        "remediation": {"summary": "s", "steps": [], "links": []},
        "original_status": "fail",
        "waiver": {"reason": "r", "approved_by": "b", "expires": "2027-01-01", "ref": "w.yaml:4"},
    }
    for key, value in changes.items():
        if key == "source":
            finding["evidence"] = {"source": value, "at": None}
        else:
            finding[key] = value
    return json.dumps(
        {
            "schema": schemas.RESULTS,
            "generated_at": "2026-11-26T00:00:00Z",
            "as_of": "2026-11-26T00:00:00Z",
            "policies": [],
            "findings": [finding],
        }
    )


def test_read_back_narrows_to_the_literals() -> None:
    (f,) = read_text(_results_json(), "r.json").findings
    assert (f.status, f.severity, f.original_status, f.evidence.source) == ("waived", "high", "fail", "admin-api")
    (f,) = read_text(_results_json(source=None, original_status=None), "r.json").findings
    assert (f.evidence.source, f.original_status) == (None, None)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("status", "passed", "status: expected one of pass, fail, warn, unknown, waived, got 'passed'"),
        ("status", ["pass"], "status: expected a string, got an array"),
        ("original_status", "bad", "original_status: expected one of pass, fail, warn, unknown, waived"),
        ("severity", "urgent", "severity: expected one of critical, high, medium, low, info, got 'urgent'"),
        ("source", "email", "source: expected one of admin-api, mcp-probe, oauth, attested, file, got 'email'"),
    ],
)
def test_read_back_refuses_values_outside_the_literals(key: str, value: object, message: str) -> None:
    """A results.json string becomes a Status, Severity or Source only through a check."""
    with pytest.raises(InputError, match=message.replace("[", r"\[")):
        read_text(_results_json(**{key: value}), "r.json")
