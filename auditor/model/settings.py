"""`kind: OrgSettings`: what an organisation's settings actually are.

Absent means "not collected", never a default: every optional field is `None` when the
document does not state it, and the evaluation turns `None` into `unknown`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, StrictBool, StrictInt, field_validator

from .common import API_VERSION, IpRange, PermissionValue, Section, Source, Strict


class Site(Strict):
    url: str
    cloud_id: str | None = None
    name: str | None = None


class RovoMcp(Strict):
    atlassian_supported_domains: StrictBool | None = None
    domains: tuple[str, ...] | None = None
    api_token_auth: StrictBool | None = None
    permissions: dict[str, dict[str, PermissionValue]] | None = None
    # The Permissions tab's "Apply to future additions", per product and permission group: true
    # when new permissions requesting an allowed intent are granted without an admin's review.
    # Attested (no API or probe shows it); absent = not collected (RMCP-PERM-004 unknown).
    future_additions: dict[str, dict[str, StrictBool]] | None = None


class IpAllowlist(Strict):
    enabled: StrictBool | None = None
    ranges: tuple[IpRange, ...] | None = None


CredentialKind = Literal["api_token", "service_account_key", "oauth"]


class Credential(Strict):
    label: str = Field(min_length=1)
    kind: CredentialKind
    owner: str | None = None
    scopes: tuple[str, ...] | None = None
    expires: dt.date | None = None
    created: dt.date | None = None
    sites: tuple[str, ...] | None = None


class Evidence(Strict):
    source: Source
    by: str | None = None
    at: dt.datetime | None = None
    detail: str | None = None

    @field_validator("at")
    @classmethod
    def _aware(cls, v: dt.datetime | None) -> dt.datetime | None:
        return _utc(v)


class CollectionError(Strict):
    """An endpoint or probe that failed during `collect`: its section stays absent."""

    section: str
    source: Source
    error: str
    endpoint: str | None = None


class Contradiction(Strict):
    """An attested value that an observation contradicts; the observed value was kept."""

    field: str
    observed: str
    observed_source: Source
    attested: str
    attested_by: str | None = None


class McpActivity(Strict):
    """Audit-log events showing Rovo MCP use in a window (from `collect`): a count, not a verdict."""

    since: dt.datetime
    until: dt.datetime
    events: StrictInt = Field(ge=0)
    actors: StrictInt | None = Field(default=None, ge=0)
    last_seen: dt.datetime | None = None
    actions: tuple[str, ...] = ()
    truncated: StrictBool = False  # more pages existed than were read

    @field_validator("since", "until", "last_seen")
    @classmethod
    def _aware(cls, v: dt.datetime | None) -> dt.datetime | None:
        return _utc(v)


class Attested(Strict):
    """One pre-rollout item, ticked by whoever checked it: `done` says whether it is done."""

    done: StrictBool
    by: str | None = None
    at: dt.datetime | None = None
    note: str | None = None

    @field_validator("at")
    @classmethod
    def _aware(cls, v: dt.datetime | None) -> dt.datetime | None:
        return _utc(v)


class SiteConsent(Attested):
    """A site admin's first consent to the Atlassian MCP app on one site."""

    site: str = Field(min_length=1)  # the site's URL, as in `sites`


class RolloutChecklist(Strict):
    """What no API shows and a rollout needs, attested by an admin (RMCP-ROLL-*). An absent
    item was not checked: its control is `unknown`, never `pass`."""

    site_admin_consent: tuple[SiteConsent, ...] | None = None
    user_installed_apps: Attested | None = None
    connected_apps_oauth: Attested | None = None

    @field_validator("site_admin_consent")
    @classmethod
    def _one_per_site(cls, v: tuple[SiteConsent, ...] | None) -> tuple[SiteConsent, ...] | None:
        seen: set[str] = set()
        for item in v or ():
            key = site_key(item.site)
            if key in seen:
                raise ValueError(f"site {item.site!r} is listed twice")
            seen.add(key)
        return v


def site_key(url: str) -> str:
    """A site URL compared loosely: scheme and host in lower case, no trailing slash."""
    return url.strip().rstrip("/").lower()


class Org(Strict):
    id: str = Field(min_length=1)
    name: str | None = None
    sites: tuple[Site, ...] = ()
    rovo_mcp: RovoMcp | None = None
    ip_allowlist: IpAllowlist | None = None
    credentials: tuple[Credential, ...] | None = None
    evidence: dict[Section, Evidence] = Field(default_factory=dict)
    verified_domains: tuple[str, ...] | None = None
    collection_errors: tuple[CollectionError, ...] = ()
    contradictions: tuple[Contradiction, ...] = ()
    # Extensions written by `collect`: where each field came from, which attested fields
    # were compared with an observation (RMCP-EVID-002), and MCP use in the audit log.
    provenance: dict[str, Evidence] = Field(default_factory=dict)
    cross_checked: tuple[str, ...] = ()
    mcp_activity: McpActivity | None = None
    # Attested pre-rollout checklist (FORMATS-EXTENSIONS.md): a site admin's first consent per
    # site, the app-management policy, Connected apps' OAuth block.
    rollout_checklist: RolloutChecklist | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.id


class OrgSettings(Strict):
    apiVersion: Literal["rovo-audit/v1"] = API_VERSION
    kind: Literal["OrgSettings"]
    collected_at: dt.datetime | None = None
    orgs: tuple[Org, ...]

    @field_validator("collected_at")
    @classmethod
    def _aware(cls, v: dt.datetime | None) -> dt.datetime | None:
        return _utc(v)


def _utc(v: dt.datetime | None) -> dt.datetime | None:
    """Times without a zone are read as UTC, so comparisons never mix naive and aware."""
    if v is None:
        return None
    if v.tzinfo is None:
        return v.replace(tzinfo=dt.UTC)
    return v.astimezone(dt.UTC)
