"""The dated facts the doctor reads: credential shapes, endpoint paths and states, the auth
facts and scope families (mcp_auth.yaml) and open Atlassian bugs (known_bugs.yaml). (Tool
groups come from tool_groups.yaml through `auditor.collect.tool_groups`, shared with collect.)"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from ..catalog import (
    BugScope,
    CredentialFact,
    Fact,
    KnownBug,
    KnownBugs,
    McpAuth,
    ScopeFamily,
    StatusPage,
    mcp_auth,
    read_data,
)
from ..catalog import known_bugs as catalog_known_bugs
from ..collect.tool_groups import tool_groups

__all__ = [
    "BugScope",
    "CredentialFact",
    "KnownBug",
    "KnownBugs",
    "McpAuth",
    "ScopeFamily",
    "StatusPage",
    "discovery_facts",
    "endpoints",
    "guess_shape",
    "is_read_group",
    "known_bugs",
    "mcp_auth",
    "shapes",
]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- credential shapes (credential_shapes.yaml) ---------------------------------------------


class Shape(_Data):
    id: str
    kind: Literal["api_token", "oauth", "service_account_key"]
    pattern: str
    scheme: Literal["basic", "bearer"]
    title: str
    legacy: bool = False


class BearerDefault(_Data):
    kind: Literal["service_account_key", "oauth"]
    title: str


class Shapes(_Data):
    as_of: dt.date
    source: str
    shapes: tuple[Shape, ...]
    bearer_default: BearerDefault
    service_account_email_suffix: str


@cache
def shapes() -> Shapes:
    data = Shapes.model_validate(read_data("credential_shapes.yaml"))
    for s in data.shapes:
        re.compile(s.pattern)  # a bad pattern fails here, not at a user's first run
    return data


@dataclass(frozen=True, slots=True)
class ShapeGuess:
    id: str | None  # None: recognised by no shape
    kind: str  # api_token | oauth | service_account_key | unknown
    scheme: str | None  # the scheme this kind of secret must be sent with
    title: str
    legacy: bool = False


def guess_shape(secret: str, sent_as: str) -> ShapeGuess:
    data = shapes()
    for s in data.shapes:
        if re.fullmatch(s.pattern, secret):
            return ShapeGuess(s.id, s.kind, s.scheme, s.title, s.legacy)
    if sent_as == "bearer":
        return ShapeGuess(None, data.bearer_default.kind, "bearer", data.bearer_default.title)
    return ShapeGuess(None, "unknown", None, "a secret of no recognised shape")


# -- endpoints (mcp_endpoints.yaml) ---------------------------------------------------------


class ToolsSwitch(_Data):
    date: dt.date
    to: str
    sources: tuple[str, ...]
    confirmed: bool = True


Certainty = Literal["confirmed", "reported", "assumed"]


class RequiredRegistration(_Data):
    """How clients without a client id get one at this endpoint's authorization server."""

    methods: tuple[Literal["dcr", "cimd"], ...]
    sources: tuple[str, ...]
    certainty: Certainty


class Endpoint(_Data):
    path: str
    status: Literal["recommended", "supported", "preview", "deprecated"]
    scopes: Literal["agent-interface", "classic-granular"] | None = None
    tools: str | None = None  # a vocabulary of tool_groups.yaml
    tools_switch: ToolsSwitch | None = None
    unsupported_after: dt.date | None = None
    answers: int | None = None  # what the path answers now, where that is not MCP
    replacement: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    registration: RequiredRegistration | None = None

    def tools_on(self, day: dt.date) -> str | None:
        """The vocabulary this endpoint serves on `day`."""
        if self.tools_switch is not None and day >= self.tools_switch.date:
            return self.tools_switch.to
        return self.tools


class Endpoints(_Data):
    as_of: dt.date
    source: str
    source_url: str
    recommended: str
    facts: dict[str, Fact]
    endpoints: tuple[Endpoint, ...]

    @model_validator(mode="after")
    def _sources(self) -> Endpoints:
        refs = [
            s
            for e in self.endpoints
            for s in (
                *e.sources,
                *(e.tools_switch.sources if e.tools_switch else ()),
                *(e.registration.sources if e.registration else ()),
            )
        ]
        missing = sorted({r for r in refs if r not in self.facts})
        if missing:
            raise ValueError(f"endpoints name unknown facts {missing}")
        return self

    def find(self, path: str) -> Endpoint | None:
        path = path.rstrip("/") or "/"
        return next((e for e in self.endpoints if e.path == path), None)


@cache
def endpoints() -> Endpoints:
    data = Endpoints.model_validate(read_data("mcp_endpoints.yaml"))
    vocabularies = tool_groups().vocabularies
    for e in data.endpoints:
        for name in (e.tools, e.tools_switch.to if e.tools_switch else None):
            if name is not None and name not in vocabularies:
                raise ValueError(f"mcp_endpoints.yaml: {e.path} serves unknown tool vocabulary {name!r}")
    return data


# -- the 2025-03-26 discovery fallback: which clients still take it (mcp_discovery.yaml) -------


class FallbackClient(_Data):
    name: str
    fallback: tuple[Literal["origin-metadata", "default-endpoints"], ...]
    certainty: Certainty
    source: str
    read: dt.date
    note: str


class SpecFact(_Data):
    source: str
    read: dt.date
    note: str


class DiscoveryFacts(_Data):
    as_of: dt.date
    source: str
    spec: SpecFact
    clients: tuple[FallbackClient, ...]

    def taking(self, fallback: str) -> tuple[FallbackClient, ...]:
        return tuple(c for c in self.clients if fallback in c.fallback)


@cache
def discovery_facts() -> DiscoveryFacts:
    data = DiscoveryFacts.model_validate(read_data("mcp_discovery.yaml"))
    for source in (*(c.source for c in data.clients), data.spec.source):
        if not source.startswith("https://"):
            raise ValueError(f"mcp_discovery.yaml: source must be an https URL, not {source!r}")
    return data


READ_VERBS = ("read", "search")


def is_read_group(group: str) -> bool:
    """`read`, `search`, `read_teamwork_graph`, `search_atlassian`: groups whose tools only read."""
    return group.split("_", 1)[0] in READ_VERBS


# -- auth facts and scope families (mcp_auth.yaml), open Atlassian bugs (known_bugs.yaml) ------
# The models and loaders live in auditor/catalog.py (RMCP-SCOPE-003 and RMCP-DOM-001's advice
# read them too, and evaluate does not import the doctor); the names stay importable from here.


@cache
def known_bugs() -> KnownBugs:
    """known_bugs.yaml as the catalogue checks it, and the endpoints and causes each bug names
    checked against the doctor's own data (mcp_endpoints.yaml, known_errors.yaml)."""
    from .knowledge import knowledge

    data = catalog_known_bugs()
    paths = {e.path for e in endpoints().endpoints}
    causes = knowledge().causes
    for bug in data.bugs:
        if set(bug.affects.endpoints) - paths:
            raise ValueError(f"known_bugs.yaml: {bug.id} names unknown endpoints")
        if bug.cause not in causes or set(bug.after) - set(causes):
            raise ValueError(f"known_bugs.yaml: {bug.id} names unknown causes")
    return data
