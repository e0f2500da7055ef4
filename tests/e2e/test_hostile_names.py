"""Names, labels and entries chosen by others never break what rovo-audit writes from them."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import run_cli

# Double-quoted YAML escapes: the values really hold NEL, U+2028, a newline, ESC and a bidi override.
EVIL_SETTINGS = r"""apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-20T00:00:00Z
orgs:
  - id: "org\u0085one"
    name: "Evil\nname\u2028# x: y\u0085kind: Waivers\u202e\u001b[2J"
    rovo_mcp:
      atlassian_supported_domains: false
      domains: ["https://app.example.com/**"]
      api_token_auth: true
    credentials:
      - {label: "bot\nscopes: [x]\u0085", kind: api_token, scopes: ["read:jira-work"]}
"""


def test_init_writes_a_policy_it_can_read_whatever_the_names_hold(tmp_path: Path) -> None:
    settings = tmp_path / "evil.settings.yaml"
    settings.write_text(EVIL_SETTINGS, encoding="utf-8")
    assert run_cli("validate", settings).code == 0
    policy = tmp_path / "evil.policy.yaml"
    r = run_cli("init", "--from-settings", settings, "--out", policy)
    assert r.code == 0, r.err
    text = policy.read_text(encoding="utf-8")
    assert not any(ch in text for ch in "\x85\u2028\u2029\u202e\x1b")
    assert run_cli("validate", policy).code == 0
    doc = yaml.safe_load(text)
    assert doc["orgs"] == ["org\x85one"]  # the id reads back exactly, escapes and all
    audit = run_cli("audit", "--policy", policy, "--settings", settings, "--out", tmp_path / "out",
                    "--format", "json", "--no-history", "--as-of", "2026-11-26")  # fmt: skip
    assert audit.code in (0, 1), audit.err
    assert "Traceback" not in audit.err
