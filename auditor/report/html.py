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
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..catalog import frameworks
from ..evaluate.frameworks import rollup
from ..model.common import STATUS_WORST_FIRST
from ..model.results import Results
from ..plan.model import Plan, Step, Unresolvable
from . import html_card, html_data, html_view
from .frameworks import mapping_line
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
    last: int = 0  # a run of like steps (n..last) shown as one, its values in one list


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
    # As Markup('…{}…').format(value) writes it (escape() is what its formatter applies to a str,
    # a Markup or a number), without string.Formatter's Python walk: 712 values of a 100-org plan.
    return Markup(f'<code class="v">{escape(value)}</code><button type="button" class="copy">Copy</button>')


# What a run's values are, by the settings path its steps change.
_NOUN = {"rovo_mcp.domains": "entries", "ip_allowlist.ranges": "ranges"}


def _alike(a: Step, b: Step) -> bool:
    """Steps that read the same but for their one value (a run of them is shown as one)."""
    wa, wb = a.wording, b.wording
    return (
        wa.template == wb.template
        and wa.where == wb.where
        and len(wa.fields) == len(wb.fields) == 1  # each has one field, "value"
        and wa.fields[0][0] == wb.fields[0][0] == "value"
        and a.before is None
        and b.before is None
        and a.change.path == b.change.path
    )


def _runs(steps: Iterable[Step]) -> list[list[Step]]:
    runs: list[list[Step]] = []
    for s in steps:
        if runs and _alike(runs[-1][-1], s):
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def _run_step(run: list[Step], plan: Plan) -> PlanStep:
    first = run[0]
    if len(run) == 1:
        return PlanStep(first.n, sentence_html(first, plan, _code), first.where)
    # 10,928 "Delete … from Your domains" steps on a 100-org estate: one line and one list per run.
    values = "\n".join(v for s in run for _, v in s.wording.fields)
    noun = _NOUN.get(first.change.path, "values")
    phrase = Markup("these {} {} (steps {}–{})").format(len(run), noun, first.n, run[-1].n)
    text = Markup(escape(first.wording.template)).format_map({"value": phrase})
    html = text + Markup(
        ': <code class="v vals" tabindex="0">{}</code><button type="button" class="copy">Copy all</button>'
    ).format(values)
    return PlanStep(first.n, html, first.where, run[-1].n)


def plan_view(plan: Plan | None) -> PlanView | None:
    """What the report's "Fix first" section shows (auditor.plan)."""
    if plan is None or not (plan.steps or plan.unresolvable):
        return None
    names = {o.id: o.display_name for o in plan.target.orgs}
    orgs = []
    anchor: dict[int, int] = {}  # step → the first step of its run (the element s<n>)
    for org, of_org in plan.by_org().items():
        steps = []
        for run in _runs(of_org):
            steps.append(_run_step(run, plan))
            anchor.update((s.n, run[0].n) for s in run)
        orgs.append(PlanOrg(names.get(org, org), tuple(steps)))
    step_of: dict[tuple[str, str, str | None], int] = {}
    for s in plan.steps:
        for control, subject in s.findings:
            step_of.setdefault((s.change.org, control, subject), anchor[s.n])
    return PlanView(tuple(orgs), plan.unresolvable, names, step_of)


class HtmlFormat(Format):
    name = "html"
    filename = "report.html"

    def render(self, results: Results, context: ReportContext) -> str:
        env = environment()
        view = html_view.build(results, context.fail_on)
        plan = plan_view(context.plan)
        step_of = plan.step_of if plan else {}
        fw_of = {cid: mapping_line(cid) for cid in sorted({*frameworks().mappings, *(c for c, *_ in view.controls)})}
        common = {
            "v": view,
            "context": context,
            "status_order": STATUS_WORST_FIRST,
            "plan": plan,
            "step_of": step_of,
            "frameworks": rollup(results.findings, context.frameworks, behind=0),  # counts only
            "fw_of": fw_of,
            "cards": html_card.cards(view, step_of, fw_of),  # the `card` macro's markup, written in Python
        }
        # Rendered (not read) so that a sibling partial can add to them; hashed as written.
        css = env.get_template("_style.css.j2").render(**common).strip()
        js = env.get_template("_script.js.j2").render(**common).strip()
        return env.get_template("report.html.j2").render(
            **common,
            css=Markup(css),
            js=Markup(js),
            csp=Markup(content_security_policy(css, js)),  # hashes and constants only: nothing to escape
            facets=json_block(html_data.data(view, step_of)),
        )
