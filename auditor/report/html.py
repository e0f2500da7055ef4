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
from dataclasses import dataclass

from markupsafe import Markup

from ..model.common import STATUS_WORST_FIRST
from ..model.results import Results
from ..plan.model import Plan, Unresolvable
from . import html_view
from .interface import Format, ReportContext
from .plan import sentence_html
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


@dataclass(frozen=True, slots=True)
class PlanStep:
    n: int
    html: Markup  # the sentence, its values in code with a Copy button
    where: str


@dataclass(frozen=True, slots=True)
class PlanOrg:
    name: str
    steps: tuple[PlanStep, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    orgs: tuple[PlanOrg, ...]
    unresolvable: tuple[Unresolvable, ...]
    names: dict[str, str]
    step_of: dict[tuple[str, str, str | None], int]  # (org, control, subject) → the step that resolves it


def _code(value: str) -> Markup:
    return Markup('<code class="v">{}</code><button type="button" class="copy">Copy</button>').format(value)


def plan_view(plan: Plan | None) -> PlanView | None:
    """What the report's "What to do, in order" section shows (auditor.plan)."""
    if plan is None or not (plan.steps or plan.unresolvable):
        return None
    names = {o.id: o.display_name for o in plan.target.orgs}
    orgs = []
    for org in dict.fromkeys(s.change.org for s in plan.steps):
        steps = tuple(PlanStep(s.n, sentence_html(s, plan, _code), s.where) for s in plan.steps_of(org))
        orgs.append(PlanOrg(names.get(org, org), steps))
    step_of: dict[tuple[str, str, str | None], int] = {}
    for s in plan.steps:
        for control, subject in s.findings:
            step_of.setdefault((s.change.org, control, subject), s.n)
    return PlanView(tuple(orgs), plan.unresolvable, names, step_of)


class HtmlFormat(Format):
    name = "html"
    filename = "report.html"

    def render(self, results: Results, context: ReportContext) -> str:
        env = environment()
        view = html_view.build(results, context.fail_on)
        plan = plan_view(context.plan)
        common = {
            "v": view,
            "context": context,
            "status_order": STATUS_WORST_FIRST,
            "plan": plan,
            "step_of": plan.step_of if plan else {},
        }
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
