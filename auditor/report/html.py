"""`report.html`: one self-contained page an admin can act on.

All CSS and JS are inline and the Content-Security-Policy allows exactly those two blocks
(by sha256 hash, so the same inputs give the same bytes) and nothing else: no request to any
host. Every value is autoescaped by jinja2; the one JSON block the script reads is escaped
so that no `</script>` (or any `<`, `>`, `&`) can appear inside it. What the page shows is
computed in `html_view`; the templates only lay it out.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from ..model.common import STATUS_WORST_FIRST
from ..model.results import Results
from . import html_view
from .interface import Format, ReportContext, iso

_TICKS = re.compile(r"`([^`]+)`")


def ticks(text: str | None) -> Markup:
    """Escape, then show `quoted` parts (the values in remediation texts) as code."""
    return Markup(_TICKS.sub(r"<code>\1</code>", str(escape(text or ""))))


_PRE = re.compile(r"(<pre>.*?</pre>)", re.S)


def collapse(html: str) -> Markup:
    """Drop the newlines between tags (outside <pre>): thousands of cards, fewer DOM nodes.
    Input is already-escaped template output, so a literal <pre> can only be the template's."""
    parts = _PRE.split(str(html))
    return Markup("".join(p if i % 2 else p.replace(">\n<", "><") for i, p in enumerate(parts)))


def href(url: str | None) -> str | None:
    """A link target only for http(s) URLs: never `javascript:`, `data:` or anything else."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("https", "http") and parts.netloc else None


def link_label(url: str) -> str:
    """A short, readable label for a documentation link: its last path segment in words
    ("control atlassian rovo mcp server settings"), or host/segment when that is one word."""
    parts = urlsplit(url)
    segment = next((s for s in reversed(parts.path.split("/")) if s), "")
    words = segment.replace("-", " ").replace("_", " ").strip()
    if " " not in words:
        return f"{parts.netloc}/{segment}" if segment else parts.netloc or url
    return words[:1].upper() + words[1:]


def days(age: float | None) -> str:
    if age is None:
        return "—"
    return f"{age:.1f} days" if age != 1 else "1 day"


def json_block(data: object) -> Markup:
    """JSON for a <script type="application/json"> block: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(css: str, js: str) -> str:
    # Nothing may load or connect anywhere; only the two inline blocks (by hash) run/apply.
    return (
        f"default-src 'none'; script-src {csp_hash(js)}; style-src {csp_hash(css)}; img-src data:; "
        "base-uri 'none'; form-action 'none'; object-src 'none'"
    )


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("auditor.report", "templates"),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        iso=iso,
        ticks=ticks,
        collapse=collapse,
        href=href,
        link_label=link_label,
        days=days,
        kind=html_view.evidence_kind,
        area=lambda a: html_view.AREA_LABELS.get(a, a),
        value_label=lambda c: html_view.VALUE_LABEL.get(c, "Value"),
    )
    return env


class HtmlFormat(Format):
    name = "html"
    filename = "report.html"

    def render(self, results: Results, context: ReportContext) -> str:
        env = environment()
        view = html_view.build(results, context.fail_on)
        common = {"v": view, "context": context, "status_order": STATUS_WORST_FIRST}
        # Rendered (not read) so that a sibling partial can add to them; hashed as written.
        css = env.get_template("_style.css.j2").render(**common).strip()
        js = env.get_template("_script.js.j2").render(**common).strip()
        return env.get_template("report.html.j2").render(
            **common,
            css=Markup(css),
            js=Markup(js),
            csp=Markup(content_security_policy(css, js)),  # hashes and constants only: nothing to escape
            facets=json_block(view.facets),
        )
