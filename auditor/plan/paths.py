"""Applying a `Change` to an org's settings, and saying what it means to an admin.

Path grammar (relative to one org of an OrgSettings document):

    rovo_mcp.domains                          list of allowlist entries (add / remove)
    rovo_mcp.atlassian_supported_domains      bool (set)
    rovo_mcp.api_token_auth                   bool (set)
    rovo_mcp.permissions.<product>.<group>    allowed | blocked | partial (set)
    rovo_mcp.future_additions.<product>.<group>   bool: the Permissions tab's "Apply to future
                                              additions" for that group (set)
    ip_allowlist.enabled                      bool (set)
    ip_allowlist.ranges                       list of CIDR ranges (add / remove)
    credentials[<label>].scopes               list of scopes of one credential (add / remove)
    rollout_checklist.<item>.done             true: a pre-rollout to-do done and attested (set);
                                              <item> is user_installed_apps | connected_apps_oauth
    rollout_checklist.site_admin_consent[<site URL>].done    the same for one site's first consent
    <section>                                 rovo_mcp | ip_allowlist | credentials (collect)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, NamedTuple

from ..catalog import controls, permission_groups
from ..model.common import Section, is_section
from ..model.settings import Attested, Evidence, Org, RolloutChecklist, SiteConsent, site_key
from .model import Change

PLAN_BY = "rovo-audit plan"
_CREDENTIAL = re.compile(r"^credentials\[(?P<label>.+)\]\.scopes$")
_CHECKLIST = re.compile(
    r"^rollout_checklist\.(?:site_admin_consent\[(?P<site>.+)\]|(?P<item>user_installed_apps|connected_apps_oauth))\.done$"
)


class PathError(ValueError):
    """A change that names no setting the grammar knows, or one absent from the org."""


@lru_cache(maxsize=4096)  # a plan's paths are few; the planner asks for each change it makes (13,568 on 100 × 300)
def section_of(path: str) -> Section:
    head = path.split(".", 1)[0].split("[", 1)[0]
    if not is_section(head):
        raise PathError(f"{path}: no such settings section")
    return head


def apply(org: Org, change: Change, as_of: dt.datetime) -> Org:
    """The org with `change` made, its section's evidence now the plan's (source: file)."""
    if change.action == "collect":
        return org
    if change.path.startswith("rollout_checklist."):
        return _tick(org, change, as_of)
    path, section = change.path, section_of(change.path)
    current = getattr(org, section)
    if current is None:
        raise PathError(f"{path}: the {section} section was not collected")
    if section == "credentials":
        m = _CREDENTIAL.match(path)
        if m is None:
            raise PathError(f"{path}: expected credentials[<label>].scopes")
        new_section: Any = tuple(
            c.model_copy(update={"scopes": _edit_list(c.scopes, change)}) if c.label == m["label"] else c
            for c in current
        )
        if new_section == current:
            raise PathError(f"{path}: no credential labelled {m['label']!r}")
    else:
        field, _, rest = path.removeprefix(section + ".").partition(".")
        if field not in type(current).model_fields:
            raise PathError(f"{path}: {section} has no field {field!r}")
        value = getattr(current, field)
        if field in ("permissions", "future_additions"):
            product, _, group = rest.partition(".")
            if not product or not group or change.action != "set":
                raise PathError(f"{path}: expected set rovo_mcp.{field}.<product>.<group>")
            if field == "future_additions" and not isinstance(change.value, bool):
                raise PathError(f"{path}: expected true or false")
            perms = {p: dict(g) for p, g in (value or {}).items()}
            perms.setdefault(product, {})[group] = change.value
            value = perms
        elif change.action == "set":
            value = change.value
        else:
            value = _edit_list(value, change)
        new_section = current.model_copy(update={field: value})
    evidence = dict(org.evidence)
    evidence[section] = Evidence(source="file", by=PLAN_BY, at=as_of, detail="target settings of the plan")
    provenance = {k: v for k, v in org.provenance.items() if not k.startswith(path)}
    return org.model_copy(update={section: new_section, "evidence": evidence, "provenance": provenance})


def apply_all(org: Org, changes: Iterable[Change], as_of: dt.datetime) -> Org:
    """The org with every change made in turn, as `apply` one after another would make it
    (through `Editing`: the add/remove edits of one list gathered and made in one pass)."""
    editing = Editing(org, as_of)
    for c in changes:
        editing.make(c)
    return editing.org()


class Editing:
    """An org being changed one change at a time, exactly as `apply` one after another would
    change it, with the add/remove edits of plain lists gathered until the org is asked for:
    `make` says whether the change changed anything (`apply(org, c) != org`, the planner's
    "already so"), raising `PathError` where `apply` would. On 100 orgs × 300 entries the
    plan's target made ~11,500 changes one copy of the org at a time (0.2 s of CPU)."""

    def __init__(self, org: Org, as_of: dt.datetime) -> None:
        self._org, self.as_of = org, as_of
        self._edits: dict[str, _ListEdit] = {}  # path → its edits since `_org`
        self._touched: dict[Section, None] = {}  # sections whose evidence is now the plan's, in order
        self._evidence = Evidence(source="file", by=PLAN_BY, at=as_of, detail="target settings of the plan")

    def make(self, c: Change) -> bool:
        path, action = c.path, c.action
        if not (path in _PLAIN_LISTS and action in ("add", "remove")):
            org = self.org()
            nxt = apply(org, c, self.as_of)
            if nxt == org:
                return False
            self._org = nxt
            return True
        section = section_of(path)
        edit = self._edits.get(path)
        if edit is None:
            current = getattr(self._org, section)
            if current is None:
                raise PathError(f"{path}: the {section} section was not collected")
            field = path.removeprefix(section + ".")
            if field not in type(current).model_fields:
                raise PathError(f"{path}: {section} has no field {field!r}")
            items = getattr(current, field)
            if items is None:
                raise PathError(f"{path}: the list was not collected")
            if not isinstance(c.value, str):
                raise PathError(f"{path}: {c.action} takes one item")
            edit = _ListEdit(items)
        elif not isinstance(c.value, str):
            raise PathError(f"{path}: {c.action} takes one item")
        v, adds = c.value, action == "add"
        present = (v in edit.base_set and v not in edit.removed) or v in edit.appended
        if present == adds and self._settled(section, path):
            return False  # the list as it was, and its evidence and provenance the plan's already
        self._edits[path] = edit
        edit.add(v) if adds else edit.remove(v)
        self._touched[section] = None
        return True

    def _settled(self, section: Section, path: str) -> bool:
        """Whether `apply` would leave the evidence and provenance as they are for `path`."""
        if section not in self._touched and self._org.evidence.get(section) != self._evidence:
            return False
        done = self._edits
        return not any(k.startswith(path) and not any(k.startswith(p) for p in done) for k in self._org.provenance)

    def org(self) -> Org:
        """The org with every change made so far."""
        if not self._touched:
            return self._org
        org, paths = self._org, list(self._edits)
        update: dict[str, object] = {}
        for section in self._touched:
            current = getattr(org, section)
            fields = {p.removeprefix(section + "."): self._edits[p].result() for p in paths if section_of(p) == section}
            update[section] = current.model_copy(update=fields)
        evidence = dict(org.evidence)
        for section in self._touched:
            evidence[section] = self._evidence
        update["evidence"] = evidence
        update["provenance"] = {k: v for k, v in org.provenance.items() if not any(k.startswith(p) for p in paths)}
        self._org = org.model_copy(update=update)
        self._edits, self._touched = {}, {}
        return self._org


_PLAIN_LISTS = frozenset({"rovo_mcp.domains", "ip_allowlist.ranges"})


class _ListEdit:
    """Adds and removes on one list, exactly as `_edit_list` one after another would make them:
    an add appends an item not present; a remove takes every occurrence."""

    def __init__(self, items: tuple[str, ...]) -> None:
        self.base, self.base_set = items, set(items)
        self.removed: set[str] = set()
        self.appended: dict[str, None] = {}  # ordered

    def add(self, v: str) -> None:
        if not ((v in self.base_set and v not in self.removed) or v in self.appended):
            self.appended[v] = None

    def remove(self, v: str) -> None:
        self.removed.add(v)
        self.appended.pop(v, None)

    def result(self) -> tuple[str, ...]:
        kept = self.base if not self.removed else tuple(i for i in self.base if i not in self.removed)
        return kept + tuple(self.appended)


def _tick(org: Org, change: Change, as_of: dt.datetime) -> Org:
    """A checklist item done (or not), signed by the plan: in the target, a goal to attest."""
    m = _CHECKLIST.match(change.path)
    if m is None or change.action != "set" or not isinstance(change.value, bool):
        raise PathError(f"{change.path}: expected set rollout_checklist.<item>.done true|false")
    checklist = org.rollout_checklist or RolloutChecklist()
    done, note = change.value, "target settings of the plan"
    if m["site"] is not None:
        sites = [c for c in checklist.site_admin_consent or () if site_key(c.site) != site_key(m["site"])]
        sites.append(SiteConsent(site=m["site"], done=done, by=PLAN_BY, at=as_of, note=note))
        checklist = checklist.model_copy(update={"site_admin_consent": tuple(sites)})
    else:
        checklist = checklist.model_copy(update={m["item"]: Attested(done=done, by=PLAN_BY, at=as_of, note=note)})
    return org.model_copy(update={"rollout_checklist": checklist})


def _edit_list(items: tuple[str, ...] | None, change: Change) -> tuple[str, ...]:
    if items is None:
        raise PathError(f"{change.path}: the list was not collected")
    if not isinstance(change.value, str):
        raise PathError(f"{change.path}: {change.action} takes one item")
    if change.action == "add":
        return items if change.value in items else (*items, change.value)
    if change.action == "remove":
        # C-speed for the usual case, one occurrence; every occurrence goes, as a filter would
        if change.value not in items:
            return items
        if items.count(change.value) == 1:
            at = items.index(change.value)
            return items[:at] + items[at + 1 :]
        return tuple(i for i in items if i != change.value)
    raise PathError(f"{change.path}: a list takes add or remove, not {change.action}")


def _on(value: object) -> str:
    return "on" if value is True else "off"


class Wording(NamedTuple):
    """A step's sentence with its untrusted parts apart: each output fills them in with its
    own escaping (code in Markdown and HTML, backticks in text, safe for a terminal). A
    NamedTuple, as Step: one per step (11,569 on 100 orgs × 300 entries)."""

    template: str  # "{value}" and "{label}" stand for the parts below
    fields: tuple[tuple[str, str], ...]
    where: str

    def text(self, quote: Callable[[str], str] = lambda v: f"`{v}`") -> str:
        return self.template.format_map({k: quote(v) for k, v in self.fields})


_new_wording: Callable[[type[Wording], tuple[str, tuple[tuple[str, str], ...], str]], Wording] = tuple.__new__


def describe(change: Change, org: Org) -> Wording:
    """What a step means to an admin, and where in Atlassian Administration to do it."""
    menu = controls().menu
    path, v = change.path, change.value
    value = (("value", str(v)),) if v is not None else ()
    if change.action == "collect":
        how = controls().collect[section_of(path)]  # controls.yaml `collect`, dated with the controls
        return Wording(how.plan.replace("{", "{{").replace("}", "}}"), (), how.where)
    if path == "rovo_mcp.domains":  # one per entry to delete: built positionally, as a Step
        verb = "Add {value} under Your domains" if change.action == "add" else "Delete {value} from Your domains"
        return _new_wording(Wording, (verb, value, menu["mcp_settings"]))
    if path == "rovo_mcp.atlassian_supported_domains":
        return Wording(f"Turn {_on(v)} Allow Atlassian supported domains", (), menu["mcp_settings"])
    if path == "rovo_mcp.api_token_auth":
        return Wording(f"Turn {_on(v)} API token authentication", (), menu["mcp_settings"])
    if path.startswith("rovo_mcp.permissions."):
        product, group = path.removeprefix("rovo_mcp.permissions.").split(".", 1)
        spec = permission_groups().products.get(product)
        title = spec.title if spec else product
        shown = str(v).capitalize()
        return Wording(
            f"Set {title} → {group.replace('_', ' ')} to {shown} on the Permissions tab", (), menu["mcp_permissions"]
        )
    if path.startswith("rovo_mcp.future_additions."):
        product, group = path.removeprefix("rovo_mcp.future_additions.").split(".", 1)
        spec = permission_groups().products.get(product)
        title = spec.title if spec else product
        return Wording(
            f"Turn {_on(v)} Apply to future additions for {title} → {group.replace('_', ' ')} on the Permissions tab",
            (),
            menu["mcp_permissions"],
        )
    if path == "ip_allowlist.enabled":
        return Wording(f"Turn {_on(v)} the IP allowlist", (), menu["ip_allowlist"])
    if path == "ip_allowlist.ranges":
        verb = "Add {value} to the IP allowlist" if change.action == "add" else "Remove {value} from the IP allowlist"
        return Wording(verb, value, menu["ip_allowlist"])
    tick = _CHECKLIST.match(path)
    if tick is not None:
        if tick["site"] is not None:
            return Wording(
                "Have a site admin of {value} connect an approved MCP client once and approve the consent screen, "
                "then record it (rollout_checklist.site_admin_consent: done, by, at)",
                (("value", tick["site"]),),
                "the site, signed in as one of its site admins",
            )
        what = {
            "user_installed_apps": "Allow user-installed apps, or have a site admin install the Atlassian MCP app on each site",
            "connected_apps_oauth": "Make sure Connected apps does not block user-based OAuth connections for the Atlassian MCP app",
        }[tick["item"]]
        return Wording(
            f"{what}, then record it (rollout_checklist.{tick['item']}: done, by, at)", (), menu["connected_apps"]
        )
    m = _CREDENTIAL.match(path)
    if m is not None:
        label = m["label"]
        kind = next((c.kind for c in org.credentials or () if c.label == label), "api_token")
        with_ = "with" if change.action == "add" else "without"
        fields = (("label", label), *value)
        if kind == "oauth":
            return Wording(
                f"Have the OAuth app {{label}} request its scopes {with_} {{value}} and consent again",
                fields,
                "the app's settings in the Atlassian developer console",
            )
        return Wording(
            f"Issue {{label}} again {with_} scope {{value}} (a token's scopes cannot be edited: create the new "
            "one, move its users over, then revoke the old one)",
            fields,
            menu["api_tokens"],
        )
    raise PathError(f"{path}: no such setting")
