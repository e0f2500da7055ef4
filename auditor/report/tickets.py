"""The terminal's view of a ticket sync: what would be (or was) created, updated, reopened,
resolved. Every value from results or Jira passes through `terminal()` (SafeStream also
guards, this keeps the columns honest)."""

from __future__ import annotations

from collections.abc import Sequence

from ..tickets.model import Action, Outcome, Plan
from .safe import terminal

_VERB = {"create": "created", "update": "updated", "reopen": "reopened", "resolve": "resolved"}


def _row(a: Action, key: str | None) -> str:
    g = a.group
    what = f"{len(g.blocking)} blocking" if g.is_blocking else "passes now"
    return terminal(f"{key or '(new)':<12} {g.control:<16} {g.org_label}  {g.severity}, {what}")


def plan_text(plan: Plan, *, project: str, site: str, apply: bool) -> str:
    c = plan.counts
    lines = [
        terminal(
            f"Jira project {project} at {site}: {c['create']} to create, {c['update']} to update, "
            f"{c['reopen']} to reopen, {c['resolve']} to resolve; {len(plan.unchanged)} in step already"
        )
    ]
    if not apply:  # with --apply, the outcome of each action is listed instead
        lines += [f"  {a.kind:<8} {_row(a, a.item.key if a.item else None)}" for a in plan.actions]
    if plan.untouched:
        lines.append(f"  {len(plan.untouched)} managed work item(s) not in these results, left as they are")
    for label, items in plan.duplicates:
        keys = ", ".join(i.key for i in items)
        lines.append(
            terminal(f"  warning: {label} is on {len(items)} work items ({keys}); only {items[0].key} is kept in step")
        )
    if not apply:
        lines.append("dry run: nothing was written to Jira (add --apply to write)")
    return "\n".join(lines)


def outcome_text(outcomes: Sequence[Outcome]) -> str:
    lines = []
    for o in outcomes:
        if o.error is None:
            lines.append(f"  {_VERB[o.action.kind]:<9} {_row(o.action, o.key)}")
        else:
            lines.append(terminal(f"  FAILED {o.action.kind} {_row(o.action, o.key)}: {o.error}"))
    failed = sum(o.error is not None for o in outcomes)
    done = len(outcomes) - failed
    tail = f"{done} done, {failed} failed" + ("; run it again to finish" if failed else "")
    return "\n".join([*lines, tail])
