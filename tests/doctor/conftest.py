"""Helpers for the doctor tests: run the real command against the simulator and read what
it wrote, checking every time that no planted secret reached any output."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.servers.rovo_sim import SIM_API_TOKEN, SIM_CLASSIC_API_TOKEN, SIM_EMAIL, SIM_SERVICE_KEY

AS_OF = "2026-11-26T10:00:00Z"
PLANTED = (SIM_API_TOKEN, SIM_CLASSIC_API_TOKEN, SIM_SERVICE_KEY)


def secret_forms(*secrets: str) -> list[str]:
    """Each secret raw, as the Basic pair's base64, and the distinctive middle of the token."""
    out = []
    for s in secrets:
        out += [s, base64.b64encode(f"{SIM_EMAIL}:{s}".encode()).decode(), s[8:-8]]
    return out


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


def doctor(base: str, tmp_path: Path, *args: str, path: str = "/v1/mcp", secrets: tuple[str, ...] = (),
           env: dict[str, str] | None = None) -> DoctorRun:
    out = tmp_path / "out"
    r = run_cli("doctor", "--url", base + path, "--api-base-url", base, "--out", out, "--as-of", AS_OF, *args,
                env=env, timeout=120)
    assert r.code in (0, 1), (r.code, r.out, r.err)
    report_text = (out / "doctor.json").read_text(encoding="utf-8")
    html = (out / "doctor.html").read_text(encoding="utf-8")
    for text in (r.out, r.err, report_text, html):
        for form in secret_forms(*PLANTED, *secrets):
            assert form not in text, "a planted secret reached an output"
    run = DoctorRun(r.code, r.out, r.err, json.loads(report_text), html)
    assert run.code == (1 if run.first_failure else 0)
    return run


def basic(token: str = SIM_API_TOKEN) -> tuple[str, ...]:
    return ("--email", SIM_EMAIL, "--api-token", token)


def settings_file(tmp_path: Path, *, api_token_auth: bool = True, domains: tuple[str, ...] = ("https://app.example.com/**",),
                  supported: bool = False, jira_write: str = "allowed") -> Path:
    path = tmp_path / "settings.yaml"
    domain_list = ", ".join(domains)
    path.write_text(f"""\
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
""", encoding="utf-8")
    return path


@pytest.fixture
def run_doctor(tmp_path: Path):
    def go(base: str, *args: str, **kw: Any) -> DoctorRun:
        return doctor(base, tmp_path, *args, **kw)
    return go
