"""Writing output files so that a reader never sees half of one.

The ground floor of every writer (reports, the history, collect's snapshot, doctor's files):
it knows files, not formats, and imports nothing of the pipeline.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputError, Location, Problem


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
