"""What the doctor was asked, and what each step found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..mcpclient import Credentials, Era, Exchange
from ..model.settings import Org
from .knowledge import Cause, cause

Status = Literal["passed", "failed", "warning", "skipped"]
STATUSES: tuple[Status, ...] = ("passed", "failed", "warning", "skipped")


@dataclass(frozen=True, slots=True)
class DoctorOptions:
    url: str
    credentials: Credentials
    api_base: str
    as_of: dt.datetime
    origin: str | None = None
    settings: Org | None = None
    settings_path: str | None = None
    expect: tuple[str, ...] = ()  # product.group
    try_register: bool = False
    call_tool: str | None = None
    call_args: Mapping[str, Any] = field(default_factory=dict)
    timeout: float = 15.0
    ca_file: str | None = None
    offline: bool = False  # --offline: no request at all; only the steps that judge local evidence run
    client: str | None = None  # --client: a profile of client_profiles.yaml (DOC-CLIENT-001)


@dataclass(frozen=True, slots=True)
class StepResult:
    code: str
    title: str
    status: Status
    summary: str  # one line: what was seen, or why the step was skipped
    details: tuple[str, ...] = ()
    causes: tuple[Cause, ...] = ()  # most likely first; for failed and warning steps
    evidence: tuple[Exchange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "title": self.title, "status": self.status, "summary": self.summary}
        if self.details:
            out["details"] = list(self.details)
        if self.causes:
            out["causes"] = [c.to_dict() for c in self.causes]
        if self.evidence:
            out["evidence"] = [e.to_dict() for e in self.evidence]
        return out


def step(
    code: str,
    title: str,
    status: Status,
    summary: str,
    *,
    details: tuple[str, ...] | list[str] = (),
    causes: tuple[str, ...] | list[str] = (),
    evidence: tuple[Exchange, ...] | list[Exchange] = (),
) -> StepResult:
    """A StepResult with cause ids resolved through the knowledge file."""
    return StepResult(
        code, title, status, summary, tuple(details), tuple(cause(c) for c in dict.fromkeys(causes)), tuple(evidence)
    )


@dataclass(frozen=True, slots=True)
class DoctorReport:
    options: DoctorOptions
    steps: tuple[StepResult, ...]
    generated_at: dt.datetime
    eras: tuple[Era, ...] = ()  # the MCP protocol eras the server answered (DOC-MCP-001)

    @property
    def first_failure(self) -> StepResult | None:
        return next((s for s in self.steps if s.status == "failed"), None)

    @property
    def exit_status(self) -> int:
        return 1 if self.first_failure else 0

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.steps if r.status == s) for s in STATUSES}

    @property
    def verdict(self) -> str:
        first = self.first_failure
        if first is not None:
            named = first.causes[0].title if first.causes else first.title
            return f"Cause found at {first.code}: {named}"
        if self.options.offline:
            return "No cause found offline (no request was sent: run without --offline to test the endpoint)"
        if self.options.credentials.scheme == "none":
            return "No cause found in the discovery chain (no credential given: the session was not tested)"
        return "The connection works as expected"
