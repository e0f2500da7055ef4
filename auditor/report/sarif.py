"""`results.sarif`: SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

One rule per control (every control in the catalogue, so rule indexes never move), with
its risk as the description, its remediation as help and a default level from its default
severity. One result per finding that is not `pass`, located at the policy line that
required it (`policy_ref`), so code scanning annotates the policy file; a waived finding
carries an accepted suppression. Results are ordered by severity (waived last), since code
scanning keeps only the first ones of a large run. Deterministic: no clock, no absolute paths
added (the root is `ReportContext.sarif_root`, found by the command).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from ..catalog import controls, render_remediation
from ..model.common import SEVERITY_RANK
from ..model.results import Finding, Results
from .frameworks import tags as framework_tags
from .interface import Format, ReportContext, SarifRoot, iso

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning's limits on a run (docs.github.com/en/code-security/code-scanning/
# troubleshooting-sarif-uploads/results-exceed-limit, read 2026-12-01, certain as documented):
# it accepts at most 25,000 results per run and shows "only the top 5,000 results ...,
# prioritized by severity". github/docs#38085 reports that the stored 5,000 are not chosen by
# severity in practice, so the file itself lists the most severe first.
CODE_SCANNING_SHOWN = 5_000
CODE_SCANNING_MAX = 25_000
CODE_SCANNING_LIMITS = (
    "docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit"
)
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


def _artifact(path: str, root: SarifRoot | None) -> dict[str, str]:
    """A file path as a SARIF artifactLocation. GitHub code scanning places a result only by a
    URI relative to the repository root (`uriBaseId: %SRCROOT%`): a file the command found
    under the root (`root.under`) is relative to it, one outside it an absolute `file://` URI.
    A file it did not find (a bundled policy), or with no root given: relative paths stay so,
    and an absolute one under the working folder is made relative to it."""
    if root is not None and path in root.under:
        return {"uri": quote(root.under[path]), "uriBaseId": "%SRCROOT%"}
    if root is not None and path in root.outside:
        return {"uri": "file://" + quote(root.outside[path])}
    if PureWindowsPath(path).drive:
        return {"uri": "file:///" + quote(PureWindowsPath(path).as_posix())}
    posix = PurePosixPath(path)
    if posix.is_absolute():
        try:
            posix = PurePosixPath(Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix())
        except ValueError:
            return {"uri": "file://" + quote(posix.as_posix())}
    return {"uri": quote(posix.as_posix().removeprefix("./")), "uriBaseId": "%SRCROOT%"}


def _location(f: Finding, fallback: str | None, root: SarifRoot | None) -> list[dict[str, Any]]:
    """The policy line that required the check (else the settings file), and the org as a logical location."""
    loc: dict[str, Any] = {}
    file, _, line = (f.policy_ref or "").rpartition(":")
    if file and line.isdigit() and int(line) > 0:
        loc["physicalLocation"] = {"artifactLocation": _artifact(file, root), "region": {"startLine": int(line)}}
    elif fallback:
        loc["physicalLocation"] = {"artifactLocation": _artifact(fallback, root)}
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
            # `<framework>/<requirement>` per mapping (auditor/data/frameworks.yaml): code
            # scanning filters by tag, so "soc2/CC6.6" finds every alert behind that criterion
            "tags": ["security", "rovo-mcp", spec.area, *framework_tags(cid)],
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


def _result(f: Finding, index: int, fallback: str | None, root: SarifRoot | None) -> dict[str, Any]:
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
        "locations": _location(f, fallback, root),
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


def _most_severe_first(f: Finding) -> tuple[int, int]:
    """Waived findings last (accepted, nothing to fix), the rest by severity; sorted() keeps the
    findings' own order within a severity, so the file stays deterministic."""
    return (f.status == "waived", SEVERITY_RANK.get(f.severity, len(SEVERITY_RANK)))


@lru_cache(maxsize=1)
def information_uri() -> str | None:
    """The installed package's home page (Project-URL Homepage, else Source, else Home-page), or
    None: SARIF makes `informationUri` optional and we do not invent one."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("rovo-audit")
    except PackageNotFoundError:
        return None
    home = meta.get_all("Home-page") or [None]
    return pick_information_uri(list(meta.get_all("Project-URL") or []), home[0])


def pick_information_uri(project_urls: list[str], home_page: str | None) -> str | None:
    """From `Project-URL: Label, URL` entries: Homepage, else Source; else Home-page; only http(s)."""
    by_label: dict[str, str] = {}
    for entry in project_urls:
        label, _, url = entry.partition(",")
        by_label.setdefault(label.strip().lower().replace("-", "").replace(" ", ""), url.strip())
    candidates: tuple[str | None, ...] = (by_label.get("homepage"), by_label.get("source"), home_page)
    for found in candidates:
        if found and found.startswith(("https://", "http://")) and not any(c.isspace() for c in found):
            return found
    return None


def _notes(shown: int, root: SarifRoot | None, outside: int) -> list[str]:
    notes = []
    if root is not None and root.note:
        notes.append(root.note)
    if outside:
        notes.append(
            f"{outside} file(s) outside the repository root have absolute file:// URIs: code scanning cannot place "
            "results there (give --sarif-root DIR, or keep the policies in the repository)"
        )
    if shown > CODE_SCANNING_MAX:
        notes.append(
            f"{shown} results: GitHub code scanning rejects a run of more than {CODE_SCANNING_MAX:,} results "
            f"({CODE_SCANNING_LIMITS}); audit the orgs in shards (one upload category each), every finding "
            "is in results.json"
        )
    elif shown > CODE_SCANNING_SHOWN:
        notes.append(
            f"{shown} results: GitHub code scanning shows only the first {CODE_SCANNING_SHOWN:,} of a run "
            f"({CODE_SCANNING_LIMITS}); they are ordered by severity (waived last), so the most severe show; "
            "every finding is in results.json"
        )
    return notes


def sarif_dict(results: Results, root: SarifRoot | None = None) -> dict[str, Any]:
    from .. import __version__

    ids = sorted(controls().controls)
    # Controls this catalogue lacks go after it, so the catalogue's rule indexes never move.
    ids += sorted({f.control for f in results.findings} - set(ids))
    index = {cid: i for i, cid in enumerate(ids)}
    shown = sorted((f for f in results.findings if f.status != "pass"), key=_most_severe_first)
    sarif_results = [_result(f, index[f.control], results.settings_path, root) for f in shown]
    outside = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif_results
        for loc in r["locations"]
        if loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "").startswith("file:")
    }
    properties: dict[str, Any] = {
        "as_of": iso(results.as_of),
        "policies": [p.path for p in results.policies],
        "summary": dict(results.summary),
        "srcroot": root.found_by if root is not None else "working folder",
    }
    notes = _notes(len(sarif_results), root, len(outside))
    if notes:
        properties["notes"] = notes
    uri = information_uri()
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
                        **({"informationUri": uri} if uri else {}),
                        "rules": [_rule(cid) for cid in ids],
                    }
                },
                "results": sarif_results,
                "properties": properties,
            }
        ],
    }


class SarifFormat(Format):
    name = "sarif"
    filename = "results.sarif"

    def render(self, results: Results, context: ReportContext) -> str:
        return json.dumps(sarif_dict(results, context.sarif_root), indent=2, ensure_ascii=False) + "\n"
