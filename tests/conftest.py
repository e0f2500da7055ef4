"""Shared test helpers: run the real command in a subprocess, locate fixtures, and check its
outputs: no planted secret anywhere, one-line usage errors."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = FIXTURES / "shared-example"
SHARED = ROOT.parent / "shared"
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


@dataclass
class Run:
    code: int
    out: str
    err: str
    summary: Path | None = None  # the GitHub step-summary file the run was given, if any


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    input: str | None = None,
) -> Run:
    """The real `rovo-audit` command, as a user runs it (python -m auditor, same interpreter)."""
    # GITHUB_STEP_SUMMARY blank unless a test sets it: on a CI runner, never append to the real one.
    full_env = {**os.environ, "PYTHONWARNINGS": "ignore", "GITHUB_STEP_SUMMARY": "", **(env or {})}
    p = subprocess.run(
        [sys.executable, "-m", "auditor", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        input=input,
    )
    summary = full_env.get(STEP_SUMMARY)
    return Run(p.returncode, p.stdout, p.stderr, Path(cwd or ".", summary).resolve() if summary else None)


def unavailable(reason: str) -> None:
    """Skip a test whose prerequisite is missing here, but fail it in CI (CI=true): CI always
    has ../shared and Chromium (.ci/run installs it), so a skip there would hide a check."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}: CI must be able to run this test", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def cli():
    return run_cli


# --- secrets ---------------------------------------------------------------------------------


@cache
def planted_secrets() -> tuple[str, ...]:
    """Every secret the test servers accept; imported late so tests without servers load fast."""
    from tests.servers.fake_admin_api import ADMIN_KEY, OAUTH_TOKEN
    from tests.servers.rovo_sim import SIM_API_TOKEN, SIM_CLASSIC_API_TOKEN, SIM_SERVICE_KEY

    return ADMIN_KEY, OAUTH_TOKEN, SIM_API_TOKEN, SIM_CLASSIC_API_TOKEN, SIM_SERVICE_KEY


def secret_forms(*secrets: str, emails: Iterable[str] = ()) -> tuple[str, ...]:
    """Each secret raw, URL-encoded, as the Basic pair's base64 (email:secret) and by its
    distinctive middle (a secret cut or wrapped still shows that). Built here, not by the
    product's own Redactor, so a mistake there cannot hide a leak."""
    from tests.servers.rovo_sim import SIM_EMAIL

    forms: list[str] = []
    for s in secrets:
        forms += [s, quote(s, safe=""), quote_plus(s)]
        forms += [base64.b64encode(f"{e}:{s}".encode()).decode() for e in dict.fromkeys((SIM_EMAIL, *emails))]
        if len(s[8:-8]) >= 12:  # shorter pieces would match ordinary text
            forms.append(s[8:-8])
    return tuple(dict.fromkeys(f for f in forms if f))


def _texts(output: Run | Path | str) -> list[tuple[str, str]]:
    """(where, text) for a run (stdout, stderr, its step summary), a folder (every file under
    it), a file, or a text."""
    if isinstance(output, Run):
        texts = [("stdout", output.out), ("stderr", output.err)]
        if output.summary is not None and output.summary.is_file():
            texts.append((str(output.summary), output.summary.read_text(encoding="utf-8", errors="replace")))
        return texts
    if isinstance(output, Path):
        assert output.exists(), f"{output}: nothing there to search for secrets"
        files = [output] if output.is_file() else sorted(p for p in output.rglob("*") if p.is_file())
        return [(str(p), p.read_bytes().decode("utf-8", errors="replace")) for p in files]
    return [("text", output)]


def assert_no_secret(*outputs: Run | Path | str, secrets: Iterable[str] = (), emails: Iterable[str] = ()) -> None:
    """No planted secret (plus `secrets`), in any of its forms, in any of the outputs: a run's
    stdout, stderr and step summary, every file under a folder, a file, or a text."""
    forms = secret_forms(*planted_secrets(), *secrets, emails=emails)
    leaks = [
        f"{where}: {form[:12]}…"
        for output in outputs
        for where, text in _texts(output)
        for form in forms
        if form in text
    ]
    assert not leaks, f"a planted secret reached an output: {leaks}"


# --- usage errors ------------------------------------------------------------------------------


def assert_usage_error(r: Run, *needles: str, code: int = 2, prefix: str = "rovo-audit: error: ") -> str:
    """Exit `code` (2: bad usage or input) with one line on stderr, starting with `prefix` and
    holding every needle, and no traceback anywhere; returns that line."""
    assert r.code == code, (r.code, r.out, r.err)
    assert "Traceback" not in r.err + r.out, r.err
    lines = [ln for ln in r.err.strip().splitlines() if ln]
    assert len(lines) == 1 and lines[0].startswith(prefix), r.err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]
