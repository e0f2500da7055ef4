"""SARIF artifact URIs are repository-relative, as GitHub code scanning needs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import EXAMPLE, run_cli


def _uris(sarif: Path) -> set[tuple[str, str | None]]:
    doc = json.loads(sarif.read_text())
    return {
        (
            loc["physicalLocation"]["artifactLocation"]["uri"],
            loc["physicalLocation"]["artifactLocation"].get("uriBaseId"),
        )
        for r in doc["runs"][0]["results"]
        for loc in r["locations"]
        if "physicalLocation" in loc
    }


def test_an_absolute_policy_path_inside_the_checkout_is_relative_to_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "policies").mkdir(parents=True)
    policy = repo / "policies" / "ours.yaml"
    shutil.copy(EXAMPLE / "custom-webapp.policy.yaml", policy)
    r = run_cli("audit", "--policy", policy.resolve(), "--settings", EXAMPLE / "example-corp.settings.yaml",
                "--out", repo / "out", "--format", "sarif", "--no-history", "--as-of", "2026-11-26", cwd=repo)  # fmt: skip
    assert r.code == 1, r.err
    uris = _uris(repo / "out" / "results.sarif")
    assert ("policies/ours.yaml", "%SRCROOT%") in uris
    assert not any(u.startswith("file:") for u, _ in uris if "ours.yaml" in u)


def test_a_path_outside_the_checkout_stays_a_file_uri(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    shutil.copy(EXAMPLE / "custom-webapp.policy.yaml", elsewhere)
    repo = tmp_path / "repo"
    repo.mkdir()
    r = run_cli("audit", "--policy", elsewhere, "--settings", EXAMPLE / "example-corp.settings.yaml",
                "--out", repo / "out", "--format", "sarif", "--no-history", "--as-of", "2026-11-26", cwd=repo)  # fmt: skip
    assert r.code == 1, r.err
    assert any(
        u.startswith("file:///") and u.endswith("elsewhere.yaml") for u, _ in _uris(repo / "out" / "results.sarif")
    )


def test_the_terminal_top_ten_names_each_findings_org_when_there_are_several(tmp_path: Path) -> None:
    from tests.estate import AS_OF, make_estate

    policy, settings = make_estate(3, 20, 5)
    (tmp_path / "p.yaml").write_text(policy)
    (tmp_path / "s.yaml").write_text(settings)
    r = run_cli("audit", "--policy", tmp_path / "p.yaml", "--settings", tmp_path / "s.yaml", "--out", tmp_path / "o",
                "--format", "json", "--no-history", "--as-of", AS_OF)  # fmt: skip
    rows = [line for line in r.out.splitlines()[1:] if line.startswith("  ") and not line.startswith("  wrote")]
    listed = [line for line in rows if not line.startswith("  ...")]
    assert listed and all("[" in line.split(" RMCP-")[0] for line in listed), listed[:3]
