"""A remediation plan (auditor.plan) as plan.json (`rovo-audit/plan/v1`), plan.md and terminal text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from ..model import schemas
from ..model.common import iso
from ..plan.model import Plan, Step
from ..plan.paths import Wording
from .safe import json_safe, md_code, md_text, terminal


def sentence(step: Step, plan: Plan, quote: Callable[[str], str] = lambda v: f"`{v}`") -> str:
    """The step's one sentence; a prerequisite names the later step it must come before."""
    text = step.wording.text(quote)
    if step.before is not None:
        later = plan.steps[step.before - 1].wording.text(quote)
        text += f" before step {step.before} ({later[:1].lower() + later[1:]}), so that what it allows keeps working"
    return text


def _markup(wording: Wording, code: Callable[[str], Markup]) -> Markup:
    """A step's sentence as HTML: its template escaped, each untrusted part as `code` makes it."""
    return Markup(escape(wording.template)).format_map({k: code(v) for k, v in wording.fields})


def sentence_html(step: Step, plan: Plan, code: Callable[[str], Markup]) -> Markup:
    """The sentence as HTML: the template escaped, each untrusted part through `code`."""
    text = _markup(step.wording, code)
    if step.before is not None:
        later = _markup(plan.steps[step.before - 1].wording, lambda v: Markup("<code>{}</code>").format(v))
        text += Markup(" before step {} ({}), so that what it allows keeps working").format(
            step.before, Markup(later[:1].lower()) + later[1:]
        )
    return text


def plan_dict(plan: Plan) -> dict[str, Any]:
    steps = []
    for s in plan.steps:
        c = s.change
        d: dict[str, Any] = {"n": s.n, "org": c.org, "action": c.action, "path": c.path}
        if c.action != "collect":
            d["value"] = c.value
        d["findings"] = [[control, subject] for control, subject in s.findings]
        d["summary"] = sentence(s, plan)
        d["where"] = s.where
        if s.before is not None:
            d["before"] = s.before  # an extension: the later step this one must precede
        steps.append(d)
    return {
        "schema": schemas.PLAN,
        "as_of": iso(plan.as_of),
        "steps": steps,
        "unresolvable": [
            {"org": u.org, "control": u.control, "subject": u.subject, "status": u.status, "reason": u.reason}
            for u in plan.unresolvable
        ],
    }


def plan_json(plan: Plan) -> str:
    return json_safe(json.dumps(plan_dict(plan), indent=2, ensure_ascii=False)) + "\n"


def _names(plan: Plan) -> dict[str, str]:
    return {o.id: o.display_name for o in plan.target.orgs}


def plan_markdown(plan: Plan, *, level: int = 1) -> str:
    """plan.md (level 1), or the plan section of summary.md (level 2)."""
    names = _names(plan)
    sub = "#" * (level + 1)
    lines = [
        f"{'#' * level} Remediation plan",
        "",
        f"As of {iso(plan.as_of)}. Apply the steps in this order: none breaks what already works.",
        "",
    ]
    if not plan.steps:
        lines += ["Nothing to change: every finding the policies judge passes or is waived.", ""]
    for org, steps in plan.by_org().items():
        lines += [f"{sub} {md_text(names.get(org, org))} ({md_code(org)})", ""]
        for s in steps:
            what = sentence(s, plan, md_code)
            lines.append(f"{s.n}. {what}. Where: {md_text(s.where)}.")
            if s.findings:
                named = ", ".join(f"{c} {md_code(subj)}" if subj else c for c, subj in s.findings)
                lines.append(f"   {'Keeps passing' if s.before is not None else 'Resolves'}: {named}.")
        lines.append("")
    if plan.unresolvable:
        lines += [f"{sub} What no change of the settings settles", ""]
        lines += ["| org | control | subject | status | why |", "| --- | --- | --- | --- | --- |"]
        for u in plan.unresolvable:
            subject = md_code(u.subject, in_table=True) if u.subject else "—"
            org = md_text(names.get(u.org, u.org))
            lines.append(f"| {org} | {u.control} | {subject} | {u.status} | {md_text(u.reason)} |")
        lines.append("")
    return "\n".join(lines)


def plan_text(plan: Plan) -> str:
    """The numbered steps for the terminal (every untrusted part made safe to print)."""
    names = _names(plan)
    lines: list[str] = []
    current = None
    for s in plan.steps:
        if s.change.org != current:
            current = s.change.org
            lines.append(terminal(f"{names.get(current, current)} ({current})"))
        lines.append(terminal(f"  {s.n:>3}. {sentence(s, plan)}"))
        lines.append(terminal(f"       where: {s.where}"))
    if not plan.steps:
        lines.append("Nothing to change: every finding the policies judge passes or is waived.")
    for u in plan.unresolvable:
        subject = f" {u.subject}" if u.subject else ""
        lines.append(terminal(f"  unresolvable: {u.control}{subject} [{names.get(u.org, u.org)}]: {u.reason}"))
    return "\n".join(lines) + "\n"
