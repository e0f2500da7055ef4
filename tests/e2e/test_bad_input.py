"""Every kind of bad input: exit 2, one message naming file:line:column, no traceback."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, assert_usage_error, run_cli

SETTINGS = EXAMPLE / "example-corp.settings.yaml"
POLICY_HEAD = "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: p}\n"


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(textwrap.dedent(text))
    return p


def assert_input_error(
    r, file: Path | str, line: int, col: int | None, *needles: str, prefix: str = "rovo-audit: error: "
) -> None:
    """One `rovo-audit: error: file:line:column: message` line (any column when `col` is None);
    `validate` lists its problems as bare `file:line:column: message` lines."""
    message = assert_usage_error(r, *needles, prefix=prefix)
    where = re.escape(f"{file}:{line}:") + (re.escape(f"{col}:") if col is not None else r"\d+:")
    assert re.search(where, message), (where, message)


POLICY_CASES = [
    ("yaml-syntax", POLICY_HEAD + "domains: [a, b\n", 5, None, ["invalid YAML"]),
    (
        "unknown-key",
        POLICY_HEAD + "domains:\n  requried: [https://a.example.com]\n",
        5,
        3,
        ["unknown key 'requried'", "required"],
    ),
    ("wrong-value", POLICY_HEAD + "auth:\n  oauth: required\n", 5, 10, ["'require'", "'required'"]),
    ("bad-name", "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: Bad Name}\n", 3, 18, ["name"]),
    ("no-api-version", "kind: Policy\nmetadata: {name: p}\n", 1, 1, ["apiVersion"]),
    ("bad-kind", "apiVersion: rovo-audit/v1\nkind: Polcy\n", 2, 7, ["kind"]),
    ("unknown-product", POLICY_HEAD + "permissions:\n  jiraa: {read: require}\n", 5, 3, ["unknown product 'jiraa'"]),
    (
        "group-lacking",
        POLICY_HEAD + "permissions:\n  jsm: {search: require}\n",
        5,
        9,
        ["jsm has no permission group 'search'"],
    ),
    ("unknown-control", POLICY_HEAD + "severity:\n  RMCP-DOM-999: low\n", 5, 3, ["unknown control"]),
    ("bad-severity", POLICY_HEAD + "severity:\n  RMCP-DOM-003: urgent\n", 5, 17, ["critical"]),
    ("bad-pattern", POLICY_HEAD + "domains:\n  required:\n    - app.example.com/**\n", 6, 7, ["app.example.com"]),
    ("bad-range", POLICY_HEAD + "ip_allowlist:\n  required_ranges: [10.0.0.0/33]\n", 5, 21, ["10.0.0.0/33"]),
    ("duplicate-key", POLICY_HEAD + "auth: {oauth: require}\nauth: {oauth: forbid}\n", 5, 1, ["duplicate key 'auth'"]),
    ("negative-age", POLICY_HEAD + "evidence: {max_age_days: -1}\n", 4, 26, ["max_age_days"]),
    ("scalar-top", "just a string\n", 1, 1, ["mapping"]),
    ("empty", "", 1, 1, ["empty"]),
    (
        "required-is-forbidden",
        POLICY_HEAD + "domains:\n  required: [https://a.example.com/**]\n  forbidden: [https://*.com/**]\n",
        5,
        14,
        ["contradict", "https://a.example.com/**"],
    ),
]


@pytest.mark.parametrize(("name", "text", "line", "col", "needles"), POLICY_CASES, ids=[c[0] for c in POLICY_CASES])
def test_bad_policy(tmp_path, name, text, line, col, needles):
    p = write(tmp_path, "policy.yaml", text)
    r = run_cli("audit", "--policy", p, "--settings", SETTINGS, "--out", tmp_path / "out")
    assert_input_error(r, p, line, col, *needles)
    assert not (tmp_path / "out").exists(), "nothing may be written on bad input"


SETTINGS_HEAD = "apiVersion: rovo-audit/v1\nkind: OrgSettings\ncollected_at: 2026-11-20T09:30:00Z\norgs:\n  - id: o1\n"
SETTINGS_CASES = [
    (
        "bad-permission-value",
        SETTINGS_HEAD + "    rovo_mcp:\n      permissions:\n        jira: {read: yes}\n",
        8,
        22,
        ["allowed", "quote"],
    ),
    ("bad-cidr", SETTINGS_HEAD + "    ip_allowlist:\n      ranges: [300.1.1.1/32]\n", 7, 16, ["300.1.1.1/32"]),
    (
        "bad-credential-kind",
        SETTINGS_HEAD + "    credentials:\n      - {label: a, kind: token}\n",
        7,
        26,
        ["api_token"],
    ),
    ("misspelt-section", SETTINGS_HEAD + "    rovo-mcp: {}\n", 6, 5, ["unknown key 'rovo-mcp'", "rovo_mcp"]),
    ("duplicate-org", SETTINGS_HEAD + "  - id: o1\n", 6, 9, ["appears twice"]),
    ("bad-time", SETTINGS_HEAD.replace("2026-11-20T09:30:00Z", "yesterday"), 3, 15, ["collected_at"]),
]


@pytest.mark.parametrize(("name", "text", "line", "col", "needles"), SETTINGS_CASES, ids=[c[0] for c in SETTINGS_CASES])
def test_bad_settings(tmp_path, name, text, line, col, needles):
    s = write(tmp_path, "settings.yaml", text)
    r = run_cli("audit", "--policy", EXAMPLE / "custom-webapp.policy.yaml", "--settings", s, "--out", tmp_path / "out")
    assert_input_error(r, s, line, col, *needles)


def test_bad_waivers(tmp_path):
    w = write(
        tmp_path,
        "w.yaml",
        """\
        apiVersion: rovo-audit/v1
        kind: Waivers
        waivers:
          - control: RMCP-DOM-003
            reason: "  "
            approved_by: ciso@example.com
            expires: 2027-01-31
        """,
    )
    r = run_cli(
        "audit",
        "--policy",
        EXAMPLE / "custom-webapp.policy.yaml",
        "--settings",
        SETTINGS,
        "--waivers",
        w,
        "--out",
        tmp_path / "out",
    )
    assert_input_error(r, w, 5, 13, "reason")


def test_settings_file_given_as_policy(tmp_path):
    r = run_cli("audit", "--policy", SETTINGS, "--settings", SETTINGS, "--out", tmp_path)
    assert_input_error(r, SETTINGS, 4, 7, "expected Policy")


def test_contradiction_between_two_policies_names_both(tmp_path):
    a = write(tmp_path, "a.yaml", POLICY_HEAD + "auth:\n  api_token: require\n")
    b = write(tmp_path, "b.yaml", POLICY_HEAD.replace("name: p", "name: q") + "\n\nauth:\n  api_token: forbid\n")
    r = run_cli("audit", "--policy", a, "--policy", b, "--settings", SETTINGS, "--out", tmp_path / "out")
    assert_input_error(r, b, 7, 14, "contradict", f"{a}:5:14")


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    p = write(tmp_path, "bomb.yaml", POLICY_HEAD + "\n".join(lines) + "\n")
    r = run_cli("validate", p, timeout=20)
    assert r.code == 2 and "alias" in r.err and "Traceback" not in r.err
    assert_usage_error(r, "alias", prefix=f"{p}:")


def test_absurd_size_is_refused(tmp_path):
    p = tmp_path / "huge.yaml"
    with p.open("wb") as fh:
        fh.truncate(65 * 1024 * 1024)  # sparse: refused on its size, before any read
    r = run_cli("validate", p, timeout=20)
    assert_input_error(r, p, 1, 1, "MiB", prefix=f"{p}:1:1: ")


def test_not_utf8(tmp_path):
    p = tmp_path / "bin.yaml"
    p.write_bytes(b"apiVersion: rovo-audit/v1\nkind: \xff\xfe\n")
    assert_input_error(run_cli("validate", p), p, 2, 7, "UTF-8", prefix=f"{p}:2:7: ")  # the bad byte's place


def test_missing_file(tmp_path):
    r = run_cli("audit", "--policy", tmp_path / "nope.yaml", "--settings", SETTINGS)
    assert_input_error(r, tmp_path / "nope.yaml", 1, 1, "no such file")


@pytest.mark.parametrize(
    "args",
    [
        ["audit"],
        ["audit", "--policy", "x.yaml"],
        ["audit", "--demo", "--as-of", "tomorrow"],
        ["audit", "--demo", "--format", "pdf"],
        ["audit", "--demo", "--fail-on", "sometimes"],
        ["frobnicate"],
    ],
)
def test_usage_errors(args):
    r = run_cli(*args)
    assert_usage_error(r)
    assert r.err.startswith("rovo-audit: error: ") and r.err.count("rovo-audit") <= 2, (
        r.err
    )  # named once, + the --help hint


def test_validate_lists_every_problem(tmp_path):
    p = write(
        tmp_path,
        "p.yaml",
        POLICY_HEAD + "auth:\n  oauth: yes\n  api_tokn: forbid\npermissions:\n  jira: {reed: require}\n",
    )
    r = run_cli("validate", p)
    assert r.code == 2 and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 3, r.err
    assert f"{p}:5:10:" in r.err and f"{p}:6:3:" in r.err and f"{p}:8:10:" in r.err


def test_validate_ok(tmp_path):
    r = run_cli("validate", EXAMPLE / "custom-webapp.policy.yaml", SETTINGS)
    assert r.code == 0, r.err
    assert "ok (Policy)" in r.out and "ok (OrgSettings)" in r.out


def test_validate_takes_a_bundled_policy_name_as_audit_does(tmp_path):
    r = run_cli("validate", "baseline", "rollout-custom-webapp", cwd=tmp_path)
    assert r.code == 0 and r.out.count("ok (Policy)") == 2, r.err
    r = run_cli("validate", "basline", cwd=tmp_path)
    assert r.code == 2 and "bundled policies: baseline" in r.err


def test_validate_together_finds_contradictions_between_files(tmp_path):
    a = write(tmp_path, "a.yaml", POLICY_HEAD + "auth:\n  api_token: require\n")
    b = write(tmp_path, "b.yaml", POLICY_HEAD.replace("name: p", "name: q") + "auth:\n  api_token: forbid\n")
    assert run_cli("validate", a, b).code == 0  # alternatives, each valid on its own
    r = run_cli("validate", "--together", a, b)
    assert r.code == 2 and "contradict" in r.err and f"{a}:5:14" in r.err


# --- hostile and out-of-range input (issue "hostile data and faults", part 1) -------------------

HOSTILE_CASES = [
    ("deep-flow", POLICY_HEAD + "severity: " + "[" * 300 + "]" * 300 + "\n", 4, None, ["nested more than 64 levels"]),
    ("impossible-date", "apiVersion: rovo-audit/v1\nkind: Waivers\nwaivers:\n- {control: RMCP-DOM-001, reason: r, approved_by: a, expires: 2026-02-30, ref: W}\n", 4, None, ["2026-02-30", "day is out of range"]),
    ("month-13", "apiVersion: rovo-audit/v1\nkind: OrgSettings\ncollected_at: 2026-13-01T00:00:00Z\norgs: []\n", 3, 15, ["2026-13-01"]),
    ("hour-25", "apiVersion: rovo-audit/v1\nkind: OrgSettings\ncollected_at: 2026-11-01 25:00:00\norgs: []\n", 3, 15, ["bad value"]),
    ("huge-integer", POLICY_HEAD + "evidence: {max_age_days: " + "9" * 5000 + "}\n", 4, 26, ["4,300 digits"]),
    ("quoted-number", POLICY_HEAD + "evidence: {max_age_days: '30'}\n", 4, 26, ["max_age_days", "expected a valid integer", "'30'"]),
    ("binary-tag", "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: !!binary aGVsbG8=}\n", 3, 18, ["!!binary"]),
    ("number-as-bool", "apiVersion: rovo-audit/v1\nkind: OrgSettings\norgs: [{id: o, rovo_mcp: {api_token_auth: 1}}]\n", 3, None, ["api_token_auth", "boolean"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "line", "col", "needles"), HOSTILE_CASES, ids=[c[0] for c in HOSTILE_CASES])
def test_hostile_input_is_one_located_line(
    tmp_path: Path, name: str, text: str, line: int, col: int | None, needles: list[str]
) -> None:
    f = write(tmp_path, f"{name}.yaml", text)
    out = tmp_path / "out"
    r = run_cli("validate", f)
    assert_input_error(r, f, line, col, *needles, prefix=f"{f}:")
    assert not out.exists()


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "directory"])
def test_only_regular_files_are_read(tmp_path: Path, special: str) -> None:
    import os

    if special == "fifo":
        path = tmp_path / "settings.yaml"
        os.mkfifo(path)
    elif special == "directory":
        path = tmp_path / "settings.yaml"
        path.mkdir()
    else:
        path = Path(special)
    r = run_cli("audit", "--policy", "baseline", "--settings", path, "--out", tmp_path / "out", timeout=10)
    assert_input_error(r, path, 1, 1, "expected a YAML file")
    assert not (tmp_path / "out").exists()


def test_a_dotenv_that_is_not_utf8_is_one_located_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"ROVO_AUDIT_ORG_ID=x\nROVO_AUDIT_ADMIN_API_KEY=\xff\xfe\n")
    r = run_cli("collect", "--out", tmp_path / "s.yaml", cwd=tmp_path)
    assert_input_error(r, ".env", 2, 26, "not UTF-8")
    assert not (tmp_path / "s.yaml").exists()


@pytest.mark.parametrize(
    ("text", "needle"),
    [("[" * 100_000 + "]" * 100_000, "nested too deeply"), ('{"x": ' + "9" * 5000 + "}", "4300 digits")],
    ids=["deep", "huge-integer"],
)
def test_a_hostile_results_json_is_one_line(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "r.json"
    f.write_text(text)
    assert_input_error(run_cli("diff", f, f), f, 1, 1, needle)


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1969-12-31"])
def test_an_as_of_out_of_range_is_a_usage_error(tmp_path: Path, value: str) -> None:
    assert_usage_error(run_cli("audit", "--demo", "--as-of", value, "--out", tmp_path / "o"), "--as-of", "2000")
    assert not (tmp_path / "o").exists()


def test_call_args_nested_past_any_use_is_a_usage_error() -> None:
    deep = "[" * 5000 + "]" * 5000
    assert_usage_error(run_cli("doctor", "--call-args", deep, "--url", "http://127.0.0.1:9/v1/mcp"), "--call-args")
