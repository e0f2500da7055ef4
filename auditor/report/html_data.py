"""The one JSON block report.html's script reads: every finding, compactly, by card.

The page renders a card per (org, control) and a count per (org, control) of passes; what the
filters, the charts, the findings table and the drill-downs need about each finding is here,
once. Strings are interned (a 100-org estate's 107k passes share 30k subjects and 31 texts), and
a column every member of a group shares is one number instead of a list: 2.9 MB for 122k
findings, against 47 MB of HTML when every pass was a table row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..catalog import AREAS
from ..model.common import SEVERITIES, STATUS_WORST_FIRST
from ..model.results import Finding
from .html_view import AREA_LABELS, ControlCard, GroupCard, PassGroup, View

Group = ControlCard | GroupCard | PassGroup


class _Strings(dict[str, int]):
    """Each distinct string's number, in order of first use (a dict's own lookup: 613k of them)."""

    def __missing__(self, text: str) -> int:
        n = self[text] = len(self)
        return n

    def __call__(self, text: str | None) -> int:
        return -1 if text is None else self[text]

    @property
    def table(self) -> list[str]:
        return list(self)


def _column(values: Sequence[int]) -> int | list[int]:
    """One number when every member shares it (the script reads either)."""
    return values[0] if len(set(values)) == 1 else list(values)


def _interned(doc: Any, s: _Strings) -> Any:
    """A snippet's document with each string value as its number in the table (its subjects are
    the card's: 977 KB of the 100-org report's block as text, 0.2 MB as numbers)."""
    if isinstance(doc, dict):
        return {k: _interned(v, s) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_interned(v, s) for v in doc]
    return s(doc) if isinstance(doc, str) else doc


def _deltas(indices: Sequence[int]) -> list[int]:
    """Subjects as steps from the one before (each number + 1, so that -1, none, is 0): a
    group's subjects are mostly numbered in a row, and "1," is shorter than "29113,"
    (the 100-org block's subjects: 642 KB as numbers, about 0.25 MB as steps)."""
    out, last = [], 0
    for i in indices:
        out.append(i + 1 - last)
        last = i + 1
    return out


def _findings(g: Group) -> tuple[Finding, ...]:
    return g.findings if isinstance(g, PassGroup) else tuple(c.f for c in g.items)


def _bucket(g: Group) -> str:
    if isinstance(g, PassGroup):
        return "pass"
    if isinstance(g, GroupCard):
        return "collect"
    return "waived" if g.f.status == "waived" else "todo"


def data(view: View, step: Callable[[Finding], int]) -> dict[str, Any]:
    """The data block; `step(f)` is the plan step (its anchor's number) that resolves f, or 0."""
    s = _Strings()
    status = {x: i for i, x in enumerate(STATUS_WORST_FIRST)}
    severity = {x: i for i, x in enumerate(SEVERITIES)}
    area = {x: i for i, x in enumerate(AREAS)}
    groups: list[dict[str, Any]] = []
    for o in view.orgs:
        for g in (*o.todo, *o.waived, *o.passes):
            fs = _findings(g)
            first = fs[0]
            entry: dict[str, Any] = {
                "o": o.n,
                "b": _bucket(g),
                "c": first.control,
                "a": _column([area.get(f.area, -1) for f in fs]),  # an unknowns card spans areas
                "t": _column([s(f.title) for f in fs]),
                "x": _deltas([s(f.subject) for f in fs]),
                "s": _column([status.get(f.status, 0) for f in fs]),
                "v": _column([severity.get(f.severity, 0) for f in fs]),
                "y": _column([s(f.actual) for f in fs]),
                "e": _column([s(f.expected) for f in fs]),
                "r": _column([s(f.policy_ref) for f in fs]),
                "p": _column([step(f) for f in fs]),
            }
            if isinstance(g, ControlCard) and g.snippet is not None:
                entry["yd"] = _interned(g.snippet, s)  # written as YAML when asked: once per card
                entry["yk"] = g.snippet_kind
            assert g.k == len(groups), "groups are numbered in page order"
            groups.append(entry)
    return {
        "status": list(STATUS_WORST_FIRST),
        "severity": list(SEVERITIES),
        "area": [[a, AREA_LABELS[a]] for a in AREAS],
        "orgs": [[o.n, o.id, o.display] for o in view.orgs],
        "S": s.table,
        "g": groups,
    }
