"""Tools → permission groups, for both tool vocabularies (data/tool_groups.yaml), and what a
`tools/list` says about the Permissions tab. Shared by the MCP probe and the doctor.

What a listing proves (fail closed):
- a listed tool: its group is at least partly allowed;
- every tool of a group's list in one vocabulary listed: the group is allowed, unless the
  server listed only its primary tools (a meta-tool such as `discover` is in the listing);
- an unlisted tool: nothing. A group outside a `capabilities=` filter in the URL is "not
  observed"; a tool in no vocabulary is reported as unknown to the data file, never mapped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Literal
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from ..catalog import Fact as Fact  # defined there since issue 13 (evaluate reads mcp_auth.yaml too)
from ..catalog import Tag as Tag
from ..catalog import permission_groups, read_data

Group = tuple[str, str]  # (product, permission group)
GroupMap = dict[str, dict[str, tuple[str, ...]]]
PermissionValue = Literal["allowed", "partial"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListAll(_Data):
    path_suffix: str
    query: str


class Capabilities(_Data):
    param: str
    sources: tuple[str, ...]
    names: dict[str, str]  # CAPABILITY -> product.group


class Vocabulary(_Data):
    title: str
    endpoints: tuple[str, ...]
    sources: tuple[str, ...]
    inferred: str | None = None
    groups: GroupMap = {}  # complete lists: every tool listed = the group is allowed
    also: GroupMap = {}  # evidence for the group when listed, never required


class Rename(_Data):
    v1: str
    v2: str
    sources: tuple[str, ...]
    note: str | None = None


class ToolGroups(_Data):
    as_of: dt.date
    source: str
    source_url: str
    facts: dict[str, Fact]
    list_all: tuple[ListAll, ...]
    capabilities: Capabilities
    vocabularies: dict[str, Vocabulary]
    renames: tuple[Rename, ...]
    meta_tools: tuple[str, ...]
    ungrouped: tuple[str, ...]
    legacy_token_products: tuple[str, ...]

    _index: dict[str, Group] = PrivateAttr(default_factory=dict)
    _vocab_of: dict[str, frozenset[str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> ToolGroups:
        products = permission_groups().products
        refs = [*self.capabilities.sources, *(s for v in self.vocabularies.values() for s in v.sources)]
        refs += [s for r in self.renames for s in r.sources]
        missing = sorted({r for r in refs if r not in self.facts})
        if missing:
            raise ValueError(f"sources name unknown facts {missing}")

        def known(product: str, group: str, where: str) -> None:
            if product not in products:
                raise ValueError(f"{where}: unknown product {product!r}")
            if group not in products[product].groups:
                raise ValueError(f"{where}: {product} has no permission group {group!r}")

        index: dict[str, Group] = {}
        vocab_of: dict[str, set[str]] = {}
        for vname, vocab in self.vocabularies.items():
            seen: set[str] = set()
            for kind, mapping in (("groups", vocab.groups), ("also", vocab.also)):
                for product, groups in mapping.items():
                    for group, tools in groups.items():
                        known(product, group, f"{vname}.{kind}")
                        for tool in tools:
                            if kind == "groups" and tool in seen:
                                raise ValueError(f"{vname}: {tool} is listed twice")
                            seen.add(tool)
                            if index.setdefault(tool, (product, group)) != (product, group):
                                raise ValueError(
                                    f"{tool} is in {'.'.join(index[tool])} and in {product}.{group} ({vname})"
                                )
                            vocab_of.setdefault(tool, set()).add(vname)
        neutral = set(self.meta_tools) | set(self.ungrouped)
        clash = sorted(neutral & set(index))
        if clash:
            raise ValueError(f"group-neutral tools are also in a group: {clash}")
        for cap, target in self.capabilities.names.items():
            product, _, group = target.partition(".")
            known(product, group, f"capabilities.{cap}")
        for r in self.renames:
            if "v1" not in vocab_of.get(r.v1, set()) or "v2" not in vocab_of.get(r.v2, set()):
                raise ValueError(f"rename {r.v1} → {r.v2}: each name must be in its vocabulary")
        self._index = index
        self._vocab_of = {t: frozenset(v) for t, v in vocab_of.items()}
        return self

    # -- looking tools up ---------------------------------------------------------------

    def group_of(self, tool: str) -> Group | None:
        return self._index.get(tool)

    def is_neutral(self, tool: str) -> bool:
        return tool in self.meta_tools or tool in self.ungrouped

    def complete_lists(self, product: str, group: str) -> list[frozenset[str]]:
        """The group's complete tool lists, one per vocabulary that has one."""
        out = []
        for vocab in self.vocabularies.values():
            tools = vocab.groups.get(product, {}).get(group)
            if tools:
                out.append(frozenset(tools))
        return out

    def knows_group(self, product: str, group: str) -> bool:
        """Whether any vocabulary names a tool of this group (else a listing cannot show it)."""
        return any(
            mapping.get(product, {}).get(group)
            for vocab in self.vocabularies.values()
            for mapping in (vocab.groups, vocab.also)
        )

    def vocabularies_of(self, tool: str) -> frozenset[str]:
        return self._vocab_of.get(tool, frozenset())

    # -- URLs ---------------------------------------------------------------------------

    def listing_url(self, url: str) -> str:
        """The URL to list tools on: `tools=all` added where the endpoint lists only its
        primary tools otherwise, keeping any query of the URL's own (e.g. capabilities=)."""
        parts = urlsplit(url)
        path = parts.path.rstrip("/")
        keys = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
        for rule in self.list_all:
            key = rule.query.split("=", 1)[0]
            if path.endswith(rule.path_suffix) and key not in keys:
                query = f"{parts.query}&{rule.query}" if parts.query else rule.query
                return urlunsplit(parts._replace(query=query))
        return url

    def capability_filter(self, url: str) -> CapabilityFilter | None:
        """The `capabilities=` filter of an MCP URL, if it has one."""
        values = [v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k == self.capabilities.param]
        if not values:
            return None
        names = tuple(dict.fromkeys(n.strip().upper() for v in values for n in v.split(",") if n.strip()))
        groups: set[Group] = set()
        unknown: list[str] = []
        for name in names:
            target = self.capabilities.names.get(name)
            if target is None:
                unknown.append(name)
            else:
                product, _, group = target.partition(".")
                groups.add((product, group))
        return CapabilityFilter(names, frozenset(groups), tuple(unknown))

    # -- a listing ----------------------------------------------------------------------

    def analyse(self, names: tuple[str, ...] | list[str], url: str = "") -> ToolAnalysis:
        """What a tools/list (the names it listed, on `url`) shows about the Permissions tab."""
        listed: dict[Group, set[str]] = {}
        unknown: list[str] = []
        meta: list[str] = []
        vocabs: set[str] = set()
        for name in names:
            key = self.group_of(name)
            if key is not None:
                listed.setdefault(key, set()).add(name)
                found = self.vocabularies_of(name)
                if len(found) == 1:  # a name only one vocabulary has tells the era
                    vocabs |= found
            elif name in self.meta_tools:
                meta.append(name)
            elif name not in self.ungrouped:
                unknown.append(name)
        primary_only = bool(meta)
        values: dict[Group, PermissionValue] = {}
        for key, tools in listed.items():
            full = not primary_only and any(c <= tools for c in self.complete_lists(*key))
            values[key] = "allowed" if full else "partial"
        filt = self.capability_filter(url) if url else None
        products = {p for p, _ in listed}
        legacy = set(self.legacy_token_products)
        # Under a filter that names no other product's group, only-platform tools are expected.
        filter_allows_more = filt is None or any(p not in legacy for p, _ in filt.groups)
        legacy_only = not unknown and products <= legacy and filter_allows_more
        return ToolAnalysis(
            seen={k: frozenset(v) for k, v in sorted(listed.items())},
            values=dict(sorted(values.items())),
            unknown=tuple(sorted(set(unknown))),
            meta=tuple(meta),
            vocabularies=tuple(sorted(vocabs)),
            capabilities=filt,
            legacy_only=legacy_only,
        )


@dataclass(frozen=True, slots=True)
class CapabilityFilter:
    """`?capabilities=A,B` in an MCP URL: tools/list shows only the tools of those capabilities."""

    names: tuple[str, ...]
    groups: frozenset[Group]  # the groups the known names cover
    unknown: tuple[str, ...]  # names tool_groups.yaml does not know (what they cover is unknown)

    def covers(self, key: Group) -> bool:
        return key in self.groups

    def describe(self) -> str:
        text = f"capabilities={','.join(self.names)}" if self.names else "an empty capabilities="
        if self.unknown:
            text += f" (not in tool_groups.yaml: {', '.join(self.unknown)})"
        return text


@dataclass(frozen=True, slots=True)
class ToolAnalysis:
    seen: dict[Group, frozenset[str]]  # the listed tools of each group
    values: dict[Group, PermissionValue]
    unknown: tuple[str, ...]  # in no vocabulary: reported, never mapped to a group
    meta: tuple[str, ...]  # meta-tools listed: the server listed only its primary tools
    vocabularies: tuple[str, ...]  # which vocabularies' own names were listed (v1, v2, preview)
    capabilities: CapabilityFilter | None
    legacy_only: bool  # only Teamwork Graph (platform) tools, where more could be listed

    @property
    def primary_only(self) -> bool:
        return bool(self.meta)

    def unobservable(self, key: Group) -> str | None:
        """Why this listing cannot show the group's tools whatever the Permissions tab says
        (None: it could, so an absence is worth a look)."""
        if self.capabilities is not None and not self.capabilities.covers(key):
            return f"outside the URL's {self.capabilities.describe()}"
        if self.primary_only:
            return "the server listed only its primary tools (the rest are reached through discover/execute)"
        return None

    def era(self) -> str:
        if not self.vocabularies:
            return "no vocabulary-specific tool names"
        if len(self.vocabularies) == 1:
            return f"{self.vocabularies[0]} tool names"
        return f"mixed tool names ({', '.join(self.vocabularies)})"


@cache
def tool_groups() -> ToolGroups:
    return ToolGroups.model_validate(read_data("tool_groups.yaml"))
