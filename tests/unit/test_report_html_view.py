"""html_view.build's shortcuts give what the plain walk over the findings gives: the charts'
bars in the order of first use for an area or severity the catalog lacks, whatever the orgs'
order; each section's evidence the first finding's that reads it; the verdicts by count."""

from __future__ import annotations

import datetime as dt

from auditor.model.results import EvidenceRef, Finding, OrgSummary, Remediation, Results
from auditor.report import html_view

AS_OF = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
REM = Remediation("Fix `x`", ("Do `x`",), ())


def _f(org: str, control: str, status: str, area: str, severity: str = "high", subject: str = "s", **kw) -> Finding:
    ev = kw.pop("evidence", EvidenceRef("admin-api", AS_OF - dt.timedelta(days=2)))
    rem = None if status == "pass" else REM
    return Finding(control, status, severity, org, None, subject, "t", "e", "a", ev, None, rem, area)  # type: ignore[arg-type]


def _results(findings: list[Finding]) -> Results:
    orgs = tuple(OrgSummary(o, None, Results.count([f for f in findings if f.org == o]), ("p",)) for o in ("b", "a"))
    return Results(AS_OF, AS_OF, (), tuple(findings), orgs=orgs)


def test_a_chart_bar_the_catalog_lacks_stands_where_its_first_finding_does():
    # Org "b"'s finding comes first, though "a" sorts before it: bars of unknown areas follow the findings.
    findings = [
        _f("b", "RMCP-DOM-002", "fail", "zeta", severity="odd"),
        _f("a", "RMCP-DOM-002", "fail", "alpha", severity="other"),
        _f("a", "RMCP-DOM-003", "pass", "domains"),
        _f("b", "RMCP-DOM-003", "warn", "domains"),
    ]
    view = html_view.build(_results(findings))
    assert view.charts == html_view.charts([f for f in findings if f.status != "pass"])
    labels = [b.label for b in view.charts[1].bars]
    assert labels.index("zeta") < labels.index("alpha")
    assert [b.label for b in view.charts[2].bars][-2:] == ["odd", "other"]
    assert view.not_pass == 3 and view.verdict == "Blocked: 2 findings"


def test_each_section_takes_the_evidence_of_its_first_finding():
    old, new = AS_OF - dt.timedelta(days=9), AS_OF - dt.timedelta(days=1)
    findings = [
        _f(
            "a", "RMCP-EVID-001", "warn", "evidence", subject="ip_allowlist", evidence=EvidenceRef("attested", old, "x")
        ),
        _f("a", "RMCP-DOM-002", "pass", "domains", evidence=EvidenceRef("admin-api", new)),
        _f("a", "RMCP-IP-001", "pass", "ip_allowlist", evidence=EvidenceRef("mcp-probe", new)),
        _f("a", "RMCP-DOM-003", "fail", "domains", evidence=EvidenceRef("file", old)),
    ]
    got = {e.section: (e.source, e.age) for e in html_view.section_evidence(findings, AS_OF)}
    walk: dict[str, EvidenceRef] = {}
    for f in findings:
        section = f.subject if f.control == "RMCP-EVID-001" else html_view.SECTION_OF_AREA.get(f.area)
        walk.setdefault(section, f.evidence)  # type: ignore[arg-type]
    assert got["ip_allowlist"] == ("attested", 9.0)  # the EVID finding's, named by its subject
    assert got["rovo_mcp"] == (walk["rovo_mcp"].source, 1.0)
    assert got["credentials"] == (None, None)


def test_an_org_whose_every_finding_passed_is_ready_and_one_with_none_is_not_checked():
    view = html_view.build(_results([_f("a", "RMCP-DOM-003", "pass", "domains")]))
    by_id = {o.id: o for o in view.orgs}
    assert by_id["a"].verdict == "Ready for rollout" and not by_id["a"].blocked
    assert by_id["b"].verdict.startswith("Not checked")
    assert view.verdict == "Ready for rollout"


def test_a_cards_snippet_is_its_findings_documents_merged():
    findings = [
        _f("a", "RMCP-DOM-003", "warn", "domains", subject="https://a.example"),
        _f("a", "RMCP-DOM-003", "pass", "domains", subject="https://b.example"),
        _f("a", "RMCP-DOM-003", "fail", "domains", subject=None),  # type: ignore[arg-type]
        _f("a", "RMCP-PERM-002", "fail", "permissions", subject="jira.admins"),
        _f("a", "RMCP-DOM-003", "fail", "domains", subject="https://c.example"),
        _f("a", "RMCP-DOM-002", "fail", "domains", subject="https://d.example"),
    ]
    items = html_view._cards(0, findings, AS_OF, (), {})
    merged: dict = {}
    kind = None
    for c in items:
        got = html_view.snippet_doc(c.f, AS_OF, c.expired_waiver)
        if got is not None:
            html_view._merge(merged, got[0])
            kind = got[1]
    assert repr(html_view.group_snippet(items, AS_OF)) == repr((merged, kind))
    assert merged["domains"] == {"allowed": ["https://a.example", "https://c.example"]}
