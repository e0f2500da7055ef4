"""What changed between two runs: each finding key (org, control, subject) gets exactly one class.

Precedence (the first rule that holds wins; BAD is `fail` or `unknown`, the statuses that
block by default; "underlying" is a waived finding's `original_status`, else its status):

 1. removed-check    the key is only in OLD
 2. new-fail         the key is only in NEW, and NEW is BAD
 3. waiver-expired   OLD was waived, NEW is fail/unknown/warn (not waived), and OLD's waiver
                     had expired by NEW's as_of date (expiry < that date, or unreadable)
 4. regressed        OLD was pass, warn or waived; NEW is BAD
 5. waiver-expiring  NEW is waived by a waiver that expires within N days of NEW's as_of
                     (N = `expiring_days`, default 30, bounds included)
 6. still-failing    OLD was BAD and NEW's underlying status is BAD (fail → waived stays here:
                     a waiver accepts a failure, it does not fix it)
 7. fixed            OLD's underlying status was BAD and NEW's is not (pass or warn)
 8. new-check        the key is only in NEW (pass, warn or waived)
 9. unchanged        anything else (pass → pass, warn ↔ pass, waived → waived, ...)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter, lt
from typing import NamedTuple

from ..batch import batch_mode
from ..model.results import Finding, Results
from ..verdict import BLOCKING

# Display order: what needs attention first.
CHANGES: tuple[str, ...] = (
    "new-fail",
    "regressed",
    "waiver-expired",
    "still-failing",
    "waiver-expiring",
    "fixed",
    "new-check",
    "removed-check",
    "unchanged",
)
WORSE: frozenset[str] = frozenset({"new-fail", "regressed", "waiver-expired"})
BAD: frozenset[str] = BLOCKING["fail"]
DEFAULT_EXPIRING_DAYS = 30
WITH_ACTUAL: frozenset[str] = frozenset({"regressed", "fixed"})  # the classes whose rows carry both actuals


def _lapsed(f: Finding, today: dt.date) -> bool:
    if f.waiver is None:
        return False
    expiry = f.waiver.expiry
    return expiry is None or expiry < today


def _expiring(f: Finding, today: dt.date, days: int) -> bool:
    if f.status != "waived" or f.waiver is None:
        return False
    expiry = f.waiver.expiry
    return expiry is not None and 0 <= (expiry - today).days <= days


def classify(
    old: Finding | None, new: Finding | None, today: dt.date, expiring_days: int = DEFAULT_EXPIRING_DAYS
) -> str:
    """The one change class of a key; `today` is NEW's as_of date. See the module docstring."""
    if new is None:
        if old is None:
            raise ValueError("a key must be in at least one run")
        return "removed-check"
    if old is None:
        if new.status in BAD:
            return "new-fail"
        return "waiver-expiring" if _expiring(new, today, expiring_days) else "new-check"
    if old.status == "waived" and new.status in ("fail", "unknown", "warn") and _lapsed(old, today):
        return "waiver-expired"
    if old.status in ("pass", "warn", "waived") and new.status in BAD:
        return "regressed"
    if _expiring(new, today, expiring_days):
        return "waiver-expiring"
    if old.status in BAD and new.underlying_status in BAD:
        return "still-failing"
    if old.underlying_status in BAD and new.underlying_status not in BAD:
        return "fixed"
    return "unchanged"


class Change(NamedTuple):
    """One key's change. A NamedTuple, as a Finding is: a diff of a large estate makes one per
    key, 122,526 on 100 orgs × 300 entries (a frozen dataclass took 3 µs each to build)."""

    org: str
    org_name: str | None
    control: str
    subject: str | None
    change: str
    old_status: str | None
    new_status: str | None
    severity: str
    title: str
    note: str | None = None  # e.g. the waiver's expiry, for the waiver classes
    # What each run observed (its finding's `actual`), on the rows where the outcome moved
    # either way: `regressed` and `fixed`. None elsewhere.
    old_actual: str | None = None
    new_actual: str | None = None

    @property
    def sort_key(self) -> tuple[str, str, int, str]:
        return (self.org, self.control, 0 if self.subject is None else 1, self.subject or "")

    @property
    def worse(self) -> bool:
        return self.change in WORSE


@dataclass(frozen=True, slots=True)
class RunRef:
    """One side of a diff: where it came from and its headline numbers."""

    path: str | None
    generated_at: dt.datetime
    as_of: dt.datetime
    summary: dict[str, int]

    @classmethod
    def of(cls, results: Results, path: str | None) -> RunRef:
        return cls(path, results.generated_at, results.as_of, dict(results.summary))


@dataclass(frozen=True, slots=True)
class Diff:
    old: RunRef
    new: RunRef
    expiring_days: int
    changes: tuple[Change, ...]

    @property
    def counts(self) -> dict[str, int]:
        c = dict.fromkeys(CHANGES, 0)
        c.update(Counter(map(_CHANGE, self.changes)))
        return c

    @property
    def notable(self) -> tuple[Change, ...]:
        """Every change but `unchanged`, most urgent class first, then by key."""
        order = {c: i for i, c in enumerate(CHANGES)}
        return tuple(
            sorted((c for c in self.changes if c.change != "unchanged"), key=lambda c: (order[c.change], c.sort_key))
        )

    @property
    def worse(self) -> bool:
        return any(c.worse for c in self.changes)


def _note(change: str, old: Finding | None, new: Finding | None, today: dt.date) -> str | None:
    if change == "waiver-expired" and old is not None and old.waiver is not None:
        return f"waiver expired {old.waiver.expires} ({old.waiver.ref})"
    if change == "waiver-expiring" and new is not None and new.waiver is not None:
        expiry = new.waiver.expiry
        left = (expiry - today).days if expiry else 0
        return f"waiver expires {new.waiver.expires}, in {left} day{'s' if left != 1 else ''} ({new.waiver.ref})"
    return None


def diff(
    old: Results,
    new: Results,
    *,
    expiring_days: int = DEFAULT_EXPIRING_DAYS,
    old_path: str | None = None,
    new_path: str | None = None,
) -> Diff:
    """Classify every key of either run. Pure and deterministic: sorted by (org, control, subject)."""
    if expiring_days < 0:
        raise ValueError("expiring_days must be 0 or more")
    with batch_mode():
        return _diff(old, new, expiring_days, old_path, new_path)


def _diff(old: Results, new: Results, expiring_days: int, old_path: str | None, new_path: str | None) -> Diff:
    today = new.as_of.date()
    changes: list[Change] = []
    append = changes.append
    for o, n in _pairs(old.findings, new.findings):
        if o is not None and n is not None and o.status == "pass" and n.status == "pass":
            # the common case, as classify has it: pass → pass is unchanged, with no note
            append(
                Change(
                    n.org,
                    n.org_name or o.org_name,
                    n.control,
                    n.subject,
                    "unchanged",
                    "pass",
                    "pass",
                    n.severity,
                    n.title,
                )
            )
            continue
        kind = classify(o, n, today, expiring_days)
        ref = n or o
        assert ref is not None
        append(
            Change(
                org=ref.org,
                org_name=(n.org_name if n else None) or (o.org_name if o else None),
                control=ref.control,
                subject=ref.subject,
                change=kind,
                old_status=o.status if o else None,
                new_status=n.status if n else None,
                severity=ref.severity,
                title=ref.title,
                note=_note(kind, o, n, today),
                old_actual=o.actual if o is not None and kind in WITH_ACTUAL else None,
                new_actual=n.actual if n is not None and kind in WITH_ACTUAL else None,
            )
        )
    return Diff(RunRef.of(old, old_path), RunRef.of(new, new_path), expiring_days, tuple(changes))


Pair = tuple[Finding | None, Finding | None]


def _pairs(olds: Sequence[Finding], news: Sequence[Finding]) -> list[Pair]:
    """Each key's (old, new) findings, in (org, control, subject) order. Runs are in that order
    with one finding per key (evaluate and the reader keep it so): then one walk down both, where
    a dict per run, their keys' union and a sort of the result took 0.45 s on 122,526 keys (a
    tuple key is hashed at every look-up). Runs that are not are paired through dicts."""
    ok, nk = _ordered_keys(olds), _ordered_keys(news)
    if ok is None or nk is None:
        by_old = {f.key: f for f in olds}
        by_new = {f.key: f for f in news}
        keys = sorted(by_old.keys() | by_new.keys(), key=lambda k: (k[0], k[1], 0 if k[2] is None else 1, k[2] or ""))
        return [(by_old.get(k), by_new.get(k)) for k in keys]
    out: list[Pair] = []
    append = out.append
    i = j = 0
    no, nn = len(ok), len(nk)
    while i < no and j < nn:
        a, b = ok[i], nk[j]
        if a == b:
            append((olds[i], news[j]))
            i += 1
            j += 1
        elif a < b:
            append((olds[i], None))
            i += 1
        else:
            append((None, news[j]))
            j += 1
    out += [(f, None) for f in olds[i:]]
    out += [(None, f) for f in news[j:]]
    return out


def _ordered_keys(fs: Sequence[Finding]) -> list[tuple[str, str, int, str]] | None:
    """The findings' order keys (Change.sort_key's), if strictly increasing (in order, each key
    once); else None."""
    keys = [(f[3], f[0], 0 if f[5] is None else 1, f[5] or "") for f in fs]
    return keys if all(map(lt, keys, keys[1:])) else None


_CHANGE = itemgetter(4)  # Change.change
assert (
    Finding._fields[3] == "org" and Finding._fields[0] == "control" and Finding._fields[5] == "subject"
)  # _ordered_keys
