"""Helpers for the doctor tests: run the real command against the simulator and read what
it wrote, checking every time that no secret (planted, or given on the command line or in the
environment) reached any output."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import assert_no_secret, run_cli
from tests.servers.rovo_sim import SIM_API_TOKEN, SIM_EMAIL

AS_OF = "2026-11-26T10:00:00Z"
SECRET_FLAGS = ("--bearer", "--api-token")
SECRET_VARIABLES = ("ROVO_AUDIT_MCP_BEARER", "ROVO_AUDIT_MCP_API_TOKEN")


def given_secrets(args: tuple[str, ...], env: dict[str, str] | None) -> tuple[str, ...]:
    """The value after every --bearer/--api-token (`-` reads stdin: no value here), the
    `--flag=value` spelling, and the credential variables of `env`."""
    found = [v for flag, v in itertools.pairwise(args) if flag in SECRET_FLAGS]
    found += [a.split("=", 1)[1] for a in args if a.split("=", 1)[0] in SECRET_FLAGS and "=" in a]
    found += [v for k, v in (env or {}).items() if k in SECRET_VARIABLES]
    return tuple(s for s in found if s and s != "-")


@dataclass
class DoctorRun:
    code: int
    out: str
    err: str
    report: dict[str, Any]
    html: str

    @property
    def steps(self) -> dict[str, dict[str, Any]]:
        return {s["code"]: s for s in self.report["steps"]}

    @property
    def first_failure(self) -> dict[str, Any] | None:
        return next((s for s in self.report["steps"] if s["status"] == "failed"), None)

    def first(self) -> tuple[str, str]:
        """(step code, cause id) of the first failed step."""
        step = self.first_failure
        assert step is not None, self.out
        return step["code"], step["causes"][0]["id"]


def doctor(
    base: str,
    tmp_path: Path,
    *args: str,
    path: str = "/v1/mcp",
    secrets: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> DoctorRun:
    """The real command, run in `tmp_path` (so a developer's own `.env` is never read, and a
    test's `.env` there is); no secret reaches stdout, stderr or any file it wrote."""
    out = tmp_path / "out"
    r = run_cli(
        "doctor",
        "--url",
        base + path,
        "--api-base-url",
        base,
        "--out",
        out,
        "--as-of",
        AS_OF,
        *args,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert r.code in (0, 1), (r.code, r.out, r.err)
    report_text = (out / "doctor.json").read_text(encoding="utf-8")
    html = (out / "doctor.html").read_text(encoding="utf-8")
    assert_no_secret(r, out, secrets=(*given_secrets(args, env), *secrets))
    run = DoctorRun(r.code, r.out, r.err, json.loads(report_text), html)
    assert run.code == (1 if run.first_failure else 0)
    return run


def basic(token: str = SIM_API_TOKEN) -> tuple[str, ...]:
    return ("--email", SIM_EMAIL, "--api-token", token)


def settings_file(
    tmp_path: Path,
    *,
    api_token_auth: bool = True,
    domains: tuple[str, ...] = ("https://app.example.com/**",),
    supported: bool = False,
    jira_write: str = "allowed",
) -> Path:
    path = tmp_path / "settings.yaml"
    domain_list = ", ".join(domains)
    path.write_text(
        f"""\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-20T09:30:00Z
orgs:
  - id: 0c4e2b1a-7d3f-4a8e-9b21-5f6e8d9c0a11
    name: Example Corp
    rovo_mcp:
      atlassian_supported_domains: {str(supported).lower()}
      domains: [{domain_list}]
      api_token_auth: {str(api_token_auth).lower()}
      permissions:
        jira: {{read: allowed, search: allowed, write: {jira_write}, delete: blocked, manage: blocked}}
        confluence: {{read: allowed, search: allowed, write: blocked}}
""",
        encoding="utf-8",
    )
    return path
