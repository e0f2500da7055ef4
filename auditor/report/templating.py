"""The one Jinja environment every page is rendered with (report.html, the diff page, doctor.html),
and the filters its templates use. Autoescaping is on for every template, whatever its name.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from ..model.common import iso
from . import html_view, precompiled
from .trend_svg import render_svg

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


class _Loader(jinja2.PackageLoader):
    """The package's templates, each one's code taken from its module compiled ahead of time
    when that was compiled from this very source for this environment (`precompiled`), else
    compiled here as Jinja's own loaders do."""

    def load(
        self, environment: jinja2.Environment, name: str, globals: MutableMapping[str, Any] | None = None
    ) -> jinja2.Template:
        source, filename, uptodate = self.get_source(environment, name)
        code = precompiled.code(environment, name, source, filename)
        if code is None:
            code = environment.compile(source, name, filename)
        return environment.template_class.from_code(environment, code, {} if globals is None else globals, uptodate)


@cache
def environment() -> jinja2.Environment:
    return make_environment()


def make_environment() -> jinja2.Environment:
    """A fresh environment as `environment()`'s (the precompiled modules are made with one)."""
    env = jinja2.Environment(
        loader=_Loader("auditor.report", "templates"),
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
        trend_svg=render_svg,
        kind=html_view.evidence_kind,
        area=lambda a: html_view.AREA_LABELS.get(a, a),
        value_label=lambda c: html_view.VALUE_LABEL.get(c, "Value"),
    )
    return env
