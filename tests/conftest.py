"""Shared test helpers: run the real command in a subprocess, locate fixtures."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = FIXTURES / "shared-example"
SHARED = ROOT.parent / "shared"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """The real `rovo-audit` command, as a user runs it (python -m auditor, same interpreter)."""
    full_env = {**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})}
    p = subprocess.run([sys.executable, "-m", "auditor", *map(str, args)], capture_output=True, text=True,
                       cwd=cwd, env=full_env, timeout=timeout)
    return Run(p.returncode, p.stdout, p.stderr)


@pytest.fixture
def cli():
    return run_cli
