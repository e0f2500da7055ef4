"""The shipped GitHub Actions workflow and cron recipe, exercised as far as offline allows:
the workflow parses and is wired as documented, and its rovo-audit lines (all but `collect`,
which needs Atlassian) run against fixtures in a repository-shaped folder; the cron script
runs as cron would run it."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.review.scenario import write_files

WORKFLOW = ROOT / "docs" / "ci" / "github-actions.yml"
CRON = ROOT / "docs" / "ci" / "cron-review.sh"
BASH = shutil.which("bash")


def _shim(folder: Path) -> Path:
    """A `rovo-audit` on PATH that is this checkout's command, whatever is installed."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "rovo-audit"
    exe.write_text(f'#!/bin/sh\nexec {sys.executable} -m auditor "$@"\n')
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def _repo(tmp: Path) -> Path:
    """A repository laid out as the workflow expects, from the review scenario's files."""
    repo = tmp / "repo"
    files = write_files(tmp / "scenario")
    (repo / "policies").mkdir(parents=True)
    (repo / "settings").mkdir()
    shutil.copy(ROOT / "policies" / "baseline.yaml", repo / "policies" / "baseline.yaml")
    shutil.copy(files.policy, repo / "policies" / "ours.yaml")
    shutil.copy(files.old_settings, repo / "settings" / "collected.yaml")  # what `collect` would have written
    shutil.copy(files.waivers, repo / "waivers.yaml")
    return repo


def test_workflow_parses_and_is_wired():
    wf = yaml.safe_load(WORKFLOW.read_text())
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert on["schedule"][0]["cron"] == "0 6 1 * *" and "workflow_dispatch" in on
    assert wf["permissions"] == {"contents": "write", "security-events": "write"}
    steps = wf["jobs"]["review"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "reports/results.sarif" and upload["if"] == "always()"
    audit = next(s for s in steps if s.get("id") == "audit")
    assert "--format html,json,md,sarif,junit" in audit["run"] and '--history "$HISTORY"' in audit["run"]
    last = steps[-1]
    assert last["if"] == "steps.audit.outputs.status != '0'" and "exit 1" in last["run"]


# The majors whose action.yml says `runs.using: node24` (checked 2026-12-01 at each major tag;
# the sources are cited in the workflow's comment). Node 20 left GitHub's runners in September 2026.
NODE24_MAJORS = {
    "actions/checkout": 7,
    "actions/setup-python": 7,
    "actions/upload-artifact": 7,
    "github/codeql-action/upload-sarif": 4,
}


def test_workflow_pins_actions_that_run_on_node24():
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["review"]["steps"]
    pins = dict(s["uses"].split("@", 1) for s in steps if "uses" in s)
    assert set(pins) == set(NODE24_MAJORS), pins
    for action, major in NODE24_MAJORS.items():
        assert re.fullmatch(r"v\d+", pins[action]) and int(pins[action][1:]) >= major, (action, pins[action])
    text = WORKFLOW.read_text()
    for action in NODE24_MAJORS:  # each pin cites where its runtime was read
        assert f"github.com/{action.removesuffix('/upload-sarif')}/blob/" in text, action


@pytest.mark.skipif(BASH is None, reason="needs bash")
def test_workflow_commands_run_offline(tmp_path):
    wf = yaml.safe_load(WORKFLOW.read_text())
    repo = _repo(tmp_path)
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {
        **os.environ,
        **{k: str(v) for k, v in wf["env"].items()},
        "PATH": f"{_shim(tmp_path)}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "PYTHONWARNINGS": "ignore",
    }
    ran = []
    for month, as_of in enumerate(("2026-11-01T06:00:00Z", "2026-12-01T06:00:00Z")):
        if month:  # a month later the team fixed API token auth and added an origin
            collected = repo / "settings" / "collected.yaml"
            collected.write_text(collected.read_text().replace("api_token_auth: false", "api_token_auth: true"))
        for step in wf["jobs"]["review"]["steps"]:
            script = step.get("run", "")
            if not re.search(r"rovo-audit (audit|waivers|history|diff|merge) ", script) or re.search(
                r"\b(pip|git) ", script
            ):
                continue  # installing, collecting and pushing need the network
            # Pin the clock, as the tests must (the workflow runs on the real one).
            script = script.replace("rovo-audit audit ", f"rovo-audit audit --as-of {as_of} ")
            p = subprocess.run(
                [BASH, "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=120
            )
            assert p.returncode == 0, (step.get("name"), p.stdout, p.stderr)
            ran.append(step.get("name"))
    assert ran == ["Audit and compare with the last review", "Waivers to review", "Keep the last 24 runs"] * 2
    assert output.read_text().splitlines() == ["status=1", "status=1"]  # the last step would fail the job
    for name in ("report.html", "results.json", "summary.md", "results.sarif", "junit.xml"):
        assert (repo / "reports" / name).is_file(), name
    history = sorted((repo / "reviews" / "history").iterdir())
    assert [p.name[:16] for p in history] == ["20261101T060000Z", "20261201T060000Z"]
    text = summary.read_text()
    assert text.count("## Since the last review") == 1 and "| fixed | Example Corp | RMCP-AUTH-001 |" in text
    assert text.count("### Waivers to review") == 2 and "expired" in text
    assert "Since the last review" in (repo / "reports" / "report.html").read_text()


@pytest.mark.skipif(BASH is None, reason="needs bash")
def test_cron_recipe_runs(tmp_path):
    text = CRON.read_text()
    assert "0 6 1 * *" in text and os.access(CRON, os.X_OK)
    folder = tmp_path / "review"
    files = write_files(folder)
    shutil.copy(files.policy, folder / "ours.yaml")
    env = {
        **os.environ,
        "PATH": f"{_shim(tmp_path)}{os.pathsep}{os.environ['PATH']}",
        "REVIEW_DIR": str(folder),
        "POLICIES": "--policy baseline --policy ours.yaml",
        "SETTINGS": str(files.old_settings),
        "WAIVERS": str(files.waivers),
        "KEEP": "2",
        "PYTHONWARNINGS": "ignore",
    }
    codes = []
    for as_of in ("2026-10-01", "2026-11-01", "2026-12-01"):
        p = subprocess.run(
            [BASH, str(CRON)],
            env={**env, "EXTRA_ARGS": f"--as-of {as_of}"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        codes.append(p.returncode)
        assert "Traceback" not in p.stderr
    assert codes == [1, 1, 1]  # blocked: cron mails on a non-zero status
    reports = folder / "reports"
    assert (reports / "report.html").is_file() and (reports / "summary.md").is_file()
    assert [p.name[:8] for p in sorted((reports / "history").iterdir())] == ["20261101", "20261201"]  # KEEP=2
    assert "waiver(s) as of" in (reports / "waivers.txt").read_text()
    assert "Since the last review" in (reports / "report.html").read_text()
    # Bad input stops the script with 2 and writes no history entry.
    p = subprocess.run(
        [BASH, str(CRON)],
        env={**env, "SETTINGS": str(folder / "missing.yaml")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 2 and "missing.yaml:1:1" in p.stderr
    assert len(list((reports / "history").iterdir())) == 2
