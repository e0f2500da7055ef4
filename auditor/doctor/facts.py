"""The dated facts the doctor reads: credential shapes, endpoint paths and states, the auth
facts and scope families (mcp_auth.yaml) and open Atlassian bugs (known_bugs.yaml). (Tool
groups come from tool_groups.yaml through `auditor.collect.tool_groups`, shared with collect.)"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..catalog import read_data
from ..collect.tool_groups import Fact, Tag, tool_groups


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
        refs = [s for e in self.endpoints for s in (*e.sources, *(e.tools_switch.sources if e.tools_switch else ()))]
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


READ_VERBS = ("read", "search")


def is_read_group(group: str) -> bool:
    """`read`, `search`, `read_teamwork_graph`, `search_atlassian`: groups whose tools only read."""
    return group.split("_", 1)[0] in READ_VERBS


# -- auth facts and scope families (mcp_auth.yaml) ------------------------------------------


class ScopeFamily(_Data):
    id: str
    title: str
    pattern: str
    examples: tuple[str, ...] = ()
    recognised: bool | None = None  # by the MCP server on an API token; None: not a product scope
    note: str | None = None
    sources: tuple[str, ...]


class CredentialFact(_Data):
    id: str
    title: str
    accepted: bool
    requires: str | None = None
    symptom: str | None = None
    note: str | None = None
    sources: tuple[str, ...]


class StatusPage(_Data):
    url: str
    not_: str = Field(alias="not")
    sources: tuple[str, ...]


class McpAuth(_Data):
    as_of: dt.date
    source: str
    facts: dict[str, Fact]
    scope_families: tuple[ScopeFamily, ...]
    credentials: tuple[CredentialFact, ...]
    status_page: StatusPage

    @model_validator(mode="after")
    def _checked(self) -> McpAuth:
        refs = [s for f in self.scope_families for s in f.sources] + [s for c in self.credentials for s in c.sources]
        refs += self.status_page.sources
        missing = sorted({r for r in refs if r not in self.facts})
        if missing:
            raise ValueError(f"mcp_auth.yaml names unknown facts {missing}")
        ids = [c.id for c in self.credentials]
        if len(ids) != len(set(ids)):
            raise ValueError("mcp_auth.yaml: duplicate credential ids")
        for family in self.scope_families:
            re.compile(family.pattern)
        for family in self.scope_families:
            for example in family.examples:
                got = self.family_of(example)
                if got is None or got.id != family.id:
                    raise ValueError(f"mcp_auth.yaml: example {example!r} of {family.id} is read as {got and got.id}")
        return self

    def family_of(self, scope: str) -> ScopeFamily | None:
        """The first family whose pattern matches the scope (None: no known family)."""
        return next((f for f in self.scope_families if re.fullmatch(f.pattern, scope)), None)

    def credential(self, cred_id: str) -> CredentialFact:
        return next(c for c in self.credentials if c.id == cred_id)


@cache
def mcp_auth() -> McpAuth:
    return McpAuth.model_validate(read_data("mcp_auth.yaml"))


# -- open Atlassian bugs (known_bugs.yaml) --------------------------------------------------


class BugScope(_Data):
    controls: tuple[str, ...]
    endpoints: tuple[str, ...] = ()
    auth: str | None = None  # a credential id of mcp_auth.yaml


class KnownBug(_Data):
    id: str
    title: str
    state: Literal["open", "fixed"]
    open_since: dt.date
    checked: dt.date
    fixed_on: dt.date | None = None
    tag: Tag
    source: str
    note: str | None = None
    symptom: str | None = None
    cause: str  # its cause in known_errors.yaml (what the doctor names)
    after: tuple[str, ...] = ()  # causes it is named after, when they are named too
    affects: BugScope
    advice: str

    def open_on(self, day: dt.date) -> bool:
        """Whether the bug applies on `day`: reported by then, and not fixed by then."""
        if day < self.open_since:
            return False
        return self.state == "open" or (self.fixed_on is not None and day < self.fixed_on)


class KnownBugs(_Data):
    as_of: dt.date
    source: str
    bugs: tuple[KnownBug, ...]

    def open_for(self, *, control: str | None = None, endpoint: str | None = None, day: dt.date) -> list[KnownBug]:
        """The bugs open on `day` that affect a control and/or an endpoint path."""
        return [
            b
            for b in self.bugs
            if b.open_on(day)
            and (control is None or control in b.affects.controls)
            and (endpoint is None or endpoint.rstrip("/") in b.affects.endpoints)
        ]


@cache
def known_bugs() -> KnownBugs:
    from ..catalog import controls

    data = KnownBugs.model_validate(read_data("known_bugs.yaml"))
    catalog = controls().controls
    paths = {e.path for e in endpoints().endpoints}
    creds = {c.id for c in mcp_auth().credentials}
    for bug in data.bugs:
        unknown = [c for c in bug.affects.controls if c not in catalog]
        if unknown:
            raise ValueError(f"known_bugs.yaml: {bug.id} names unknown controls {unknown}")
        if set(bug.affects.endpoints) - paths:
            raise ValueError(f"known_bugs.yaml: {bug.id} names unknown endpoints")
        if bug.affects.auth is not None and bug.affects.auth not in creds:
            raise ValueError(f"known_bugs.yaml: {bug.id} names unknown credential {bug.affects.auth!r}")
        if bug.state == "fixed" and bug.fixed_on is None:
            raise ValueError(f"known_bugs.yaml: {bug.id} is fixed but has no fixed_on")
        from .knowledge import knowledge

        causes = knowledge().causes
        if bug.cause not in causes or set(bug.after) - set(causes):
            raise ValueError(f"known_bugs.yaml: {bug.id} names unknown causes")
        if not bug.source.startswith("https://"):
            raise ValueError(f"known_bugs.yaml: {bug.id} source must be an https URL")
    return data
