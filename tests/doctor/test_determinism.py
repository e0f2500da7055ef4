"""`doctor --as-of` against the same server gives byte-identical doctor.json and doctor.html."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.doctor.conftest import settings_file
from tests.servers.rovo_sim import SCENARIOS, SIM_API_TOKEN, SIM_EMAIL, oauth_token, running_sim


@pytest.mark.parametrize("scenario", ["healthy", *[s for s in SCENARIOS if s != "healthy"][:3]])
def test_same_server_same_as_of_same_bytes(tmp_path: Path, scenario: str) -> None:
    with running_sim(SCENARIOS[scenario]) as sim:
        for name in ("a", "b"):
            r = run_cli("doctor", "--url", f"{sim}/v1/mcp", "--email", SIM_EMAIL, "--api-token", SIM_API_TOKEN,
                        "--as-of", "2026-11-26T10:00:00Z", "--out", tmp_path / name, "-q")  # fmt: skip
            assert r.code in (0, 1), r.err
    for f in ("doctor.json", "doctor.html"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


@pytest.mark.parametrize("scenario", ["stateless-only", "handshake-only", "origin-refused", "prm-missing"])
@pytest.mark.parametrize("client", ["claude-code", "generic"])
def test_with_a_client_profile_and_an_oauth_token_same_bytes(tmp_path: Path, scenario: str, client: str) -> None:
    """The issue-14 steps too: both eras probed, DOC-CRED-002's claims, DOC-CLIENT-001's verdict
    for every profile, the legacy discovery fallback (prm-missing)."""
    settings = settings_file(tmp_path)
    with running_sim(SCENARIOS[scenario]) as sim:
        token = oauth_token(sim)
        for name in ("a", "b"):
            r = run_cli("doctor", "--url", f"{sim}/v1/mcp", "--api-base-url", sim, "--bearer", token,
                        "--origin", "https://app.example.com/oauth/callback", "--settings", settings,
                        "--client", client, "--as-of", "2026-11-26T10:00:00Z", "--out", tmp_path / name, "-q",
                        cwd=tmp_path)  # fmt: skip
            assert r.code in (0, 1), r.err
    report = json.loads((tmp_path / "a" / "doctor.json").read_text(encoding="utf-8"))
    assert report["client"]["id"] == client
    assert {s["code"]: s["status"] for s in report["steps"]}["DOC-CLIENT-001"] != "skipped"
    for f in ("doctor.json", "doctor.html"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
