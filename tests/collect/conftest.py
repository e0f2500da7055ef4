"""Fixtures for `collect`: a fake Admin API and the Rovo MCP simulator, both real HTTP on
loopback, plus the environment that points `rovo-audit collect` at them."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import STEP_SUMMARY, Run, run_cli
from tests.conftest import assert_no_secret as assert_no_secret  # the one leak check, for older imports
from tests.servers.fake_admin_api import (
    ADMIN_KEY,
    OAUTH_TOKEN,
    FakeAdminApi,
    FakeOrg,
    event,
    ip_policy,
    running_admin_api,
    token,
)

ORG = "0c4e2b1a-7d3f-4a8e-9b21-5f6e8d9c0a11"
AS_OF = "2026-11-20T09:30:00Z"
PLANTED = (ADMIN_KEY, OAUTH_TOKEN)


def example_org(org_id: str = ORG, name: str = "Example Corp") -> FakeOrg:
    return FakeOrg(
        org_id,
        name,
        domains=[("example.com", "verified"), ("example.org", "verified"), ("pending.example.net", "unverified")],
        policies=[
            ip_policy("Office", "enabled", ["203.0.113.0/24", "198.51.100.7/32"]),
            ip_policy("Old VPN", "disabled", ["192.0.2.0/24"]),
        ],
        tokens=[
            token("ci-bot", "ci-bot@example.com", scopes=["read:jira-work", "read:page:confluence"]),
            token("release", "rel@example.com", scopes=["write:jira-work"], expires="2027-01-31T00:00:00.000Z"),
            token("legacy", "old@example.com"),
            token("revoked", "gone@example.com", status="REVOKED"),
        ],
        keys=[
            {
                "id": "key-1",
                "label": "docs-sync",
                "status": "ACTIVE",
                "createdAt": "2026-06-01T00:00:00Z",
                "expiresAt": "2027-06-30T00:00:00Z",
                "scopes": ["read:page:confluence"],
                "serviceAccount": {"email": "docs-sync@serviceaccount.atlassian.com"},
            }
        ],
        events=[
            event("mcp_tool_invoked", "acct-1", "2026-11-19T10:00:00Z"),
            event("mcp_tool_invoked", "acct-2", "2026-11-18T10:00:00Z"),
            event("mcp_session_started", "acct-1", "2026-11-17T10:00:00Z"),
            event("user_logged_in", "acct-3", "2026-11-19T11:00:00Z"),
        ],
    )


def step_summary_here() -> str:
    """A GitHub step-summary file in the working folder when that is a test's temporary one
    (the `workdir` fixture), else "" (none): never the CI runner's own summary."""
    here = Path.cwd().resolve()
    return str(here / "step-summary.md") if here.is_relative_to(Path(tempfile.gettempdir()).resolve()) else ""


def collect_env(api: FakeAdminApi, *, mcp_url: str = "http://127.0.0.1:9/v1/mcp", **extra: str) -> dict[str, str]:
    """Everything `collect` needs, pointed at loopback; fast retries so failure tests stay quick."""
    env = {
        STEP_SUMMARY: step_summary_here(),
        "ROVO_AUDIT_ADMIN_API_KEY": ADMIN_KEY,
        "ROVO_AUDIT_API_BASE_URL": api.url,
        "ROVO_AUDIT_MCP_URL": mcp_url,
        "ROVO_AUDIT_ORG_ID": ORG,
        "ROVO_AUDIT_RETRY_BASE_SECONDS": "0.05",
        "ROVO_AUDIT_MAX_RETRIES": "2",
        "ROVO_AUDIT_TIMEOUT_SECONDS": "5",
    }
    env.update(extra)
    return env


@pytest.fixture
def api() -> Iterator[FakeAdminApi]:
    with running_admin_api([example_org()]) as server:
        yield server


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to run in, so a developer's own .env never leaks into a test."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def collect(workdir: Path, env: dict[str, str], *args: str | Path, out: str = "settings.yaml") -> Run:
    """The real `rovo-audit collect`, run in `workdir`, writing `workdir/out` as of AS_OF."""
    return run_cli("collect", "--out", workdir / out, "--as-of", AS_OF, *args, cwd=workdir, env=env)


def all_output_files(folder: Path) -> list[str]:
    """Every file's text under `folder` (older callers; `assert_no_secret(run, folder)` reads them itself)."""
    return [p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()]
