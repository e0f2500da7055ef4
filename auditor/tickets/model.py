"""The data of a ticket sync: groups of findings, the work items found, the actions planned."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from ..model.results import Finding

# Every work item rovo-audit manages carries this label (the JQL that finds them) and one
# stable label per (org, control) (how a later run recognises its item).
MANAGED_LABEL = "rovo-audit"
# The entity property that remembers what rovo-audit last wrote (its digest): an update is
# sent only when the content changed, so a re-run on the same results writes nothing.
PROPERTY_KEY = "rovo-audit"

Category = Literal["new", "indeterminate", "done", "undefined"]
ActionKind = Literal["create", "update", "reopen", "resolve"]


def stable_label(org: str, control: str) -> str:
    """`rovo-audit-` and 16 hex digits of SHA-256 over the org id and control id: the same
    for every run, distinct per group (a label holds no spaces; ids may)."""
    digest = hashlib.sha256(f"{org}\n{control}".encode()).hexdigest()[:16]
    return f"{MANAGED_LABEL}-{digest}"


@dataclass(frozen=True, slots=True)
class Group:
    """The findings of one control in one org."""

    org: str
    org_name: str | None
    control: str
    title: str
    blocking: tuple[Finding, ...]  # what makes the group need a work item
    others: tuple[Finding, ...]  # the rest (pass, warn, waived, or below --fail-on)
    severity: str  # the worst severity among `blocking` (or of all, when none block)

    @property
    def label(self) -> str:
        return stable_label(self.org, self.control)

    @property
    def is_blocking(self) -> bool:
        return bool(self.blocking)

    @property
    def org_label(self) -> str:
        return f"{self.org_name} ({self.org})" if self.org_name else self.org


@dataclass(frozen=True, slots=True)
class Content:
    """What a work item should say: rendered by report/jira_adf.py."""

    summary: str
    description: dict[str, Any]  # an ADF document
    priority: str | None = None

    @property
    def digest(self) -> str:
        text = json.dumps([self.summary, self.description, self.priority], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Item:
    """A work item found in Jira that carries the managed label."""

    id: str
    key: str
    labels: tuple[str, ...]
    category: Category
    status: str  # its status's name, for the terminal
    digest: str | None  # from the entity property; None when absent


@dataclass(frozen=True, slots=True)
class Action:
    kind: ActionKind
    group: Group
    item: Item | None  # None for create
    content: Content | None  # what to write (create, update; reopen when the content changed)


@dataclass(frozen=True, slots=True)
class Plan:
    actions: tuple[Action, ...]
    unchanged: tuple[tuple[Group, Item], ...]  # in step already
    untouched: tuple[Item, ...]  # managed items whose group is not in these results: left as they are
    duplicates: tuple[tuple[str, tuple[Item, ...]], ...]  # labels on more than one item: the later ones are left

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("create", "update", "reopen", "resolve"), 0)
        for a in self.actions:
            out[a.kind] += 1
        return out


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one action when the plan was carried out."""

    action: Action
    key: str | None  # the work item's key (a new one's, once created)
    error: str | None = None  # None: done
