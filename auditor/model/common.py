"""Vocabulary shared by every document kind (FORMATS.md)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Annotated, Final, Literal, TypeGuard

from pydantic import AfterValidator, BaseModel, ConfigDict

API_VERSION: Final = "rovo-audit/v1"  # Final: typed as its Literal, the models' default

Tri = Literal["require", "forbid", "allow"]
Level = Literal["fail", "warn", "ignore"]
Severity = Literal["critical", "high", "medium", "low", "info"]
Status = Literal["pass", "fail", "warn", "unknown", "waived"]
Source = Literal["admin-api", "mcp-probe", "oauth", "attested", "file"]
PermissionValue = Literal["allowed", "blocked", "partial"]
Section = Literal["rovo_mcp", "ip_allowlist", "credentials"]
# The pre-rollout checklist: what no API shows, attested in `rollout_checklist` (RMCP-ROLL-*).
ChecklistItem = Literal["site_admin_consent", "user_installed_apps", "connected_apps_oauth"]

# Each tuple holds every value of its Literal (tests/unit/test_finding_fields.py checks).
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")
STATUSES: tuple[Status, ...] = ("pass", "fail", "warn", "unknown", "waived")
SOURCES: tuple[Source, ...] = ("admin-api", "mcp-probe", "oauth", "attested", "file")
SECTIONS: tuple[Section, ...] = ("rovo_mcp", "ip_allowlist", "credentials")
CHECKLIST_ITEMS: tuple[ChecklistItem, ...] = ("site_admin_consent", "user_installed_apps", "connected_apps_oauth")
# Worst first: what blocks a rollout, then what needs a look, passes last. Reports list
# findings in this order, and where two rule sets judge one subject the worse one stands.
STATUS_WORST_FIRST: tuple[Status, ...] = ("fail", "unknown", "warn", "waived", "pass")
STATUS_RANK: dict[str, int] = {s: i for i, s in enumerate(STATUS_WORST_FIRST)}
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
# Checked narrowing of text read from outside, for hot paths: `STATUS_OF.get(text)` is the
# Status, or None when the text is none (one dict lookup, no Python-level call).
STATUS_OF: Mapping[str, Status] = {s: s for s in STATUSES}
SEVERITY_OF: Mapping[str, Severity] = {s: s for s in SEVERITIES}
SOURCE_OF: Mapping[str, Source] = {s: s for s in SOURCES}
_STATUS_SET: frozenset[str] = frozenset(STATUSES)
_SEVERITY_SET: frozenset[str] = frozenset(SEVERITIES)
_SOURCE_SET: frozenset[str] = frozenset(SOURCES)
_SECTION_SET: frozenset[str] = frozenset(SECTIONS)


def is_status(value: object) -> TypeGuard[Status]:
    """Whether a value read from outside (e.g. results.json) is a Status: the checked way to narrow a str."""
    return isinstance(value, str) and value in _STATUS_SET


def is_severity(value: object) -> TypeGuard[Severity]:
    """Whether a value read from outside is a Severity."""
    return isinstance(value, str) and value in _SEVERITY_SET


def is_source(value: object) -> TypeGuard[Source]:
    """Whether a value read from outside is an evidence Source."""
    return isinstance(value, str) and value in _SOURCE_SET


def is_section(value: object) -> TypeGuard[Section]:
    """Whether a value (e.g. the head of a settings path) names a settings Section."""
    return isinstance(value, str) and value in _SECTION_SET


# Which settings section a control area's evidence comes from.
SECTION_OF_AREA: dict[str, Section] = {
    "domains": "rovo_mcp",
    "auth": "rovo_mcp",
    "permissions": "rovo_mcp",
    "scopes": "credentials",
    "ip_allowlist": "ip_allowlist",
}
PRODUCTS: tuple[str, ...] = (
    "jira",
    "confluence",
    "jsm",
    "bitbucket",
    "compass",
    "platform",
    "loom",
    "goals",
    "projects",
    "teams",
    "focus",
    "talent",
)


@lru_cache(maxsize=4096)  # a run has few distinct times and many findings
def iso(t: dt.datetime | None) -> str | None:
    """RFC 3339 in UTC with a Z, to the second (sub-second precision only when present)."""
    if t is None:
        return None
    t = t.astimezone(dt.UTC) if t.tzinfo else t.replace(tzinfo=dt.UTC)
    return t.isoformat().replace("+00:00", "Z")


def expiry_date(value: object) -> dt.date | None:
    """A waiver's expiry as a date: from YAML's date or timestamp, or from text (a date, or
    a timestamp as results.json keeps it); None when it cannot be read."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


class Strict(BaseModel):
    """Base of every input model: immutable, and a misspelt key is an error, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# An IPv4 address or CIDR range in its plain form: octets and prefix in decimal without
# leading zeros (what ipaddress also reads; anything else is left to it).
_PLAIN_V4 = re.compile(
    r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})(?:/(0|[1-9][0-9]?))?"
)
IpSpan = tuple[int, int, int]  # IP version, first and last address as integers


@lru_cache(maxsize=1 << 16)
def ip_span(text: str) -> IpSpan:
    """What `ipaddress.ip_network(text, strict=False)` reads in `text`, as (version, first,
    last address); its ValueError when it reads nothing. Plain IPv4 is read here, without
    building the objects: the 4,300 ranges of an estate of 100 orgs, read when loaded and
    again when judged, took 2 × 0.016 s through ipaddress and take 0.007 s, once
    (tests/unit/test_ipranges.py holds the two to the same answers)."""
    m = _PLAIN_V4.fullmatch(text)
    if m is not None:
        a, b, c, d, prefix = m.groups()
        octets = (int(a), int(b), int(c), int(d))
        bits = 32 if prefix is None else int(prefix)
        if max(octets) <= 255 and bits <= 32:
            host = (1 << (32 - bits)) - 1
            first = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) & ~host
            return 4, first, first | host
    net = ipaddress.ip_network(text, strict=False)
    return net.version, int(net.network_address), int(net.broadcast_address)


def not_an_ip_range(text: object) -> ValueError:
    """The one message for a value that is no IP address or CIDR range."""
    return ValueError(f"{text!r} is not an IP address or CIDR range (expected e.g. 203.0.113.0/24)")


def ip_range_span(text: str) -> IpSpan:
    """`ip_span` of a range as written (surrounding spaces allowed), with the user's message."""
    try:
        return ip_span(str(text).strip())
    except ValueError:
        raise not_an_ip_range(text) from None


def _ip_range(text: str) -> str:
    ip_range_span(text)
    return text


# An IP address or CIDR range, kept as written (it is a finding's subject).
IpRange = Annotated[str, AfterValidator(_ip_range)]
