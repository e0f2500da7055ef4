"""A diff (auditor.history.diff) as text (the terminal), JSON (machines), Markdown (tickets, CI
summaries) and HTML."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..history.diff import Change, Diff, RunRef
from ..history.review import Review
from ..model import schemas
from ..model.common import iso
from .interface import ReportContext
from .markdown import md_cell
from .safe import json_safe, terminal
from .templating import environment


def _subject(s: str | None) -> str:
    return "—" if s is None else s


def _status(s: str | None) -> str:
    return s or "none"


def _actual(s: str | None) -> str:
    return "—" if s is None else s


def actual_change(c: Change) -> str | None:
    """`was → now` of what the two runs observed, for the rows that carry it (regressed, fixed)."""
    if c.old_actual is None and c.new_actual is None:
        return None
    return f"{_actual(c.old_actual)} → {_actual(c.new_actual)}"


def headline(d: Diff) -> str:
    counts = d.counts
    return " · ".join(f"{n} {c}" for c, n in counts.items())


def render_text(d: Diff) -> str:
    lines = [
        f"Since {iso(d.old.as_of)} ({d.old.path or 'old run'}) → {iso(d.new.as_of)} ({d.new.path or 'new run'})",
        f"  {headline(d)}",
    ]
    current = None
    notable = d.notable  # sorted on each read
    for c in notable:
        if c.change != current:
            current = c.change
            lines += ["", current]
        note = f"  [{c.note}]" if c.note else ""
        lines.append(
            f"  {c.org_name or c.org}  {c.control}  {_subject(c.subject)}  "
            f"({_status(c.old_status)} → {_status(c.new_status)}){note}"
        )
        if c.old_actual is not None or c.new_actual is not None:  # settings text: no control character acts
            lines.append(f"      was: {terminal(_actual(c.old_actual))}")
            lines.append(f"      now: {terminal(_actual(c.new_actual))}")
    if not notable:
        lines += ["", "No change in any finding."]
    return "\n".join(lines) + "\n"


def render_json(d: Diff) -> str:
    return json_safe(json.dumps(diff_dict(d), indent=2, ensure_ascii=False)) + "\n"


def render_markdown(d: Diff, *, heading: str = "## Since the last review", limit: int = 200) -> str:
    counts = d.counts
    lines = [
        heading,
        "",
        f"Compared with the run as of {iso(d.old.as_of)}; this run is as of {iso(d.new.as_of)}.",
        "",
        "| " + " | ".join(counts) + " |",
        "|" + " ---: |" * len(counts),
        "| " + " | ".join(str(n) for n in counts.values()) + " |",
        "",
    ]
    notable = d.notable
    if notable:
        lines += [
            "| change | org | control | subject | was → now | observed, was → now | note |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for c in notable[:limit]:
            lines.append(
                f"| {c.change} | {md_cell(c.org_name or c.org)} | {c.control} | {md_cell(c.subject)} | "
                f"{_status(c.old_status)} → {_status(c.new_status)} | {md_cell(actual_change(c))} | {md_cell(c.note)} |"
            )
        if len(notable) > limit:
            lines.append(f"\n… and {len(notable) - limit} more (run `rovo-audit diff` for all).")
        lines.append("")
    return "\n".join(lines)


def render_html(d: Diff) -> str:
    context = ReportContext(
        review=Review(diff=d, previous_name=d.old.path, trends=(), row_limit=len(d.changes) or 1, heading="Changes")
    )
    return environment().get_template("diff.html.j2").render(context=context, diff=d)


def _run_dict(r: RunRef) -> dict[str, Any]:
    return {"path": r.path, "generated_at": iso(r.generated_at), "as_of": iso(r.as_of), "summary": r.summary}


def diff_dict(d: Diff, *, include_unchanged: bool = True) -> dict[str, Any]:
    changes: Iterable[Change] = d.changes if include_unchanged else (c for c in d.changes if c.change != "unchanged")
    return {
        "schema": schemas.DIFF,
        "old": _run_dict(d.old),
        "new": _run_dict(d.new),
        "expiring_days": d.expiring_days,
        "summary": d.counts,
        "changes": [
            {
                "org": c.org,
                "control": c.control,
                "subject": c.subject,
                "change": c.change,
                "old_status": c.old_status,
                "new_status": c.new_status,
                "org_name": c.org_name,
                "severity": c.severity,
                "title": c.title,
                "note": c.note,
                "old_actual": c.old_actual,
                "new_actual": c.new_actual,
            }
            for c in changes
        ],
    }
