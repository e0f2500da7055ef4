"""Pure: (results, the managed work items found) → the actions that bring Jira in step.

- a blocking group with no item: create;
- a blocking group whose item is done: reopen (and rewrite it if the content changed);
- a blocking group whose item is open: update when the content changed, else nothing;
- a group that no longer blocks, with an open item: resolve (a comment, then done);
- an item whose group is not in the results at all is left alone: a control that was not
  evaluated is not evidence that it passes (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import groupby

from ..model.common import SEVERITY_RANK
from ..model.results import Finding, Results
from ..verdict import blocks
from .model import MANAGED_LABEL, Action, Content, Group, Item, Plan


def groups(results: Results, fail_on: str = "fail") -> tuple[Group, ...]:
    """One group per (org, control) in the results, sorted by org then control."""
    names = {o.id: o.name for o in results.orgs}
    out = []
    for (org, control), found in groupby(sorted(results.findings, key=lambda f: f.sort_key), key=lambda f: f.key[:2]):
        fs = tuple(found)
        bad = tuple(f for f in fs if blocks(f, fail_on))
        worst = min((f.severity for f in (bad or fs)), key=lambda s: SEVERITY_RANK.get(s, 9))
        out.append(
            Group(
                org=org,
                org_name=names.get(org) or _first_name(fs),
                control=control,
                title=fs[0].title,
                blocking=bad,
                others=tuple(f for f in fs if not blocks(f, fail_on)),
                severity=worst,
            )
        )
    return tuple(out)


def _first_name(fs: Iterable[Finding]) -> str | None:
    return next((f.org_name for f in fs if f.org_name), None)


def by_label(items: Iterable[Item]) -> tuple[dict[str, Item], tuple[tuple[str, tuple[Item, ...]], ...]]:
    """The item for each stable label (the oldest, by numeric id, when several carry it) and
    the labels carried by more than one item."""
    found: dict[str, list[Item]] = {}
    for item in items:
        for label in item.labels:
            if label.startswith(f"{MANAGED_LABEL}-"):
                found.setdefault(label, []).append(item)
    chosen, duplicates = {}, []
    for label, its in sorted(found.items()):
        its.sort(key=lambda i: (len(i.id), i.id))
        chosen[label] = its[0]
        if len(its) > 1:
            duplicates.append((label, tuple(its)))
    return chosen, tuple(duplicates)


def plan(all_groups: Iterable[Group], items: Iterable[Item], contents: Mapping[str, Content]) -> Plan:
    """`contents`: the content of each blocking group, by its stable label."""
    items = tuple(items)
    chosen, duplicates = by_label(items)
    actions: list[Action] = []
    unchanged: list[tuple[Group, Item]] = []
    seen: set[str] = set()
    for g in all_groups:
        seen.add(g.label)
        item = chosen.get(g.label)
        if g.is_blocking:
            content = contents[g.label]
            changed = item is None or item.digest != content.digest
            if item is None:
                actions.append(Action("create", g, None, content))
            elif item.category == "done":
                actions.append(Action("reopen", g, item, content if changed else None))
            elif changed:
                actions.append(Action("update", g, item, content))
            else:
                unchanged.append((g, item))
        elif item is not None:
            if item.category != "done":
                actions.append(Action("resolve", g, item, None))
            else:
                unchanged.append((g, item))
    ids = {i.id for i in chosen.values() if any(lb in seen for lb in i.labels)}
    untouched = tuple(i for i in dict.fromkeys(chosen.values()) if i.id not in ids)
    return Plan(tuple(actions), tuple(unchanged), untouched, duplicates)
