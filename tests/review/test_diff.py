"""`rovo-audit diff`: every change class through the real command on real files, the precedence
table exhaustively, determinism, formats and exit status."""

from __future__ import annotations

import datetime as dt
import json
from itertools import product
from pathlib import Path

import pytest

from auditor.history.diff import CHANGES, classify
from auditor.model.results import AppliedWaiver, EvidenceRef, Finding, Remediation
from tests.conftest import run_cli
from tests.review.scenario import EXPECTED, NEW_AS_OF, OLD_AS_OF, audit, write_files


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(old results.json, new results.json, folder): two real audits of the scenario."""
    base = tmp_path_factory.mktemp("diff")
    files = write_files(base / "in")
    r1 = audit(files, files.old_settings, OLD_AS_OF, base / "old", "--no-history")
    r2 = audit(files, files.new_settings, NEW_AS_OF, base / "new", "--no-history")
    assert r1.code == 1 and r2.code == 1, (r1.err, r2.err)
    return base / "old" / "results.json", base / "new" / "results.json", base


def _diff(old: Path, new: Path, *extra: str | Path):
    return run_cli("diff", old, new, *extra)


def test_every_change_class_through_the_command(runs):
    old, new, _ = runs
    r = _diff(old, new, "--format", "json")
    assert r.code == 1, r.err  # new-fail, regressed and waiver-expired: something got worse
    doc = json.loads(r.out)
    got = {(c["control"], c["subject"]): c["change"] for c in doc["changes"]}
    for key, want in EXPECTED.items():
        assert got.get(key) == want, (key, got.get(key), want)
    assert set(EXPECTED.values()) == set(CHANGES)  # the scenario shows all nine classes
    assert {c["change"] for c in doc["changes"]} == set(CHANGES)


def test_json_shape_keys_and_order(runs):
    old, new, _ = runs
    doc = json.loads(_diff(old, new, "--format", "json").out)
    assert doc["schema"] == "rovo-audit/diff/v1"
    assert doc["old"]["as_of"] == OLD_AS_OF and doc["new"]["as_of"] == NEW_AS_OF
    assert doc["old"]["path"] == str(old) and doc["new"]["path"] == str(new)
    assert doc["expiring_days"] == 30
    assert list(doc["summary"]) == list(CHANGES)
    assert sum(doc["summary"].values()) == len(doc["changes"])
    for c in doc["changes"]:
        assert list(c)[:6] == ["org", "control", "subject", "change", "old_status", "new_status"]
    # Each key exactly once: the union of both runs' keys.
    keys = [(c["org"], c["control"], c["subject"]) for c in doc["changes"]]
    assert len(keys) == len(set(keys))
    both = set()
    for path in (old, new):
        both |= {(f["org"], f["control"], f["subject"]) for f in json.loads(path.read_text())["findings"]}
    assert set(keys) == both
    order = [(c["org"], c["control"], c["subject"] is not None, c["subject"] or "") for c in doc["changes"]]
    assert order == sorted(order)
    statuses = {(c["control"], c["subject"]): (c["old_status"], c["new_status"]) for c in doc["changes"]}
    assert statuses[("RMCP-DOM-003", "https://new.example.com/**")] == (None, "fail")
    assert statuses[("RMCP-DOM-003", "https://old.example.com/**")] == ("fail", None)
    assert statuses[("RMCP-IP-002", "192.0.2.10/32")] == ("waived", "fail")


def test_deterministic_bytes(runs, tmp_path):
    old, new, _ = runs
    for fmt in ("json", "text", "md", "html"):
        a = _diff(old, new, "--format", fmt)
        b = _diff(old, new, "--format", fmt)
        assert a.out == b.out and a.out, fmt
    _diff(old, new, "--format", "json", "--out", tmp_path / "d1.json")
    _diff(old, new, "--format", "json", "--out", tmp_path / "d2.json")
    assert (tmp_path / "d1.json").read_bytes() == (tmp_path / "d2.json").read_bytes()
    assert (tmp_path / "d1.json").read_text() == _diff(old, new, "--format", "json").out


def test_expiring_days_is_configurable(runs):
    old, new, _ = runs
    key = ("RMCP-DOM-004", "https://*.vercel.app/**")  # 15 days left on 2026-12-05
    for days, want in ((14, "unchanged"), (15, "waiver-expiring"), (60, "waiver-expiring")):
        doc = json.loads(_diff(old, new, "--format", "json", "--expiring-days", str(days)).out)
        assert {(c["control"], c["subject"]): c["change"] for c in doc["changes"]}[key] == want, days
        assert doc["expiring_days"] == days


def test_same_run_against_itself_nothing_worse_exit_0(runs):
    _, new, _ = runs
    r = _diff(new, new, "--format", "json")
    assert r.code == 0
    doc = json.loads(r.out)
    # fail → fail is still failing; a waiver inside the window stays a heads-up.
    assert {c["change"] for c in doc["changes"]} == {"unchanged", "still-failing", "waiver-expiring"}


def test_text_md_and_html(runs):
    old, new, _ = runs
    text = _diff(old, new).out
    assert text.startswith(f"Since {OLD_AS_OF}")
    assert "1 new-fail · 1 regressed · 1 waiver-expired" in text
    assert "RMCP-PERM-002  jira.delete  (pass → fail)" in text
    assert "waiver expired 2026-12-01" in text and "in 15 days" in text
    md = _diff(old, new, "--format", "md").out
    assert (
        md.startswith("## Since the last review") and "| regressed | Example Corp | RMCP-PERM-002 | jira.delete |" in md
    )
    html = _diff(old, new, "--format", "html").out
    assert '<h2 id="since-last-review-h">Changes</h2>' in html
    assert "https://*.vercel.app/**" in html and "<script" not in html


def test_bad_input_names_file_line_column(tmp_path, runs):
    old, _, _ = runs
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "rovo-audit/results/v1",\n  "findings": [1, 2,\n')
    r = _diff(old, broken)
    assert r.code == 2 and "Traceback" not in r.err
    assert r.err.startswith(f"rovo-audit: error: {broken}:3:1: invalid JSON"), r.err
    wrong = tmp_path / "wrong.json"
    doc = json.loads(old.read_text())
    doc["findings"][1]["status"] = "passed"
    wrong.write_text(json.dumps(doc, indent=2))
    r = _diff(wrong, old)
    line = next(i for i, ln in enumerate(wrong.read_text().splitlines(), 1) if '"passed"' in ln)
    assert r.code == 2 and f"{wrong}:{line}:" in r.err and "status" in r.err, r.err
    other = tmp_path / "other.json"
    other.write_text('{"schema": "rovo-audit/diff/v1"}')
    r = _diff(other, old)
    assert r.code == 2 and f"{other}:1:" in r.err and "results.json" in r.err
    r = _diff(tmp_path / "missing.json", old)
    assert r.code == 2 and "no such file" in r.err


# ---- the precedence table, exhaustively (auditor/history/diff.py docstring) ----

TODAY = dt.date(2026, 12, 5)
NEAR, FAR, PAST = "2026-12-20", "2027-06-30", "2026-12-01"


def _f(status: str, original: str | None = None, expires: str | None = None) -> Finding:
    waiver = AppliedWaiver("r", "a@example.com", expires, "w.yaml:4") if status == "waived" else None
    return Finding(
        "RMCP-DOM-003",
        status,
        "high",
        "org",
        "Org",
        "s",
        "t",
        "e",
        "a",
        EvidenceRef(None, None),
        None,
        Remediation("x", (), ()),
        "domains",
        original_status=original,
        waiver=waiver,
    )


# (label, finding) for every side a key can have; waived ones carry their original status and expiry
SIDES = {
    "none": None,
    "pass": _f("pass"),
    "warn": _f("warn"),
    "fail": _f("fail"),
    "unknown": _f("unknown"),
    "waived(fail,far)": _f("waived", "fail", FAR),
    "waived(fail,near)": _f("waived", "fail", NEAR),
    "waived(fail,past)": _f("waived", "fail", PAST),
    "waived(warn,far)": _f("waived", "warn", FAR),
    "waived(unknown,bad-date)": _f("waived", "unknown", "soon"),
}

# old → new → class. Written out in full so the documented precedence and the code agree.
TABLE = {
    "none": {
        "pass": "new-check",
        "warn": "new-check",
        "fail": "new-fail",
        "unknown": "new-fail",
        "waived(fail,far)": "new-check",
        "waived(fail,near)": "waiver-expiring",
        "waived(fail,past)": "new-check",
        "waived(warn,far)": "new-check",
        "waived(unknown,bad-date)": "new-check",
    },
    "pass": {
        "none": "removed-check",
        "pass": "unchanged",
        "warn": "unchanged",
        "fail": "regressed",
        "unknown": "regressed",
        "waived(fail,far)": "unchanged",
        "waived(fail,near)": "waiver-expiring",
        "waived(fail,past)": "unchanged",
        "waived(warn,far)": "unchanged",
        "waived(unknown,bad-date)": "unchanged",
    },
    "warn": {
        "none": "removed-check",
        "pass": "unchanged",
        "warn": "unchanged",
        "fail": "regressed",
        "unknown": "regressed",
        "waived(fail,far)": "unchanged",
        "waived(fail,near)": "waiver-expiring",
        "waived(fail,past)": "unchanged",
        "waived(warn,far)": "unchanged",
        "waived(unknown,bad-date)": "unchanged",
    },
    "fail": {
        "none": "removed-check",
        "pass": "fixed",
        "warn": "fixed",
        "fail": "still-failing",
        "unknown": "still-failing",
        "waived(fail,far)": "still-failing",
        "waived(fail,near)": "waiver-expiring",
        "waived(fail,past)": "still-failing",
        "waived(warn,far)": "fixed",
        "waived(unknown,bad-date)": "still-failing",
    },
    "unknown": {
        "none": "removed-check",
        "pass": "fixed",
        "warn": "fixed",
        "fail": "still-failing",
        "unknown": "still-failing",
        "waived(fail,far)": "still-failing",
        "waived(fail,near)": "waiver-expiring",
        "waived(fail,past)": "still-failing",
        "waived(warn,far)": "fixed",
        "waived(unknown,bad-date)": "still-failing",
    },
    # waived → not waived: the waiver lapsed (expiry before NEW's date) → waiver-expired; else as any good → bad
    "waived(fail,far)": {
        "none": "removed-check",
        "pass": "fixed",
        "warn": "fixed",
        "fail": "regressed",
        "unknown": "regressed",
        "waived(fail,far)": "unchanged",
        "waived(fail,near)": "waiver-expiring",
        "waived(fail,past)": "unchanged",
        "waived(warn,far)": "fixed",
        "waived(unknown,bad-date)": "unchanged",
    },
    "waived(fail,past)": {
        "none": "removed-check",
        "pass": "fixed",
        "warn": "waiver-expired",
        "fail": "waiver-expired",
        "unknown": "waiver-expired",
        "waived(fail,far)": "unchanged",
        "waived(fail,near)": "waiver-expiring",
        "waived(fail,past)": "unchanged",
        "waived(warn,far)": "fixed",
        "waived(unknown,bad-date)": "unchanged",
    },
    "waived(warn,far)": {
        "none": "removed-check",
        "pass": "unchanged",
        "warn": "unchanged",
        "fail": "regressed",
        "unknown": "regressed",
        "waived(fail,far)": "unchanged",
        "waived(fail,near)": "waiver-expiring",
        "waived(fail,past)": "unchanged",
        "waived(warn,far)": "unchanged",
        "waived(unknown,bad-date)": "unchanged",
    },
    "waived(unknown,bad-date)": {
        "none": "removed-check",
        "pass": "fixed",
        "warn": "waiver-expired",
        "fail": "waiver-expired",
        "unknown": "waiver-expired",
        "waived(fail,far)": "unchanged",
        "waived(fail,near)": "waiver-expiring",
        "waived(fail,past)": "unchanged",
        "waived(warn,far)": "fixed",
        "waived(unknown,bad-date)": "unchanged",
    },
}


@pytest.mark.parametrize(("old", "new"), [(o, n) for o, n in product(TABLE, SIDES) if n in TABLE[o]])
def test_precedence_table(old, new):
    assert classify(SIDES[old], SIDES[new], TODAY) == TABLE[old][new]


def test_table_covers_every_pair_but_none_none():
    for old, new in product(SIDES, SIDES):
        if old == new == "none":
            continue
        if old not in TABLE:  # waived(fail,near) as OLD behaves as waived(fail,far): not yet lapsed
            assert classify(SIDES[old], SIDES[new], TODAY) == TABLE["waived(fail,far)"][new]
            continue
        assert new in TABLE[old], (old, new)
    with pytest.raises(ValueError):
        classify(None, None, TODAY)
