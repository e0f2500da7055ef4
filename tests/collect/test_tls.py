"""`rovo-audit collect` over HTTPS: the Admin API (and the MCP endpoint) served with a
self-signed certificate on 127.0.0.1. Trusted through SSL_CERT_FILE (what the product
documents for a corporate CA) the run is complete; untrusted, every section the server would
have answered fails closed, and no request (so no credential) reaches the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from auditor.load.documents import load_file
from tests.collect.conftest import AS_OF, ORG, collect_env, example_org
from tests.conftest import Run, run_cli
from tests.servers.fake_admin_api import ADMIN_KEY, OAUTH_TOKEN, FakeAdminApi, running_admin_api
from tests.servers.rovo_sim import SCENARIOS, SIM_API_TOKEN, SIM_EMAIL, TlsFiles, make_tls_files, running_sim

ADMIN_SECTIONS = {"name", "verified_domains", "ip_allowlist", "credentials", "mcp_activity"}
SECRETS = (ADMIN_KEY, OAUTH_TOKEN, SIM_API_TOKEN)


def _no_secret(r: Run, folder: Path) -> None:
    texts = [r.out, r.err, *(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())]
    assert not [s for s in SECRETS for t in texts if s in t], "a planted secret reached an output"


def _collect(folder: Path, env: dict[str, str], out: str = "settings.yaml") -> Run:
    return run_cli("collect", "--out", folder / out, "--as-of", AS_OF, cwd=folder, env=env)


def _trust(ca: Path | None) -> dict[str, str]:
    """Trust exactly `ca` (or, with None, only the system store, which cannot hold a
    certificate minted a moment ago)."""
    return {"SSL_CERT_FILE": str(ca), "SSL_CERT_DIR": str(ca.parent / "no-such-dir")} if ca else {}


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    (tmp_path / "server-ca").mkdir()
    return make_tls_files(tmp_path / "server-ca")


@pytest.fixture
def https_api(tls: TlsFiles) -> Iterator[FakeAdminApi]:
    with running_admin_api([example_org()], tls=tls) as server:
        yield server


def test_trusted_ca_collects_everything_over_https(https_api: FakeAdminApi, tls: TlsFiles, tmp_path: Path) -> None:
    assert https_api.url.startswith("https://127.0.0.1:")
    with running_sim(SCENARIOS["healthy"], tls=tls) as sim:
        assert sim.startswith("https://")
        env = collect_env(
            https_api,
            mcp_url=f"{sim}/v1/mcp",
            ROVO_AUDIT_OAUTH_TOKEN=OAUTH_TOKEN,
            ROVO_AUDIT_MCP_EMAIL=SIM_EMAIL,
            ROVO_AUDIT_MCP_API_TOKEN=SIM_API_TOKEN,
            **_trust(tls.cert),
        )
        r = _collect(tmp_path, env)
        probed = len(sim.requests)
    assert r.code == 0, r.out + r.err
    assert "complete" in r.out and "Traceback" not in r.err
    org = load_file(tmp_path / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert org.collection_errors == ()
    assert org.name == "Example Corp" and org.verified_domains == ("example.com", "example.org")
    assert org.ip_allowlist is not None and org.ip_allowlist.enabled is True
    assert org.evidence["ip_allowlist"].source == "admin-api"
    assert org.evidence["rovo_mcp"].source == "mcp-probe" and org.rovo_mcp.api_token_auth is True
    assert {c.label for c in org.credentials} >= {"ci-bot", "oauth:dev@example.com"}
    # The requests really went over TLS to these servers (the fake only sees decrypted ones).
    assert {s.endpoint for s in https_api.log} >= {
        "org",
        "domains",
        "policies",
        "api_tokens",
        "events",
        "accessible_resources",
        "me",
    }
    assert probed > 0
    _no_secret(r, tmp_path)


@pytest.mark.parametrize("trusted", ["another-ca", "system-store"])
def test_untrusted_certificate_fails_closed(
    https_api: FakeAdminApi, tls: TlsFiles, tmp_path: Path, trusted: str
) -> None:
    other = None
    if trusted == "another-ca":
        (tmp_path / "other-ca").mkdir()
        other = make_tls_files(tmp_path / "other-ca").cert
    with running_sim(SCENARIOS["healthy"], tls=tls) as sim:
        env = collect_env(
            https_api,
            mcp_url=f"{sim}/v1/mcp",
            ROVO_AUDIT_OAUTH_TOKEN=OAUTH_TOKEN,
            ROVO_AUDIT_MCP_EMAIL=SIM_EMAIL,
            ROVO_AUDIT_MCP_API_TOKEN=SIM_API_TOKEN,
            **_trust(other),
        )
        r = _collect(tmp_path, env)
        probed = [x for x in sim.requests if x.rpc_method]
    assert r.code == 1, r.out + r.err
    assert "Traceback" not in r.err and "PARTIAL" in r.out
    # Nothing that needed the server is reported as collected...
    doc = yaml.safe_load((tmp_path / "settings.yaml").read_text())
    (org,) = doc["orgs"]
    assert org["id"] == ORG
    for section in ("name", "verified_domains", "ip_allowlist", "credentials", "mcp_activity", "rovo_mcp"):
        assert section not in org, f"{section} reported although the server's certificate was not trusted"
    # ...each of those sections says why, naming its endpoint...
    failed = {(e["section"], e["source"]) for e in org["collection_errors"]}
    assert {(s, "admin-api") for s in ADMIN_SECTIONS} <= failed
    assert ("credentials", "oauth") in failed
    assert any(s.startswith("rovo_mcp") and src == "mcp-probe" for s, src in failed)
    for e in org["collection_errors"]:
        if e["source"] == "admin-api":
            assert e["endpoint"] and e["endpoint"] in r.out
    # ...and the handshake failed before any request: the credentials never left the client.
    assert https_api.log == [] and https_api.state.auth_values == []
    assert probed == []
    _no_secret(r, tmp_path)
    # The snapshot audits to no pass for what could not be seen.
    audit = run_cli(
        "audit",
        "--policy",
        "baseline",
        "--settings",
        tmp_path / "settings.yaml",
        "--out",
        tmp_path / "rep",
        "--format",
        "json",
        "--as-of",
        "2026-11-26",
        "--no-history",
        "-q",
    )
    assert audit.code == 1 and "Traceback" not in audit.err


def test_untrusted_certificate_without_an_org_id_writes_nothing(https_api: FakeAdminApi, tmp_path: Path) -> None:
    (tmp_path / "other-ca").mkdir()
    env = collect_env(https_api, ROVO_AUDIT_ORG_ID="", **_trust(make_tls_files(tmp_path / "other-ca").cert))
    r = _collect(tmp_path, env)
    assert r.code == 1 and r.out == ""
    assert r.err.startswith("rovo-audit: collect failed: could not list the orgs") and r.err.count("\n") == 1, r.err
    assert "Traceback" not in r.err
    assert not (tmp_path / "settings.yaml").exists()
    assert https_api.log == []


def test_untrusted_certificate_error_names_the_certificate(https_api: FakeAdminApi, tmp_path: Path) -> None:
    (tmp_path / "other-ca").mkdir()
    r = _collect(tmp_path, collect_env(https_api, **_trust(make_tls_files(tmp_path / "other-ca").cert)))
    assert r.code == 1
    errors = yaml.safe_load((tmp_path / "settings.yaml").read_text())["orgs"][0]["collection_errors"]
    admin = [e["error"] for e in errors if e["source"] == "admin-api"]
    assert admin and all("certificate" in e.lower() for e in admin), admin
    # A certificate that does not verify will not verify on the next attempt either.
    assert all("attempts" not in e for e in admin), admin
