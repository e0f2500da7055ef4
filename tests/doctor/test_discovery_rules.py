"""The doctor fetches what a server names only by the rules: https (plain http on loopback
alone), never a link-local, private or cloud metadata address unless the MCP endpoint is
there, and it keeps only the fields it reads; a pointer to another host is said."""

from __future__ import annotations

import pytest

from auditor.mcpclient.discovery import READ_FIELDS
from auditor.mcpclient.fetch_rules import refused_target

ENDPOINT = "https://mcp.atlassian.com/v1/mcp"


@pytest.mark.parametrize(
    ("url", "endpoint", "refused"),
    [
        ("https://auth.atlassian.com/.well-known/oauth-authorization-server", ENDPOINT, None),
        ("http://auth.example.com/.well-known/oauth-authorization-server", ENDPOINT, "plain http"),
        ("http://127.0.0.1:8000/.well-known/x", "http://127.0.0.1:8000/v1/mcp", None),
        ("https://169.254.169.254/latest/meta-data/", ENDPOINT, "metadata"),
        ("https://metadata.google.internal/computeMetadata/v1/", ENDPOINT, "metadata"),
        ("https://10.0.0.5/.well-known/x", ENDPOINT, "private"),
        ("https://192.168.1.1/.well-known/x", ENDPOINT, "private"),
        ("https://[fe80::1]/.well-known/x", ENDPOINT, "link-local"),
        ("https://10.0.0.5/.well-known/x", "https://10.0.0.9/v1/mcp", None),  # a private gateway
        ("file:///etc/passwd", ENDPOINT, "not https"),
    ],
)
def test_refused_targets(url: str, endpoint: str, refused: str | None) -> None:
    got = refused_target(url, endpoint)
    if refused is None:
        assert got is None
    else:
        assert got is not None and refused in got


def test_metadata_evidence_keeps_only_the_fields_read(tmp_path) -> None:
    import json

    from tests.conftest import run_cli
    from tests.servers.rovo_sim import SCENARIOS, running_sim

    with running_sim(SCENARIOS["healthy"]) as sim:
        r = run_cli("doctor", "--url", f"{sim}/v1/mcp", "--out", tmp_path, "-q")
    assert r.code in (0, 1), r.err
    doc = json.loads((tmp_path / "doctor.json").read_text())
    bodies = [
        e["body"]
        for step in doc["steps"]
        for e in step.get("evidence", [])
        if "/.well-known/" in e["url"] and e.get("status") == 200 and e.get("body")
    ]
    assert bodies, "no metadata document was fetched"
    for body in bodies:
        assert set(json.loads(body)) <= set(READ_FIELDS), body


@pytest.mark.parametrize(
    ("issuer", "expected", "said"),
    [
        ("https://auth.example.com/t1", "https://auth.example.com/t1", None),
        (
            "https://auth.example.com/",
            "https://auth.example.com",
            "differs only by a trailing slash (the metadata's has one)",
        ),
        (
            "https://auth.example.com",
            "https://auth.example.com/",
            "differs only by a trailing slash (the metadata's lacks one)",
        ),
        ("https://Auth.example.com/T1", "https://auth.example.com/t1", "differs only in letter case"),
        (
            "https://auth.atlassian.com",
            "https://auth.atlassian.com/abc",
            "has the same host but another path (/ instead of /abc)",
        ),
        ("https://mcp.example.invalid/oauth", "https://auth.example.com/oauth", "is on another host"),
        (None, "https://auth.example.com", "is missing"),
    ],
)
def test_issuer_equality_is_exact_and_says_the_difference(issuer: str | None, expected: str, said: str | None) -> None:
    """RFC 8414 §3.3: identical strings; a trailing slash is a difference (the doctor passed it before)."""
    from auditor.mcpclient.issuer import issuer_difference

    got = issuer_difference(issuer, expected)
    assert got == said if said is None else (got is not None and got.startswith(said)), got


@pytest.mark.parametrize(
    ("redirect", "kind"),
    [
        ("http://127.0.0.1:33418/callback", "native"),
        ("http://localhost:8080/cb", "native"),
        ("http://[::1]:9/cb", "native"),
        ("com.example.app:/oauth", "native"),
        ("https://app.example.com/oauth/callback", "web"),
        ("https://vscode.dev/redirect", "web"),
    ],
)
def test_application_type_follows_the_redirect(redirect: str, kind: str) -> None:
    """SEP-837: native for a loopback or custom-scheme redirect, web for a remote https one."""
    from auditor.mcpclient.oauth import application_type_for

    assert application_type_for(redirect) == kind


def test_rovo_paths_must_offer_registration_and_others_need_not() -> None:
    """The data that turns "only pre-registered clients" from a warning into a failure."""
    from auditor.doctor.facts import endpoints

    data = endpoints()
    v2 = data.find("/v2/mcp")
    assert v2 is not None and v2.registration is not None and set(v2.registration.methods) == {"dcr", "cimd"}
    assert all(data.find(p) and data.find(p).registration for p in ("/v1/mcp", "/v1/mcp/authv2"))  # type: ignore[union-attr]
    assert data.find("/mcp") is None
