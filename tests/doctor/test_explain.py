"""`rovo-audit doctor --explain` recognises every message of ROVO-MCP.md's table, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.doctor.knowledge import explain, knowledge
from tests.conftest import ROOT, SHARED, Run, run_cli, run_cmd

FIXTURE = Path(__file__).parent / "fixtures" / "rovo-mcp-error-table.md"

# What the table's "usual cause" column says, as the knowledge file's cause ids (first = most likely).
USUAL_CAUSE = {
    "Your organization admin must authorize access from a domain to this site/app": "origin-not-allowlisted",
    "Your admin has blocked this domain": "supported-domains-off",
    "You don't have permission to connect from this IP address": "ip-blocked",
    "Your site admin must authorize this app": "site-admin-consent",
    "We are having trouble completing this action": "custom-3lo-app",
    "We couldn't verify your connection settings": "permission-group-blocked",
    "access_denied - Unauthorized": "client-not-registered",
    "Unauthorized; scope does not match": "scope-mismatch",
    "Invalid context provided. Please try authorizing again.": "resource-param-missing",
    "dynamic client registration 404": "client-skipped-discovery",
    "only Teamwork Graph tools are listed": "classic-or-legacy-token",
    "Your admin has blocked this domain (v2, custom domain present)": "v2-custom-domain-bug",
    "We couldn't verify your access. Reconnecting and signing in again may resolve this issue.": "stale-oauth-session",
    "Cloud id isn't explicitly granted": "service-account-oauth",
    "Your account isn't associated with a supported site": "account-no-supported-site",
    "Method not found (with an API token)": "org-admin-api-key",
    "Incompatible authorization server: ... issuer ... does not match": "issuer-mismatch",
    "HTTP 429 Too Many Requests": "rate-limited",
    "401 invalid_token with a token that worked elsewhere": "token-wrong-endpoint",
}


def table_messages() -> list[str]:
    """The first column of "Error messages and their usual cause" (the shared file, else the copy)."""
    source = SHARED / "knowledge" / "ROVO-MCP.md"
    text = source.read_text(encoding="utf-8") if source.is_file() else FIXTURE.read_text(encoding="utf-8")
    section = text[text.index("## Error messages and their usual cause") :]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("## "):
            break
        if line.startswith("|") and not line.startswith(("| message", "| ---")):
            rows.append(line.strip("|").split("|")[0].strip())
    return rows


def _cli_many(messages: list[str]) -> list[Run]:
    """The command once per message."""
    return [run_cli("doctor", "--explain", message, cwd=ROOT, timeout=60) for message in messages]


def test_the_table_is_read() -> None:
    messages = table_messages()
    assert len(messages) >= 19
    assert "access_denied - Unauthorized" in messages


def test_every_table_row_has_its_usual_cause_here() -> None:
    """A row added to the table must be given its usual cause above (so the command's first
    cause is checked), not only be recognised."""
    assert set(table_messages()) <= set(USUAL_CAUSE)


def test_every_table_message_is_recognised_by_the_command() -> None:
    messages = table_messages()
    for message, run in zip(messages, _cli_many(messages), strict=True):
        assert run.code == 0, (message, run.out, run.err)
        first = run.out.splitlines()[0]
        assert first.startswith(f'Recognised: "{message}" (match 100%'), (message, first)
        assert "Likely causes, most likely first:" in run.out
        assert "  1. " in run.out and "Fix: " in run.out
        if message in USUAL_CAUSE:
            assert f"[{USUAL_CAUSE[message]};" in run.out.split("  2. ")[0], (message, run.out)


@pytest.mark.parametrize(
    "pasted, expected",
    [
        (
            'Error: {"error":"access_denied","error_description":"access_denied - Unauthorized"}',
            "access-denied-unauthorized",
        ),
        ("YOUR ADMIN HAS BLOCKED THIS DOMAIN!!!", "domain-blocked"),
        ("we couldnt verify your connection settings", "could-not-verify-settings"),
        (
            "MCP error -32603: We are having trouble completing this action. Please try again later.",
            "trouble-completing",
        ),
        (
            "POST https://mcp.atlassian.com/v1/register -> 404 Not Found (client registration failed)",
            "registration-404",
        ),
        (
            "ssl.SSLCertVerificationError: certificate verify failed: self signed certificate in certificate chain",
            "certificate-verify-failed",
        ),
        ('{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}', "method-not-found-api-key"),
        (
            "MCPOAuthError: Incompatible authorization server: authorization server advertised an issuer that does "
            "not match the URL its metadata was discovered from (RFC 8414 §3.3); refusing to connect",
            "incompatible-authorization-server",
        ),
        ("Error POSTing to endpoint (HTTP 429): Too Many Requests", "rate-limited"),
        ("Cloud id 638ffe69 isn't explicitly granted by the user", "cloud-id-not-granted"),
        ("Your admin has blocked this domain", "domain-blocked"),  # the bare message is not the v2 bug
    ],
)
def test_pasted_variants_are_recognised(pasted: str, expected: str) -> None:
    matches = explain(pasted)
    assert matches and matches[0].message.id == expected


def test_unknown_message_and_stdin(tmp_path: Path) -> None:
    unknown = run_cli("doctor", "--explain", "the printer is on fire")
    assert unknown.code == 1 and unknown.out.startswith("Not recognised")
    # stdin from a pipe, as a process reads it
    piped = run_cmd("doctor", "--explain", "-", input="Your site admin must authorize this app\n", cwd=ROOT, timeout=60)
    assert piped.code == 0 and "site-admin-consent" in piped.out
    empty = run_cli("doctor", "--explain", "   ")
    assert empty.code == 2 and empty.err.startswith("rovo-audit: error:")


def test_matching_is_deterministic_and_ranked() -> None:
    text = "access_denied - Unauthorized; scope does not match"
    first = [(m.message.id, m.score) for m in explain(text)]
    assert first == [(m.message.id, m.score) for m in explain(text)]
    assert {i for i, _ in first} == {"access-denied-unauthorized", "scope-does-not-match"}
    # Word overlap alone never outranks a verbatim message, and one shared word is no match.
    assert explain("Unauthorized") == []


def test_every_cause_is_named_by_a_message_or_a_doctor_step() -> None:
    k = knowledge()
    named = {c for m in k.messages for c in m.causes}
    for cause_id, spec in k.causes.items():
        assert cause_id in named or spec.checked_by, cause_id


def test_knowledge_names_only_real_doctor_steps() -> None:
    from auditor.doctor import step_codes

    codes = set(step_codes())
    for cause_id, spec in knowledge().causes.items():
        assert set(spec.checked_by) <= codes, (cause_id, set(spec.checked_by) - codes)
