"""The history folder: one plain results.json copy per run, named by time and input hash.

    <history>/20261126T100000Z-1a2b3c4d.json

The time is the run's `generated_at` (equal to `--as-of` when that is given), in UTC to the
second; the hash is the first 8 hex digits of a SHA-256 over the run's inputs (policies,
settings, waivers, as their validated content). The same inputs at the same time give the
same name, so re-running a pinned audit replaces its entry instead of adding one. Entries
sort by name = by time. Only files with exactly this name shape are ever read or deleted:
anything else in the folder is left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..atomic import Writer, write_atomic
from ..load.documents import Loaded
from ..model.policy import Policy
from ..model.results import Results
from ..model.settings import OrgSettings
from ..model.waivers import Waivers

ENTRY = re.compile(r"^(\d{8}T\d{6}Z)-([0-9a-f]{8})\.json$")
TIME_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class Entry:
    path: Path
    time: dt.datetime
    digest: str

    @property
    def name(self) -> str:
        return self.path.name


def entry_name(generated_at: dt.datetime, digest: str) -> str:
    return f"{generated_at.astimezone(dt.UTC).strftime(TIME_FORMAT)}-{digest[:8]}.json"


def digest_parts(parts: Iterable[bytes]) -> str:
    """SHA-256 over length-prefixed parts, so no two different input lists hash alike."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def inputs_digest(loaded: Sequence[Loaded[Policy] | Loaded[OrgSettings] | Loaded[Waivers]]) -> str:
    """The hash of an audit's inputs (`load.documents.Loaded` documents), by their content.

    Hashing the validated models, not the bytes, means a comment or whitespace edit does
    not make a new kind of run, and bundled files hash the same wherever they are installed.
    """
    return digest_parts(f"{doc.model.kind}\n{doc.model.model_dump_json()}".encode() for doc in loaded)


def entries(folder: Path) -> list[Entry]:
    """The history, oldest first. A missing folder is an empty history."""
    if not folder.is_dir():
        return []
    found = []
    for p in folder.iterdir():
        m = ENTRY.match(p.name)
        if m and p.is_file():
            t = dt.datetime.strptime(m.group(1), TIME_FORMAT).replace(tzinfo=dt.UTC)
            found.append(Entry(p, t, m.group(2)))
    found.sort(key=lambda e: e.name)
    return found


def earlier(folder: Path, results: Results, own_name: str | None = None) -> list[Entry]:
    """Entries of runs before this one (time at or before it, not this run's own entry), oldest first."""
    now = results.generated_at.astimezone(dt.UTC).replace(microsecond=0)
    return [e for e in entries(folder) if e.time <= now and e.name != own_name]


def save(folder: Path, results: Results, digest: str, text: str | Writer) -> Path:
    """Store a run: its results.json (rendered by auditor.report: the text, or a writer that
    streams it), atomically."""
    path = folder / entry_name(results.generated_at, digest)
    write_atomic(path, text)
    return path


def prune(folder: Path, keep: int, *, dry_run: bool = False) -> tuple[list[Path], int]:
    """Delete all but the newest `keep` entries (or only say which, with `dry_run`):
    (what is deleted, oldest first; how many stay)."""
    if keep < 0:
        raise ValueError("keep must be 0 or more")
    all_entries = entries(folder)
    doomed = all_entries[: max(0, len(all_entries) - keep)]
    if not dry_run:
        for e in doomed:
            e.path.unlink(missing_ok=True)
    return [e.path for e in doomed], len(all_entries) - len(doomed)
