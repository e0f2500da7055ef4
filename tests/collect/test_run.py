"""The orchestration: one source breaking does not take the others down; usage errors."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from pydantic import SecretStr

from auditor.collect import oauth
from auditor.collect.run import collect_async
from auditor.config import CollectConfig
from tests.collect.conftest import ORG, collect_env
from tests.conftest import run_cli
from tests.servers.fake_admin_api import ADMIN_KEY, OAUTH_TOKEN, FakeAdminApi


def test_a_source_that_breaks_fails_alone(api: FakeAdminApi, monkeypatch: pytest.MonkeyPatch) -> None:
    async def boom(self: object, org_id: str) -> None:
        raise RuntimeError(f"something with {OAUTH_TOKEN} in it")

    monkeypatch.setattr(oauth.OAuthCollector, "collect", boom)
    config = CollectConfig(
        _env_file=None,
        admin_api_key=SecretStr(ADMIN_KEY),
        oauth_token=SecretStr(OAUTH_TOKEN),  # type: ignore[call-arg]
        api_base_url=api.url,
        mcp_url="http://127.0.0.1:9/v1/mcp",
    )
    outcome = asyncio.run(
        collect_async(config, org_ids=(ORG,), attestation=None, as_of=dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
    )
    org = outcome.settings.orgs[0]
    assert org.ip_allowlist is not None and org.credentials is not None  # the admin API still counts
    (err,) = org.collection_errors
    assert err.source == "oauth" and "RuntimeError" in err.error and OAUTH_TOKEN not in err.error
    assert outcome.exit_status == 1


def test_usage_errors(api: FakeAdminApi, workdir: Path) -> None:
    env = collect_env(api)
    folder = run_cli("collect", "--out", workdir, cwd=workdir, env=env)
    assert folder.code == 2 and "is a folder" in folder.err
    blank = run_cli("collect", "--out", workdir / "s.yaml", "--org", " ", cwd=workdir, env=env)
    assert blank.code == 2 and "--org: an org id cannot be empty" in blank.err
    probe = run_cli("collect", "--out", workdir / "s.yaml", "--probe-org", "other", cwd=workdir, env=env)
    assert probe.code == 2 and "--probe-org 'other' is not among the orgs collected" in probe.err
    missing = run_cli("collect", cwd=workdir, env=env)
    assert missing.code == 2 and "--out" in missing.err
