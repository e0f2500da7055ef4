"""The integration review of issue 14 (discovery, eras, credentials and profiles together):
each test here failed before the fix it names, through the real command against servers
the tests start."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.doctor.conftest import basic, doctor
from tests.servers.rovo_sim import SimConfig, running_sim


@pytest.mark.parametrize("eras", [("modern",), ("legacy",)])
def test_the_anonymous_challenge_probe_reaches_a_one_era_server_that_checks_the_era_first(
    tmp_path: Path, eras: tuple[str, ...]
) -> None:
    """A server that validates the protocol before authenticating answers a request in the
    other era's shape with 400: the probe must not read that as "no challenge"."""
    with running_sim(SimConfig(eras=eras, era_before_auth=True)) as base:
        run = doctor(base, tmp_path, *basic())
    challenge = run.steps["DOC-AUTH-001"]
    assert challenge["status"] == "passed", challenge
    assert "resource_metadata=" in challenge["summary"]
    assert run.steps["DOC-AUTH-002"]["status"] == "passed"
    assert run.steps["DOC-MCP-001"]["status"] == "passed"
    assert run.report["eras"] == list(eras)
    anonymous = [r for r in base.requests if r.path == "/v1/mcp" and r.authorization is None]
    # initialize first (one request for every server that speaks the handshake), then
    # server/discover only when the first answer was an era refusal.
    expected = ["initialize", "server/discover"] if eras == ("modern",) else ["initialize"]
    assert [r.rpc_method for r in anonymous] == expected
    if eras == ("modern",):
        assert (anonymous[1].protocol, anonymous[1].mcp_method, anonymous[1].meta_version) == (
            "2026-07-28",
            "server/discover",
            "2026-07-28",
        )
