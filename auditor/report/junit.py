"""`junit.xml`: one test suite per org, one test case per finding, for CI test reporters.

A finding that blocks under `--fail-on` (auditor/verdict.py, the rule of the exit status)
is a failure: by default `fail` and `unknown` (an unobserved setting never passes), with
`warn` also warns, with a severity only those at or above it (`never` keeps the default's,
as the reports' verdict does). `waived` is skipped with its reason; anything else passes,
saying in system-out what it is when it is not a pass.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model.results import Finding, Results
from ..verdict import blocks
from .interface import Format, ReportContext, iso

# Characters XML 1.0 cannot carry at all; a settings file could hold them in a label.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: object) -> str:
    return _INVALID.sub("\ufffd", str(text))


def _case(parent: ET.Element, f: Finding, suite_name: str, fail_on: str) -> bool:
    """Adds the case; whether it is a failure."""
    name = f.control if f.subject is None else f"{f.control} {f.subject}"
    case = ET.SubElement(
        parent, "testcase", {"classname": _x(f"{suite_name}.{f.control}"), "name": _x(name), "time": "0"}
    )
    rem = f.remediation  # none on a pass
    body = (
        f"{f.title}\nexpected: {f.expected}\nactual: {f.actual}\nseverity: {f.severity}\nrule: {f.policy_ref or '-'}\n"
    )
    if rem is not None:
        body += f"fix: {rem.summary}\n" + "".join(f"  - {s}\n" for s in rem.steps)
    if blocks(f, fail_on if fail_on != "never" else "fail"):
        message = f"{f.status}: {rem.summary}" if rem is not None else f.status
        el = ET.SubElement(case, "failure", {"message": _x(message), "type": f.status})
        el.text = _x(body)
        return True
    if f.status == "waived":
        w = f.waiver
        why = (
            f"waived ({f.original_status}): {w.reason}, approved by {w.approved_by}, expires {w.expires}"
            if w
            else "waived"
        )
        ET.SubElement(case, "skipped", {"message": _x(why)})
    elif f.status != "pass":  # a warn, or a fail/unknown below a severity --fail-on
        below = "" if f.status == "warn" else f" (below --fail-on {fail_on})"
        ET.SubElement(case, "system-out").text = _x(f"{f.status}{below}: {body}")
    return False


def junit_xml(results: Results, fail_on: str = "fail") -> str:
    by_org: dict[str, list[Finding]] = {}
    for f in results.findings:
        by_org.setdefault(f.org, []).append(f)
    stamp = (iso(results.as_of) or "").removesuffix("Z")  # xs:dateTime as JUnit readers expect it
    root = ET.Element("testsuites", {"name": "rovo-audit"})
    totals = {"tests": 0, "failures": 0}
    for org_id, org_name in ((o.id, o.name) for o in results.orgs):
        found = by_org.get(org_id, [])
        skipped = sum(f.status == "waived" for f in found)
        suite_name = org_name or org_id
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _x(suite_name),
                "tests": str(len(found)),
                "failures": "0",  # counted below, as the cases are written
                "errors": "0",
                "skipped": str(skipped),
                "time": "0",
                "timestamp": stamp,
                "hostname": "rovo-audit",
                "id": _x(org_id),
            },
        )
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", {"name": "org", "value": _x(org_id)})
        ET.SubElement(props, "property", {"name": "as_of", "value": iso(results.as_of) or ""})
        failures = sum(_case(suite, f, suite_name, fail_on) for f in found)
        suite.set("failures", str(failures))
        totals["tests"] += len(found)
        totals["failures"] += failures
    # <testsuites> carries only what the Jenkins xunit plugin's JUnit schema allows there
    # (junit-10.xsd: name, time, tests, failures, errors; a `skipped` made it reject the file):
    # the skipped count stays on each <testsuite>, where that schema and every reader take it.
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("time", "0")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class JunitFormat(Format):
    name = "junit"
    filename = "junit.xml"

    def render(self, results: Results, context: ReportContext) -> str:
        return junit_xml(results, context.fail_on)
