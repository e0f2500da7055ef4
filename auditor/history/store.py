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
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Location, Problem
from ..model.results import OrgSummary, Results
from ..report.interface import write_atomic

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


def inputs_digest(loaded: Sequence[Any]) -> str:
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


def save(folder: Path, results: Results, digest: str, text: str | None = None) -> Path:
    """Store a run (its results.json text, rendered here when not given); atomic."""
    if text is None:
        from ..report.interface import ReportContext
        from ..report.json_format import JsonFormat

        text = JsonFormat().render(results, ReportContext())
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


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A run's headline numbers: what a trend needs, without loading every finding."""

    name: str
    generated_at: dt.datetime
    as_of: dt.datetime
    summary: dict[str, int]
    orgs: tuple[OrgSummary, ...]

    @classmethod
    def of(cls, results: Results, name: str) -> RunSummary:
        return cls(name, results.generated_at, results.as_of, dict(results.summary), results.orgs)


# json_format writes top-level keys at two spaces of indent and JSON escapes every newline
# inside strings, so this line starts the top-level "settings" key and nothing else.
_TAIL = b'\n  "settings": '


def read_summary(entry: Entry) -> RunSummary:
    """Headline numbers of a history entry. Reads only the file's head and tail when it has
    the layout json_format writes (the findings in between can be 100+ MB); else parses it all."""
    path = entry.path
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024)
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 1024 * 1024))
            tail = fh.read()
    except OSError as e:
        raise InputError(Problem(Location(str(path), 1, 1), f"cannot read: {e.strerror}")) from None
    quick = _quick_summary(head, tail, entry.name)
    if quick is not None:
        return quick
    from .read import read_results

    return RunSummary.of(read_results(path), entry.name)


def _quick_summary(head: bytes, tail: bytes, name: str) -> RunSummary | None:
    from .read import _Bad, _org, _time

    cut_head = head.find(b'\n  "unused_waivers": ')
    cut_tail = tail.rfind(_TAIL)
    if cut_head < 0 or cut_tail < 0:
        return None
    try:
        top = json.loads(head[:cut_head].decode("utf-8").rstrip().rstrip(",") + "}")
        rest = json.loads(b"{" + tail[cut_tail + 1 :])
        if top.get("schema") != "rovo-audit/results/v1" or "orgs" not in rest:
            return None
        return RunSummary(
            name=name,
            generated_at=_time(top, "generated_at", ()),  # type: ignore[arg-type]
            as_of=_time(top, "as_of", ()),  # type: ignore[arg-type]
            summary=dict(top["summary"]),
            orgs=tuple(_org(o, ("orgs", i)) for i, o in enumerate(rest["orgs"])),
        )
    except (ValueError, KeyError, TypeError, AttributeError, _Bad):
        return None
