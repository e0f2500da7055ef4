"""Issue 13, parts 4-6, through the real command: "Apply to future additions" (RMCP-PERM-004),
RMCP-SCOPE-003 by effect, and RMCP-DOM-001's advice naming the open v2 bug while it applies."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.catalog import KnownBugs, controls, known_bugs
from tests.conftest import run_cli
from tests.results_doc import findings

AS_OF = "2026-12-01T12:00:00Z"
ORG = "org-13"
BUG_URL = "https://github.com/atlassian/atlassian-mcp-server/issues/254"


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def policy(tmp: Path, body: str, name: str = "p") -> Path:
    head = f"apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {{name: {name}}}\n"
    return write(tmp / f"{name}.yaml", head + textwrap.dedent(body))


def settings(tmp: Path, rovo_mcp: dict[str, Any] | None = None, credentials: list[Any] | None = None) -> Path:
    org: dict[str, Any] = {"id": ORG, "name": "Org 13", "evidence": {}}
    if rovo_mcp is not None:
        org["rovo_mcp"] = rovo_mcp
        org["evidence"]["rovo_mcp"] = {"source": "attested", "by": "admin@x.example", "at": "2026-11-30T09:00:00Z"}
    if credentials is not None:
        org["credentials"] = credentials
        org["evidence"]["credentials"] = {"source": "admin-api", "at": "2026-11-30T09:00:00Z"}
    doc = {"apiVersion": "rovo-audit/v1", "kind": "OrgSettings", "collected_at": "2026-11-30T09:00:00Z", "orgs": [org]}
    path = tmp / "s.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def audit(tmp: Path, *policies: str | Path, settings_file: Path, as_of: str = AS_OF) -> tuple[int, dict[Any, Any]]:
    out = tmp / "out"
    args = [a for p in policies for a in ("--policy", p)]
    r = run_cli("audit", *args, "--settings", settings_file, "--out", out, "--format", "json", "--no-history",
                "--as-of", as_of)  # fmt: skip
    assert r.code in (0, 1), r.err
    return r.code, {(f["control"], f["subject"]): f for f in findings(out / "results.json")}  # tests/results_doc.py


# -- part 4: "Apply to future additions" (RMCP-PERM-004) ------------------------------------------

FUTURE_POLICY = """\
future_additions:
  jira: {read: require, write: forbid, delete: forbid, manage: forbid}
  confluence: {search: forbid, write: forbid}
"""


def test_future_additions_judged_per_group_with_severity_by_intent(tmp_path: Path) -> None:
    p = policy(tmp_path, FUTURE_POLICY)
    s = settings(
        tmp_path,
        {"future_additions": {"jira": {"read": True, "write": True, "delete": False}, "confluence": {"search": True}}},
    )
    code, found = audit(tmp_path, p, settings_file=s)
    assert code == 1
    perm4 = {k[1]: (f["status"], f["severity"]) for k, f in found.items() if k[0] == "RMCP-PERM-004"}
    assert perm4 == {
        "jira.read": ("pass", "medium"),  # require, on
        "jira.write": ("fail", "high"),  # forbid, on: new write permissions granted unreviewed
        "jira.delete": ("pass", "high"),
        "jira.manage": ("unknown", "high"),  # not attested: never a pass
        "confluence.search": ("fail", "medium"),
        "confluence.write": ("unknown", "high"),
    }
    write_ = found[("RMCP-PERM-004", "jira.write")]
    assert write_["expected"] == "Apply to future additions: off"
    assert write_["actual"] == "Apply to future additions: on"
    assert write_["area"] == "permissions" and write_["policy_ref"].endswith("p.yaml:5")
    rem = write_["remediation"]
    assert rem["summary"] == "Turn off Apply to future additions for `jira.write` on the Permissions tab"
    assert rem["steps"][0] == "Open Atlassian Administration → Rovo → Rovo MCP server → Permissions."
    assert rem["steps"][1] == "Find Jira → Write and turn off Apply to future additions."
    assert rem["links"] == [controls().links["mcp_permissions"]]
    unknown = found[("RMCP-PERM-004", "jira.manage")]
    assert "rovo_mcp.future_additions.jira.manage is absent" in unknown["actual"]
    assert unknown["remediation"]["collect"] == "rovo_mcp"  # how to attest it, not the fail's advice
    assert "pass" not in {f["status"] for k, f in found.items() if k[0] == "RMCP-PERM-004" and k[1] == "jira.manage"}


def test_future_additions_not_collected_at_all_is_unknown(tmp_path: Path) -> None:
    p = policy(tmp_path, FUTURE_POLICY)
    for rovo in (None, {"api_token_auth": False}):
        _, found = audit(tmp_path, p, settings_file=settings(tmp_path, rovo))
        statuses = {f["status"] for k, f in found.items() if k[0] == "RMCP-PERM-004"}
        assert statuses == {"unknown"}, rovo
        assert "rovo_mcp" in found[("RMCP-PERM-004", "jira.write")]["actual"]


def test_a_policy_severity_override_applies_to_every_group(tmp_path: Path) -> None:
    p = policy(tmp_path, FUTURE_POLICY + "severity: {RMCP-PERM-004: low}\n")
    s = settings(tmp_path, {"future_additions": {"jira": {"read": False, "write": True}}})
    _, found = audit(tmp_path, p, settings_file=s)
    assert found[("RMCP-PERM-004", "jira.read")]["severity"] == "low"
    assert found[("RMCP-PERM-004", "jira.write")]["severity"] == "low"


def test_future_additions_input_errors_name_the_place(tmp_path: Path) -> None:
    bad = policy(tmp_path, "future_additions: {jira: {write: forbid, erase: forbid}}\n", name="bad")
    r = run_cli("validate", bad)
    assert r.code == 2 and f"{bad}:4:" in r.err and "jira has no permission group 'erase'" in r.err
    word = policy(tmp_path, "future_additions: {jira: {write: off}}\n", name="word")
    r = run_cli("validate", word)
    assert r.code == 2 and f"{word}:4:" in r.err
    s = write(
        tmp_path / "bad-s.yaml",
        f"""\
        apiVersion: rovo-audit/v1
        kind: OrgSettings
        orgs:
          - id: {ORG}
            rovo_mcp:
              future_additions: {{jira: {{write: "yes"}}, lom: {{read: true}}}}
        """,
    )
    r = run_cli("validate", s)
    assert r.code == 2 and "unknown product 'lom'" in r.err and "write: expected a valid boolean" in r.err
    a = policy(tmp_path, "future_additions: {jira: {write: forbid}}\n", name="a")
    b = policy(tmp_path, "future_additions: {jira: {write: require}}\n", name="b")
    r = run_cli("validate", "--together", a, b)
    assert r.code == 2 and "future_additions.jira.write: one says forbid, the other require" in r.err


def test_the_baseline_forbids_future_additions_for_write_and_destructive_intents(tmp_path: Path) -> None:
    flags = {"jira": {"read": True, "write": True, "delete": False, "manage": False}, "confluence": {"write": False}}
    _, found = audit(tmp_path, "baseline", settings_file=settings(tmp_path, {"future_additions": flags}))
    perm4 = {k[1]: f["status"] for k, f in found.items() if k[0] == "RMCP-PERM-004"}
    assert perm4 == {"jira.write": "fail", "jira.delete": "pass", "jira.manage": "pass", "confluence.write": "pass"}
    assert found[("RMCP-PERM-004", "jira.write")]["policy_ref"].startswith("policies/baseline.yaml:")


def test_the_plan_turns_future_additions_off_and_its_target_audits_clean(tmp_path: Path) -> None:
    p = policy(tmp_path, "future_additions: {jira: {write: forbid, read: require}}\n")
    s = settings(tmp_path, {"future_additions": {"jira": {"write": True, "read": False}}})
    r = run_cli("plan", "--policy", p, "--settings", s, "--out", tmp_path / "plan", "--as-of", AS_OF)
    assert r.code == 0, r.out + r.err
    steps = json.loads((tmp_path / "plan" / "plan.json").read_text())["steps"]
    assert {(st["action"], st["path"], st["value"]) for st in steps} == {
        ("set", "rovo_mcp.future_additions.jira.write", False),
        ("set", "rovo_mcp.future_additions.jira.read", True),
    }
    write_step = next(st for st in steps if st["path"].endswith("jira.write"))
    assert write_step["summary"] == "Turn off Apply to future additions for Jira → write on the Permissions tab"
    assert write_step["where"] == "Atlassian Administration → Rovo → Rovo MCP server → Permissions"
    assert write_step["findings"] == [["RMCP-PERM-004", "jira.write"]]
    target = tmp_path / "plan" / "target.settings.yaml"
    assert yaml.safe_load(target.read_text())["orgs"][0]["rovo_mcp"]["future_additions"] == {
        "jira": {"write": False, "read": True}
    }
    code, found = audit(tmp_path, p, settings_file=target)
    assert code == 0 and {f["status"] for f in found.values()} == {"pass"}


def test_the_template_keeps_future_additions_off(tmp_path: Path) -> None:
    r = run_cli("plan", "--policy", "baseline", "--out", tmp_path, "--as-of", AS_OF)
    assert r.code == 0, r.out + r.err
    org = yaml.safe_load((tmp_path / "target.settings.yaml").read_text())["orgs"][0]
    future = org["rovo_mcp"]["future_additions"]
    assert future["jira"] == {"read": False, "write": False, "search": False, "delete": False, "manage": False}
    assert {v for groups in future.values() for v in groups.values()} == {False}


# -- part 5: RMCP-SCOPE-003 by effect ------------------------------------------------------------

SCOPES = """\
scopes:
  credentials: ["*"]
  classic_on_api_tokens: {level}
"""
TOKENS = [
    {"label": "legacy", "kind": "api_token", "scopes": ["read:jira-work", "read:confluence-content.all"]},
    {"label": "legacy-offline", "kind": "api_token", "scopes": ["read:jira-work", "offline_access"]},
    {"label": "mixed", "kind": "api_token", "scopes": ["read:jira-work", "read:jira:agent-interface"]},
    {"label": "mcp", "kind": "api_token", "scopes": ["read:confluence:mcp", "search:rovo:mcp", "read:3p-data:mcp"]},
    {"label": "twg", "kind": "api_token", "scopes": ["read:all:twg", "read:confluence-content.all"]},
    {"label": "granular", "kind": "api_token", "scopes": ["read:page:confluence", "delete:jira:agent-interface"]},
    {"label": "sa-key", "kind": "service_account_key", "scopes": ["read:jira-work"]},  # not an API token
]


@pytest.mark.parametrize("level", ["fail", "warn"])
def test_classic_scopes_by_effect(tmp_path: Path, level: str) -> None:
    p = policy(tmp_path, SCOPES.format(level=level))
    _, found = audit(tmp_path, p, settings_file=settings(tmp_path, credentials=TOKENS))
    got = {k[1]: f["status"] for k, f in found.items() if k[0] == "RMCP-SCOPE-003"}
    assert got == {
        # only classic scopes (an identity scope is no product access): it sees only Teamwork Graph tools
        "legacy/read:jira-work": "fail",
        "legacy/read:confluence-content.all": "fail",
        "legacy-offline/read:jira-work": "fail",
        "legacy-offline/offline_access": "pass",
        # beside recognised scopes: as classic_on_api_tokens says
        "mixed/read:jira-work": level,
        "mixed/read:jira:agent-interface": "pass",
        "twg/read:all:twg": "pass",
        "twg/read:confluence-content.all": level,
        "mcp/read:confluence:mcp": "pass",
        "mcp/search:rovo:mcp": "pass",
        "mcp/read:3p-data:mcp": "pass",
        "granular/read:page:confluence": "pass",
        "granular/delete:jira:agent-interface": "pass",
    }
    legacy = found[("RMCP-SCOPE-003", "legacy/read:jira-work")]
    assert "holds no scope the MCP server recognises" in legacy["actual"]
    assert "Teamwork Graph" in legacy["actual"]
    assert legacy["remediation"]["summary"].startswith("Issue legacy again with scopes the MCP server recognises")
    assert any("Rovo MCP" in step for step in legacy["remediation"]["steps"])
    mixed = found[("RMCP-SCOPE-003", "mixed/read:jira-work")]
    assert (
        mixed["actual"] == "read:jira-work is a classic scope, ignored beside the recognised read:jira:agent-interface"
    )
    assert mixed["remediation"]["summary"] == (
        "Leave classic scope `read:jira-work` out when mixed is next issued: the MCP server ignores it"
    )
    assert found[("RMCP-SCOPE-003", "mcp/search:rovo:mcp")]["actual"] == "search:rovo:mcp is recognised (mcp scope)"
    assert found[("RMCP-SCOPE-003", "granular/read:page:confluence")]["actual"].endswith("(granular scope)")
    assert found[("RMCP-SCOPE-003", "twg/read:all:twg")]["actual"].endswith("(teamwork-graph scope)")


def test_classic_on_api_tokens_ignore_checks_nothing(tmp_path: Path) -> None:
    p = policy(tmp_path, SCOPES.format(level="ignore"))
    _, found = audit(tmp_path, p, settings_file=settings(tmp_path, credentials=TOKENS))
    assert not any(k[0] == "RMCP-SCOPE-003" for k in found)


def test_the_plan_drops_an_ignored_classic_scope_and_leaves_a_token_with_none_recognised(tmp_path: Path) -> None:
    p = policy(tmp_path, SCOPES.format(level="fail"))
    tokens = [TOKENS[0], TOKENS[2]]  # legacy (classic only) and mixed
    s = settings(tmp_path, credentials=tokens)
    r = run_cli("plan", "--policy", p, "--settings", s, "--out", tmp_path / "plan", "--as-of", AS_OF)
    assert r.code == 1  # something is unresolvable
    doc = json.loads((tmp_path / "plan" / "plan.json").read_text())
    assert [(st["action"], st["path"], st["value"]) for st in doc["steps"]] == [
        ("remove", "credentials[mixed].scopes", "read:jira-work")
    ]
    unresolvable = {(u["control"], u["subject"]): u["reason"] for u in doc["unresolvable"]}
    assert set(unresolvable) == {("RMCP-SCOPE-003", "legacy/read:jira-work"),
                                 ("RMCP-SCOPE-003", "legacy/read:confluence-content.all")}  # fmt: skip
    assert all("holds no scope the MCP server recognises" in why for why in unresolvable.values())
    # with the scopes it needs listed in the policy, the plan adds them, then drops the classic ones
    p2 = policy(tmp_path, SCOPES.format(level="fail") + "  required: [read:page:confluence]\n", name="p2")
    r = run_cli("plan", "--policy", p2, "--settings", s, "--out", tmp_path / "plan2", "--as-of", AS_OF)
    assert r.code == 0, r.out
    plan2 = json.loads((tmp_path / "plan2" / "plan.json").read_text())
    steps = [(st["action"], st["path"], st["value"]) for st in plan2["steps"]]
    assert steps[:2] == [("add", "credentials[legacy].scopes", "read:page:confluence"),
                         ("add", "credentials[mixed].scopes", "read:page:confluence")]  # fmt: skip
    assert set(steps[2:]) == {
        ("remove", "credentials[legacy].scopes", "read:jira-work"),
        ("remove", "credentials[legacy].scopes", "read:confluence-content.all"),
        ("remove", "credentials[mixed].scopes", "read:jira-work"),
    }


# -- part 6: RMCP-DOM-001's advice names the open v2 bug while it applies -------------------------

DOM = 'domains: {required: ["https://app.example.com/oauth/callback"]}\n'


def _dom1(tmp: Path, as_of: str) -> dict[str, Any]:
    p = policy(tmp, DOM)
    _, found = audit(tmp, p, settings_file=settings(tmp, {"domains": ["https://other.example.com/**"]}), as_of=as_of)
    f: dict[str, Any] = found[("RMCP-DOM-001", "https://app.example.com/oauth/callback")]
    assert f["status"] == "fail"
    return f


def test_dom_001_names_bug_254_while_it_is_open(tmp_path: Path) -> None:
    rem = _dom1(tmp_path, "2026-12-01")["remediation"]
    (bug,) = known_bugs().open_for(control="RMCP-DOM-001", day=dt.date(2026, 12, 1))
    assert rem["steps"][-1] == bug.advice and "atlassian-mcp-server#254" in rem["steps"][-1]
    assert rem["steps"][:-1] == [
        "Open Atlassian Administration → Rovo → Rovo MCP server (older UI: Apps → AI settings → Rovo MCP server).",
        "Under Your domains, select Add domain and enter `https://app.example.com/oauth/callback`.",
        "Save, then ask a user of the client to reconnect.",
    ]
    assert rem["links"] == [controls().links["mcp_settings"], BUG_URL]


def test_dom_001_says_nothing_of_the_bug_before_it_was_reported(tmp_path: Path) -> None:
    rem = _dom1(tmp_path, "2026-09-01")["remediation"]
    assert not any("254" in step for step in rem["steps"]) and BUG_URL not in rem["links"]


def test_dom_001_advice_goes_back_to_normal_once_the_bug_is_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditor.catalog as catalog

    data = known_bugs()
    fixed = KnownBugs.model_validate(
        {
            **data.model_dump(),
            "bugs": [
                b.model_copy(update={"state": "fixed", "fixed_on": dt.date(2026, 11, 15)}).model_dump()
                for b in data.bugs
            ],
        }
    )
    monkeypatch.setattr(catalog, "known_bugs", lambda: fixed)
    catalog.bug_notes.cache_clear()
    catalog.render_remediation.cache_clear()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    try:
        assert not any("254" in s for s in _dom1(tmp_path / "a", "2026-12-01")["remediation"]["steps"])
        catalog.bug_notes.cache_clear()
        assert any("254" in s for s in _dom1(tmp_path / "b", "2026-11-10")["remediation"]["steps"])  # still open then
    finally:
        catalog.bug_notes.cache_clear()
        catalog.render_remediation.cache_clear()


# -- init --from-settings knows both ---------------------------------------------------------------


def test_init_writes_future_additions_and_accepts_a_classic_only_token(tmp_path: Path) -> None:
    flags = {"jira": {"read": True, "write": False}, "confluence": {"write": False}}
    s = settings(tmp_path, {"future_additions": flags}, credentials=[TOKENS[0], TOKENS[2]])
    out = tmp_path / "init.yaml"
    r = run_cli("init", "--from-settings", s, "--out", out)
    assert r.code == 0, r.err
    doc = yaml.safe_load(out.read_text())
    assert doc["future_additions"] == {"jira": {"read": "allow", "write": "forbid"}, "confluence": {"write": "forbid"}}
    assert doc["scopes"]["classic_on_api_tokens"] == "ignore"  # legacy fails at `warn` too
    assert "legacy: only classic scopes" in r.err
    code, found = audit(tmp_path, out, settings_file=s)
    assert code == 0 and {f["status"] for f in found.values()} == {"pass"}
    assert {k[1] for k in found if k[0] == "RMCP-PERM-004"} == {"jira.write", "confluence.write"}
