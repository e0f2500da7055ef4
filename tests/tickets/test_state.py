"""The ticket state on its own (pure parts): the newest 50 ids reconciled, one entry per label,
and which planned actions need a direct read first."""

from __future__ import annotations

from auditor.tickets.model import Action, Content, Group
from auditor.tickets.state import RECONCILE_MAX, Remembered


def group(n: int) -> Group:
    return Group(f"o{n}", None, "C1", "t", (), (), "high")


def test_the_newest_written_lead_and_each_label_is_kept_once() -> None:
    r = Remembered().after((group(n).label, str(10000 + n)) for n in range(60))
    assert r.reconcile() == tuple(range(10000, 10000 + RECONCILE_MAX))
    again = r.after([(group(59).label, "20000")])  # the same label written again: one entry, first
    assert again.entries[0] == (group(59).label, "20000") and len(again.entries) == 60


def test_only_a_create_resolve_or_reopen_of_an_older_item_is_read_first() -> None:
    gs = [group(n) for n in range(60)]
    r = Remembered(tuple((g.label, str(10000 + n)) for n, g in enumerate(gs)))  # 0..49 reconciled
    c = Content("s", {"version": 1, "type": "doc", "content": []})
    actions = [
        Action("create", gs[55], None, c),
        Action("resolve", gs[56], None, None),
        Action("update", gs[57], None, c),  # a stale digest costs a rewrite at most
        Action("create", gs[3], None, c),  # reconciled: the search is current about it
        Action("create", group(99), None, c),  # never written by us
    ]
    assert r.to_read(actions) == ("10055", "10056")
