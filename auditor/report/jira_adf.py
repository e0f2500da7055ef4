"""Jira work items in the Atlassian Document Format (ADF): the description of a blocking
(org, control) group and the comments left when it is resolved or reopened.

ADF is JSON (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/):
text from findings goes into `text` nodes only, never into marks or attributes, with control
characters shown as code points (a text node must not be empty). A link mark is only made
for the report URL the user gave, and only for http(s).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ..model.results import Finding
from ..tickets.model import Action, Content, Group
from .safe import cut, terminal

MAX_SUBJECTS = 50  # listed in the description; the rest are counted
# Jira caps a text field such as the description at 32,767 characters (its text-field limit;
# assumed for Cloud, not found in Atlassian's REST docs, retrieved 2026-12-01). Whether ADF
# counts as its JSON or its text is not documented either: the JSON, the stricter, with room.
DESCRIPTION_BUDGET = 30_000
SUMMARY_LIMIT = 255  # Jira's limit on a summary


MAX_TEXT = 500  # characters of one value (an observed value can be a long list); 50 subjects stay far below the cap


def _one_line(text: str, limit: int) -> str:
    """`text` made safe for display, on one line, cut to `limit` characters (the last one "…")."""
    return cut(terminal(text).replace("\n", " "), limit)


def _text(value: str, *marks: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": _one_line(value, MAX_TEXT) or " "}
    if marks:
        node["marks"] = list(marks)
    return node


def _para(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(parts)}


def _heading(text: str, level: int = 3) -> dict[str, Any]:
    return {"type": "heading", "attrs": {"level": level}, "content": [_text(text)]}


def _list(kind: str, items: Iterable[list[dict[str, Any]]]) -> dict[str, Any]:
    return {"type": kind, "content": [{"type": "listItem", "content": [_para(*parts)]} for parts in items]}


def _doc(*content: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "type": "doc", "content": list(content)}


def _link(url: str | None) -> dict[str, Any] | None:
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return None
    return _para(_text("Report: "), _text(url, {"type": "link", "attrs": {"href": url}}))


def _count(n: int) -> str:
    return f"{n} blocking finding{'s' if n != 1 else ''}"


def summary(group: Group) -> str:
    return _one_line(f"rovo-audit: {group.control} {group.title} ({group.org_label})", SUMMARY_LIMIT)


def _subject(f: Finding) -> list[dict[str, Any]]:
    value = f.remediation.value if f.remediation is not None else None
    parts = [_text(f.subject or "the organization", {"type": "code"}), _text(f" {f.status}: {f.actual}")]
    if value:
        parts += [_text(" (value: "), _text(value, {"type": "code"}), _text(")")]
    return parts


def content(group: Group, *, report_url: str | None, priorities: Mapping[str, str]) -> Content:
    """What the work item of a blocking group says. Deterministic: no clock, no run id, so the
    same findings give the same digest and a re-run writes nothing. Fewer subjects are listed
    when the document would pass DESCRIPTION_BUDGET (50 subjects of 500-character values come
    to ~90,000 characters of JSON, and Jira refused the item, run after run)."""
    n = min(MAX_SUBJECTS, len(group.blocking))
    while True:
        doc = _description(group, report_url, n)
        size = len(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))
        if size <= DESCRIPTION_BUDGET or n <= 1:
            return Content(summary(group), doc, priorities.get(group.severity))
        n = max(1, min(n - 1, n * DESCRIPTION_BUDGET // size))


def _description(group: Group, report_url: str | None, n: int) -> dict[str, Any]:
    shown = group.blocking[:n]
    blocks: list[dict[str, Any]] = [
        _para(
            _text(f"{group.control}", {"type": "strong"}),
            _text(f" ({group.severity}) blocks in {group.org_label}: {_count(len(group.blocking))} (fail or unknown)."),
        ),
        _heading("Subjects"),
        _list("bulletList", (_subject(f) for f in shown)),
    ]
    if len(group.blocking) > len(shown):
        blocks.append(_para(_text(f"… and {len(group.blocking) - len(shown)} more (see the report).")))
    remediation = next((f.remediation for f in group.blocking if f.remediation is not None), None)
    if remediation is not None:
        blocks.append(_heading("What to do"))
        blocks.append(_para(_text(remediation.summary)))
        if remediation.steps:
            blocks.append(_list("orderedList", ([_text(s)] for s in remediation.steps)))
        if remediation.links:
            blocks.append(_list("bulletList", ([_text(u, {"type": "code"})] for u in remediation.links)))
    link = _link(report_url)
    if link is not None:
        blocks.append(link)
    blocks.append(
        _para(_text(f"Kept by rovo-audit (label {group.label}); edits to this description are replaced on change."))
    )
    return _doc(*blocks)


def comment(action: Action, *, as_of: dt.datetime, report_url: str | None) -> dict[str, Any]:
    g = action.group
    day = as_of.date().isoformat()
    if action.kind == "resolve":
        counts: dict[str, int] = {}
        for f in g.others:
            counts[f.status] = counts.get(f.status, 0) + 1
        seen = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no findings"
        text = f"rovo-audit: {g.control} no longer blocks in {g.org_label} as of {day} ({seen}). Resolving."
    else:
        text = (
            f"rovo-audit: {g.control} blocks again in {g.org_label} as of {day} ({_count(len(g.blocking))}). Reopening."
        )
    parts = [_para(_text(text))]
    link = _link(report_url)
    if link is not None:
        parts.append(link)
    return _doc(*parts)
