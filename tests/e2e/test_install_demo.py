"""`pip install .` (not editable) then `rovo-audit audit --demo` from an empty folder."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from tests.conftest import ROOT


def _venv_with_our_dependencies(env_dir: Path) -> Path:
    """A venv that sees the *test* interpreter's packages, never the base interpreter's.

    `system_site_packages=True` would inherit the base interpreter's site-packages (what was
    installed there by hand), not this test venv's: on a machine whose base Python lacks the
    dependencies the installed CLI then died with ModuleNotFoundError. Instead the new venv is
    isolated and one .pth line appends this interpreter's purelib to its path (no download).
    A plain path line processes none of that folder's own .pth files, so the checkout's
    editable install is not picked up: the wheel installed below is what runs."""
    venv.create(env_dir, system_site_packages=False, with_pip=False)
    py = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    (Path(site) / "_rovo_audit_test_deps.pth").write_text("".join(f"{p}\n" for p in ours))
    return py


def test_wheel_install_runs_demo_from_empty_folder(tmp_path):
    env_dir = tmp_path / "venv"
    py = _venv_with_our_dependencies(env_dir)
    # The project itself is built as a wheel (isolated build, as `pip install .` does) and
    # installed, so missing package data would show here.
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    p = subprocess.run(
        [str(env_dir / "bin" / "rovo-audit"), "audit", "--demo", "--as-of", "2026-11-26", "--format", "json,html,md"],
        cwd=empty,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 1, p.stderr  # the demo org has findings
    assert "Traceback" not in p.stderr
    assert p.stdout.startswith("Blocked: ")
    doc = json.loads((empty / "reports" / "results.json").read_text())
    assert doc["policies"] == [
        {"name": "baseline", "path": "policies/baseline.yaml", "title": "Secure baseline for the Rovo MCP server"}
    ]
    assert doc["summary"]["fail"] > 0 and doc["summary"]["pass"] > 0
    assert (empty / "reports" / "report.html").stat().st_size > 1000
    assert (empty / "reports" / "summary.md").read_text().startswith("# Rovo MCP audit: Blocked")
    # The installed package, not this checkout, is the one that ran; every dependency came
    # from the test interpreter's own environment, none from the base interpreter's.
    probe = (
        "import auditor, httpx, publicsuffixlist, pydantic, yaml, jinja2; "
        "print(auditor.__file__); print(*(m.__file__ for m in (httpx, publicsuffixlist, pydantic, yaml, jinja2)), sep='\\n')"
    )
    where = subprocess.run([str(py), "-c", probe], cwd=empty, capture_output=True, text=True, check=True).stdout.split()
    assert where[0].startswith(str(env_dir)), where[0]
    ours = (sysconfig.get_path("purelib"), sysconfig.get_path("platlib"))
    assert all(w.startswith(ours) for w in where[1:]), where[1:]
