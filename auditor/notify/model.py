"""What a notification says: the headline of the review after an audit with history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["slack", "teams", "json"]


@dataclass(frozen=True, slots=True)
class Change:
    change: str  # new-fail, regressed, waiver-expired
    control: str
    org: str  # the org's name, else its id
    subject: str | None


@dataclass(frozen=True, slots=True)
class Headline:
    verdict: str
    as_of: str  # the run's as-of date (YYYY-MM-DD)
    previous: str | None  # the history entry compared with; None: no earlier run
    new_fail: int
    regressed: int
    waiver_expired: int
    waiver_expiring: int  # waivers that expire within the --expiring-days window
    report: str | None  # where the report is: --report-url, else the path of report.html
    changes: tuple[Change, ...]  # what got worse, most urgent class first (at most MAX_CHANGES)
    more: int  # worse changes beyond those listed

    @property
    def worse(self) -> bool:
        return bool(self.new_fail or self.regressed or self.waiver_expired)
