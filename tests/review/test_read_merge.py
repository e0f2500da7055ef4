"""results.json read back: write → read → write is byte-identical; `merge` of shards equals
one audit of the whole estate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from auditor.load.results import read_results, read_text
from auditor.report.interface import ReportContext
from auditor.report.json_format import JsonFormat
from tests.conftest import EXAMPLE, run_cli
from tests.estate import AS_OF, make_estate
from tests.review.scenario import OLD_AS_OF, audit, write_files


def _roundtrip(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    again = JsonFormat().render(read_results(path), ReportContext())
    assert again == text
    assert JsonFormat().render(read_text(again, "x"), ReportContext()) == text


def test_roundtrip_shared_example(tmp_path):
    run_cli(
        "audit",
        "--policy",
        EXAMPLE / "custom-webapp.policy.yaml",
        "--settings",
        EXAMPLE / "example-corp.settings.yaml",
        "--out",
        tmp_path,
        "--format",
        "json",
        "--as-of",
        "2026-11-26",
        "--no-history",
    )
    _roundtrip(tmp_path / "results.json")


def test_roundtrip_with_waivers_expired_and_unused(tmp_path):
    files = write_files(tmp_path / "in")
    audit(files, files.old_settings, "2026-12-05", tmp_path / "out", "--no-history", "--format", "json")
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert doc["expired_waivers"] and doc["unused_waivers"]
    assert any(f.get("waiver") for f in doc["findings"])
    _roundtrip(tmp_path / "out" / "results.json")


@pytest.fixture(scope="module")
def estate(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(policy, settings, folder) of a 6-org synthetic estate."""
    base = tmp_path_factory.mktemp("estate")
    policy_text, settings_text = make_estate(6, 8, seed=7)
    (base / "policy.yaml").write_text(policy_text)
    (base / "settings.yaml").write_text(settings_text)
    return base / "policy.yaml", base / "settings.yaml", base


def test_roundtrip_estate_with_unknowns_and_warns(estate, tmp_path):
    policy, settings, _ = estate
    run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        settings,
        "--out",
        tmp_path,
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--no-history",
    )
    doc = json.loads((tmp_path / "results.json").read_text())
    assert {"unknown", "warn", "fail", "pass"} <= {f["status"] for f in doc["findings"]}
    _roundtrip(tmp_path / "results.json")


def _shard(settings: Path, orgs: list[dict], out: Path) -> Path:
    doc = yaml.safe_load(settings.read_text())
    doc["orgs"] = orgs
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(doc, sort_keys=False))
    return out


def test_merge_of_shards_equals_one_audit(estate, tmp_path):
    policy, settings, _ = estate
    orgs = yaml.safe_load(settings.read_text())["orgs"]
    shards = [
        _shard(settings, orgs[:2], tmp_path / "s1.yaml"),
        _shard(settings, orgs[2:5], tmp_path / "s2.yaml"),
        _shard(settings, orgs[5:], tmp_path / "s3.yaml"),
    ]
    results = []
    for i, s in enumerate(shards):
        r = run_cli(
            "audit",
            "--policy",
            policy,
            "--settings",
            s,
            "--out",
            tmp_path / f"r{i}",
            "--format",
            "json",
            "--as-of",
            AS_OF,
            "--no-history",
        )
        assert r.code in (0, 1), r.err
        results.append(tmp_path / f"r{i}" / "results.json")
    run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        settings,
        "--out",
        tmp_path / "whole",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--no-history",
    )
    r = run_cli("merge", *results, "--out", tmp_path / "merged", "--format", "json,html,sarif,junit", "--no-history")
    whole = json.loads((tmp_path / "whole" / "results.json").read_text())
    merged = json.loads((tmp_path / "merged" / "results.json").read_text())
    assert r.code == (1 if whole["summary"]["fail"] + whole["summary"]["unknown"] else 0), r.err
    assert "merged 3 shard(s)" in r.out
    assert merged["findings"] == whole["findings"]
    assert merged["summary"] == whole["summary"]
    assert [o["id"] for o in merged["orgs"]] == [o["id"] for o in whole["orgs"]]
    assert merged["as_of"] == whole["as_of"]
    assert merged["settings"]["path"] == ", ".join(str(s) for s in shards)
    assert (tmp_path / "merged" / "report.html").exists() and (tmp_path / "merged" / "junit.xml").exists()
    # Deterministic: the same shards give the same bytes.
    run_cli("merge", *results, "--out", tmp_path / "merged2", "--format", "json", "--no-history")
    assert (tmp_path / "merged2" / "results.json").read_bytes() == (tmp_path / "merged" / "results.json").read_bytes()


def test_merge_refuses_an_org_in_two_shards(estate, tmp_path):
    policy, settings, _ = estate
    run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        settings,
        "--out",
        tmp_path / "a",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--no-history",
    )
    a = tmp_path / "a" / "results.json"
    r = run_cli("merge", a, a, "--out", tmp_path / "m")
    assert r.code == 2 and "must come from one shard only" in r.err and str(a) in r.err
    assert not (tmp_path / "m").exists()


def test_merge_waiver_unused_only_if_no_shard_used_it(tmp_path):
    files = write_files(tmp_path / "in")
    other = tmp_path / "in" / "other.settings.yaml"  # an org the waivers do not touch
    other.write_text(
        files.old_settings.read_text()
        .replace("0c4e2b1a", "99999999")
        .replace("Example Corp", "Other")
        .replace("https://*.vercel.app/**", "https://app2.example.com/**")
    )
    audit(files, files.old_settings, OLD_AS_OF, tmp_path / "a", "--no-history", "--format", "json")
    audit(files, other, OLD_AS_OF, tmp_path / "b", "--no-history", "--format", "json")
    b = json.loads((tmp_path / "b" / "results.json").read_text())
    assert len(b["unused_waivers"]) >= 3  # shard b used none of them
    r = run_cli(
        "merge",
        tmp_path / "a" / "results.json",
        tmp_path / "b" / "results.json",
        "--out",
        tmp_path / "m",
        "--format",
        "json",
        "--no-history",
    )
    assert r.code == 1, r.err
    merged = json.loads((tmp_path / "m" / "results.json").read_text())
    a = json.loads((tmp_path / "a" / "results.json").read_text())
    assert merged["unused_waivers"] == a["unused_waivers"]  # only what shard a left unused too
    assert len(merged["orgs"]) == 2


def test_merge_stores_history_like_an_audit(estate, tmp_path):
    policy, settings, _ = estate
    run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        settings,
        "--out",
        tmp_path / "a",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--no-history",
    )
    r = run_cli("merge", tmp_path / "a" / "results.json", "--out", tmp_path / "m", "--format", "json")
    assert r.code in (0, 1) and len(list((tmp_path / "m" / "history").iterdir())) == 1
