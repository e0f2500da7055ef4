"""Rollout readiness beyond the toggles (issue 12, part 4): the MCP clients' dated data,
RMCP-IP-003 (an IP allowlist that vendor-hosted clients cannot pass), the bundled rollout
profile's redirects, and the attested pre-rollout checklist (RMCP-ROLL-*)."""

from __future__ import annotations

import ipaddress

import pytest
from pydantic import ValidationError

from auditor.catalog import ClientCatalog, mcp_clients
from auditor.patterns import parse_pattern, rule_violations


def test_client_data_is_dated_and_sourced():
    cat = mcp_clients()
    assert cat.as_of.isoformat() == "2026-12-01"
    assert {"claude", "chatgpt", "claude-code", "vscode", "cursor"} <= set(cat.clients)
    assert set(cat.vendor_hosted()) == {"claude", "chatgpt", "cursor-agents"}
    for cid, c in cat.clients.items():
        for fact in (c.calls_from_source, *c.redirects, *([c.egress] if c.egress else [])):
            assert fact.source.startswith("https://"), cid
            assert fact.read <= cat.as_of, cid


def test_every_redirect_is_a_valid_allowlist_pattern():
    for cid, c in mcp_clients().clients.items():
        for r in c.redirects:
            assert rule_violations(parse_pattern(r.uri)) == (), (cid, r.uri)


def test_published_ranges_as_read():
    cat = mcp_clients()
    claude = cat.clients["claude"].egress
    assert claude is not None and claude.published == "listed"
    assert "160.79.104.0/21" in claude.ranges  # Anthropic's outbound range for MCP tool calls
    assert not any(ipaddress.ip_network(r).overlaps(ipaddress.ip_network("34.162.0.0/16")) for r in claude.ranges)
    chatgpt = cat.clients["chatgpt"].egress
    # OpenAI publishes its ranges only as a changing file: none are copied, never invented.
    assert chatgpt is not None and chatgpt.published == "file" and chatgpt.ranges == ()
    assert chatgpt.source == "https://openai.com/chatgpt-connectors.json"
    assert cat.clients["cursor-agents"].egress.published == "none"


def _catalog(**client: object) -> dict[str, object]:
    fact = {"source": "https://example.com/doc", "read": "2026-12-01", "confidence": "high"}
    base = {
        "title": "X",
        "vendor": "X",
        "calls_from": "vendor",
        "calls_from_source": fact,
        "redirects": [{"uri": "https://x.example.com/cb", **fact}],
        "egress": {"published": "listed", "ranges": ["203.0.113.0/24"], **fact},
    }
    return {"as_of": "2026-12-01", "source": "s", "clients": {"x": {**base, **client}}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"egress": None}, "has `egress`"),
        ({"calls_from": "user"}, "has `egress`"),
        (
            {
                "egress": {
                    "published": "none",
                    "ranges": ["203.0.113.0/24"],
                    "source": "https://e.com",
                    "read": "2026-12-01",
                    "confidence": "low",
                }
            },
            "only when",
        ),
        (
            {
                "egress": {
                    "published": "listed",
                    "ranges": [],
                    "source": "https://e.com",
                    "read": "2026-12-01",
                    "confidence": "low",
                }
            },
            "only when",
        ),
        (
            {
                "egress": {
                    "published": "listed",
                    "ranges": ["not-a-range"],
                    "source": "https://e.com",
                    "read": "2026-12-01",
                    "confidence": "low",
                }
            },
            "not an IP address",
        ),
        ({"redirects": []}, "at least 1"),
        ({"calls_from_source": {"source": "http://e.com", "read": "2026-12-01", "confidence": "high"}}, "https URL"),
    ],
)
def test_bad_client_data_is_refused(change, message):
    ClientCatalog.model_validate(_catalog())  # the base is valid
    with pytest.raises(ValidationError, match=message):
        ClientCatalog.model_validate(_catalog(**change))
