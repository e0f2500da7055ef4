"""An audit's link to its history: compare with the previous run, draw the trend, store the run.

Used by `audit` and `merge` (through `pipeline.run_audit`). The history is optional
evidence of the past: an unreadable entry is skipped with a warning, never a reason to
withhold the audit itself.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ..atomic import Writer
from ..errors import InputError
from ..load.results import read_results, read_summary
from ..model.results import Results
from ..model.runs import RunSummary
from . import store
from .diff import CHANGES, DEFAULT_EXPIRING_DAYS, Diff, diff
from .trend import DEFAULT_RUNS, OrgTrend, trends


@dataclass(frozen=True, slots=True)
class HistoryOptions:
    folder: Path
    digest: str  # of the run's inputs (store.inputs_digest)
    expiring_days: int = DEFAULT_EXPIRING_DAYS
    trend_runs: int = DEFAULT_RUNS


@dataclass(frozen=True, slots=True)
class Review:
    """What the report's "Since the last review" section shows (template: _review.html.j2)."""

    diff: Diff | None  # None: no earlier run in the history
    previous_name: str | None
    trends: tuple[OrgTrend, ...]  # empty when the history has fewer than two runs
    skipped: tuple[str, ...] = ()  # history entries that could not be read
    row_limit: int = 500  # the page lists at most this many changes (the diff command lists all)
    heading: str = "Since the last review"

    @property
    def classes(self) -> tuple[str, ...]:
        return CHANGES


def _warn(message: str) -> None:
    print(f"rovo-audit: warning: {message}", file=sys.stderr)


def prepare(options: HistoryOptions, results: Results) -> Review:
    """The review section: the diff with the previous run and the trends of earlier ones."""
    own = store.entry_name(results.generated_at, options.digest)
    earlier = store.earlier(options.folder, results, own)
    skipped: list[str] = []
    previous: Results | None = None
    previous_name: str | None = None
    for entry in reversed(earlier):  # the newest readable entry is the previous run
        try:
            previous = read_results(entry.path)
            previous_name = entry.name
            break
        except InputError as e:
            skipped.append(entry.name)
            _warn(f"history entry skipped: {e}")
    summaries: list[RunSummary] = []
    for entry in earlier[-max(0, options.trend_runs - 1) :] if options.trend_runs > 1 else []:
        if entry.name in skipped:
            continue
        try:
            summaries.append(read_summary(entry.path, entry.name))
        except InputError as e:
            skipped.append(entry.name)
            _warn(f"history entry skipped: {e}")
    runs = [*summaries, RunSummary.of(results, own)]
    drawn = trends(runs, options.trend_runs) if len(runs) > 1 else ()
    the_diff = None
    if previous is not None:
        the_diff = diff(
            previous,
            results,
            expiring_days=options.expiring_days,
            old_path=str(options.folder / previous_name) if previous_name else None,
        )
    return Review(the_diff, previous_name, drawn, tuple(dict.fromkeys(skipped)))


def record(options: HistoryOptions, results: Results, json_text: str | Writer) -> Path:
    """Store this run in the history: its results.json as the report renders it (the text,
    or a writer that streams it)."""
    return store.save(options.folder, results, options.digest, json_text)
