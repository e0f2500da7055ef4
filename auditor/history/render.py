"""A diff as text (the terminal), JSON (machines), Markdown (tickets, CI summaries) and HTML."""

from __future__ import annotations

import json
from functools import cache

import jinja2

from ..report.interface import ReportContext, iso
from ..report.markdown import md_cell
from .diff import Diff, diff_dict
from .review import Review


def _subject(s: str | None) -> str:
    return "—" if s is None else s


def _status(s: str | None) -> str:
    return s or "none"


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
    if not notable:
        lines += ["", "No change in any finding."]
    return "\n".join(lines) + "\n"


def render_json(d: Diff) -> str:
    return json.dumps(diff_dict(d), indent=2, ensure_ascii=False) + "\n"


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
        lines += ["| change | org | control | subject | was → now | note |", "| --- | --- | --- | --- | --- | --- |"]
        for c in notable[:limit]:
            lines.append(
                f"| {c.change} | {md_cell(c.org_name or c.org)} | {c.control} | {md_cell(c.subject)} | "
                f"{_status(c.old_status)} → {_status(c.new_status)} | {md_cell(c.note)} |"
            )
        if len(notable) > limit:
            lines.append(f"\n… and {len(notable) - limit} more (run `rovo-audit diff` for all).")
        lines.append("")
    return "\n".join(lines)


@cache
def environment() -> jinja2.Environment:
    """The diff page's own template plus the report's templates (for `_review.html.j2`)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("auditor.history", "templates"), jinja2.PackageLoader("auditor.report", "templates")]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["iso"] = iso
    return env


def render_html(d: Diff) -> str:
    context = ReportContext(
        review=Review(diff=d, previous_name=d.old.path, trends=(), row_limit=len(d.changes) or 1, heading="Changes")
    )
    return environment().get_template("diff.html.j2").render(context=context, diff=d)
