"""`doctor` reads its configuration the way `collect` does (env, `.env`, flags over both), through
the one loader: a `.env` completes a flag, a credential flag overrides the other kind of
credential from the environment, messages name the doctor's own flags, collect-only settings
are not the doctor's business, and ROVO_AUDIT_TIMEOUT_SECONDS is honoured."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_no_secret, assert_usage_error, run_cli, run_cmd
from tests.doctor.conftest import doctor
from tests.servers.rovo_sim import SIM_API_TOKEN, SIM_EMAIL, SIM_SERVICE_KEY, SimConfig, running_sim

SERVER_DELAY = 1.0  # seconds the slow server waits before answering


def test_dotenv_email_completes_an_api_token_flag(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"ROVO_AUDIT_MCP_EMAIL={SIM_EMAIL}\n", encoding="utf-8")
    with running_sim(SimConfig()) as base:
        r = doctor(base, tmp_path, "--api-token", SIM_API_TOKEN)  # run in tmp_path: its .env is read
        schemes = {q.authorization for q in base.requests if q.authorization}
    assert "needs --email" not in r.err
    assert r.report["credential"]["scheme"] == "basic" and r.code == 0, r.out
    assert schemes == {"Basic"}


@pytest.mark.parametrize(
    ("env", "flags", "scheme"),
    [
        (
            {"ROVO_AUDIT_MCP_EMAIL": SIM_EMAIL, "ROVO_AUDIT_MCP_API_TOKEN": SIM_API_TOKEN},
            ("--bearer", SIM_SERVICE_KEY),
            "Bearer",
        ),
        ({"ROVO_AUDIT_MCP_BEARER": SIM_SERVICE_KEY}, ("--email", SIM_EMAIL, "--api-token", SIM_API_TOKEN), "Basic"),
    ],
)
def test_a_credential_flag_overrides_the_other_kind_from_the_environment(
    tmp_path: Path, env: dict[str, str], flags: tuple[str, ...], scheme: str
) -> None:
    with running_sim(SimConfig()) as base:
        r = doctor(base, tmp_path, *flags, env=env)
        schemes = {q.authorization for q in base.requests if q.authorization}
    assert "not both" not in r.err
    assert r.report["credential"]["scheme"] == scheme.lower()
    assert schemes == {scheme}  # the environment's credential was never sent


def test_both_credential_kinds_from_the_environment_are_still_refused(tmp_path: Path) -> None:
    env = {
        "ROVO_AUDIT_MCP_EMAIL": SIM_EMAIL,
        "ROVO_AUDIT_MCP_API_TOKEN": SIM_API_TOKEN,
        "ROVO_AUDIT_MCP_BEARER": SIM_SERVICE_KEY,
    }
    r = run_cli("doctor", "--out", tmp_path / "out", cwd=tmp_path, env=env)
    assert_usage_error(
        r, "give either ROVO_AUDIT_MCP_API_TOKEN (with ROVO_AUDIT_MCP_EMAIL) or ROVO_AUDIT_MCP_BEARER, not both"
    )
    assert_no_secret(r)


@pytest.mark.parametrize(
    ("args", "message", "not_named"),
    [
        (("--url", "nope"), "--url: expected an http(s) URL", "--mcp-url"),
        (
            ("--url", "http://127.0.0.1:9/v1/mcp", "--timeout", "0"),
            "--timeout: Input should be greater than 0",
            "timeout_seconds",
        ),
        (
            ("--url", "http://127.0.0.1:9/v1/mcp", "--email", "not-an-email", "--api-token", "t0k3n-value"),
            "--email: expected the email address",
            "mcp_email",
        ),
    ],
)
def test_messages_name_the_doctors_own_flags(
    tmp_path: Path, args: tuple[str, ...], message: str, not_named: str
) -> None:
    r = run_cli("doctor", "--out", tmp_path / "out", *args, cwd=tmp_path)
    line = assert_usage_error(r, message)
    assert not_named not in line
    assert "t0k3n-value" not in line
    assert_no_secret(r, secrets=("t0k3n-value",))


def test_collect_only_settings_do_not_stop_the_doctor(tmp_path: Path) -> None:
    env = {"ROVO_AUDIT_EVENTS_DAYS": "9999", "ROVO_AUDIT_CONCURRENCY": "many"}
    (tmp_path / ".env").write_text("ROVO_AUDIT_MAX_RETRIES=99\n", encoding="utf-8")
    with running_sim(SimConfig()) as base:
        r = doctor(base, tmp_path, env=env)
    assert r.code == 0, r.out + r.err
    assert "ROVO_AUDIT" not in r.err
    assert r.report["steps"][1]["code"] == "DOC-ENDPOINT-002" and r.report["steps"][1]["status"] == "passed"


def test_a_setting_the_doctor_reads_is_still_checked(tmp_path: Path) -> None:
    r = run_cli("doctor", "--out", tmp_path / "out", cwd=tmp_path, env={"ROVO_AUDIT_TIMEOUT_SECONDS": "-3"})
    assert_usage_error(r, "ROVO_AUDIT_TIMEOUT_SECONDS (environment)")


class _SlowHandler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        time.sleep(SERVER_DELAY)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows stderr on failure
        pass


@contextlib.contextmanager
def slow_server() -> Iterator[str]:
    """Answers every request with a 404, SERVER_DELAY seconds late."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_timeout_comes_from_the_environment_and_the_flag_wins(tmp_path: Path) -> None:
    env = {"ROVO_AUDIT_TIMEOUT_SECONDS": "0.2"}
    with slow_server() as base:
        from_env = doctor(base, tmp_path, env=env).report
        from_flag = doctor(base, tmp_path, "--timeout", "20", env=env).report
    reach = {"env": from_env["steps"][1], "flag": from_flag["steps"][1]}
    assert reach["env"]["code"] == "DOC-ENDPOINT-002"
    assert reach["env"]["summary"].startswith("timeout"), reach  # 0.2 s < the server's delay
    assert reach["flag"]["summary"].startswith("HTTP 404"), reach  # 20 s waits for the answer


def test_explain_imports_neither_the_http_client_nor_the_html_templates() -> None:
    r = run_cmd(  # a fresh interpreter: what it imports, as the start-up variable logs it
        "doctor", "--explain", "We are having trouble completing this action", env={"PYTHONPROFILEIMPORTTIME": "1"}
    )
    assert r.code == 0 and "Recognised" in r.out
    imported = {line.rsplit("|", 1)[-1].strip() for line in r.err.splitlines() if line.startswith("import time:")}
    assert "auditor.doctor.knowledge" in imported  # the log is the one we think it is
    assert not imported & {
        "httpx",
        "jinja2",
        "mcp",
        "auditor.mcpclient",
        "auditor.report.doctor",
        "auditor.report.templating",
    }
