"""Which findings block: the one rule behind the exit status, the terminal line and the reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads FAIL_ON_CHOICES at start-up: no models then
    from .model.results import Finding

FAIL_ON_CHOICES: tuple[str, ...] = ("fail", "warn", "never")

# `unknown` blocks by default: evidence that could not be seen never passes (fail closed).
BLOCKING: dict[str, frozenset[str]] = {
    "fail": frozenset({"fail", "unknown"}),
    "warn": frozenset({"fail", "unknown", "warn"}),
    "never": frozenset(),
}


def blocking(findings: Iterable[Finding], fail_on: str = "fail") -> list[Finding]:
    statuses = BLOCKING[fail_on]
    return [f for f in findings if f.status in statuses]


def shown_blocking(findings: Iterable[Finding], fail_on: str = "fail") -> list[Finding]:
    """What the verdict counts and the summaries list: with `--fail-on never` nothing
    fails the run, but fail and unknown findings are still what stands in the way."""
    return blocking(findings, fail_on if fail_on != "never" else "fail")


def verdict_text(findings: Sequence[Finding], fail_on: str = "fail") -> str:
    if not findings:
        return "Not checked: nothing was evaluated"  # fail closed: nothing judged is not "ready"
    return count_text(len(shown_blocking(findings, fail_on)))


def count_text(n: int) -> str:
    return "Ready for rollout" if n == 0 else f"Blocked: {n} finding{'s' if n != 1 else ''}"
