"""`pip install .` (not editable) then `rovo-audit audit --demo` from an empty folder."""

from __future__ import annotations

import json
import subprocess
import sys
import venv

from tests.conftest import ROOT


def test_wheel_install_runs_demo_from_empty_folder(tmp_path):
    env_dir = tmp_path / "venv"
    # System site-packages supply the dependencies (no download); the project itself is
    # built as a wheel (isolated build, as `pip install .` does) and installed, so missing package data would show here.
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    py = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", str(ROOT)], check=True, capture_output=True, timeout=300)
    empty = tmp_path / "empty"
    empty.mkdir()
    p = subprocess.run([str(env_dir / "bin" / "rovo-audit"), "audit", "--demo", "--as-of", "2026-11-26",
                        "--format", "json,html,md"], cwd=empty, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stderr  # the demo org has findings
    assert "Traceback" not in p.stderr
    assert p.stdout.startswith("Blocked: ")
    doc = json.loads((empty / "reports" / "results.json").read_text())
    assert doc["policies"] == [{"name": "baseline", "path": "policies/baseline.yaml",
                               "title": "Secure baseline for the Rovo MCP server"}]
    assert doc["summary"]["fail"] > 0 and doc["summary"]["pass"] > 0
    assert (empty / "reports" / "report.html").stat().st_size > 1000
    assert (empty / "reports" / "summary.md").read_text().startswith("# Rovo MCP audit: Blocked")
    # and the installed package, not this checkout, was the one that ran
    where = subprocess.run([str(py), "-c", "import auditor; print(auditor.__file__)"], cwd=empty,
                           capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where
