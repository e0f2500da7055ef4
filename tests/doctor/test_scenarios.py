"""One test per simulator scenario: the real `rovo-audit doctor` names that cause FIRST
(step code and cause id), and the healthy server passes every step."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.doctor.conftest import basic, doctor, settings_file
from tests.servers.rovo_sim import (
    AGENT_SCOPES,
    CUSTOM_APP_ISSUER,
    SCENARIOS,
    SIM_API_TOKEN,
    SIM_CLASSIC_API_TOKEN,
    SimConfig,
    make_tls_files,
    oauth_token,
    running_sim,
)

ALL_STEPS = (
    "DOC-ENDPOINT-001",
    "DOC-ENDPOINT-002",
    "DOC-ENDPOINT-003",
    "DOC-AUTH-001",
    "DOC-AUTH-002",
    "DOC-AUTH-003",
    "DOC-AUTH-004",
    "DOC-AUTH-005",
    "DOC-AUTH-006",
    "DOC-AUTH-007",
    "DOC-CRED-001",
    "DOC-CRED-002",
    "DOC-CRED-003",
    "DOC-SETTINGS-001",
    "DOC-SETTINGS-002",
    "DOC-SETTINGS-003",
    "DOC-MCP-001",
    "DOC-MCP-002",
    "DOC-MCP-003",
    "DOC-CLIENT-001",
)


def test_healthy_server_passes_every_step(tmp_path: Path) -> None:
    """OAuth over TLS on /v2/mcp with every option: all 19 steps run, and all pass."""
    tls = make_tls_files(tmp_path)
    with running_sim(SCENARIOS["healthy"], tls=tls) as base:
        token = oauth_token(base, scopes=AGENT_SCOPES)
        run = doctor(
            base,
            tmp_path,
            "--bearer",
            token,
            "--ca-file",
            str(tls.cert),
            "--origin",
            "https://app.example.com/oauth/callback",
            "--settings",
            str(settings_file(tmp_path)),
            "--expect",
            "jira.read,confluence.search",
            "--call-tool",
            "getJiraIssue",
            "--call-args",
            '{"id": "PROJ-1"}',
            "--try-register",
            "--client",
            "generic",
            path="/v2/mcp",
            secrets=(token,),
        )
    assert run.code == 0, run.out
    assert tuple(run.steps) == ALL_STEPS
    assert {code: s["status"] for code, s in run.steps.items()} == dict.fromkeys(ALL_STEPS, "passed")
    assert run.report["first_cause"] is None
    assert "The connection works as expected" in run.out
    assert base.tool_calls() == ["getJiraIssue"]
    assert any(r.path == "/oauth/register" for r in base.requests)


def test_healthy_server_with_an_api_token(tmp_path: Path) -> None:
    """Basic API token: nothing fails or warns; only the OAuth-only steps are skipped, with why."""
    with running_sim(SCENARIOS["healthy"]) as base:
        run = doctor(
            base,
            tmp_path,
            *basic(),
            "--settings",
            str(settings_file(tmp_path)),
            "--expect",
            "jira.read,jira.search,confluence.read",
        )
    statuses = {code: s["status"] for code, s in run.steps.items()}
    skipped = {code for code, st in statuses.items() if st == "skipped"}
    assert run.code == 0
    assert set(statuses.values()) == {"passed", "skipped"}
    # TLS: plain loopback HTTP; no OAuth token; the allowlist is for OAuth; no tool asked for.
    assert skipped == {
        "DOC-ENDPOINT-003",
        "DOC-CRED-002",
        "DOC-CRED-003",
        "DOC-SETTINGS-001",
        "DOC-MCP-003",
        "DOC-CLIENT-001",  # no --client given
    }
    assert "not an OAuth access token" in run.steps["DOC-CRED-002"]["summary"]
    assert run.steps["DOC-MCP-002"]["summary"].startswith("19 tools in 4 pages")  # every page followed


def _oauth(base: str, **kw: object) -> tuple[str, ...]:
    return ("--bearer", oauth_token(base, **kw))  # type: ignore[arg-type]


# scenario -> (doctor arguments given the base URL, endpoint path, first failed step, its first cause)
CASES = {
    "origin-not-allowlisted": (
        lambda b: (*_oauth(b), "--origin", "https://evil.example.net/cb"),
        "/v1/mcp",
        "DOC-MCP-001",
        "origin-not-allowlisted",
    ),
    "api-token-auth-off": (lambda b: basic(), "/v1/mcp", "DOC-MCP-001", "api-token-auth-off"),
    "custom-3lo-token": (
        lambda b: _oauth(b, issuer=CUSTOM_APP_ISSUER, client_id="my-3lo-app"),
        "/v1/mcp",
        "DOC-CRED-002",
        "custom-3lo-app",
    ),
    "classic-scoped-token": (
        lambda b: (*basic(SIM_CLASSIC_API_TOKEN), "--expect", "jira.read"),
        "/v1/mcp",
        "DOC-MCP-002",
        "classic-or-legacy-token",
    ),
    "token-sent-as-bearer": (lambda b: ("--bearer", SIM_API_TOKEN), "/v1/mcp", "DOC-CRED-001", "user-token-as-bearer"),
    "permission-group-blocked": (
        lambda b: (*basic(), "--expect", "jira.read,jira.write"),
        "/v1/mcp",
        "DOC-MCP-002",
        "permission-group-blocked",
    ),
    "ip-blocked": (lambda b: basic(), "/v1/mcp", "DOC-MCP-001", "ip-blocked"),
    "prm-missing": (lambda b: (), "/v1/mcp", "DOC-AUTH-002", "prm-missing"),
    "issuer-mismatch": (lambda b: _oauth(b), "/v1/mcp", "DOC-AUTH-004", "issuer-mismatch"),
    "registration-missing": (lambda b: (), "/v1/mcp", "DOC-AUTH-006", "registration-missing"),
    "endpoint-deprecated": (lambda b: basic(), "/v1/sse", "DOC-ENDPOINT-001", "endpoint-deprecated"),
    "rate-limited": (lambda b: basic(), "/v1/mcp", "DOC-MCP-001", "rate-limited"),
    "origin-refused": (
        lambda b: (*basic(), "--origin", "https://app.example.com"),
        "/v1/mcp",
        "DOC-MCP-001",
        "origin-refused",
    ),
}


def test_every_scenario_has_a_case() -> None:
    # v2-custom-domain-bug needs a settings file: tests/doctor/test_v2.py runs it. The one-era
    # servers pass (with a note), and insufficient-scope needs a tool call: tests/doctor/test_eras.py runs them.
    eras = {"stateless-only", "handshake-only", "insufficient-scope"}
    assert set(CASES) == set(SCENARIOS) - {"healthy", "v2-custom-domain-bug", *eras}


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_scenario_names_its_cause_first(scenario: str, tmp_path: Path) -> None:
    make_args, path, step, cause = CASES[scenario]
    with running_sim(SCENARIOS[scenario]) as base:
        args = make_args(base)
        run = doctor(base, tmp_path, *args, path=path)  # the helper adds every --bearer/--api-token value
    assert run.code == 1
    assert run.first() == (step, cause), run.out
    assert run.report["first_cause"]["step"] == step
    assert run.report["first_cause"]["cause"]["id"] == cause
    first_line = next(line for line in run.out.splitlines() if line.startswith("  FAIL"))
    assert step in first_line  # the terminal checklist shows it first too
    assert f"[{cause};" in run.out
    assert base.tool_calls() == []  # no tool is ever called unless asked


def test_origin_check_from_settings_comes_before_the_session(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["origin-not-allowlisted"]) as base:
        run = doctor(
            base,
            tmp_path,
            *_oauth(base),
            "--origin",
            "https://evil.example.net/cb",
            "--settings",
            str(settings_file(tmp_path)),
        )
    assert run.first() == ("DOC-SETTINGS-001", "origin-not-allowlisted")
    assert run.steps["DOC-MCP-001"]["causes"][0]["id"] == "origin-not-allowlisted"  # the live answer agrees


def test_allowed_origin_by_pattern_and_by_supported_domain(tmp_path: Path) -> None:
    with running_sim(SimConfig()) as base:
        own = doctor(
            base,
            tmp_path,
            *_oauth(base),
            "--origin",
            "https://app.example.com/oauth/callback",
            "--settings",
            str(settings_file(tmp_path)),
        )
        listed = doctor(
            base,
            tmp_path,
            *_oauth(base),
            "--origin",
            "https://claude.ai/api/mcp/auth_callback",
            "--settings",
            str(settings_file(tmp_path, supported=True)),
        )
        off = doctor(
            base,
            tmp_path,
            *_oauth(base),
            "--origin",
            "https://claude.ai/api/mcp/auth_callback",
            "--settings",
            str(settings_file(tmp_path, supported=False)),
        )
    assert own.steps["DOC-SETTINGS-001"]["status"] == "passed"
    assert "https://app.example.com/**" in own.steps["DOC-SETTINGS-001"]["summary"]
    assert listed.steps["DOC-SETTINGS-001"]["status"] == "passed"
    assert "supported domain https://claude.ai/**" in listed.steps["DOC-SETTINGS-001"]["summary"]
    assert off.first() == ("DOC-SETTINGS-001", "supported-domains-off")


def test_api_token_auth_off_in_settings_is_named_before_the_session(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["api-token-auth-off"]) as base:
        run = doctor(base, tmp_path, *basic(), "--settings", str(settings_file(tmp_path, api_token_auth=False)))
    assert run.first() == ("DOC-SETTINGS-002", "api-token-auth-off")


def test_blocked_group_in_settings(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["permission-group-blocked"]) as base:
        run = doctor(
            base,
            tmp_path,
            *basic(),
            "--expect",
            "jira.write",
            "--settings",
            str(settings_file(tmp_path, jira_write="blocked")),
        )
    assert run.first() == ("DOC-SETTINGS-003", "permission-group-blocked")


def test_custom_3lo_token_fails_on_a_tool_call_as_users_report(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["custom-3lo-token"]) as base:
        run = doctor(base, tmp_path, *_oauth(base, issuer=CUSTOM_APP_ISSUER), "--call-tool", "getJiraIssue")
    call = run.steps["DOC-MCP-003"]
    assert run.steps["DOC-MCP-001"]["status"] == "passed"  # "the MCP session starts"
    assert call["status"] == "failed" and "We are having trouble completing this action" in call["summary"]
    assert call["causes"][0]["id"] == "custom-3lo-app"


def test_scope_family_mismatch_on_v2(tmp_path: Path) -> None:
    with running_sim(SimConfig()) as base:
        run = doctor(base, tmp_path, *_oauth(base), path="/v2/mcp")  # granular scopes, no agent-interface
    assert run.first() == ("DOC-CRED-003", "scope-mismatch")
    assert run.steps["DOC-MCP-001"]["causes"][0]["id"] == "scope-mismatch"  # the 401 says so too


def test_untrusted_certificate(tmp_path: Path) -> None:
    tls = make_tls_files(tmp_path)
    with running_sim(SimConfig(), tls=tls) as base:
        run = doctor(base, tmp_path, *basic(), env={"SSL_CERT_FILE": "", "SSL_CERT_DIR": ""})
    assert run.first() == ("DOC-ENDPOINT-003", "tls-untrusted")
    assert run.steps["DOC-ENDPOINT-002"]["status"] == "passed"  # the host answered; TLS is what broke
    assert run.steps["DOC-MCP-001"]["status"] == "skipped"


def test_unreachable_endpoint(tmp_path: Path) -> None:
    with running_sim(SimConfig()) as base:
        dead = str(base)
    run = doctor(dead, tmp_path, *basic())  # the server has stopped: connection refused
    assert run.first() == ("DOC-ENDPOINT-002", "endpoint-unreachable")
    assert run.steps["DOC-AUTH-001"]["status"] == "skipped"
