"""`rovo-audit doctor --client NAME` (DOC-CLIENT-001): what is known of each client, from
auditor/data/client_profiles.yaml, judged against what the doctor saw on the simulator, so
that "works for VS Code, fails for Claude Code" is said; doctor.json records the profile."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from auditor.cli.doctor import CLIENTS
from auditor.doctor.profiles import profiles
from tests.conftest import assert_usage_error, run_cli
from tests.doctor.conftest import doctor, settings_file
from tests.servers.rovo_sim import SCENARIOS, oauth_token, running_sim

if TYPE_CHECKING:
    from tests.servers.sdk_auth_servers import SdkServer


def test_the_profiles_are_the_flag_choices_and_dated() -> None:
    data = profiles()
    assert tuple(data.profiles) == CLIENTS
    assert data.as_of == dt.date(2026, 12, 1)
    for name, p in data.profiles.items():
        for claim in p.claims():
            assert claim.sources, (name, claim)  # every claim names where it was read
            assert data.certainty(claim) in ("confirmed", "assumed", "judgement")
    assert all(f.read == dt.date(2026, 12, 1) for f in data.facts.values())
    generic = data.profiles["generic"]
    assert generic.issuer_check.value == "strict" and generic.resource_check.value == "exact"


def test_a_bad_client_is_a_usage_error_naming_the_choices(tmp_path: Path) -> None:
    r = run_cli("doctor", "--client", "netscape", "--offline", cwd=tmp_path)
    assert_usage_error(r, "--client", "'netscape'", ", ".join(CLIENTS))
    assert not (tmp_path / "reports").exists()  # nothing written


def _run(base: str, tmp_path: Path, client: str, *args: str, domains: tuple[str, ...]) -> dict[str, object]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    settings = settings_file(tmp_path, domains=domains)
    run = doctor(base, tmp_path, "--bearer", oauth_token(base), "--settings", str(settings), "--client", client, *args)
    step = run.steps["DOC-CLIENT-001"]
    step["_report_client"] = run.report["client"]
    return step


def test_works_for_vs_code_fails_for_claude_code(tmp_path: Path) -> None:
    """The org allowlists only VS Code's redirects: the same healthy server works for VS Code and
    fails for Claude Code (http://localhost:*/callback), and each run's details say so of the other."""
    domains = ("https://vscode.dev/redirect", "http://127.0.0.1:*/")
    with running_sim(SCENARIOS["healthy"]) as base:
        vscode = _run(base, tmp_path / "vscode", "vscode", domains=domains)
        claude = _run(base, tmp_path / "claude", "claude-code", domains=domains)
    assert vscode["status"] == "passed", vscode
    assert vscode["summary"] == "works for Visual Studio Code (GitHub Copilot agent mode)"
    assert "redirect: the allowlist admits its redirect http://127.0.0.1:*/" in vscode["details"]
    assert claude["status"] == "failed", claude
    assert claude["summary"].startswith("fails for Claude Code: the allowlist admits none of its redirects")
    assert claude["causes"][0]["id"] == "origin-not-allowlisted"
    assert any(d.startswith("other clients — ") and "vscode: works" in d for d in claude["details"])
    assert any("Clear authentication" in d for d in claude["details"])  # how to drop its cached registration
    assert vscode["_report_client"] == {
        "id": "vscode",
        "title": "Visual Studio Code (GitHub Copilot agent mode)",
        "data": "auditor/data/client_profiles.yaml",
        "as_of": "2026-12-01",
    }


def test_a_strict_client_fails_on_the_issuer_a_lenient_one_connects(tmp_path: Path) -> None:
    """RFC 8414 §3.3: the spec's client (generic) refuses metadata naming another issuer; VS Code
    is reported to connect anyway (client_profiles.yaml, assumed)."""
    domains = ("https://vscode.dev/redirect", "https://app.example.com/**")
    with running_sim(SCENARIOS["issuer-mismatch"]) as base:
        generic = _run(base, tmp_path / "g", "generic", "--origin", "https://app.example.com/cb", domains=domains)
        vscode = _run(base, tmp_path / "v", "vscode", domains=domains)
    assert generic["status"] == "failed", generic
    assert "issuer (RFC 8414 §3.3) differs, and this client refuses that" in generic["summary"]
    assert generic["causes"][0]["id"] == "issuer-mismatch"
    assert vscode["status"] != "failed", vscode
    assert any("reported to connect anyway" in d for d in vscode["details"])
    # Each verdict names its basis: the certainty and the first source of the deciding claim.
    assert generic["summary"].endswith("[confirmed: https://github.com/atlassian/atlassian-mcp-server/issues/148]")
    assert any(d.endswith("[assumed: https://github.com/willdady/platypus/issues/394]") for d in vscode["details"])


@pytest.mark.parametrize(
    "client, said",
    [
        ("vscode", "only with a client id registered by hand (pre-registered)"),
        (
            "cursor",
            "only with a client id registered by hand (pre-registered) [confirmed: https://developer.mittwald.de",
        ),
    ],
)
def test_no_registration_offered(tmp_path: Path, client: str, said: str) -> None:
    """No DCR, no client ID metadata documents: a warning naming what is left, never a pass."""
    with running_sim(SCENARIOS["registration-missing"]) as base:
        step = _run(base, tmp_path, client, domains=("https://vscode.dev/redirect", "http://localhost:*/callback"))
    assert step["status"] == "warning", step
    assert "registration" in step["summary"]
    registration = next(d for d in step["details"] if d.startswith("registration: "))
    assert "offered: neither DCR nor client ID metadata documents" in registration and said in registration


def test_offline_nothing_to_judge_is_skipped(tmp_path: Path) -> None:
    r = run_cli(
        "doctor", "--offline", "--client", "claude-ai", "--url", "https://mcp.atlassian.com/v2/mcp",
        "--out", tmp_path / "out", cwd=tmp_path,
    )  # fmt: skip
    assert r.code == 0, (r.out, r.err)
    line = next(x for x in r.out.splitlines() if "DOC-CLIENT-001" in x)
    assert "SKIP" in line and "nothing seen to judge Claude" in line


def _sdk_client_step(server: SdkServer, tmp_path: Path, client: str) -> dict[str, Any]:
    out = tmp_path / client
    r = run_cli(
        "doctor", "--url", server.url, "--api-base-url", server.origin, "--out", out,
        "--as-of", "2026-11-26", "--client", client, cwd=tmp_path,
    )  # fmt: skip
    assert r.code in (0, 1), (r.out, r.err)
    report = json.loads((out / "doctor.json").read_text(encoding="utf-8"))
    step: dict[str, Any] = next(s for s in report["steps"] if s["code"] == "DOC-CLIENT-001")
    return step


def _detail(step: dict[str, Any], aspect: str) -> str:
    return next(str(d) for d in step["details"] if str(d).startswith(f"{aspect}: "))


@pytest.mark.parametrize(
    "config, client, verdict",
    [
        ("resource-parent", "generic", "names a parent of the endpoint, and this client refuses that"),
        (
            "resource-parent",
            "claude-code",
            "names a parent of the endpoint; whether this client refuses that is not known",
        ),
        ("resource-mismatch", "generic", "names another resource, and this client refuses that"),
        ("healthy", "generic", "is the endpoint itself"),
        ("trailing-slash-issuer", "generic", "differs, and this client refuses that"),
    ],
)
def test_resource_and_issuer_by_the_clients_rule(tmp_path: Path, config: str, client: str, verdict: str) -> None:
    """Servers built from the mcp SDK: RFC 9728 §3.3's exact resource and RFC 8414 §3.3's exact
    issuer fail the spec's client (generic); a client whose rule is not known is not failed."""
    from tests.servers.sdk_auth_servers import CONFIGS, running_sdk_server

    with running_sdk_server(CONFIGS[config]) as server:
        step = _sdk_client_step(server, tmp_path, client)
    aspect = "issuer" if "issuer" in config else "resource"
    assert verdict in _detail(step, aspect), step
    assert (step["status"] == "failed") == ("refuses that" in verdict and client == "generic"), step


def test_the_2025_03_26_layout_works_for_mcp_remote_not_for_the_spec(tmp_path: Path) -> None:
    """A server built from the mcp SDK with no protected resource metadata, its authorization
    server metadata at the MCP origin: a client that still falls back (mcp-remote, on the
    TypeScript SDK) finds it; one that follows only the current revision (generic) does not."""
    from tests.servers.sdk_auth_servers import CONFIGS, running_sdk_server

    with running_sdk_server(CONFIGS["no-prm-origin-metadata"]) as server:
        found = {client: _sdk_client_step(server, tmp_path, client) for client in ("generic", "mcp-remote")}
    generic = next(d for d in found["generic"]["details"] if d.startswith("discovery: "))
    remote = next(d for d in found["mcp-remote"]["details"] if d.startswith("discovery: "))
    assert found["generic"]["status"] == "failed" and "which this client does not do" in generic
    assert found["generic"]["causes"][0]["id"] == "prm-missing"
    assert "which this client still does [assumed: https://github.com/modelcontextprotocol/ruby-sdk/pull/414]" in remote
    assert found["mcp-remote"]["status"] != "failed", found["mcp-remote"]
