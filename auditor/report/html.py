"""`report.html`: one self-contained page (inline CSS, no external requests), autoescaped."""

from __future__ import annotations

from functools import cache

import jinja2

from ..model.results import Results
from ..verdict import blocking, verdict_text
from .interface import Format, ReportContext, iso


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("auditor.report", "templates"),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["iso"] = iso
    return env


class HtmlFormat(Format):
    name = "html"
    filename = "report.html"

    def render(self, results: Results, context: ReportContext) -> str:
        by_org: dict[str, list] = {}
        for f in results.findings:
            by_org.setdefault(f.org, []).append(f)
        return environment().get_template("report.html.j2").render(
            results=results,
            context=context,
            by_org=by_org,
            verdict=verdict_text(results.findings),
            blocking=blocking(results.findings),
        )
