"""One interface for every output format: a name, a file name, and a render function."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model.common import iso as iso  # where the formats have always found it
from ..model.results import Results

if TYPE_CHECKING:  # annotations only: results.json's writer loads neither the history nor the plan
    from ..history.review import Review
    from ..plan.model import Plan


@dataclass(frozen=True, slots=True)
class SarifRoot:
    """Where results.sarif's relative artifact URIs start (`uriBaseId: %SRCROOT%`), found at the
    command's edge (auditor/cli/sarif_root.py) so that rendering stays pure."""

    found_by: str  # how: "git", "--sarif-root" or "working folder"
    note: str | None = None  # said in the run's properties when it is not the repository's root
    under: dict[str, str] = field(default_factory=dict)  # a file as the results name it → its path under the root
    outside: dict[str, str] = field(default_factory=dict)  # a file outside the root → its absolute path


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What a format may need beyond the results themselves (all optional)."""

    review: Review | None = None  # diff with the previous run and per-org trends (auditor/history)
    fail_on: str = "fail"  # which statuses block, as for the exit status (verdict.BLOCKING)
    plan: Plan | None = None  # the ordered remediation plan (auditor.plan), for report.html and summary.md
    frameworks: tuple[str, ...] = ()  # the framework roll-ups to show (`--framework`); empty: all
    sarif_root: SarifRoot | None = None  # results.sarif's repository root (`--sarif-root`, git); None: the cwd


class Format(ABC):
    name: str
    filename: str

    @abstractmethod
    def render(self, results: Results, context: ReportContext) -> str | bytes:
        """The whole output, in memory: written atomically by `auditor.atomic.write_atomic`."""
