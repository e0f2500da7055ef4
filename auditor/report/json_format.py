"""`results.json`, exactly as FORMATS.md §6 (plus fields the contract allows adding)."""

from __future__ import annotations

import json
from typing import Any

from ..model import schemas
from ..model.results import Finding, Results, WaiverNote
from .interface import Format, ReportContext, iso

SCHEMA = schemas.RESULTS


def finding_dict(f: Finding) -> dict[str, Any]:
    d: dict[str, Any] = {
        "control": f.control,
        "status": f.status,
        "severity": f.severity,
        "org": f.org,
        "org_name": f.org_name,
        "subject": f.subject,
        "title": f.title,
        "expected": f.expected,
        "actual": f.actual,
        "evidence": {"source": f.evidence.source, "at": iso(f.evidence.at)},
        "policy_ref": f.policy_ref,
    }
    rem = f.remediation
    if rem is not None:  # none on a pass (FORMATS.md §6, amended 2026-12-01)
        r: dict[str, Any] = {"summary": rem.summary, "steps": list(rem.steps), "links": list(rem.links)}
        if rem.value is not None:
            r["value"] = rem.value
        if rem.collect is not None:
            r["collect"] = rem.collect
        d["remediation"] = r
    d["area"] = f.area
    if f.evidence.by:
        d["evidence"]["by"] = f.evidence.by
    if f.original_status is not None:
        d["original_status"] = f.original_status
    if f.waiver is not None:
        d["waiver"] = {
            "reason": f.waiver.reason,
            "approved_by": f.waiver.approved_by,
            "expires": f.waiver.expires,
            "ref": f.waiver.ref,
        }
    return d


def waiver_dict(w: WaiverNote) -> dict[str, Any]:
    return {
        "control": w.control,
        "subject": w.subject,
        "org": w.org,
        "reason": w.reason,
        "approved_by": w.approved_by,
        "expires": w.expires,
        "ref": w.ref,
        "why": w.why,
    }


def results_dict(results: Results) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "generated_at": iso(results.generated_at),
        "as_of": iso(results.as_of),
        "policies": [
            {"name": p.name, "path": p.path, **({"title": p.title} if p.title else {})} for p in results.policies
        ],
        "summary": dict(results.summary),
        "unused_waivers": [waiver_dict(w) for w in results.unused_waivers],
        "expired_waivers": [waiver_dict(w) for w in results.expired_waivers],
        "findings": [finding_dict(f) for f in results.findings],
        "settings": {"path": results.settings_path, "collected_at": iso(results.collected_at)},
        "orgs": [
            {
                "id": o.id,
                "name": o.name,
                "summary": o.counts,
                "policies": list(o.policies),
                "collection_errors": list(o.collection_errors),
            }
            for o in results.orgs
        ],
    }


class JsonFormat(Format):
    name = "json"
    filename = "results.json"

    def render(self, results: Results, context: ReportContext) -> str:
        return dumps_results(results_dict(results))


_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def dumps_results(doc: dict[str, Any]) -> str:
    """Indented at the top, one finding per line: diff-friendly, and fast on 100,000+ findings
    (json's indenting encoder is pure Python; the compact one is C)."""
    parts = ["{"]
    keys = list(doc)
    for i, key in enumerate(keys):
        value = doc[key]
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(value, list) and value:
            items = ",\n".join("    " + _compact(item) for item in value)
            parts.append(f"  {_compact(key)}: [\n{items}\n  ]{comma}")
        else:
            parts.append(f"  {_compact(key)}: {_compact(value)}{comma}")
    parts.append("}\n")
    return "\n".join(parts)
