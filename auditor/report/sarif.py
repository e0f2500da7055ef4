"""`results.sarif`: SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

One rule per control (every control in the catalogue, so rule indexes never move), with
its risk as the description, its remediation as help and a default level from its default
severity. One result per finding that is not `pass`, located at the policy line that
required it (`policy_ref`), so code scanning annotates the policy file; a waived finding
carries an accepted suppression. Deterministic: no clock, no absolute paths added.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from ..catalog import controls, render_remediation
from ..model.results import Finding, Results
from .interface import Format, ReportContext, iso

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning reads `security-severity` (0.1-10) to rank alerts.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
# Generic words for a rule's help text, where a finding fills in the real values.
_GENERIC = {
    "detail": "the value shown in the result",
    "credential": "the credential",
    "group": "the group",
    "product_title": "the product",
    "org": "the org",
    "fix": "see the result's remediation",
    "client": "the client",
    "vendor": "its vendor",
    "egress": "see the result's remediation",
    "site": "each site",
    "value_text": "the value shown in the result",
}


class _Generic(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "the value shown in the result"


def _artifact(path: str) -> dict[str, str]:
    """A file path as a SARIF artifactLocation. GitHub code scanning places a result only by a
    URI relative to the repository root (`uriBaseId: %SRCROOT%`): relative paths stay so, and
    an absolute one under the working folder (a CI job runs at the checkout's root) is made
    relative to it. Only a path outside it stays an absolute `file://` URI."""
    if PureWindowsPath(path).drive:
        return {"uri": "file:///" + quote(PureWindowsPath(path).as_posix())}
    posix = PurePosixPath(path)
    if posix.is_absolute():
        try:
            posix = PurePosixPath(Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix())
        except ValueError:
            return {"uri": "file://" + quote(posix.as_posix())}
    return {"uri": quote(posix.as_posix().removeprefix("./")), "uriBaseId": "%SRCROOT%"}


def _location(ref: str | None, fallback: str | None, f: Finding) -> list[dict[str, Any]]:
    """The policy line that required the check (else the settings file), and the org as a logical location."""
    loc: dict[str, Any] = {}
    file, _, line = (ref or "").rpartition(":")
    if file and line.isdigit() and int(line) > 0:
        loc["physicalLocation"] = {"artifactLocation": _artifact(file), "region": {"startLine": int(line)}}
    elif fallback:
        loc["physicalLocation"] = {"artifactLocation": _artifact(fallback)}
    loc["logicalLocations"] = [{"name": f.org_name or f.org, "fullyQualifiedName": f.org, "kind": "organization"}]
    return [loc]


def _rule(cid: str) -> dict[str, Any]:
    spec = controls().controls.get(cid)
    if spec is None:  # from a newer rovo-audit's results: its finding must not vanish
        return {
            "id": cid,
            "shortDescription": {"text": cid},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["security", "rovo-mcp"]},
        }
    rem = render_remediation(cid, value=None, action="Change", **_GENERIC)
    steps = "\n".join(f"{i}. {s}" for i, s in enumerate(rem.steps, 1))
    links = "\n".join(rem.links)
    risk = spec.risk.format_map(_Generic(_GENERIC))  # a risk may name a finding's detail
    return {
        "id": cid,
        "shortDescription": {"text": spec.title},
        "fullDescription": {"text": risk},
        "help": {
            "text": f"{risk}\n\nHow to fix:\n{steps}\n\n{links}",
            "markdown": f"{risk}\n\n**How to fix**\n\n{steps}\n\n" + "\n".join(f"- <{u}>" for u in rem.links),
        },
        **({"helpUri": rem.links[0]} if rem.links else {}),
        "defaultConfiguration": {"level": LEVEL[spec.severity]},
        "properties": {
            "tags": ["security", "rovo-mcp", spec.area],
            "security-severity": SECURITY_SEVERITY[spec.severity],
            "severity": spec.severity,
        },
    }


def _level(f: Finding) -> str:
    level = LEVEL.get(f.severity, "warning")
    status = f.underlying_status
    if status == "warn" and level == "error":
        return "warning"  # a warn never outranks a fail of the same control
    return level


def _fingerprint(f: Finding) -> str:
    key = "\x00".join((f.org, f.control, "\x01" if f.subject is None else f.subject))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(f: Finding, index: int, fallback: str | None) -> dict[str, Any]:
    who = f.org_name or f.org
    subject = f" {f.subject}" if f.subject is not None else ""
    status = f.underlying_status
    fix = f" Fix: {f.remediation.summary}" if f.remediation is not None else ""
    text = f"[{status}] {who}: {f.title}{subject}. Actual: {f.actual}. Expected: {f.expected}.{fix}"
    result: dict[str, Any] = {
        "ruleId": f.control,
        "ruleIndex": index,
        "kind": "fail",
        "level": _level(f),
        "message": {"text": text},
        "locations": _location(f.policy_ref, fallback, f),
        "partialFingerprints": {"rovoAuditFinding/v1": _fingerprint(f)},
        "properties": {
            "status": f.status,
            "severity": f.severity,
            "org": f.org,
            "org_name": f.org_name,
            "subject": f.subject,
            "evidence_source": f.evidence.source,
            "evidence_at": iso(f.evidence.at),
        },
    }
    if f.status == "waived" and f.waiver is not None:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{f.waiver.reason} (approved by {f.waiver.approved_by}, "
                f"expires {f.waiver.expires}, {f.waiver.ref})",
            }
        ]
    return result


def sarif_dict(results: Results) -> dict[str, Any]:
    from .. import __version__

    ids = sorted(controls().controls)
    # Controls this catalogue lacks go after it, so the catalogue's rule indexes never move.
    ids += sorted({f.control for f in results.findings} - set(ids))
    index = {cid: i for i, cid in enumerate(ids)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rovo-audit",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(cid) for cid in ids],
                    }
                },
                "results": [
                    _result(f, index[f.control], results.settings_path) for f in results.findings if f.status != "pass"
                ],
                "properties": {
                    "as_of": iso(results.as_of),
                    "policies": [p.path for p in results.policies],
                    "summary": dict(results.summary),
                },
            }
        ],
    }


class SarifFormat(Format):
    name = "sarif"
    filename = "results.sarif"

    def render(self, results: Results, context: ReportContext) -> str:
        return json.dumps(sarif_dict(results), indent=2, ensure_ascii=False) + "\n"
