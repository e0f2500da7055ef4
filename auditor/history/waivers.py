"""Which waivers need attention: each waiver of an audit in exactly one state, the first that holds.

`expired` (its date has passed), `unreadable` (its date cannot be read: it waives nothing),
`unused` (in force but matching no finding), `expiring` (in force, expiring within the
window), `ok`. The audit itself decides which finding each waiver matches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..load.documents import Loaded
from ..model.results import Results
from ..model.waivers import Waivers

STATES = ("expired", "unreadable", "unused", "expiring", "ok")


@dataclass(frozen=True, slots=True)
class WaiverState:
    ref: str
    control: str
    subject: str | None
    org: str | None
    reason: str
    approved_by: str
    expires: str
    state: str
    days_left: int | None
    waives: int  # findings it waives in this audit


def states(files: Sequence[Loaded[Waivers]], results: Results, today: dt.date, expiring_days: int) -> list[WaiverState]:
    expired = {w.ref: w.why for w in results.expired_waivers}
    unused = {w.ref for w in results.unused_waivers}
    waives: dict[str, int] = {}
    for f in results.findings:
        if f.waiver is not None:
            waives[f.waiver.ref] = waives.get(f.waiver.ref, 0) + 1
    out = []
    for doc in files:
        for i, w in enumerate(doc.model.waivers):
            ref = doc.at("waivers", i).ref
            expiry = w.expiry
            days = (expiry - today).days if expiry is not None else None
            if expired.get(ref) == "expired":
                state = "expired"
            elif expired.get(ref) is not None or expiry is None:
                state = "unreadable"
            elif ref in unused:
                state = "unused"
            elif days is not None and days <= expiring_days:
                state = "expiring"
            else:
                state = "ok"
            out.append(
                WaiverState(
                    ref,
                    w.control,
                    w.subject,
                    w.org,
                    w.reason,
                    w.approved_by,
                    w.expires_text,
                    state,
                    days,
                    waives.get(ref, 0),
                )
            )
    return out


def counts(found: Sequence[WaiverState]) -> dict[str, int]:
    """How many waivers are in each state, in STATES order."""
    return {s: sum(1 for w in found if w.state == s) for s in STATES}
