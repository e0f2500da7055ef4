"""Safe by default: read-only, opt-in registration and tool calls, secrets nowhere, bad usage
exits 2 with one line; the HTML page is self-contained and escaped."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from tests.conftest import assert_no_secret, assert_usage_error, run_cli
from tests.doctor.conftest import AS_OF, basic, doctor, settings_file
from tests.servers.rovo_sim import SIM_API_TOKEN, SIM_EMAIL, SIM_SERVICE_KEY, SimConfig, oauth_token, running_sim


def test_no_write_tool_is_called_and_no_client_registered_unless_asked(tmp_path: Path) -> None:
    with running_sim(SimConfig()) as base:
        refused = doctor(base, tmp_path, *basic(), "--call-tool", "createJiraIssue")
        plain = doctor(base, tmp_path, *basic())
        assert base.tool_calls() == []
        assert not any(r.path == "/oauth/register" for r in base.requests)
        assert {r.method for r in base.requests} <= {"GET", "POST", "DELETE"}
        registered = doctor(base, tmp_path, "--try-register")
        assert [r.method for r in base.requests if r.path == "/oauth/register"] == ["POST"]
    call = refused.steps["DOC-MCP-003"]
    assert call["status"] == "skipped" and call["summary"].startswith(
        "refused: createJiraIssue is not known to be read-only"
    )
    assert plain.steps["DOC-MCP-003"]["summary"].startswith("no --call-tool given")
    assert "client id not shown" in registered.steps["DOC-AUTH-006"]["summary"]
    assert "sim-client-123" not in json.dumps(registered.report)


def test_a_server_echoing_the_secret_is_redacted_everywhere(tmp_path: Path) -> None:
    with running_sim(SimConfig(api_token_auth=False, echo_authorization=True)) as base:
        run = doctor(base, tmp_path, *basic())  # the helper greps every output for the secret
    assert run.first() == ("DOC-MCP-001", "api-token-auth-off")
    evidence = json.dumps(run.steps["DOC-MCP-001"]["evidence"])
    assert "received" in evidence and "[redacted]" in evidence


def test_secrets_from_the_environment_and_stdin(tmp_path: Path) -> None:
    with running_sim(SimConfig()) as base:
        from_env = doctor(
            base, tmp_path, env={"ROVO_AUDIT_MCP_EMAIL": SIM_EMAIL, "ROVO_AUDIT_MCP_API_TOKEN": SIM_API_TOKEN}
        )
        out = tmp_path / "stdin"
        p = run_cli(
            "doctor",
            "--url",
            base + "/v1/mcp",
            "--bearer",
            "-",
            "--out",
            out,
            "--as-of",
            AS_OF,
            input=SIM_SERVICE_KEY + "\n",
            cwd=tmp_path,
            timeout=60,
        )
    assert from_env.code == 0 and from_env.steps["DOC-MCP-001"]["status"] == "passed"
    assert "Basic (d…@example.com + API token)" in from_env.out
    assert p.code == 0, p.out + p.err
    assert (out / "doctor.json").is_file() and (out / "doctor.html").is_file()
    assert "service-account key" in p.out
    assert_no_secret(p, out, secrets=(SIM_SERVICE_KEY,))


def test_the_html_page_is_self_contained_and_escaped(tmp_path: Path) -> None:
    with running_sim(SimConfig(allowed_origins=("https://app.example.com",))) as base:
        token = oauth_token(base)
        run = doctor(
            base,
            tmp_path,
            "--bearer",
            token,
            "--origin",
            "https://evil.example.net/<script>alert(1)</script>",
            "--settings",
            str(settings_file(tmp_path)),
            secrets=(token,),
        )
    html = run.html
    assert "Content-Security-Policy" in html and "default-src 'none'" in unescape(html)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!support\.atlassian|developer\.atlassian)""", html)
    assert "What to change first" in html and "DOC-SETTINGS-001" in html
    assert html.count('class="card') == len(run.steps)


@pytest.mark.parametrize(
    "args, message",
    [
        (("--bearer", "x", "--api-token", "y", "--email", "a@b.c"), "either --api-token"),
        (("--api-token", "y"), "--api-token needs --email"),
        (("--email", "a@b.c"), "--email needs --api-token"),
        (("--expect", "jira.fly"), "unknown permission group 'jira.fly'"),
        (("--call-args", "[1]"), "expected a JSON object"),
        (("--origin", "not a url"), "--origin: expected a URL"),
        (("--url", "http://mcp.example.com/v1/mcp"), "plain http is only accepted for localhost"),
        (("--org", "x"), "give --settings too"),
    ],
)
def test_bad_usage_exits_2_with_one_line(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    r = run_cli("doctor", "--out", tmp_path, *args, cwd=tmp_path)
    assert_usage_error(r, message)
    assert not (tmp_path / "doctor.json").exists()


def test_settings_with_several_orgs_need_org(tmp_path: Path) -> None:
    path = settings_file(tmp_path)
    text = path.read_text().replace("orgs:\n", "orgs:\n  - {id: second-org, name: Second}\n")
    path.write_text(text)
    r = run_cli("doctor", "--settings", path, "--out", tmp_path, cwd=tmp_path)
    assert_usage_error(r, "choose one with --org")


@pytest.mark.parametrize("suffix", ["\nzz", " "])
def test_a_secret_with_a_space_or_line_break_is_not_echoed_by_the_http_layer(suffix: str, tmp_path: Path) -> None:
    # httpx refuses such a header with a message quoting it (escaped, so redaction cannot find it).
    secret = "PLANTEDbearerWithWhitespace0001"
    with running_sim(SimConfig()) as base:
        run = doctor(base, tmp_path, env={"ROVO_AUDIT_MCP_BEARER": secret + suffix}, secrets=(secret,))
    step = run.steps["DOC-MCP-001"]
    assert step["status"] == "failed" and "header value is invalid" in step["summary"]
