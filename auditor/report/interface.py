"""One interface for every output format: a name, a file name, and a render function."""

from __future__ import annotations

import contextlib
import os
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Location, Problem
from ..model.common import iso as iso  # where the formats have always found it
from ..model.results import Results

if TYPE_CHECKING:
    from ..history.review import Review


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What a format may need beyond the results themselves (all optional)."""

    review: Review | None = None  # diff with the previous run and per-org trends (auditor/history)
    fail_on: str = "fail"  # which statuses block, as for the exit status (verdict.BLOCKING)


class Format(ABC):
    name: str
    filename: str

    @abstractmethod
    def render(self, results: Results, context: ReportContext) -> str | bytes:
        """The whole output, in memory: written atomically by `write_atomic`."""


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file.

    An output that cannot be written (a file where a folder is wanted, or the reverse, no
    permission) is bad usage: InputError naming the path (exit 2), never a traceback."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write(path, raw)
    except OSError as e:
        raise InputError(
            Problem(Location(str(path), 1, 1), f"cannot write: {e.strerror or type(e).__name__}")
        ) from None


def _write(path: Path, raw: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
