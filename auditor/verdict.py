"""Which findings block: the one rule behind the exit status, the terminal line and the reports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .model.results import Finding

FailOn = Literal["fail", "warn", "never"]
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


def verdict_text(findings: Iterable[Finding], fail_on: str = "fail") -> str:
    n = len(blocking(findings, fail_on if fail_on != "never" else "fail"))
    return "Ready for rollout" if n == 0 else f"Blocked: {n} finding{'s' if n != 1 else ''}"
