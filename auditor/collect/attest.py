"""Attestation: an OrgSettings document written by an admin for what no API shows (the
domain allowlist, the supported-domains toggle, the API-token toggle, the Permissions tab and
its "Apply to future additions").

Every attested section must say who vouches for it and when (`evidence.<section>.by`, and
`.at` or the file's `collected_at`): an anonymous claim is not evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem
from ..load.documents import Loaded, load_file
from ..model.common import Section, Source
from ..model.settings import Org, OrgSettings
from .interface import Observed, SourceResult, evidence

SOURCE: Source = "attested"


@dataclass(frozen=True, slots=True)
class Attestation:
    path: str
    orgs: dict[str, SourceResult]
    names: dict[str, str | None]


def load_attestation(path: str | Path) -> Attestation:
    """Read and check an attestation file; errors name file:line:column (exit 2)."""
    loaded: Loaded[OrgSettings] = load_file(path, expect="OrgSettings")
    problems: list[Problem] = []
    orgs: dict[str, SourceResult] = {}
    for i, org in enumerate(loaded.model.orgs):
        obs = _observations(loaded, i, org, problems)
        orgs[org.id] = SourceResult(SOURCE, org.id, tuple(obs))
    if problems:
        raise InputError(problems)
    return Attestation(str(path), orgs, {o.id: o.name for o in loaded.model.orgs})


def _observations(doc: Loaded[OrgSettings], i: int, org: Org, problems: list[Problem]) -> list[Observed]:
    out: list[Observed] = []
    collected = doc.model.collected_at

    def ev_for(section: Section) -> tuple[str | None, dt.datetime | None]:
        ev = org.evidence.get(section)
        by = ev.by if ev else None
        at = (ev.at if ev else None) or collected
        where = ("orgs", i, "evidence", section) if ev else ("orgs", i, section)
        if not by:
            problems.append(
                Problem(
                    doc.at(*where),
                    f"{section} is attested but evidence.{section}.by is missing: "
                    "an attestation names who vouches for it",
                )
            )
        if at is None:
            problems.append(
                Problem(
                    doc.at(*where),
                    f"{section} is attested but has no time: set evidence.{section}.at or the file's collected_at",
                )
            )
        return by, at

    def add(path: str, value: object, by: str | None, at: dt.datetime | None) -> None:
        if value is not None and at is not None:
            out.append(Observed(path, value, evidence(SOURCE, at, by=by)))

    if org.rovo_mcp is not None:
        by, at = ev_for("rovo_mcp")
        m = org.rovo_mcp
        add("rovo_mcp.atlassian_supported_domains", m.atlassian_supported_domains, by, at)
        add("rovo_mcp.domains", m.domains, by, at)
        add("rovo_mcp.api_token_auth", m.api_token_auth, by, at)
        for product, groups in (m.permissions or {}).items():
            for group, value in groups.items():
                add(f"rovo_mcp.permissions.{product}.{group}", value, by, at)
        for product, flags in (m.future_additions or {}).items():  # only an admin can say (RMCP-PERM-004)
            for group, on in flags.items():
                add(f"rovo_mcp.future_additions.{product}.{group}", on, by, at)
    if org.ip_allowlist is not None:
        by, at = ev_for("ip_allowlist")
        add("ip_allowlist.enabled", org.ip_allowlist.enabled, by, at)
        add("ip_allowlist.ranges", org.ip_allowlist.ranges, by, at)
    if org.credentials is not None:
        by, at = ev_for("credentials")
        add("credentials", org.credentials, by, at)
    # Descriptive fields need no signature; they are kept only when nothing observed them.
    any_ev = next((e for e in org.evidence.values() if e.by), None)
    at = (any_ev.at if any_ev else None) or collected
    if at is not None:
        by = any_ev.by if any_ev else None
        add("name", org.name, by, at)
        add("sites", org.sites or None, by, at)
        add("verified_domains", org.verified_domains, by, at)
    return out
