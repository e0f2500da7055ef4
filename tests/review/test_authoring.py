"""Policy authoring: `schema`, the bundled policies' editor modeline, `init --from-settings`
(a policy that audits its own settings with no fail) and `waivers`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from auditor.patterns import PatternSyntaxError, parse_pattern, rule_violations
from tests.conftest import EXAMPLE, ROOT, run_cli
from tests.estate import AS_OF, make_estate
from tests.review.scenario import write_files

SETTINGS = EXAMPLE / "example-corp.settings.yaml"


def _json(obj: object) -> object:
    """YAML values as JSON would carry them (dates as ISO strings), to validate against a schema."""
    return json.loads(json.dumps(obj, default=lambda v: v.isoformat()))


@pytest.mark.parametrize("kind", ["policy", "settings", "waivers"])
def test_schema_command_matches_shipped_file(kind):
    r = run_cli("schema", kind)
    assert r.code == 0, r.err
    schema = json.loads(r.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    # Controls, products and groups come from the data files: after changing one, run
    # `python schema/generate.py` and commit schema/*.schema.json.
    assert r.out == (ROOT / "schema" / f"{kind}.schema.json").read_text(), "stale schema: run python schema/generate.py"
    assert "apiVersion" in schema["required"]


def test_generator_check_mode():
    p = subprocess.run(
        [sys.executable, str(ROOT / "schema" / "generate.py"), "--check"], capture_output=True, text=True
    )
    assert p.returncode == 0, p.stderr


def test_schemas_accept_the_examples_and_reject_misspellings():
    policy = jsonschema.Draft202012Validator(json.loads((ROOT / "schema" / "policy.schema.json").read_text()))
    settings = jsonschema.Draft202012Validator(json.loads((ROOT / "schema" / "settings.schema.json").read_text()))
    assert not list(policy.iter_errors(_json(yaml.safe_load((EXAMPLE / "custom-webapp.policy.yaml").read_text()))))
    assert not list(settings.iter_errors(_json(yaml.safe_load(SETTINGS.read_text()))))
    bad = {
        "apiVersion": "rovo-audit/v1",
        "kind": "Policy",
        "metadata": {"name": "p"},
        "domains": {"requried": []},
        "permissions": {"jsm": {"search": "require"}},
        "severity": {"RMCP-XX-001": "low"},
    }
    messages = " ".join(e.message for e in policy.iter_errors(bad))
    assert "requried" in messages and "search" in messages and "RMCP-XX-001" in messages
    assert any("apiVersion" in e.message for e in policy.iter_errors({"kind": "Policy", "metadata": {"name": "p"}}))


def test_bundled_policies_carry_the_modeline():
    policy_schema = json.loads((ROOT / "schema" / "policy.schema.json").read_text())
    paths = sorted((ROOT / "policies").glob("*.yaml"))
    assert paths
    for path in paths:
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (ROOT / "schema" / "policy.schema.json").resolve()
        jsonschema.validate(_json(yaml.safe_load(path.read_text())), policy_schema)
        assert run_cli("validate", path).code == 0


# ---- init --from-settings ----


def _init_and_audit(settings: Path, tmp: Path, *extra: str) -> tuple[dict, str]:
    policy = tmp / "init.yaml"
    r = run_cli("init", "--from-settings", settings, "--out", policy, *extra)
    assert r.code == 0, r.err
    a = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        settings,
        "--out",
        tmp / "out",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--no-history",
    )
    assert a.code in (0, 1), a.err
    return json.loads((tmp / "out" / "results.json").read_text()), r.err


def _breaks_rules(entry: str) -> bool:
    try:
        return bool(rule_violations(parse_pattern(entry)))
    except PatternSyntaxError:
        return True


def test_init_shared_example_no_fail_but_what_no_policy_can_accept(tmp_path):
    doc, notes = _init_and_audit(SETTINGS, tmp_path)
    fails = [f for f in doc["findings"] if f["status"] in ("fail", "unknown")]
    # RMCP-DOM-006 is checked whatever the policy says; init says so on stderr.
    assert [(f["control"], f["subject"]) for f in fails] == [("RMCP-DOM-006", "http://dev.example.com/**")]
    assert "http://dev.example.com/**" in notes and "RMCP-DOM-006" in notes
    warned = {(f["control"], f["subject"]) for f in doc["findings"] if f["status"] == "warn"}
    assert ("RMCP-DOM-004", "https://*.vercel.app/**") in warned  # risky today: visible, not failing
    # The same settings without the malformed entry: no fail at all, and exit 0.
    clean = tmp_path / "clean.yaml"
    clean.write_text(SETTINGS.read_text().replace("        - http://dev.example.com/**\n", ""))
    (tmp_path / "c").mkdir()
    doc, notes = _init_and_audit(clean, tmp_path / "c")
    assert not [f for f in doc["findings"] if f["status"] in ("fail", "unknown")]
    assert notes == "wrote " + str(tmp_path / "c" / "init.yaml") + "\n"


def test_init_describes_every_entry_and_toggle(tmp_path):
    r = run_cli("init", "--from-settings", SETTINGS)
    assert r.code == 0 and r.out.startswith("# Generated by `rovo-audit init")
    policy = yaml.safe_load(r.out)
    org = yaml.safe_load(SETTINGS.read_text())["orgs"][0]
    listed = policy["domains"]["required"] + policy["domains"]["allowed"]
    assert sorted(listed) == sorted(org["rovo_mcp"]["domains"])
    assert policy["domains"]["atlassian_supported"] == "require"  # the toggle is on
    assert policy["auth"] == {"oauth": "require", "api_token": "forbid"}
    assert policy["permissions"]["jira"] == {
        "read": "require",
        "write": "allow",
        "search": "require",
        "delete": "forbid",
        "manage": "forbid",
    }  # write is partial
    assert policy["permissions"]["confluence"] == {"read": "require", "write": "forbid", "search": "require"}
    assert policy["ip_allowlist"] == {"enabled": "require", "required_ranges": ["203.0.113.0/24"]}
    assert policy["orgs"] == [org["id"]]
    for cred in org["credentials"]:
        assert f"{cred['label']} ({cred['kind']}): {', '.join(cred['scopes'])}" in r.out  # in the comments
    assert r.out.count("\n#") + r.out.count("  #") > 10  # commented


def test_init_generated_estate_multi_org(tmp_path):
    _, settings_text = make_estate(8, 6, seed=3)
    settings = tmp_path / "estate.yaml"
    settings.write_text(settings_text)
    doc, _ = _init_and_audit(settings, tmp_path)
    assert len(doc["orgs"]) == 8
    for f in doc["findings"]:
        if f["status"] == "fail":
            assert f["control"] == "RMCP-DOM-006" and _breaks_rules(f["subject"]), f
        if f["status"] == "unknown":  # the estate leaves some sections uncollected: never a pass
            assert f["actual"].startswith("not collected"), f
    assert any(f["status"] == "unknown" for f in doc["findings"])
    # Without the entries that break Atlassian's rules: no fail in any org.
    data = yaml.safe_load(settings_text)
    for org in data["orgs"]:
        org["rovo_mcp"]["domains"] = [d for d in org["rovo_mcp"]["domains"] if not _breaks_rules(d)]
    clean = tmp_path / "clean.yaml"
    clean.write_text(yaml.safe_dump(data, sort_keys=False))
    (tmp_path / "c").mkdir()
    doc, _ = _init_and_audit(clean, tmp_path / "c")
    assert not [f for f in doc["findings"] if f["status"] == "fail"]
    assert all(f["actual"].startswith("not collected") for f in doc["findings"] if f["status"] == "unknown")
    assert sum(o["summary"]["pass"] for o in doc["orgs"]) > 8 * 10


def test_init_one_org_refuses_overwrite_and_bad_org(tmp_path):
    _, settings_text = make_estate(3, 4, seed=5)
    settings = tmp_path / "estate.yaml"
    settings.write_text(settings_text)
    name = yaml.safe_load(settings_text)["orgs"][1]["name"]
    out = tmp_path / "p.yaml"
    assert run_cli("init", "--from-settings", settings, "--org", name, "--out", out).code == 0
    assert len(yaml.safe_load(out.read_text())["orgs"]) == 1
    r = run_cli("init", "--from-settings", settings, "--out", out)
    assert r.code == 2 and "--force" in r.err
    assert run_cli("init", "--from-settings", settings, "--out", out, "--force").code == 0
    r = run_cli("init", "--from-settings", settings, "--org", "Nobody")
    assert r.code == 2 and "Nobody" in r.err
    r = run_cli("init", "--from-settings", tmp_path / "missing.yaml")
    assert r.code == 2 and "missing.yaml:1:1" in r.err


# ---- waivers ----


def test_waivers_lists_expired_expiring_unused(tmp_path):
    files = write_files(tmp_path)
    text = files.waivers.read_text() + (
        "  - control: RMCP-DOM-005\n    reason: typo in the date\n    approved_by: ciso@example.com\n"
        "    expires: someday\n"
    )
    files.waivers.write_text(text)
    args = (
        "waivers",
        files.waivers,
        "--settings",
        files.new_settings,
        "--policy",
        files.policy,
        "--as-of",
        "2026-12-05",
    )
    r = run_cli(*args)
    assert r.code == 1, r.err
    assert r.out.startswith("5 waiver(s) as of 2026-12-05: 1 expired, 1 unreadable, 1 unused, 1 expiring, 1 ok")
    lines = r.out.splitlines()[1:]
    assert [ln.split()[0] for ln in lines] == ["expired", "unreadable", "unused", "expiring"]  # ok ones only with --all
    assert "RMCP-IP-002 192.0.2.10/32: expired 2026-12-01 (4 days ago)" in r.out
    assert "expires 2026-12-20 (in 15 days); waives 1 finding" in r.out
    assert f"{files.waivers}:19" in r.out  # the unused RMCP-IP-001 waiver, by file:line
    doc = json.loads(run_cli(*args, "--format", "json", "--expiring-days", "10").out)
    assert doc["schema"] == "rovo-audit/waivers/v1" and doc["summary"]["expiring"] == 0 and doc["summary"]["ok"] == 2
    states = {(w["control"], w["subject"]): w["state"] for w in doc["waivers"]}
    assert states[("RMCP-DOM-003", "https://*.vercel.app/**")] == "ok"
    assert "ok " in run_cli(*args, "--all").out
    # Earlier, nothing had expired and every waiver but one was in use.
    r = run_cli(
        "waivers", files.waivers, "--settings", files.old_settings, "--policy", files.policy, "--as-of", "2026-11-26"
    )
    assert "0 expired" in r.out
    assert run_cli("waivers", files.waivers, "--settings", files.old_settings).code == 2


def test_init_and_doctor_name_an_unknown_org_alike(tmp_path):
    settings = EXAMPLE / "example-corp.settings.yaml"
    for args in (
        ("init", "--from-settings", settings, "--org", "nope"),
        ("doctor", "--settings", settings, "--org", "nope"),
    ):
        r = run_cli(*args, cwd=tmp_path)
        assert r.code == 2 and "Traceback" not in r.err, r.err
        assert f"--org nope: no such org in {settings} (orgs: Example Corp)" in r.err
