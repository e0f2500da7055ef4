"""`junit.xml`: one test suite per org, one test case per finding, for CI test reporters.

`fail` and `unknown` are failures (an unobserved setting never passes); `waived` is
skipped with its reason; `warn` and `pass` pass (a warn says so in system-out).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model.results import Finding, Results
from ..verdict import BLOCKING
from .interface import Format, ReportContext, iso

# Characters XML 1.0 cannot carry at all; a settings file could hold them in a label.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: object) -> str:
    return _INVALID.sub("\ufffd", str(text))


def _case(parent: ET.Element, f: Finding, suite_name: str) -> None:
    name = f.control if f.subject is None else f"{f.control} {f.subject}"
    case = ET.SubElement(
        parent, "testcase", {"classname": _x(f"{suite_name}.{f.control}"), "name": _x(name), "time": "0"}
    )
    body = (
        f"{f.title}\nexpected: {f.expected}\nactual: {f.actual}\nseverity: {f.severity}\n"
        f"rule: {f.policy_ref or '-'}\nfix: {f.remediation.summary}\n"
        + "".join(f"  - {s}\n" for s in f.remediation.steps)
    )
    if f.status in BLOCKING["fail"]:
        el = ET.SubElement(case, "failure", {"message": _x(f"{f.status}: {f.remediation.summary}"), "type": f.status})
        el.text = _x(body)
    elif f.status == "waived":
        w = f.waiver
        why = (
            f"waived ({f.original_status}): {w.reason}, approved by {w.approved_by}, expires {w.expires}"
            if w
            else "waived"
        )
        ET.SubElement(case, "skipped", {"message": _x(why)})
    elif f.status == "warn":
        ET.SubElement(case, "system-out").text = _x(f"warn: {body}")


def junit_xml(results: Results) -> str:
    by_org: dict[str, list[Finding]] = {}
    for f in results.findings:
        by_org.setdefault(f.org, []).append(f)
    stamp = (iso(results.as_of) or "").removesuffix("Z")  # xs:dateTime as JUnit readers expect it
    root = ET.Element("testsuites", {"name": "rovo-audit"})
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for org_id, org_name in ((o.id, o.name) for o in results.orgs):
        found = by_org.get(org_id, [])
        failures = sum(f.status in BLOCKING["fail"] for f in found)
        skipped = sum(f.status == "waived" for f in found)
        suite_name = org_name or org_id
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _x(suite_name),
                "tests": str(len(found)),
                "failures": str(failures),
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
        for f in found:
            _case(suite, f, suite_name)
        totals["tests"] += len(found)
        totals["failures"] += failures
        totals["skipped"] += skipped
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    root.set("time", "0")
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class JunitFormat(Format):
    name = "junit"
    filename = "junit.xml"

    def render(self, results: Results, context: ReportContext) -> str:
        return junit_xml(results)
