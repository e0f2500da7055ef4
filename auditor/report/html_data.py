"""The one JSON block report.html's script reads: every finding, compactly, by card.

The page renders a card per (org, control) and a count per (org, control) of passes; what the
filters, the charts, the findings table and the drill-downs need about each finding is here,
once. Strings are interned (a 100-org estate's 107k passes share 30k subjects and 31 texts), and
a column every member of a group shares is one number instead of a list: 2.9 MB for 122k
findings, against 47 MB of HTML when every pass was a table row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain, repeat
from operator import sub
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


def _texts(values: Sequence[str | None], s: _Strings) -> int | list[int]:
    """A column of strings as `_column` of their numbers, interning in the same order: when
    every member shares the text, that one text is all there is to number (`count` compares
    at C speed: most columns of the 107k passes are one title, one expected, one rule)."""
    first = values[0]
    if values.count(first) == len(values):
        return s(first)
    return _numbers(values, s)


def _numbers(values: Sequence[str | None], s: _Strings) -> list[int]:
    """Each text's number, in order (the dict's own lookup when none is None: no call per text)."""
    if None in values:
        return [s(v) for v in values]
    return list(map(s.__getitem__, values))  # type: ignore[arg-type]


def _codes(values: Sequence[str], code: dict[str, int], missing: int) -> int | list[int]:
    """A column of a fixed vocabulary's numbers (status, severity, area), as `_column` of them."""
    first = values[0]
    if values.count(first) == len(values):
        return code.get(first, missing)
    return _column([code.get(v, missing) for v in values])


def _interned(doc: Any, s: _Strings) -> Any:
    """A snippet's document with each string value as its number in the table (its subjects are
    the card's: 977 KB of the 100-org report's block as text, 0.2 MB as numbers)."""
    if isinstance(doc, dict):
        return {k: s[v] if type(v) is str else _interned(v, s) for k, v in doc.items()}  # a waiver's texts
    if isinstance(doc, list):
        if set(map(type, doc)) == {str}:  # a list of subjects: most of a snippet
            return _numbers(doc, s)
        return [_interned(v, s) for v in doc]
    return s(doc) if isinstance(doc, str) else doc


def _deltas(indices: Sequence[int]) -> list[int]:
    """Subjects as steps from the one before (each number + 1, so that -1, none, is 0): a
    group's subjects are mostly numbered in a row, and "1," is shorter than "29113,"
    (the 100-org block's subjects: 642 KB as numbers, about 0.25 MB as steps).
    (i + 1) - (previous + 1) is i - previous, the first one's i - (-1): one map in C."""
    return list(map(sub, indices, chain((-1,), indices)))


def _findings(g: Group) -> tuple[Finding, ...]:
    return g.findings if isinstance(g, PassGroup) else tuple(c.f for c in g.items)


def _bucket(g: Group) -> str:
    if isinstance(g, PassGroup):
        return "pass"
    if isinstance(g, GroupCard):
        return "collect"
    return "waived" if g.f.status == "waived" else "todo"


StepOf = Mapping[tuple[str, str, str | None], int]  # (org, control, subject) → its plan step

_AT = {name: i for i, name in enumerate(Finding._fields)}
_ORG, _CONTROL, _SUBJECT = _AT["org"], _AT["control"], _AT["subject"]
_AREA, _TITLE, _STATUS, _SEVERITY = _AT["area"], _AT["title"], _AT["status"], _AT["severity"]
_ACTUAL, _EXPECTED, _REF = _AT["actual"], _AT["expected"], _AT["policy_ref"]


def data(view: View, step_of: StepOf) -> dict[str, Any]:
    """The data block; `step_of[(org, control, subject)]` is the plan step (its anchor's
    number) that resolves that finding; a finding it lacks has 0.

    A group's findings are read as columns (one zip in C) and a column is numbered once when
    the whole group shares it: 122,526 findings in 2,220 groups took 0.21-0.30 s of CPU, a
    Python call per finding and column; 0.07-0.11 s now, the same block."""
    s = _Strings()
    status: dict[str, int] = {x: i for i, x in enumerate(STATUS_WORST_FIRST)}
    severity: dict[str, int] = {x: i for i, x in enumerate(SEVERITIES)}
    area = {x: i for i, x in enumerate(AREAS)}
    # Each (org, control)'s steps by subject: a group of one org and control (all but an unknowns
    # card) looks its subjects up in its own dict, or in none (1,582 of 2,220 groups share an org
    # and control with a step; their 100k subjects mostly have none).
    by_pair: dict[tuple[str, str], dict[str | None, int]] = {}
    for (org, control, subject), n in step_of.items():
        by_pair.setdefault((org, control), {})[subject] = n
    groups: list[dict[str, Any]] = []
    for o in view.orgs:
        for g in (*o.todo, *o.waived, *o.passes):
            fs = _findings(g)
            col = list(zip(*fs, strict=True))
            orgs, controls, subjects = col[_ORG], col[_CONTROL], col[_SUBJECT]
            steps: int | list[int] = 0
            if orgs.count(orgs[0]) == len(orgs) and controls.count(controls[0]) == len(controls):
                of_pair = by_pair.get((orgs[0], controls[0]))
                if of_pair is not None and not of_pair.keys().isdisjoint(subjects):
                    steps = _column(list(map(of_pair.get, subjects, repeat(0))))
            elif not by_pair.keys().isdisjoint(zip(orgs, controls, strict=True)):
                steps = _column(list(map(step_of.get, zip(orgs, controls, subjects, strict=True), repeat(0))))
            entry: dict[str, Any] = {
                "o": o.n,
                "b": _bucket(g),
                "c": controls[0],
                "a": _codes(col[_AREA], area, -1),  # an unknowns card spans areas
                "t": _texts(col[_TITLE], s),
                "x": _deltas(_numbers(subjects, s)),
                "s": _codes(col[_STATUS], status, 0),
                "v": _codes(col[_SEVERITY], severity, 0),
                "y": _texts(col[_ACTUAL], s),
                "e": _texts(col[_EXPECTED], s),
                "r": _texts(col[_REF], s),
                "p": steps,
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
