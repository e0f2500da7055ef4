"""What every source of evidence returns: observations of single fields, each with its
evidence, and the things it could not collect (their own type, never a silent default).

A field path names one value of an org in the snapshot: `name`, `sites`, `verified_domains`,
`mcp_activity`, `credentials`, `ip_allowlist.enabled`, `ip_allowlist.ranges`,
`rovo_mcp.atlassian_supported_domains`, `rovo_mcp.domains`, `rovo_mcp.api_token_auth`,
`rovo_mcp.permissions.<product>.<group>`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Literal

from ..model.common import Source
from ..model.settings import Evidence

Certainty = Literal["exact", "at_least"]


@dataclass(frozen=True, slots=True)
class Observed:
    """One value a source saw (or an admin attested), with where and when it came from."""

    path: str
    value: Any
    evidence: Evidence
    # `at_least`: a lower bound (the MCP probe sees a permission group is at least partly allowed).
    certainty: Certainty = "exact"
    # False when the value is a part of a list that another source lists whole (credentials).
    complete: bool = True


@dataclass(frozen=True, slots=True)
class CouldNotCollect:
    """A section (or field path) a source tried and failed to collect: it stays absent."""

    section: str
    source: Source
    error: str
    endpoint: str | None = None


@dataclass(frozen=True, slots=True)
class SourceResult:
    """Everything one source produced for one org."""

    source: Source
    org_id: str
    observations: tuple[Observed, ...] = ()
    failures: tuple[CouldNotCollect, ...] = ()
    notes: tuple[str, ...] = ()  # for the summary: what was learned that the snapshot cannot hold


class Collector(ABC):
    """A source of evidence about orgs. Collectors never raise for a network problem: they
    return it as a `CouldNotCollect`."""

    source: Source
    label: str  # for progress and the summary
    sections: tuple[str, ...]  # what stays absent if this source fails as a whole

    @abstractmethod
    async def collect(self, org_id: str) -> SourceResult:
        """Observe what this source can about one org."""


def evidence(source: Source, at: dt.datetime, detail: str | None = None, by: str | None = None) -> Evidence:
    return Evidence(source=source, at=at, detail=detail, by=by)
