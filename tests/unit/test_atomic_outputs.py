"""Outputs are written whole or not at all."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from auditor import pipeline
from auditor.atomic import write_atomic, write_set
from auditor.errors import InputError
from auditor.model.results import Results
from auditor.report.formats import FORMATS
from auditor.report.interface import Format

NOW = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out" / "report.html"
    write_atomic(target, "old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert os.listdir(target.parent) == ["report.html"]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "results.json"
    write_atomic(target, "old")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(InputError, match="No space left on device"):  # exit 2 naming the file, no traceback
        write_atomic(target, "new and half-written")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["results.json"]


def test_a_format_that_fails_to_render_writes_nothing(tmp_path, monkeypatch):
    class Broken(Format):
        name = "broken"
        filename = "broken.txt"

        def render(self, results, context):
            raise RuntimeError("template bug")

    monkeypatch.setitem(FORMATS, "broken", Broken)
    results = Results(generated_at=NOW, as_of=NOW, policies=(), findings=(), summary=Results.count(()))
    with pytest.raises(RuntimeError):
        pipeline.report_results(results, out=tmp_path / "out", formats=["json", "broken"])
    assert not (tmp_path / "out").exists()


class _Full:
    """A file on a full disk: the second write fails."""

    def __init__(self) -> None:
        self.got: list[bytes] = []

    def write(self, data: bytes) -> int:
        if self.got:
            raise OSError(28, "No space left on device")
        self.got.append(data)
        return len(data)


def test_a_staged_files_write_error_on_its_thread_reaches_the_writer_and_ends_the_thread() -> None:
    import threading

    from auditor.atomic import _Hashing

    before = threading.active_count()
    sink = _Hashing(_Full())
    sink.write(b"first")
    with pytest.raises(OSError, match="No space left"):
        for _ in range(1000):  # the error is raised to the writer at its next write, or at the end
            sink.write(b"more")
        sink.finish()
    sink.stop()
    assert threading.active_count() == before


def test_the_staged_files_hash_is_of_every_part_in_order(tmp_path: Path) -> None:
    import hashlib

    parts = [bytes([i]) * (1 << 16) for i in range(40)]

    def writer(fh) -> None:  # type: ignore[no-untyped-def]
        for p in parts:
            fh.write(p)

    write_set(tmp_path, {"big.bin": writer})
    whole = b"".join(parts)
    assert (tmp_path / "big.bin").read_bytes() == whole
    manifest = json.loads((tmp_path / ".rovo-audit" / "outputs.json").read_text())
    assert manifest["files"]["big.bin"] == hashlib.sha256(whole).hexdigest()
