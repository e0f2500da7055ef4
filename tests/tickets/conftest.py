"""Helpers for the ticket-sync tests: a results.json from the real audit, variants of it, and
the environment that points `rovo-audit tickets` at a fake Jira."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.servers.fake_jira import JIRA_EMAIL, JIRA_TOKEN, FakeJira

AS_OF = "2026-12-01"


@pytest.fixture(autouse=True)
def state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the sync remembers what it wrote (tickets/state.py): a folder of this test's,
    never the real ~/.cache."""
    folder = tmp_path_factory.mktemp("jira-state")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "rovo-audit" / "jira"


@pytest.fixture(scope="session")
def demo_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo org's results.json, written by the real `audit` (7 blocking groups)."""
    out = tmp_path_factory.mktemp("demo")
    r = run_cli("audit", "--demo", "--as-of", AS_OF, "--format", "json", "--no-history", "--out", out, "-q")
    assert r.code == 1, r.err  # the demo org has blocking findings
    return out / "results.json"


def blocking_controls(results: Path) -> list[str]:
    doc = json.loads(results.read_text(encoding="utf-8"))
    return sorted({f["control"] for f in doc["findings"] if f["status"] in ("fail", "unknown")})


def variant(results: Path, out: Path, *, fixed: tuple[str, ...] = (), as_of: str | None = None) -> Path:
    """`results` with every finding of the `fixed` controls passing (as a later audit would
    write them: a pass carries no remediation)."""
    doc: dict[str, Any] = json.loads(results.read_text(encoding="utf-8"))
    for f in doc["findings"]:
        if f["control"] in fixed:
            f["status"] = "pass"
            f["actual"] = f["expected"]
            f.pop("remediation", None)
    if as_of is not None:
        doc["as_of"] = f"{as_of}T00:00:00Z"
    out.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return out


def jira_env(jira: FakeJira, **extra: str) -> dict[str, str]:
    return {
        "ROVO_AUDIT_JIRA_URL": jira.url,
        "ROVO_AUDIT_JIRA_EMAIL": JIRA_EMAIL,
        "ROVO_AUDIT_JIRA_API_TOKEN": JIRA_TOKEN,
        "ROVO_AUDIT_JIRA_PROJECT": jira.project,
        **extra,
    }
