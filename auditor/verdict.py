"""Which findings block: the one rule behind the exit status, the terminal line and the reports.

`--fail-on` is a status level or a severity:
- `fail` (default): `fail` and `unknown` findings block; `warn` adds warns; `never` blocks
  nothing (the run exits 0), though the reports still count fail and unknown as what stands
  in the way;
- `critical`, `high`, `medium`, `low`: `fail` and `unknown` findings of that severity or a
  higher one block (the convention of Prowler and Checkov); those below it are reported but
  let the run pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI reads FAIL_ON_CHOICES at start-up: no models then
    from .model.results import Finding

STATUS_LEVELS: tuple[str, ...] = ("fail", "warn", "never")
SEVERITY_LEVELS: tuple[str, ...] = ("critical", "high", "medium", "low")
FAIL_ON_CHOICES: tuple[str, ...] = STATUS_LEVELS + SEVERITY_LEVELS

# `unknown` blocks by default: evidence that could not be seen never passes (fail closed).
BLOCKING: dict[str, frozenset[str]] = {
    "fail": frozenset({"fail", "unknown"}),
    "warn": frozenset({"fail", "unknown", "warn"}),
    "never": frozenset(),
    **dict.fromkeys(SEVERITY_LEVELS, frozenset({"fail", "unknown"})),
}
# The severities at or above each severity level (model.common.SEVERITIES, worst first; not
# imported: the CLI reads this module at start-up).
_SEVERITIES = ("critical", "high", "medium", "low", "info")
AT_OR_ABOVE: dict[str, frozenset[str]] = {
    level: frozenset(_SEVERITIES[: _SEVERITIES.index(level) + 1]) for level in SEVERITY_LEVELS
}

FAIL_ON_HELP = (
    "what makes the run exit 1 and the verdict read Blocked: a status level, fail (fail and unknown "
    "findings, the default), warn (those and warn), never (nothing; the reports still count fail and "
    "unknown); or a severity, critical|high|medium|low (fail and unknown findings of that severity or "
    "higher; those below are reported but do not block)"
)


def blocks(f: Finding, fail_on: str = "fail") -> bool:
    """Whether one finding blocks under `--fail-on`."""
    if f.status not in BLOCKING[fail_on]:
        return False
    severities = AT_OR_ABOVE.get(fail_on)
    return severities is None or f.severity in severities


def blocking(findings: Iterable[Finding], fail_on: str = "fail") -> list[Finding]:
    statuses = BLOCKING[fail_on]
    severities = AT_OR_ABOVE.get(fail_on)
    if severities is None:
        return [f for f in findings if f.status in statuses]
    return [f for f in findings if f.status in statuses and f.severity in severities]


def shown_blocking(findings: Iterable[Finding], fail_on: str = "fail") -> list[Finding]:
    """What the verdict counts and the summaries list: with `--fail-on never` nothing
    fails the run, but fail and unknown findings are still what stands in the way."""
    return blocking(findings, fail_on if fail_on != "never" else "fail")


def below_threshold(findings: Iterable[Finding], fail_on: str = "fail") -> list[Finding]:
    """fail and unknown findings that a severity `--fail-on` lets through (none otherwise)."""
    severities = AT_OR_ABOVE.get(fail_on)
    if severities is None:
        return []
    return [f for f in findings if f.status in BLOCKING["fail"] and f.severity not in severities]


def verdict_text(findings: Sequence[Finding], fail_on: str = "fail") -> str:
    if not findings:
        return "Not checked: nothing was evaluated"  # fail closed: nothing judged is not "ready"
    n = len(shown_blocking(findings, fail_on))
    below = 0 if n else len(below_threshold(findings, fail_on))
    return count_text(n, below, fail_on)


def count_text(n: int, below: int = 0, fail_on: str = "fail") -> str:
    if n:
        return f"Blocked: {n} finding{'s' if n != 1 else ''}"
    if below:  # ready only by the threshold: say what it let through
        return f"Ready for rollout at --fail-on {fail_on} ({below} lower-severity finding{'s' if below != 1 else ''} to fix)"
    return "Ready for rollout"
