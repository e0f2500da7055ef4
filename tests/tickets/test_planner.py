"""The planner on its own (pure): which action each (group, item) pair gets, duplicates,
items whose group is not in the results, and that a digest change alone makes an update."""

from __future__ import annotations

import datetime as dt

from auditor.model.results import EvidenceRef, Finding, Remediation, Results
from auditor.tickets.model import Content, Item, stable_label
from auditor.tickets.planner import groups, plan

WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def finding(control: str, status: str, subject: str | None = None, org: str = "o1") -> Finding:
    rem = None if status == "pass" else Remediation("fix it", ("step 1",), ())
    return Finding(
        control,
        status,
        "high",
        org,
        "Org One",
        subject,
        "A title",
        "x",
        "y",  # type: ignore[arg-type]
        EvidenceRef("attested", WHEN),
        None,
        rem,
        "domains",
    )


def results(*fs: Finding) -> Results:
    return Results(WHEN, WHEN, (), fs)


def item(label: str, category: str = "new", digest: str | None = None, id: str = "10001") -> Item:
    return Item(id, f"SEC-{id[-1]}", ("rovo-audit", label), category, "To Do", digest)  # type: ignore[arg-type]


def content(text: str = "a") -> Content:
    return Content(text, {"version": 1, "type": "doc", "content": []})


def test_each_case_gets_its_action() -> None:
    gs = groups(
        results(
            finding("C-NEW", "fail"),
            finding("C-OPEN", "fail"),
            finding("C-SAME", "unknown"),
            finding("C-DONE", "fail"),
            finding("C-FIXED", "pass", "a"),
            finding("C-FIXED", "waived", "b"),
            finding("C-CLOSED", "pass"),
        )
    )
    assert [g.control for g in gs if g.is_blocking] == ["C-DONE", "C-NEW", "C-OPEN", "C-SAME"]
    contents = {g.label: content(g.control) for g in gs if g.is_blocking}
    lb = {g.control: g.label for g in gs}
    items = [
        item(lb["C-OPEN"], digest="stale", id="10002"),
        item(lb["C-SAME"], digest=contents[lb["C-SAME"]].digest, id="10003"),
        item(lb["C-DONE"], "done", id="10004"),
        item(lb["C-FIXED"], "indeterminate", id="10005"),
        item(lb["C-CLOSED"], "done", id="10006"),
        item(stable_label("o2", "C-ELSEWHERE"), id="10007"),
    ]
    p = plan(gs, items, contents)
    assert [(a.kind, a.group.control) for a in p.actions] == [
        ("reopen", "C-DONE"),
        ("resolve", "C-FIXED"),
        ("create", "C-NEW"),
        ("update", "C-OPEN"),
    ]
    assert sorted(g.control for g, _ in p.unchanged) == ["C-CLOSED", "C-SAME"]
    assert [i.id for i in p.untouched] == ["10007"]  # not in these results: left alone
    reopen = p.actions[0]
    assert reopen.content is not None  # its digest (None) differs: rewritten as it reopens


def test_a_label_on_two_items_keeps_the_oldest_and_says_so() -> None:
    gs = groups(results(finding("C1", "fail")))
    label = gs[0].label
    c = content()
    p = plan(gs, [item(label, digest=c.digest, id="10010"), item(label, id="10009")], {label: c})
    assert p.duplicates and [i.id for i in p.duplicates[0][1]] == ["10009", "10010"]
    assert [a.kind for a in p.actions] == ["update"]  # 10009 (no digest) is the one kept
    assert p.actions[0].item is not None and p.actions[0].item.id == "10009"


def test_fail_on_decides_what_blocks() -> None:
    rs = results(finding("C1", "warn"))
    assert not groups(rs)[0].is_blocking
    assert groups(rs, "warn")[0].is_blocking


def test_the_stable_label_is_stable_and_distinct() -> None:
    assert stable_label("o1", "C1") == stable_label("o1", "C1") == "rovo-audit-" + stable_label("o1", "C1")[11:]
    assert len({stable_label("o1", "C1"), stable_label("o1", "C2"), stable_label("o2", "C1")}) == 3
    assert stable_label("o 1\n", "C1") != stable_label("o", " 1\nC1")
