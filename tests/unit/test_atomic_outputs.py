"""Outputs are written whole or not at all."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from auditor import pipeline
from auditor.atomic import write_atomic
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
