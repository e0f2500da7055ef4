"""The MCP probe (collect) on servers of one protocol era: the initialize handshake as before,
and on a server that speaks only 2026-07-28, server/discover and stateless requests."""

from __future__ import annotations

from auditor.mcpclient import Credentials
from tests.collect.test_probe import probe, values
from tests.servers.rovo_sim import SCENARIOS, SIM_API_TOKEN, SIM_EMAIL, running_sim


def test_a_stateless_only_server_is_probed_through_server_discover() -> None:
    with running_sim(SCENARIOS["stateless-only"]) as sim:
        r = probe(f"{sim}/v1/mcp", Credentials.basic(SIM_EMAIL, SIM_API_TOKEN), "api_token")
    assert r.failures == ()
    v = values(r)
    assert v["rovo_mcp.api_token_auth"] is True
    assert v["rovo_mcp.permissions.jira.search"] == "allowed"
    token_auth = next(o for o in r.observations if o.path == "rovo_mcp.api_token_auth")
    assert "answered server/discover (2026-07-28, stateless)" in token_auth.evidence.detail
    rpc = [x.rpc_method for x in sim.requests if x.rpc_method and x.authorization]
    assert rpc[:2] == ["initialize", "server/discover"]  # the handshake first, refused as such
    listing = [x for x in sim.requests if x.rpc_method == "tools/list"]
    assert listing and all(x.mcp_method == "tools/list" and not x.session for x in listing)


def test_a_handshake_only_server_is_probed_as_before() -> None:
    with running_sim(SCENARIOS["handshake-only"]) as sim:
        r = probe(f"{sim}/v1/mcp", Credentials.basic(SIM_EMAIL, SIM_API_TOKEN), "api_token")
    assert r.failures == ()
    assert values(r)["rovo_mcp.api_token_auth"] is True
    assert not any(x.rpc_method == "server/discover" for x in sim.requests)
