"""`kind: Policy`: what the organisation requires of its Rovo MCP server settings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt

from .common import API_VERSION, ChecklistItem, IpRange, Level, Severity, Strict, Tri


class Metadata(Strict):
    name: str = Field(pattern=r"^[a-z0-9-]+$", min_length=1)
    title: str | None = None
    owner: str | None = None
    version: str | None = None
    description: str | None = None


class DomainRules(Strict):
    atlassian_supported: Tri = "allow"
    required: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    unlisted: Level = "ignore"
    public_suffix_wildcards: Level = "fail"


class AuthRules(Strict):
    oauth: Tri = "allow"
    api_token: Tri = "allow"


class ScopeRules(Strict):
    credentials: tuple[str, ...] = ("*",)
    required: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    classic_on_api_tokens: Level = "fail"


class IpRules(Strict):
    enabled: Tri = "allow"
    required_ranges: tuple[IpRange, ...] = ()


class RolloutRules(Strict):
    """Pre-rollout items that no API shows: each named item must be attested done in the
    settings' `rollout_checklist` (absent there: unknown)."""

    checklist: tuple[ChecklistItem, ...] = ()


class EvidenceRules(Strict):
    max_age_days: StrictInt | None = Field(default=None, ge=0)


class Policy(Strict):
    apiVersion: Literal["rovo-audit/v1"] = API_VERSION
    kind: Literal["Policy"]
    metadata: Metadata
    orgs: tuple[str, ...] = ("*",)
    domains: DomainRules | None = None
    auth: AuthRules | None = None
    scopes: ScopeRules | None = None
    # product -> permission group -> tri-state; products and groups are checked against
    # the dated data file after validation (see load/documents.py).
    permissions: dict[str, dict[str, Tri]] | None = None
    # The Permissions tab's "Apply to future additions", same shape (RMCP-PERM-004): `forbid`
    # wants it off (new permissions wait for an admin's review), `require` on.
    future_additions: dict[str, dict[str, Tri]] | None = None
    ip_allowlist: IpRules | None = None
    rollout: RolloutRules | None = None
    evidence: EvidenceRules | None = None
    severity: dict[str, Severity] = Field(default_factory=dict)
