"""The Jira settings: read from the environment and .env under ROVO_AUDIT_JIRA_*, flags over
both, never a value in a message, and not mistaken by `collect` for misspellings."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import load_jira_config, unknown_settings
from auditor.errors import InputError, UsageError


def test_jira_settings_are_known_to_collect(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROVO_AUDIT_JIRA_URL", "https://example.atlassian.net")
    monkeypatch.setenv("ROVO_AUDIT_JIRA_PROJCT", "SEC")
    warnings = unknown_settings(tmp_path / "none.env")
    assert warnings == [
        "ROVO_AUDIT_JIRA_PROJCT is not a rovo-audit collect setting; did you mean ROVO_AUDIT_JIRA_PROJECT?"
    ]


def test_flags_win_and_values_stay_out_of_messages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("ROVO_AUDIT_JIRA_PROJECT=SEC\nROVO_AUDIT_JIRA_PRIORITIES=critical=Highest,high=High\n")
    config = load_jira_config({"jira_project": "OPS"}, env)
    assert config.jira_project == "OPS" and config.priorities == {"critical": "Highest", "high": "High"}
    monkeypatch.setenv("ROVO_AUDIT_JIRA_API_TOKEN", "tok-SECRET-123456")
    with pytest.raises(UsageError, match="together") as e:
        load_jira_config({}, env)
    assert "tok-SECRET" not in str(e.value)
    env.write_text("ROVO_AUDIT_JIRA_PRIORITIES=urgent=Highest\n")
    with pytest.raises(InputError, match=r"\.env:1:1.*ROVO_AUDIT_JIRA_PRIORITIES"):
        load_jira_config({}, env)
