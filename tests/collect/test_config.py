"""Configuration: ROVO_AUDIT_* environment, a .env file, flags over both; bad config exits 2
with one line that names the setting and never its value."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import CollectConfig, Redactor, load_config
from auditor.errors import InputError, UsageError
from tests.collect.conftest import ORG, collect, collect_env
from tests.conftest import assert_no_secret, assert_usage_error
from tests.servers.fake_admin_api import ADMIN_KEY, FakeAdminApi


@pytest.mark.parametrize(
    ("var", "value", "expect"),
    [
        (
            "ROVO_AUDIT_API_BASE_URL",
            "ftp://api.atlassian.com",
            "ROVO_AUDIT_API_BASE_URL (environment): expected an http(s) URL",
        ),
        ("ROVO_AUDIT_API_BASE_URL", "http://api.example.com", "plain http is only accepted for localhost"),
        ("ROVO_AUDIT_MCP_URL", "https://user:pw@mcp.example.com/v1/mcp", "credentials do not belong in the URL"),
        ("ROVO_AUDIT_TIMEOUT_SECONDS", "-3", "ROVO_AUDIT_TIMEOUT_SECONDS (environment)"),
        ("ROVO_AUDIT_CONCURRENCY", "many", "ROVO_AUDIT_CONCURRENCY (environment)"),
        ("ROVO_AUDIT_MCP_EMAIL", "dev@example.com", "needs ROVO_AUDIT_MCP_EMAIL and ROVO_AUDIT_MCP_API_TOKEN together"),
    ],
)
def test_bad_environment_exits_2_naming_the_variable(
    api: FakeAdminApi, workdir: Path, var: str, value: str, expect: str
) -> None:
    r = collect(workdir, collect_env(api, **{var: value}))
    assert r.code == 2
    assert_usage_error(r, expect)
    assert_no_secret(r)
    assert value not in r.err + r.out  # the setting is named, its value is not shown
    assert "user:pw" not in r.err + r.out
    assert not (workdir / "settings.yaml").exists()


def test_bad_dotenv_value_names_file_line_and_column(api: FakeAdminApi, workdir: Path) -> None:
    env = collect_env(api)
    del env["ROVO_AUDIT_MCP_URL"]
    (workdir / ".env").write_text(f"# settings\nROVO_AUDIT_ADMIN_API_KEY={ADMIN_KEY}\nROVO_AUDIT_MCP_URL=not a url\n")
    r = collect(workdir, env)
    assert r.code == 2
    line = assert_usage_error(r)
    assert (
        line
        == "rovo-audit: error: .env:3:1: ROVO_AUDIT_MCP_URL: expected an http(s) URL such as https://api.atlassian.com"
    )
    assert_no_secret(r)
    assert "not a url" not in r.err + r.out


def test_secrets_can_come_from_dotenv(api: FakeAdminApi, workdir: Path) -> None:
    env = collect_env(api)
    del env["ROVO_AUDIT_ADMIN_API_KEY"]
    (workdir / ".env").write_text(f"ROVO_AUDIT_ADMIN_API_KEY={ADMIN_KEY}\n")
    r = collect(workdir, env)
    assert r.code == 0, r.err
    assert api.count("api_tokens") >= 1 and f"Bearer {ADMIN_KEY}" in api.state.auth_values
    assert_no_secret(r, workdir / "settings.yaml")  # a secret read from .env is as secret


def test_env_file_flag_and_flags_over_env(api: FakeAdminApi, workdir: Path) -> None:
    env = collect_env(api, ROVO_AUDIT_API_BASE_URL="http://127.0.0.1:9")  # nothing listens there
    del env["ROVO_AUDIT_ADMIN_API_KEY"]
    (workdir / "prod.env").write_text(
        f"ROVO_AUDIT_ADMIN_API_KEY={ADMIN_KEY}\nROVO_AUDIT_API_BASE_URL=http://127.0.0.1:9\n"
    )
    r = collect(workdir, env, "--env-file", "prod.env", "--api-base-url", api.url)
    assert r.code == 0, r.out + r.err
    assert_no_secret(r, workdir / "settings.yaml")
    missing = collect(workdir, env, "--env-file", "nope.env")
    assert missing.code == 2
    assert_usage_error(missing, "nope.env:1:1: no such .env file")


def test_bad_flag_value_names_the_flag(api: FakeAdminApi, workdir: Path) -> None:
    r = collect(workdir, collect_env(api), "--concurrency", "0")
    assert_usage_error(r, "--concurrency:")


def test_nothing_to_collect_is_a_usage_error(workdir: Path) -> None:
    r = collect(workdir, {"ROVO_AUDIT_ORG_ID": ORG, "ROVO_AUDIT_MCP_URL": "http://127.0.0.1:9/v1/mcp"})
    assert_usage_error(r, "nothing to collect")


def test_no_org_and_no_key_is_a_usage_error(workdir: Path) -> None:
    r = collect(workdir, {"ROVO_AUDIT_OAUTH_TOKEN": "x" * 20})
    assert_usage_error(r, "no org to collect")


def test_misspelt_setting_is_warned_about(api: FakeAdminApi, workdir: Path) -> None:
    r = collect(workdir, collect_env(api, ROVO_AUDIT_ADMIN_APIKEY="x"))
    assert r.code == 0
    assert (
        "ROVO_AUDIT_ADMIN_APIKEY is not a rovo-audit collect setting; did you mean ROVO_AUDIT_ADMIN_API_KEY?" in r.err
    )


def test_config_object_never_shows_secrets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROVO_AUDIT_ADMIN_API_KEY", ADMIN_KEY)
    monkeypatch.setenv("ROVO_AUDIT_MCP_EMAIL", "dev@example.com")
    monkeypatch.setenv("ROVO_AUDIT_MCP_API_TOKEN", "tok-PLANTED-123456")
    config = load_config()
    assert isinstance(config, CollectConfig)
    assert_no_secret(repr(config), str(config), str(config.model_dump()), secrets=(ADMIN_KEY, "tok-PLANTED-123456"))
    secrets = config.secret_values()
    assert ADMIN_KEY in secrets and "tok-PLANTED-123456" in secrets
    assert len(secrets) == 3  # and the Basic header value derived from the token
    redact = Redactor(secrets)
    assert redact(f"x {ADMIN_KEY} y {secrets[2]}") == "x [redacted] y [redacted]"


def test_load_config_errors_are_typed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROVO_AUDIT_EVENTS_DAYS", "9999")
    with pytest.raises(UsageError, match="ROVO_AUDIT_EVENTS_DAYS"):
        load_config()
    monkeypatch.delenv("ROVO_AUDIT_EVENTS_DAYS")
    (tmp_path / "x.env").write_text("ROVO_AUDIT_EVENTS_DAYS=-1\n")
    with pytest.raises(InputError, match=r"x.env:1:1: ROVO_AUDIT_EVENTS_DAYS"):
        load_config(env_file=tmp_path / "x.env")
    assert load_config({"org_id": "a, b c"}).org_ids == ("a", "b", "c")
