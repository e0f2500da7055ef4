"""The review's headline, from the results and the history's diff (pure)."""

from __future__ import annotations

from ..history.diff import WORSE
from ..history.review import Review
from ..model.results import Results
from ..verdict import verdict_text
from .model import Change, Headline

MAX_CHANGES = 10  # listed in a message; a chat message is read at a glance, the report has the rest


def headline(results: Results, review: Review | None, *, fail_on: str, report: str | None) -> Headline:
    the_diff = review.diff if review is not None else None
    counts = the_diff.counts if the_diff is not None else {}
    worse = [c for c in (the_diff.notable if the_diff is not None else ()) if c.change in WORSE]
    listed = tuple(Change(c.change, c.control, c.org_name or c.org, c.subject) for c in worse[:MAX_CHANGES])
    return Headline(
        verdict=verdict_text(results.findings, fail_on),
        as_of=results.as_of.date().isoformat(),
        previous=review.previous_name if review is not None else None,
        new_fail=counts.get("new-fail", 0),
        regressed=counts.get("regressed", 0),
        waiver_expired=counts.get("waiver-expired", 0),
        waiver_expiring=counts.get("waiver-expiring", 0),
        report=report,
        changes=listed,
        more=len(worse) - len(listed),
    )
