"""A run's headline numbers: what a trend needs, without loading every finding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .results import OrgSummary, Results


@dataclass(frozen=True, slots=True)
class RunSummary:
    name: str  # the history entry's file name
    generated_at: dt.datetime
    as_of: dt.datetime
    summary: dict[str, int]
    orgs: tuple[OrgSummary, ...]

    @classmethod
    def of(cls, results: Results, name: str) -> RunSummary:
        return cls(name, results.generated_at, results.as_of, dict(results.summary), results.orgs)
