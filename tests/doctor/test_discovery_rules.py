"""The doctor fetches what a server names only by the rules: https (plain http on loopback
alone), never a link-local, private or cloud metadata address unless the MCP endpoint is
there, and it keeps only the fields it reads; a pointer to another host is said."""

from __future__ import annotations

import pytest

from auditor.mcpclient.discovery import READ_FIELDS, refused_target

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
