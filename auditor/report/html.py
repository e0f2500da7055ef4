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

from markupsafe import Markup

from ..model.common import STATUS_WORST_FIRST
from ..model.results import Results
from . import html_view
from .interface import Format, ReportContext
from .templating import environment


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
