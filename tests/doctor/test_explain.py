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


# -- a pasted block: one combined verdict ------------------------------------------------------

BLOCK = """\
2026-11-30T09:12:01Z [mcp] connecting to https://mcp.atlassian.com/v2/mcp

Error: Your admin has blocked this domain
the printer is on fire
MCP error: Your admin has blocked this domain.
Unauthorized scope not matching at all
"""


def test_a_pasted_block_gives_one_combined_verdict() -> None:
    r = run_cmd("doctor", "--explain", "-", input=BLOCK, cwd=ROOT, timeout=60)  # stdin from a pipe, as pasted
    assert r.code == 0, (r.out, r.err)
    lines = r.out.splitlines()
    assert lines[0] == "Combined verdict for 5 pasted lines: 3 recognised, 2 not"
    # Two lines name the same message: its first cause ranks first, with both line numbers.
    first = lines.index("Likely causes, ranked across all lines (a cause several lines point to ranks higher):") + 1
    assert lines[first].startswith("  1. ") and "[supported-domains-off;" in lines[first]
    assert lines[first + 1] == "     score 2.00 from lines 3, 5"
    # Each line's match is shown (line number, the known message, score) ...
    assert '  line 3: "Error: Your admin has blocked this domain" → known message domain-blocked' in r.out
    # ... the half-recognised line too: word overlap only, which the whole-paste match dropped.
    assert '  line 6: "Unauthorized scope not matching at all" → known message scope-does-not-match' in r.out
    assert "(match 48%)" in r.out and "[scope-mismatch;" in r.out
    # ... and the lines nothing matches are listed, never dropped (the blank line is no line).
    assert '  line 1: not recognised: "2026-11-30T09:12:01Z [mcp] connecting to' in r.out
    assert '  line 4: not recognised: "the printer is on fire"' in r.out
    assert "Unrecognised lines (2): 1, 4 " in r.out
    assert lines[-2].startswith("Next: rovo-audit doctor --url https://mcp.atlassian.com/v2/mcp ")  # from line 1
    assert "--settings settings.yaml" in lines[-2]
    assert lines[-1].startswith("Knowledge: auditor/data/known_errors.yaml")


def test_the_old_whole_paste_match_dropped_the_half_recognised_line() -> None:
    """Why a line vanished: matched as one text, a verbatim hit anywhere filters out every
    overlap-only match (right for one message, wrong for a block)."""
    whole = {m.message.id for m in explain(BLOCK)}
    assert "scope-does-not-match" not in whole
    from auditor.doctor.knowledge import explain_block

    per_line = {m.message.id for line in explain_block(BLOCK).lines for m in line.matches}
    assert {"domain-blocked", "scope-does-not-match"} <= per_line


def test_a_block_is_deterministic_safe_and_says_when_nothing_matches(tmp_path: Path) -> None:
    hostile = "Your site admin must authorize this app\n\x1b]0;pwned\x07\x1b[2J evil \u202e line\n"
    runs = [run_cli("doctor", "--explain", "-", input=hostile, cwd=tmp_path) for _ in range(2)]
    assert runs[0].out == runs[1].out and runs[0].code == 0
    assert "\x1b" not in runs[0].out and "\u202e" not in runs[0].out
    assert "\\x1b]0;pwned" in runs[0].out  # shown as text, never acted on
    # A pasted URL is suggested only in characters a shell keeps as one word.
    evil = "Your admin has blocked this domain\nPOST https://mcp.atlassian.com/v2/mcp;rm -rf ~ failed\n"
    suggested = run_cli("doctor", "--explain", "-", input=evil, cwd=tmp_path).out.splitlines()[-2]
    assert (
        suggested.startswith("Next: rovo-audit doctor --url https://mcp.atlassian.com/v2/mcp ") and ";" not in suggested
    )
    none = run_cli("doctor", "--explain", "-", input="the printer is on fire\nand so is the fax\n", cwd=tmp_path)
    assert none.code == 1
    assert none.out.splitlines()[0] == "Combined verdict for 2 pasted lines: 0 recognised, 2 not"
    assert "No known message matches any line." in none.out
    # One line on stdin keeps the single-message output.
    single = run_cli("doctor", "--explain", "-", input="Your site admin must authorize this app\n", cwd=tmp_path)
    assert single.out.startswith('Recognised: "Your site admin must authorize this app" (match 100%')
