"""What the ticket sync remembers between runs on this machine: the work items it wrote, so
that a search right after a write still sees them.

Jira Cloud's `/rest/api/3/search/jql` is eventually consistent: "The API doesn't provide
read-after-write consistency by default ... The delay might vary from a few seconds to
minutes" (developer.atlassian.com/cloud/jira/platform/search-and-reconcile, retrieved
2026-12-01). A re-run within that window would not find the items the last run created, and
would create them again. Atlassian's remedy is `reconcileIssues`: up to 50 issue ids the
search returns as they are now, the same list on every page; for more, its workaround is a
local cache of recently changed ids (JRACLOUD-96208). So this file keeps, per (site,
project), the stable label and id of every item a run wrote, newest first: the newest 50
go into `reconcileIssues`, and an action planned on an older remembered item is checked
first with `GET /rest/api/3/issue/{id}` (strongly consistent).

The file holds no secret: labels (hashes) and numeric ids. It is a cache: unreadable, it is
ignored with a warning (the search alone decides, as without it); unwritable, the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from .model import Action

RECONCILE_MAX = 50  # Atlassian: "Accepts max 50 ids"
KEEP = 5000  # remembered items; older ones are indexed long since
_VERSION = 1
_ID = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True, slots=True)
class Remembered:
    """(stable label, issue id) of the items written, newest first, one per label."""

    entries: tuple[tuple[str, str], ...] = ()

    @property
    def ids(self) -> dict[str, str]:
        return dict(reversed(self.entries))  # label → id; the newest wins

    def reconcile(self) -> tuple[int, ...]:
        return tuple(int(i) for _, i in self.entries[:RECONCILE_MAX])

    def to_read(self, actions: Iterable[Action]) -> tuple[str, ...]:
        """The ids to read directly before acting: a create, resolve or reopen of a group whose
        item was written before the newest 50 (not reconciled), about which the search may be
        stale (missing it, a create would double it; an old status, a comment would be doubled).
        Not an update: at worst the same content is written again (after a mass change, 650
        needless reads for 700 updates)."""
        ids, recent = self.ids, {str(i) for i in self.reconcile()}
        found = {ids.get(a.group.label, "") for a in actions if a.kind != "update"}
        return tuple(sorted(found - recent - {""}))

    def after(self, written: Iterable[tuple[str, str]]) -> Remembered:
        """`written` (label, id) pairs first, then the rest; one entry per label, at most KEEP."""
        new = tuple(dict.fromkeys(written))
        labels = {lb for lb, _ in new}
        return Remembered((*new, *(e for e in self.entries if e[0] not in labels))[:KEEP])


def is_id(value: object) -> TypeGuard[str]:
    """An issue id as Jira gives them and `reconcileIssues` takes them (int64): ASCII digits
    (str.isdigit would let "²" through, which int() refuses)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def default_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rovo-audit" / "jira"


def path_for(folder: Path, site: str, project: str) -> Path:
    name = hashlib.sha256("\n".join((site, project)).encode()).hexdigest()[:16]
    return folder / f"{name}.json"


def load(path: Path) -> tuple[Remembered, str | None]:
    """The remembered items, and a warning when the file is there but not usable."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Remembered(), None
    except OSError as e:
        return Remembered(), f"cannot read the ticket state {path} ({e.strerror}); the search alone decides"
    try:
        doc = json.loads(raw)
        entries = tuple(
            (str(lb), str(i))
            for lb, i in doc["items"]
            if isinstance(lb, str) and is_id(i) and doc.get("version") == _VERSION
        )
    except (ValueError, KeyError, TypeError):
        return Remembered(), f"the ticket state {path} is not valid; ignored (the search alone decides)"
    return Remembered(entries), None


def save(path: Path, remembered: Remembered) -> str | None:
    """Write the state (atomically); a warning when it cannot be written."""
    from ..atomic import write_atomic
    from ..errors import InputError

    doc = {"version": _VERSION, "items": [list(e) for e in remembered.entries]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(doc, indent=0) + "\n")
    except (OSError, InputError):
        return f"cannot write the ticket state {path}; a re-run within minutes may not see this run's writes"
    return None
