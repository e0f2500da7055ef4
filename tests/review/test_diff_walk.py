"""history.diff pairs the runs' findings by one walk down both when they are in order with one
finding per key (as evaluate and the reader keep them), by dicts otherwise. Both give what the
plain definition gives: every key of either run classified, in (org, control, subject) order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.history.diff import WITH_ACTUAL, Change, classify, diff
from auditor.model.results import AppliedWaiver, EvidenceRef, Finding, Results
from tests.unit.test_results_format import T0

_KEYS = st.tuples(
    st.sampled_from(["o1", "o2", "o3"]),
    st.sampled_from(["RMCP-DOM-001", "RMCP-DOM-003", "RMCP-IP-002"]),
    st.none() | st.sampled_from(["a", "b", "https://x/**", ""]),
)
_STATUS = st.sampled_from(["pass", "fail", "warn", "unknown", "waived"])
_EXPIRY = st.sampled_from(["2026-11-20", "2026-12-10", "2027-06-01", "soon"])


@st.composite
def _finding(draw: st.DrawFn) -> Finding:
    org, control, subject = draw(_KEYS)
    status = draw(_STATUS)
    waived = status == "waived"
    return Finding(
        control=control,
        status=status,  # type: ignore[arg-type]
        severity=draw(st.sampled_from(["high", "low"])),
        org=org,
        org_name=draw(st.none() | st.sampled_from(["Org", "Other"])),
        subject=subject,
        title="T",
        expected="e",
        actual=draw(st.sampled_from(["a1", "a2"])),
        evidence=EvidenceRef("file", T0),
        policy_ref=None,
        remediation=None,
        area="domains",
        original_status=draw(st.sampled_from(["fail", "unknown", "warn"])) if waived else None,
        waiver=AppliedWaiver("r", "me", draw(_EXPIRY), "w.yaml:1") if waived else None,
    )


def _run(fs: list[Finding], as_of: dt.datetime) -> Results:
    return Results(as_of, as_of, (), tuple(fs), summary=Results.count(fs))


def _by_definition(old: Results, new: Results, days: int) -> tuple[Change, ...]:
    """The diff as first written: a dict per run, every key of either, sorted."""
    today = new.as_of.date()
    olds = {f.key: f for f in old.findings}
    news = {f.key: f for f in new.findings}
    out = []
    for key in olds.keys() | news.keys():
        o, n = olds.get(key), news.get(key)
        kind = classify(o, n, today, days)
        ref = n or o
        assert ref is not None
        note = None
        if kind == "waiver-expired" and o is not None and o.waiver is not None:
            note = f"waiver expired {o.waiver.expires} ({o.waiver.ref})"
        if kind == "waiver-expiring" and n is not None and n.waiver is not None:
            left = (n.waiver.expiry - today).days if n.waiver.expiry else 0
            note = f"waiver expires {n.waiver.expires}, in {left} day{'s' if left != 1 else ''} ({n.waiver.ref})"
        out.append(
            Change(
                ref.org,
                (n.org_name if n else None) or (o.org_name if o else None),
                ref.control,
                ref.subject,
                kind,
                o.status if o else None,
                n.status if n else None,
                ref.severity,
                ref.title,
                note,
                o.actual if o is not None and kind in WITH_ACTUAL else None,
                n.actual if n is not None and kind in WITH_ACTUAL else None,
            )
        )
    return tuple(sorted(out, key=lambda c: c.sort_key))


@settings(max_examples=400, deadline=None)
@given(st.lists(_finding(), max_size=14), st.lists(_finding(), max_size=14), st.booleans(), st.integers(0, 40))
def test_the_walk_and_the_dicts_give_the_definitions_diff(
    old: list[Finding], new: list[Finding], tidy: bool, days: int
) -> None:
    if tidy:  # as evaluate and the reader give them: in order, one finding per key
        old = sorted({f.key: f for f in old}.values(), key=lambda f: f.sort_key)
        new = sorted({f.key: f for f in new}.values(), key=lambda f: f.sort_key)
    a = _run(old, dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    b = _run(new, dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert diff(a, b, expiring_days=days).changes == _by_definition(a, b, days)
