"""results.json files written before the lean shape (full remediation on every finding, passes
included, and each finding's own title and area: FORMATS.md §6 before its 2026-12-01
amendment) still read in `merge`, `diff` and the history, as the same run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import run_cli
from tests.results_doc import whole
from tests.review.scenario import NEW_AS_OF, OLD_AS_OF, audit, write_files

OLD_KEYS = ("control", "status", "severity", "org", "org_name", "subject", "title", "expected", "actual")
OLD_KEYS += ("evidence", "policy_ref", "remediation", "area")


def old_shape(doc: dict[str, Any]) -> dict[str, Any]:
    """The file as the writer of 2026-11 wrote it: no `controls`, every finding whole, a pass
    with the control's remediation too (which a reader of today ignores)."""
    found = whole(doc)
    advice = {f["control"]: f["remediation"] for f in found if "remediation" in f}
    findings = []
    for f in found:
        rem = f.get("remediation") or advice.get(f["control"]) or {"summary": "Nothing to do", "steps": [], "links": []}
        f["remediation"] = {k: rem[k] for k in ("summary", "steps", "links", "value", "collect") if k in rem}
        findings.append({k: f[k] for k in (*OLD_KEYS, *f) if k in f})
    old = {k: v for k, v in doc.items() if k != "controls"}
    old["findings"] = findings
    return old


def _old_file(src: Path, dst: Path) -> Path:
    doc = json.loads(src.read_text())
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(old_shape(doc), indent=2, ensure_ascii=False))
    return dst


def test_an_old_file_merges_and_diffs_as_the_run_it_records(tmp_path: Path) -> None:
    files = write_files(tmp_path / "in")
    new = tmp_path / "new"
    r = audit(files, files.old_settings, OLD_AS_OF, new, "--no-history", "--format", "json")
    assert r.code == 1, r.err
    lean = json.loads((new / "results.json").read_text())
    old = _old_file(new / "results.json", tmp_path / "old.json")
    assert "controls" in lean and "controls" not in json.loads(old.read_text())
    assert all("title" in f and "remediation" in f for f in json.loads(old.read_text())["findings"])
    # merge reads it and writes today's lean file, byte for byte the audit's own
    r = run_cli("merge", old, "--out", tmp_path / "merged", "--format", "json", "--no-history")
    assert r.code == 1, r.err
    assert (tmp_path / "merged" / "results.json").read_bytes() == (new / "results.json").read_bytes()
    # diff: the old file against the lean one, both ways, is the lean one against itself
    same = run_cli("diff", new / "results.json", new / "results.json", "--format", "json")
    assert same.code == 0, same.err
    assert json.loads(same.out)["summary"]["unchanged"] > 0
    for a, b in ((old, new / "results.json"), (new / "results.json", old)):
        r = run_cli("diff", a, b, "--format", "json")
        assert r.code == 0, r.err
        assert json.loads(r.out)["summary"] == json.loads(same.out)["summary"]


def test_an_old_history_entry_is_the_previous_run_of_a_new_audit(tmp_path: Path) -> None:
    files = write_files(tmp_path / "in")
    out = tmp_path / "out"
    r = audit(files, files.old_settings, OLD_AS_OF, out, "--format", "json")
    assert r.code == 1, r.err
    (entry,) = (out / "history").glob("*.json")
    lean = tmp_path / "lean"
    shutil.copytree(out, lean)  # the same first run, its entry as written today
    _old_file(entry, entry)  # the first run's entry, as an older rovo-audit stored it
    reviews = []
    for folder in (out, lean):
        r = audit(files, files.new_settings, NEW_AS_OF, folder, "--format", "json,md")
        assert r.code == 1, r.err
        assert "skipped" not in r.err
        md = (folder / "summary.md").read_text()
        reviews.append(md[md.index("## Since the last review") :])
    assert reviews[0] == reviews[1] and "| regressed | Example Corp | RMCP-PERM-002 |" in reviews[0]
    entries = sorted(p.name for p in (out / "history").glob("*.json"))
    assert len(entries) == 2 and entries[0] == entry.name
    # `history list` reads each entry's summary (the old one's head and tail only)
    r = run_cli("history", "list", "--history", out / "history")
    assert r.code == 0, r.err
    assert entry.name in r.out and entries[1] in r.out and "skipped" not in r.err
    # and the diff of the old entry with the new run names the scenario's changes
    r = run_cli("diff", out / "history" / entries[0], out / "history" / entries[1], "--format", "json")
    assert r.code == 1, r.err  # a regression
    assert json.loads(r.out)["summary"]["regressed"] >= 1
