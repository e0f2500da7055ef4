"""Per org, fail / unknown / waived counts over the last runs (drawn by auditor.report.trend_svg)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..model.runs import RunSummary

SERIES: tuple[str, ...] = ("fail", "unknown", "waived")  # the statuses a trend follows
DEFAULT_RUNS = 12


@dataclass(frozen=True, slots=True)
class Point:
    label: str  # the run's as_of date
    at: dt.datetime
    counts: dict[str, int]  # fail, unknown, waived; absent org in a run → no point


@dataclass(frozen=True, slots=True)
class OrgTrend:
    org: str
    name: str | None
    points: tuple[Point, ...]

    @property
    def direction(self) -> str:
        """One word for a screen reader and a glance: the blocking count's last move."""
        if len(self.points) < 2:
            return "first run"
        a, b = (p.counts["fail"] + p.counts["unknown"] for p in self.points[-2:])
        return "better" if b < a else "worse" if b > a else "level"


def trends(runs: Sequence[RunSummary], limit: int = DEFAULT_RUNS) -> tuple[OrgTrend, ...]:
    """One trend per org of the newest run, over the last `limit` runs (oldest first)."""
    recent = sorted(runs, key=lambda r: (r.generated_at, r.name))[-limit:] if limit > 0 else []
    if not recent:
        return ()
    out = []
    by_id = [{o.id: o for o in run.orgs} for run in recent]
    for org in recent[-1].orgs:
        points = []
        for run, orgs in zip(recent, by_id, strict=True):
            found = orgs.get(org.id)
            if found is not None:
                counts = {s: int(found.counts.get(s, 0)) for s in SERIES}
                points.append(Point(run.as_of.date().isoformat(), run.as_of, counts))
        out.append(OrgTrend(org.id, org.name, tuple(points)))
    return tuple(out)
