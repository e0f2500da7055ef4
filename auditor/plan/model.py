"""What a remediation plan is made of: changes to one org's settings, in the order to apply them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from ..model.common import Section, Status
from ..model.settings import OrgSettings

if TYPE_CHECKING:
    from .paths import Wording

Action = Literal["add", "remove", "set", "collect"]
Value = str | bool
FindingKey = tuple[str, str | None]  # (control, subject)


class Change(NamedTuple):
    """One edit of one org's settings.

    `path` is relative to the org (see `plan/paths.py` for the grammar): `add`/`remove` put
    one item into / take it out of a list (`value` is the item), `set` replaces a scalar,
    `collect` names a section that was not collected (`value` is None).

    A NamedTuple rather than a frozen dataclass: the planner keeps changes in sets and keys
    its judged states by sets of them, and a dataclass's hash is a Python call (300,000 on
    100 orgs × 300 entries) where a tuple's is C. Same fields, repr and equality by value.
    """

    org: str
    action: Action
    path: str
    value: Value | None = None

    def undoes(self, other: Change) -> bool:
        """True when applying self takes back what `other` did (the plan never oscillates)."""
        if (self.org, self.path) != (other.org, other.path):
            return False
        if {self.action, other.action} == {"add", "remove"}:
            return self.value == other.value
        return self.action == other.action == "set" and self.value != other.value


class Step(NamedTuple):
    """One step of the plan. A NamedTuple, as Change: a plan of 100 orgs × 300 entries has
    11,569, and a frozen dataclass's construction costs 1.2 µs to a tuple's 0.45."""

    n: int  # 1-based: the order to apply
    change: Change
    findings: tuple[FindingKey, ...]  # what this step resolves (in the input's audit)
    wording: Wording  # one sentence an admin can follow, and where (plan/paths.py)
    before: int | None = None  # a prerequisite: the later step that would otherwise break what it keeps

    @property
    def where(self) -> str:
        return self.wording.where


@dataclass(frozen=True, slots=True)
class Unresolvable:
    """A finding that the target settings still do not pass, and why."""

    org: str
    control: str
    subject: str | None
    status: Status
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    as_of: dt.datetime
    steps: tuple[Step, ...]
    unresolvable: tuple[Unresolvable, ...]
    target: OrgSettings  # the input settings with every change step applied
    collect: tuple[tuple[str, Section], ...] = ()  # (org, section) pairs only a collect step can settle

    def by_org(self) -> dict[str, list[Step]]:
        """Each org's steps in order, orgs in the order of their first step: one pass (a scan of
        all steps for each org, as before, took 0.06-0.09 s of CPU on 11,569 steps × 100 orgs)."""
        out: dict[str, list[Step]] = {}
        for s in self.steps:
            out.setdefault(s.change.org, []).append(s)
        return out
