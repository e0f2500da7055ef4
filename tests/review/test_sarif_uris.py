"""SARIF artifact URIs are repository-relative, as GitHub code scanning needs them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.conftest import EXAMPLE, ROOT, run_cli, unavailable


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


def _run(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "results.sarif").read_text())["runs"][0]


def _git_repo(path: Path) -> Path:
    git = shutil.which("git")
    if git is None:
        unavailable("no git (apt-get install git)")
    (path / "policies").mkdir(parents=True)
    (path / "settings").mkdir()
    subprocess.run([git, "init", "-q", str(path)], check=True, timeout=30)
    shutil.copy(EXAMPLE / "custom-webapp.policy.yaml", path / "policies" / "ours.yaml")
    shutil.copy(EXAMPLE / "example-corp.settings.yaml", path / "settings" / "s.yaml")
    return path


def _audit(repo: Path, out: Path, *extra: str | Path, cwd: Path, env: dict[str, str] | None = None):
    return run_cli("audit", "--policy", repo / "policies" / "ours.yaml", "--settings", repo / "settings" / "s.yaml",
                   "--out", out, "--format", "sarif", "--no-history", "--as-of", "2026-11-26", *extra,
                   cwd=cwd, env=env)  # fmt: skip


def test_the_root_is_gits_top_level_of_the_policys_folder_wherever_the_command_runs(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = _audit(repo, elsewhere / "out", cwd=elsewhere)  # run outside the checkout, absolute paths
    assert r.code == 1, r.err
    assert _uris(elsewhere / "out" / "results.sarif") == {("policies/ours.yaml", "%SRCROOT%")}
    run = _run(elsewhere / "out")
    assert run["properties"]["srcroot"] == "git" and "notes" not in run["properties"]
    # From a subfolder of the checkout, with relative paths: the same URIs.
    sub = repo / "settings"
    r = run_cli("audit", "--policy", "../policies/ours.yaml", "--settings", "s.yaml", "--out", tmp_path / "o2",
                "--format", "sarif", "--no-history", "--as-of", "2026-11-26", cwd=sub)  # fmt: skip
    assert r.code == 1, r.err
    assert _run(tmp_path / "o2")["results"] == run["results"]


def test_sarif_root_names_the_root(tmp_path: Path) -> None:
    root = tmp_path / "checkout"
    (root / "policies").mkdir(parents=True)
    (root / "settings").mkdir()
    shutil.copy(EXAMPLE / "custom-webapp.policy.yaml", root / "policies" / "ours.yaml")
    shutil.copy(EXAMPLE / "example-corp.settings.yaml", root / "settings" / "s.yaml")
    r = _audit(root, tmp_path / "out", "--sarif-root", root, cwd=tmp_path)
    assert r.code == 1, r.err
    assert ("policies/ours.yaml", "%SRCROOT%") in _uris(tmp_path / "out" / "results.sarif")
    assert _run(tmp_path / "out")["properties"]["srcroot"] == "--sarif-root"
    # Not a folder: a usage error naming the flag, nothing written.
    r = _audit(root, tmp_path / "bad", "--sarif-root", tmp_path / "missing", cwd=tmp_path)
    assert r.code == 2 and "--sarif-root" in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert not (tmp_path / "bad" / "results.sarif").exists()


def test_without_git_the_working_folder_is_the_root_and_the_run_says_so(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    # git absent from PATH: the checkout is not found; the working folder (here the checkout) is used.
    r = _audit(repo, repo / "out", cwd=repo, env={"PATH": str(tmp_path / "no-bin")})
    assert r.code == 1, r.err
    assert ("policies/ours.yaml", "%SRCROOT%") in _uris(repo / "out" / "results.sarif")
    props = _run(repo / "out")["properties"]
    assert props["srcroot"] == "working folder"
    assert any("no git work tree found (git is not installed" in n and "--sarif-root" in n for n in props["notes"])
    # git there, but no repository: its own words say why.
    plain = tmp_path / "plain"
    shutil.copytree(repo / "policies", plain / "policies")
    shutil.copytree(repo / "settings", plain / "settings")
    r = _audit(plain, plain / "out", cwd=plain)
    assert r.code == 1, r.err
    notes = _run(plain / "out")["properties"]["notes"]
    assert any("no git work tree found (git: fatal: not a git repository" in n for n in notes), notes


def test_a_policy_outside_the_root_is_an_absolute_uri_with_a_note(tmp_path: Path) -> None:
    repo = _git_repo(tmp_path / "repo")
    outside = tmp_path / "outside.yaml"  # the bundled baseline: findings of its own, at its own lines
    shutil.copy(ROOT / "policies" / "baseline.yaml", outside)
    r = _audit(repo, repo / "out", "--policy", outside, cwd=repo)
    assert r.code == 1, r.err
    uris = _uris(repo / "out" / "results.sarif")
    assert (outside.resolve().as_uri(), None) in uris and ("policies/ours.yaml", "%SRCROOT%") in uris
    notes = _run(repo / "out")["properties"]["notes"]
    assert any("outside the repository root" in n and "file://" in n for n in notes), notes


def test_information_uri_only_from_the_packages_metadata() -> None:
    from auditor.report.sarif import pick_information_uri

    home = "https://example.org/rovo-audit"
    assert pick_information_uri([f"Homepage, {home}", "Source, https://example.org/src"], None) == home
    assert pick_information_uri(["Source, https://example.org/src"], None) == "https://example.org/src"
    assert pick_information_uri(["Bug Tracker, https://example.org/issues"], None) is None
    assert pick_information_uri([], "https://example.org/home") == "https://example.org/home"
    assert pick_information_uri(["Homepage, javascript:alert(1)"], "UNKNOWN") is None


def test_the_drivers_information_uri_is_the_installed_metadatas_or_absent(tmp_path: Path) -> None:
    from importlib.metadata import metadata

    from auditor.report.sarif import pick_information_uri

    r = run_cli("audit", "--demo", "--out", tmp_path, "--format", "sarif", "--no-history", "--as-of", "2026-11-26")
    assert r.code in (0, 1), r.err
    meta = metadata("rovo-audit")
    expected = pick_information_uri(list(meta.get_all("Project-URL") or []), (meta.get_all("Home-page") or [None])[0])
    driver = _run(tmp_path)["tool"]["driver"]
    assert driver.get("informationUri") == expected  # today pyproject names no URL: absent, never invented


def test_more_results_than_code_scanning_shows_are_ordered_by_severity_and_said(tmp_path: Path) -> None:
    from auditor.model.common import SEVERITY_RANK
    from tests.estate import AS_OF, make_estate

    policy, settings = make_estate(34, 300, 3)  # 5,334 results: more than the 5,000 code scanning shows
    (tmp_path / "p.yaml").write_text(policy)
    (tmp_path / "s.yaml").write_text(settings)
    r = run_cli("audit", "--policy", tmp_path / "p.yaml", "--settings", tmp_path / "s.yaml", "--out", tmp_path / "o",
                "--format", "sarif", "--no-history", "--as-of", AS_OF, cwd=tmp_path)  # fmt: skip
    assert r.code == 1, r.err
    run = _run(tmp_path / "o")
    results = run["results"]
    assert len(results) > 5000
    ranks = [(x["properties"]["status"] == "waived", SEVERITY_RANK[x["properties"]["severity"]]) for x in results]
    assert ranks == sorted(ranks) and len(set(ranks)) > 2  # most severe first: the first 5,000 are the ones shown
    assert any(f"{len(results)} results" in n and "first 5,000" in n for n in run["properties"]["notes"])
    assert f"note: results.sarif holds {len(results)} results" in r.out and "first 5,000" in r.out
