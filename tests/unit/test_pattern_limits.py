"""No allowlist entry can stall an audit: wildcards and length are bounded, and the limit is
a located finding or input error, never a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from auditor.patterns import PatternSyntaxError, covers, intersects, parse_pattern
from auditor.patterns.syntax import MAX_WILDCARDS
from tests.conftest import run_cli


def test_entries_up_to_the_limit_are_judged_quickly() -> None:
    a = parse_pattern("https://" + "a*" * (MAX_WILDCARDS - 1) + ".example.com/**")
    b = parse_pattern("https://" + "*b" * (MAX_WILDCARDS - 1) + ".example.com/**")
    started = time.perf_counter()
    covers(a, b), covers(b, a), intersects(a, b)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("https://" + "a*" * 600 + ".example.com/", "more than 16 wildcards"),
        ("https://a.example.com/" + "x" * 5000, "longer than 2048 characters"),
    ],
)
def test_past_the_limit_the_entry_is_refused(text: str, needle: str) -> None:
    with pytest.raises(PatternSyntaxError, match=needle):
        parse_pattern(text)


def test_a_hostile_entry_in_settings_is_a_finding_and_the_audit_stays_fast(tmp_path: Path) -> None:
    entry = "https://" + "*a" * 600 + ".example.com/**"
    settings = {
        "apiVersion": "rovo-audit/v1",
        "kind": "OrgSettings",
        "collected_at": "2026-11-20T00:00:00Z",
        "orgs": [
            {
                "id": "o1",
                "rovo_mcp": {"atlassian_supported_domains": False, "domains": [entry], "api_token_auth": False},
            }
        ],
    }
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(settings))
    started = time.perf_counter()
    r = run_cli("audit", "--policy", "baseline", "--settings", tmp_path / "s.yaml", "--out", tmp_path / "out",
                "--format", "json", "--no-history", "--as-of", "2026-11-26")  # fmt: skip
    assert time.perf_counter() - started < 10
    assert r.code == 1, r.err
    assert "RMCP-DOM-006" in r.out
    policy = tmp_path / "p.yaml"
    policy.write_text(
        f"apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {{name: p}}\ndomains:\n  allowed: ['{entry}']\n"
    )
    bad = run_cli("validate", policy)
    assert bad.code == 2 and f"{policy}:5:" in bad.err and "wildcards" in bad.err
