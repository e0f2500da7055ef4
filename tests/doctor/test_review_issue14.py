"""The integration review of issue 14 (discovery, eras, credentials and profiles together):
each test here failed before the fix it names, through the real command against servers
the tests start."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.cli.doctor import CLIENTS
from tests.conftest import run_cli
from tests.doctor.conftest import basic, doctor
from tests.doctor.test_offline_jwt import jwt, offline
from tests.servers.rovo_sim import SimConfig, oauth_token, running_sim
from tests.servers.sdk_auth_servers import CONFIGS, running_sdk_server


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
    probe = "server/discover" if eras == ("modern",) else "initialize"
    assert run.steps["DOC-ENDPOINT-002"]["summary"] == f"HTTP 401 to an anonymous {probe}"
    if eras == ("modern",):  # both answers are the evidence, and the detail says why
        assert [e["status"] for e in challenge["evidence"]] == [400, 401]
        assert any("checks the protocol era before authenticating" in d for d in challenge["details"])
        assert (anonymous[1].protocol, anonymous[1].mcp_method, anonymous[1].meta_version) == (
            "2026-07-28",
            "server/discover",
            "2026-07-28",
        )


@pytest.mark.parametrize("where", ["another path", "another host"])
def test_a_401_for_a_token_of_another_resource_leads_with_that(tmp_path: Path, where: str) -> None:
    """The SDK's strict-resource server answers a plain 401 invalid_token; the token's own
    `aud` (read by DOC-CRED-002) says why, and DOC-MCP-001 leads with it, not with
    "expired, revoked or malformed". On another host DOC-CRED-002 only warns: still the lead."""
    with running_sdk_server(CONFIGS["strict-resource"]) as server:
        aud = server.origin + "/other" if where == "another path" else "https://elsewhere.example/mcp"
        run = doctor(server.origin, tmp_path, "--bearer", server.token_for(aud, jwt=True), path="/mcp")
        (tmp_path / "own").mkdir()
        own = doctor(server.origin, tmp_path / "own", "--bearer", server.token_for(server.url, jwt=True), path="/mcp")
    cred = run.steps["DOC-CRED-002"]
    assert cred["status"] == ("failed" if where == "another path" else "warning"), cred
    mcp = run.steps["DOC-MCP-001"]
    assert mcp["status"] == "failed"
    assert [c["id"] for c in mcp["causes"]][:2] == ["token-wrong-endpoint", "oauth-token-invalid"]
    assert "api-token-invalid" not in [c["id"] for c in mcp["causes"]]  # an OAuth token, not an API token
    assert f"HTTP 401 (the token was issued for another resource: aud {aud})" in mcp["summary"]
    assert own.steps["DOC-MCP-001"]["status"] == "passed"  # the same server takes its own resource's token


CONTROLS = "\x1b[2J\x07\x9b31m\u202e\u2028"  # ESC CSI, BEL, C1 CSI, a bidi override, a line separator
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2028")


def test_control_characters_in_token_claims_reach_no_output_raw(tmp_path: Path) -> None:
    """Jinja escapes HTML, not C0/C1 or bidi controls: doctor.html shows them as code points,
    as the terminal does (report/safe.py), and so do doctor.json and the terminal."""
    token = jwt(iss=f"https://evil.example/{CONTROLS}", aud=f"aud{CONTROLS}", exp=1, client_id=f"app{CONTROLS}")
    r, report = offline(tmp_path, token)
    html = (tmp_path / "out" / "doctor.html").read_text(encoding="utf-8")
    raw_json = (tmp_path / "out" / "doctor.json").read_text(encoding="utf-8")
    for text in (html, raw_json, r.out, r.err):
        assert not [c for c in RAW if c in text], [c for c in RAW if c in text]
    assert "app\\x1b[2J\\x07\\x9b31m\\u202e\\u2028" in html  # shown, not acted on
    assert report["steps"]  # the claims were read and judged
    assert any(f"app{CONTROLS}" in s["summary"] for s in report["steps"])  # the data kept as is in JSON


@pytest.mark.parametrize(
    "config", ["split-as", "path-issuer", "no-prm-origin-metadata", "no-prm-default-endpoints", "no-prm"]
)
def test_the_credential_reaches_the_mcp_endpoint_only(tmp_path: Path, config: str) -> None:
    """What both SDK servers received: the bearer on POST/DELETE of the MCP URL and nowhere
    else: not the split authorization server, not the metadata, not the 2025-03-26 default
    endpoints (/authorize, /token), not /register (--try-register), not accessible-resources
    at another host."""
    with running_sdk_server(CONFIGS[config]) as server:
        token = server.token_for(server.url)
        doctor(server.origin, tmp_path, "--bearer", token, "--try-register", path="/mcp")
        seen = list(server.seen)
    carried = [c for c in seen if c.authorization is not None]
    assert carried, seen  # the session itself was authenticated
    assert all((c.origin, c.path, c.method) in {(server.origin, "/mcp", "POST"), (server.origin, "/mcp", "DELETE")}
               for c in carried), carried  # fmt: skip
    assert all(c.authorization == f"Bearer {token}" for c in carried)
    anonymous = {(c.origin, c.path) for c in seen if c.authorization is None}
    if config == "no-prm-default-endpoints":  # the legacy fallback's GETs happened, without it
        assert {(server.origin, "/authorize"), (server.origin, "/token")} <= anonymous
    if config in ("split-as", "path-issuer"):  # the other port was asked, without it
        assert any(o != server.origin for o, _ in anonymous)
    assert any(p == "/mcp" for _, p in anonymous)  # the challenge probe went out anonymous


def test_doctor_help_teaches_the_new_flags_with_examples() -> None:
    out = run_cli("doctor", "--help").out
    examples = out.split("examples:", 1)[1].split("Secrets:", 1)[0]
    for example in ("--explain - <", "--offline --bearer -", "--client claude-code"):
        assert example in examples, example
    assert "server/discover" in examples and "eras" in examples
    assert all(name in " ".join(examples.split()) for name in CLIENTS)


def test_a_client_that_still_falls_back_finds_a_server_with_only_the_default_endpoints(tmp_path: Path) -> None:
    """No PRM, no metadata, /authorize and /token at the origin: DOC-AUTH-002 warns
    (default-endpoints fallback) and DOC-CLIENT-001 must read the same layout, not "none"."""
    with running_sdk_server(CONFIGS["no-prm-default-endpoints"]) as server:
        run = doctor(server.origin, tmp_path, "--client", "mcp-remote", path="/mcp")
        (tmp_path / "reg").mkdir()
        registered = doctor(server.origin, tmp_path / "reg", "--client", "mcp-remote", "--try-register", path="/mcp")
    assert run.steps["DOC-AUTH-002"]["status"] == "warning"
    client = run.steps["DOC-CLIENT-001"]
    discovery = next(d for d in client["details"] if d.startswith("discovery: "))
    assert "found only the 2025-03-26 way, which this client still does" in discovery, discovery
    # Without metadata, DCR at the default /register is known once --try-register got a client id.
    assert "registration: the authorization server's registration methods were not seen" in client["details"]
    assert registered.steps["DOC-AUTH-006"]["status"] == "passed"
    reg = next(d for d in registered.steps["DOC-CLIENT-001"]["details"] if d.startswith("registration: "))
    assert reg.startswith("registration: it can register by dcr (offered: dcr)"), reg


def test_client_profiles_name_the_eras_as_the_client_and_doctor_json_do() -> None:
    """One vocabulary: a profile's `eras` keys are mcpclient.session's era names (doctor.json's
    `eras`), so no step translates between two sets of names."""
    from auditor.doctor.profiles import Eras, profiles
    from auditor.mcpclient.session import ERAS

    assert set(Eras.model_fields) == set(ERAS)
    assert all(set(p.eras.model_dump()) == set(ERAS) for p in profiles().profiles.values())


@pytest.mark.parametrize("config", [SimConfig(prm_missing=True), SimConfig(eras=("modern",), era_before_auth=True)])
def test_on_the_rovo_sim_the_token_reaches_the_mcp_path_and_accessible_resources_only(
    tmp_path: Path, config: SimConfig
) -> None:
    """The 2025-03-26 fallback (prm-missing) and the era-aware challenge probe send nothing with
    the credential; only the session and accessible-resources (the API base) carry it."""
    with running_sim(config) as base:
        token = oauth_token(base)
        doctor(base, tmp_path, "--bearer", token, "--try-register")
    carried = {(r.method, r.path) for r in base.requests if r.authorization}
    assert ("GET", "/oauth/token/accessible-resources") in carried
    assert {p for _, p in carried} == {"/v1/mcp", "/oauth/token/accessible-resources"}, carried
    assert set(base.authorization_values) == {f"Bearer {token}"}
    assert any(r.path.startswith("/.well-known/") for r in base.requests)  # discovery ran, anonymous


def test_the_page_and_the_terminal_name_the_client_profile_and_offline(tmp_path: Path) -> None:
    """doctor.json records `client` and `offline`; doctor.html's header and the terminal's say them too."""
    r, report = offline(
        tmp_path, jwt(iss="https://auth.atlassian.com", aud="api.atlassian.com", exp=1), "--client", "vscode"
    )
    html = (tmp_path / "out" / "doctor.html").read_text(encoding="utf-8")
    title = report["client"]["title"]
    assert report["offline"] is True and report["client"]["id"] == "vscode"
    assert f"judged for client <code>vscode</code> ({title}, profiles as of {report['client']['as_of']})" in html
    assert "offline: no request was sent" in html
    assert "client: vscode" in r.out and "offline: no request sent" in r.out


def test_a_servers_crlf_body_reads_as_lines_on_the_page_and_its_controls_do_not(tmp_path: Path) -> None:
    with running_sim(SimConfig(forbidden_body="denied\r\nby policy\x1b]0;pwned\x07")) as base:
        run = doctor(base, tmp_path, *basic())
    assert "denied\nby policy\\x1b]0;pwned\\x07" in run.html
    assert "\\x0d" not in run.html and "\x1b" not in run.html and "\r" not in run.html


def test_a_token_for_the_metadatas_parent_resource_is_this_endpoints_own(tmp_path: Path) -> None:
    """The PRM names a parent of the endpoint as its resource; the mcp SDK's client then asks for
    a token with that resource (oauth2.py get_resource_url: "Uses PRM resource if it's a valid
    parent"). Its aud is the metadata's resource: not "another resource" at DOC-CRED-002."""
    with running_sdk_server(CONFIGS["resource-parent"]) as server:
        resource = server.origin  # what the PRM names (resource_path "")
        run = doctor(server.origin, tmp_path, "--bearer", server.token_for(resource, jwt=True), path="/mcp")
    cred = run.steps["DOC-CRED-002"]
    assert cred["status"] == "passed", cred
    assert any(d.startswith("audience: the protected resource metadata's resource") for d in cred["details"]), cred
    assert run.steps["DOC-MCP-001"]["status"] == "passed"
