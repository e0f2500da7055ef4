"""The dated facts the audit relies on (controls, permission groups, MCP clients, the scope
families and credentials the MCP server accepts, open Atlassian bugs), validated when read.

Read lazily and cached: nothing happens at import time, and a bad data file fails with a
clear message the first time it is needed (and in the test suite, which loads them all).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .model.common import PRODUCTS, SECTIONS, IpRange, Section, Severity
from .model.results import Remediation

Area = Literal["domains", "auth", "scopes", "permissions", "ip_allowlist", "evidence", "rollout"]
AREAS: tuple[str, ...] = ("domains", "auth", "scopes", "permissions", "ip_allowlist", "evidence", "rollout")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RemediationTemplate(_Data):
    summary: str
    steps: tuple[str, ...]
    links: tuple[str, ...]


class ControlSpec(_Data):
    area: Area
    severity: Severity
    # Default severities by kind of subject, which the check names (RMCP-PERM-004: the verb of
    # the permission group, read / search / write / delete / manage); `severity` for any other
    # kind. A policy's `severity:` override of the control applies to all of them.
    severities: dict[str, Severity] = {}
    title: str
    risk: str
    remediation: RemediationTemplate
    # Other advice for the same control, chosen by the check (e.g. RMCP-EVID-001's `future`:
    # evidence dated after the audit's clock, which collecting again does not explain).
    variants: dict[str, RemediationTemplate] = {}


class CollectSpec(_Data):
    """How to collect or attest one settings section: the remediation of every `unknown`
    finding that lacks it, and the plan's `collect` step (auditor/plan/paths.py)."""

    label: str  # the section as an admin calls it
    summary: str
    steps: tuple[str, ...]
    links: tuple[str, ...]
    plan: str  # the plan's step: one sentence
    where: str  # the plan's `where`: the command or attestation that does it


class ControlCatalog(_Data):
    as_of: dt.date
    source: str
    menu: dict[str, str]
    links: dict[str, str]
    controls: dict[str, ControlSpec]
    collect: dict[Section, CollectSpec]

    @field_validator("controls")
    @classmethod
    def _ids(cls, v: dict[str, ControlSpec]) -> dict[str, ControlSpec]:
        for key in v:
            if not re.fullmatch(r"RMCP-[A-Z]+-\d{3}", key):
                raise ValueError(f"bad control id {key!r}")
        return v

    @field_validator("collect")
    @classmethod
    def _every_section(cls, v: dict[Section, CollectSpec]) -> dict[Section, CollectSpec]:
        missing = [s for s in SECTIONS if s not in v]
        if missing:
            raise ValueError(f"collect: no entry for {', '.join(missing)}")
        return v

    def link(self, name: str) -> str:
        return self.links[name]


class ProductSpec(_Data):
    title: str
    groups: tuple[str, ...]
    requires: Literal["api_token", "oauth"] | None = None


class PermissionCatalog(_Data):
    as_of: dt.date
    source: str
    source_url: str
    products: dict[str, ProductSpec]

    @field_validator("products")
    @classmethod
    def _known(cls, v: dict[str, ProductSpec]) -> dict[str, ProductSpec]:
        unknown = set(v) - set(PRODUCTS)
        if unknown:
            raise ValueError(f"unknown products {sorted(unknown)}")
        return v


Confidence = Literal["high", "medium", "low"]


def _https(v: str) -> str:
    if not v.startswith("https://"):
        raise ValueError(f"source must be an https URL, not {v!r}")
    return v


HttpsUrl = Annotated[str, AfterValidator(_https)]  # a data file's source: the URL read


class Sourced(_Data):
    """Where a fact about an MCP client was read, when, and how sure it is."""

    source: HttpsUrl
    read: dt.date
    confidence: Confidence
    note: str | None = None


class Redirect(Sourced):
    uri: str  # a pattern in the allowlist syntax (FORMATS.md §4); tests parse each one


class Egress(Sourced):
    published: Literal["listed", "file", "none"]
    ranges: tuple[IpRange, ...]

    @model_validator(mode="after")
    def _listed(self) -> Egress:
        if (self.published == "listed") != bool(self.ranges):
            raise ValueError("ranges are given when, and only when, published is `listed`")
        return self


class McpClient(_Data):
    title: str
    vendor: str
    calls_from: Literal["vendor", "user"]
    calls_from_source: Sourced
    redirects: tuple[Redirect, ...] = Field(min_length=1)
    egress: Egress | None = None

    @model_validator(mode="after")
    def _egress(self) -> McpClient:
        if (self.calls_from == "vendor") != (self.egress is not None):
            raise ValueError("a client whose calls come from the vendor has `egress`, and only such a client")
        return self


class ClientCatalog(_Data):
    as_of: dt.date
    source: str
    clients: dict[str, McpClient]

    @field_validator("clients")
    @classmethod
    def _ids(cls, v: dict[str, McpClient]) -> dict[str, McpClient]:
        for key in v:
            if not re.fullmatch(r"[a-z0-9-]+", key):
                raise ValueError(f"bad client id {key!r}")
        return v

    def vendor_hosted(self) -> dict[str, McpClient]:
        """The clients whose MCP calls come from the vendor's cloud egress."""
        return {cid: c for cid, c in self.clients.items() if c.calls_from == "vendor"}


Tag = Literal["doc", "repo", "field"]


class Fact(_Data):
    """Where a fact was read, when, and of which kind (doc / repo / field)."""

    tag: Tag
    # The URL read; `ROVO-MCP.md#section` for the shared knowledge file; `stored:<id>` for a
    # stored public copy whose repository the search index does not name (its id there).
    source: str
    read: dt.date
    note: str | None = None

    @field_validator("source")
    @classmethod
    def _url(cls, v: str) -> str:
        if not (v.startswith(("https://", "ROVO-MCP.md")) or re.fullmatch(r"stored:\d+", v)):
            raise ValueError(f"source must be an https URL, ROVO-MCP.md#section or stored:<id>, not {v!r}")
        return v


# -- auth facts and scope families (mcp_auth.yaml): read by the doctor and by RMCP-SCOPE-003 ----


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
    """mcp_auth.yaml: the scope families, the credentials the MCP server accepts, the status page."""
    return McpAuth.model_validate(read_data("mcp_auth.yaml"))


@lru_cache(maxsize=4096)  # an estate's tokens share few distinct scopes
def scope_family(scope: str) -> ScopeFamily | None:
    """The family of mcp_auth.yaml a scope belongs to (None: in none the data knows)."""
    return mcp_auth().family_of(scope)


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
    """known_bugs.yaml, checked against what the catalogue knows (controls, credentials); the
    doctor's `auditor.doctor.facts.known_bugs()` checks the endpoints and causes it names too."""
    data = KnownBugs.model_validate(read_data("known_bugs.yaml"))
    catalog = controls().controls
    creds = {c.id for c in mcp_auth().credentials}
    for bug in data.bugs:
        unknown = [c for c in bug.affects.controls if c not in catalog]
        if unknown:
            raise ValueError(f"known_bugs.yaml: {bug.id} names unknown controls {unknown}")
        if bug.affects.auth is not None and bug.affects.auth not in creds:
            raise ValueError(f"known_bugs.yaml: {bug.id} names unknown credential {bug.affects.auth!r}")
        if bug.state == "fixed" and bug.fixed_on is None:
            raise ValueError(f"known_bugs.yaml: {bug.id} is fixed but has no fixed_on")
        if not bug.source.startswith("https://"):
            raise ValueError(f"known_bugs.yaml: {bug.id} source must be an https URL")
    return data


def read_data(name: str) -> Any:
    """A YAML data file shipped in `auditor/data/`. Through libyaml's parser when PyYAML has it:
    the same data (the constructor is the same; checked on every data file in
    tests/unit/test_results_format.py), 0.026 s for them all against 0.33 s."""
    text = resources.files("auditor.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # a safe loader either way


@cache
def controls() -> ControlCatalog:
    catalog = ControlCatalog.model_validate(read_data("controls.yaml"))
    named = [
        (cid, t.links) for cid, spec in catalog.controls.items() for t in (spec.remediation, *spec.variants.values())
    ]
    named += [(f"collect.{s}", c.links) for s, c in catalog.collect.items()]
    for where, links in named:
        for link in links:
            if link not in catalog.links:
                raise ValueError(f"controls.yaml: {where} names unknown link {link!r}")
    for section, c in catalog.collect.items():
        for text in (c.summary, *c.steps):
            left = [p for p in _PLACEHOLDER.findall(text) if not p.startswith("{menu.")]
            if left:
                raise ValueError(f"controls.yaml: collect.{section} has {left[0]}: only {{menu.*}} is filled there")
            text.format_map(_Fields(menu=_Menu(catalog.menu)))  # an unknown menu name fails here
    return catalog


_PLACEHOLDER = re.compile(r"\{[^}]*\}")


@cache
def permission_groups() -> PermissionCatalog:
    return PermissionCatalog.model_validate(read_data("permission_groups.yaml"))


@cache
def mcp_clients() -> ClientCatalog:
    """MCP clients' redirects, where their calls come from, vendors' egress ranges (mcp_clients.yaml)."""
    return ClientCatalog.model_validate(read_data("mcp_clients.yaml"))


class _Fields(dict[str, object]):
    """str.format_map source: `{menu.x}` resolves through the catalog; missing keys stay visible."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _Menu:
    def __init__(self, menu: dict[str, str]) -> None:
        self._menu = menu

    def __getattr__(self, name: str) -> str:
        return self._menu[name]


class LazyRemediation:
    """A finding's remediation, rendered from its control's template when first read.

    Evaluation creates one per finding (passes included); most are never read on a large
    estate except by the output that needs them, so rendering waits until then. `notes` are
    (step, link) pairs the check adds after the template's steps: an open Atlassian bug's
    advice while it applies (known_bugs.yaml).
    """

    __slots__ = ("_args", "_rendered")

    def __init__(
        self,
        control: str,
        value: str | None,
        action: str | None,
        fields: tuple[tuple[str, str], ...],
        variant: str | None = None,
        notes: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self._args = (control, value, action, fields, variant, notes)
        self._rendered: Remediation | None = None

    def get(self) -> Remediation:
        if self._rendered is None:
            control, value, action, fields, variant, notes = self._args
            self._rendered = render_remediation(
                control, value=value, action=action, variant=variant, notes=notes, **dict(fields)
            )
        return self._rendered

    @property
    def summary(self) -> str:
        return self.get().summary

    @property
    def steps(self) -> tuple[str, ...]:
        return self.get().steps

    @property
    def links(self) -> tuple[str, ...]:
        return self.get().links

    @property
    def value(self) -> str | None:
        return self._args[1]

    @property
    def collect(self) -> Section | None:
        return None  # a control's own advice; collecting a section is collect_remediation's

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRemediation):
            return self._args == other._args
        return self.get() == other

    def __hash__(self) -> int:
        # As the rendered Remediation's, since equal to it: rendering on hash is rare.
        return hash(self.get())

    def __repr__(self) -> str:
        return repr(self.get())


@lru_cache(maxsize=65536)
def render_remediation(
    control: str,
    *,
    value: str | None,
    action: str | None = None,
    variant: str | None = None,
    notes: tuple[tuple[str, str], ...] = (),
    **fields: str,
) -> Remediation:
    """Fill a control's remediation template (or its named variant) for one finding. Without
    a value, `{value}` reads `value_text` (SARIF's generic rule help), else "the value".
    Each note (a step, its link) is added as written, after the template's steps."""
    catalog = controls()
    spec = catalog.controls[control]
    tmpl = spec.variants[variant] if variant else spec.remediation
    shown = f"`{value}`" if value else fields.pop("value_text", "the value")
    data = _Fields(value=shown, menu=_Menu(catalog.menu), **fields)
    if action:
        data["action"] = action
        data["action_lower"] = action.lower()
    summary = tmpl.summary.format_map(data)
    steps = tuple(step.format_map(data) for step in tmpl.steps) + tuple(step for step, _ in notes)
    links = tuple(catalog.link(name) for name in tmpl.links)
    links += tuple(dict.fromkeys(link for _, link in notes if link not in links))
    return Remediation(summary, steps, links, value, action)


@cache
def bug_notes(control: str, day: dt.date) -> tuple[tuple[str, str], ...]:
    """The advice of each Atlassian bug of known_bugs.yaml open on `day` that affects `control`,
    with its source: a remediation's added steps while the bug applies (none once it is fixed,
    from its `fixed_on`, or removed from the file)."""
    return tuple((bug.advice.strip(), bug.source) for bug in known_bugs().open_for(control=control, day=day))


@cache
def collect_remediation(section: Section) -> Remediation:
    """The remediation of an `unknown` finding whose section (or part of it) was not
    collected: how to collect or attest it (controls.yaml `collect`), the same for every
    control it blocks."""
    catalog = controls()
    spec = catalog.collect[section]
    data = _Fields(menu=_Menu(catalog.menu))
    return Remediation(
        spec.summary.format_map(data),
        tuple(step.format_map(data) for step in spec.steps),
        tuple(catalog.link(name) for name in spec.links),
        None,
        None,
        section,
    )


class Framework(_Data):
    name: str
    edition: str
    source: HttpsUrl
    requirements: dict[str, str]  # id → title, as the publisher prints them


class FrameworkCatalog(_Data):
    """frameworks.yaml: each control's requirements per framework, a judgement with a reason."""

    as_of: dt.date
    frameworks: dict[str, Framework]
    mappings: dict[str, dict[str, Any]]

    def of(self, control: str) -> dict[str, tuple[str, ...]]:
        """framework id → requirement ids the control maps to (framework order)."""
        entry = self.mappings.get(control, {})
        return {fw: tuple(entry[fw]) for fw in self.frameworks if fw in entry}

    def why(self, control: str) -> str:
        return str(self.mappings.get(control, {}).get("why", ""))


@cache
def frameworks() -> FrameworkCatalog:
    data = FrameworkCatalog.model_validate(read_data("frameworks.yaml"))
    known = controls().controls
    missing = sorted(set(known) - set(data.mappings))
    if missing:
        raise ValueError(f"frameworks.yaml: controls without a mapping: {missing}")
    for cid, entry in data.mappings.items():
        if cid not in known:
            raise ValueError(f"frameworks.yaml: unknown control {cid}")
        if not isinstance(entry.get("why"), str) or not entry["why"].strip():
            raise ValueError(f"frameworks.yaml: {cid} has no `why`")
        for fw, ids in entry.items():
            if fw == "why":
                continue
            if fw not in data.frameworks:
                raise ValueError(f"frameworks.yaml: {cid} names unknown framework {fw!r}")
            if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
                raise ValueError(f"frameworks.yaml: {cid}.{fw} must be a non-empty list of ids")
            unknown = [i for i in ids if i not in data.frameworks[fw].requirements]
            if unknown:
                raise ValueError(f"frameworks.yaml: {cid}.{fw} names {unknown}, not in {fw}'s list")
    for fw, spec in data.frameworks.items():
        used = {i for entry in data.mappings.values() for i in entry.get(fw, ())}
        unused = sorted(set(spec.requirements) - used)
        if unused:
            raise ValueError(f"frameworks.yaml: {fw} lists {unused}, which no control maps to")
    return data
