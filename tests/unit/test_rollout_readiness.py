"""Rollout readiness beyond the toggles (issue 12, part 4): the MCP clients' dated data,
RMCP-IP-003 (an IP allowlist that vendor-hosted clients cannot pass), the bundled rollout
profile's redirects, and the attested pre-rollout checklist (RMCP-ROLL-*)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import textwrap

import pytest
from pydantic import ValidationError

from auditor.catalog import ClientCatalog, mcp_clients
from auditor.errors import InputError
from auditor.evaluate.engine import evaluate
from auditor.load.documents import Loaded, load_text
from auditor.model.policy import Policy
from auditor.model.settings import OrgSettings
from auditor.model.waivers import Waivers
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


# --- RMCP-IP-003: an IP allowlist that vendor-hosted clients cannot pass ----------------

AS_OF = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
ANTHROPIC = "[160.79.104.0/21, 153.61.208.0/20]"


def policy(body: str, name: str = "p") -> Loaded[Policy]:
    head = f"apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {{name: {name}}}\n"
    return load_text(head + textwrap.dedent(body), f"{name}.yaml", expect="Policy")


def settings(org: str = "") -> Loaded[OrgSettings]:
    head = "apiVersion: rovo-audit/v1\nkind: OrgSettings\ncollected_at: 2026-11-20T00:00:00Z\norgs:\n"
    org_text = "  - id: o1\n    name: One\n" + textwrap.indent(textwrap.dedent(org), "    ")
    return load_text(head + org_text, "s.yaml", expect="OrgSettings")


def judged(p: Loaded[Policy] | list[Loaded[Policy]], s: Loaded[OrgSettings], w: list[Loaded[Waivers]] | None = None):
    r = evaluate(p if isinstance(p, list) else [p], s, w or [], as_of=AS_OF)
    return {(f.control, f.subject): f for f in r.findings}


CLAUDE = "domains: {required: [https://claude.ai/**]}\n"


def test_allowlist_on_without_vendor_ranges_fails():
    found = judged(policy(CLAUDE), settings("ip_allowlist: {enabled: true, ranges: [203.0.113.0/24]}\n"))
    f = found[("RMCP-IP-003", "claude")]
    assert (f.status, f.severity, f.area) == ("fail", "high", "ip_allowlist")
    assert "160.79.104.0/21" in f.actual and "153.61.208.0/20" in f.actual
    assert f.policy_ref == "p.yaml:4"  # the required origin that brings the client in
    assert f.evidence.source == "file"  # the ip_allowlist section's evidence
    rem = f.remediation
    assert "Atlassian Administration → Security → IP allowlists" in " ".join(rem.steps)
    assert "https://platform.claude.com/docs/en/api/ip-addresses" in " ".join(rem.steps)
    assert "{" not in rem.summary + " ".join(rem.steps)
    assert rem.links == (
        "https://support.atlassian.com/security-and-access-policies/docs/specify-ip-addresses-for-product-access/",
    )


@pytest.mark.parametrize(
    ("ip_allowlist", "status"),
    [
        ("ip_allowlist: {enabled: false}\n", "pass"),  # off: nobody is blocked
        ("ip_allowlist: {enabled: true, ranges: [160.79.0.0/16, 153.61.0.0/16]}\n", "pass"),  # covered
        ("ip_allowlist: {ranges: [203.0.113.0/24]}\n", "unknown"),  # state not collected
        ("", "unknown"),  # section not collected
        ("ip_allowlist: {enabled: true}\n", "unknown"),  # ranges not collected
    ],
)
def test_state_and_ranges(ip_allowlist, status):
    found = judged(policy(CLAUDE), settings(ip_allowlist))
    assert found[("RMCP-IP-003", "claude")].status == status


def test_policy_listing_the_vendor_ranges_passes_and_hands_over_to_ip_002():
    p = policy(CLAUDE + f"ip_allowlist: {{required_ranges: {ANTHROPIC}}}\n")
    found = judged(p, settings("ip_allowlist: {enabled: true, ranges: [160.79.104.0/21]}\n"))
    assert found[("RMCP-IP-003", "claude")].status == "pass"
    assert found[("RMCP-IP-002", "160.79.104.0/21")].status == "pass"
    assert found[("RMCP-IP-002", "153.61.208.0/20")].status == "fail"  # the org still lacks it
    # The policy's ranges count even when the allowlist's state is unknown: IP-002 says so.
    found = judged(p, settings())
    assert found[("RMCP-IP-003", "claude")].status == "pass"
    assert found[("RMCP-IP-002", "153.61.208.0/20")].status == "unknown"


def test_only_the_uncovered_part_is_named():
    p = policy(CLAUDE + "ip_allowlist: {required_ranges: [160.79.104.0/21]}\n")
    f = judged(p, settings("ip_allowlist: {enabled: true, ranges: [160.79.104.0/21]}\n"))[("RMCP-IP-003", "claude")]
    assert f.status == "fail"
    assert "153.61.208.0/20" in f.actual and "160.79.104.0/21" not in f.actual


@pytest.mark.parametrize(
    ("required", "subject"),
    [
        ("https://claude.ai/api/mcp/auth_callback", "claude"),
        ("https://claude.com/api/mcp/auth_callback", "claude"),
        ("https://chatgpt.com/**", "chatgpt"),
        ("https://www.cursor.com/agents/mcp/oauth/callback", "cursor-agents"),
    ],
)
def test_each_vendor_hosted_client_is_recognised_by_its_redirects(required, subject):
    found = judged(policy(f"domains: {{required: ['{required}']}}\n"), settings("ip_allowlist: {enabled: false}\n"))
    assert [k for k in found if k[0] == "RMCP-IP-003"] == [("RMCP-IP-003", subject)]


def test_clients_on_the_users_machine_are_not_concerned():
    p = policy(
        "domains: {required: ['http://localhost:*/callback', 'http://127.0.0.1:*/', 'https://vscode.dev/redirect']}\n"
    )
    found = judged(p, settings("ip_allowlist: {enabled: true, ranges: [203.0.113.0/24]}\n"))
    assert not any(c == "RMCP-IP-003" for c, _ in found)
    assert not any(c == "RMCP-IP-003" for c, _ in judged(policy("auth: {oauth: require}\n"), settings()))


def test_vendor_without_fixed_ranges():
    on = settings("ip_allowlist: {enabled: true, ranges: [0.0.0.0/0]}\n")
    chatgpt = judged(policy("domains: {required: ['https://chatgpt.com/**']}\n"), on)[("RMCP-IP-003", "chatgpt")]
    # OpenAI's list is a changing file not copied here: never a pass for what was not seen.
    assert chatgpt.status == "unknown" and "https://openai.com/chatgpt-connectors.json" in chatgpt.actual
    agents = judged(policy("domains: {required: ['https://www.cursor.com/**']}\n"), on)[
        ("RMCP-IP-003", "cursor-agents")
    ]
    assert agents.status == "fail"  # no ranges published at all: nothing can admit it
    assert "no published egress ranges" in " ".join(agents.remediation.steps)


def test_waiver_and_severity_override_apply():
    p = policy(CLAUDE + "severity: {RMCP-IP-003: medium}\n")
    w = load_text(
        "apiVersion: rovo-audit/v1\nkind: Waivers\nwaivers:\n"
        "  - {control: RMCP-IP-003, subject: claude, reason: egress proxy, approved_by: ciso@x, expires: 2027-01-31}\n",
        "w.yaml",
        expect="Waivers",
    )
    f = judged(p, settings("ip_allowlist: {enabled: true, ranges: []}\n"), [w])[("RMCP-IP-003", "claude")]
    assert (f.status, f.original_status, f.severity) == ("waived", "fail", "medium")


# --- RMCP-ROLL-*: the attested pre-rollout checklist ------------------------------------

CHECKLIST = "rollout: {checklist: [site_admin_consent, user_installed_apps, connected_apps_oauth]}\n"
SITES = "sites: [{url: https://a.atlassian.net}, {url: https://b.atlassian.net}]\n"


def rolls(found):
    return {k: (f.status, f.evidence.source, f.evidence.by) for k, f in found.items() if k[0].startswith("RMCP-ROLL")}


def test_checklist_only_where_a_policy_asks_for_it():
    assert not rolls(judged(policy("auth: {oauth: require}\n"), settings(SITES)))
    only = judged(policy("rollout: {checklist: [connected_apps_oauth]}\n"), settings(SITES))
    assert set(rolls(only)) == {("RMCP-ROLL-003", None)}


def test_nothing_attested_is_unknown_never_pass():
    assert rolls(judged(policy(CHECKLIST), settings(SITES))) == {
        ("RMCP-ROLL-001", "https://a.atlassian.net"): ("unknown", None, None),
        ("RMCP-ROLL-001", "https://b.atlassian.net"): ("unknown", None, None),
        ("RMCP-ROLL-002", None): ("unknown", None, None),
        ("RMCP-ROLL-003", None): ("unknown", None, None),
    }


def test_attested_items_are_to_do_or_done():
    s = settings(
        SITES
        + textwrap.dedent("""\
        rollout_checklist:
          site_admin_consent:
            - {site: https://a.atlassian.net/, done: true, by: sa@x.example, at: 2026-11-21T10:00:00Z}
            - {site: https://b.atlassian.net, done: false, note: site admin on leave}
          user_installed_apps: {done: true, by: admin@x.example}
          connected_apps_oauth: {done: false, by: admin@x.example, at: 2026-11-21T10:00:00Z}
        """)
    )
    found = judged(policy(CHECKLIST), s)
    assert rolls(found) == {
        ("RMCP-ROLL-001", "https://a.atlassian.net"): ("pass", "attested", "sa@x.example"),
        ("RMCP-ROLL-001", "https://b.atlassian.net"): ("fail", "attested", None),
        ("RMCP-ROLL-002", None): ("pass", "attested", "admin@x.example"),
        ("RMCP-ROLL-003", None): ("fail", "attested", "admin@x.example"),
    }
    b = found[("RMCP-ROLL-001", "https://b.atlassian.net")]
    assert b.actual == "open: not done (attested): site admin on leave" and b.area == "rollout"
    assert b.remediation.summary.startswith("Have a site admin of https://b.atlassian.net ")
    assert found[("RMCP-ROLL-002", None)].evidence.at == dt.datetime(2026, 11, 20, tzinfo=dt.UTC)  # collected_at
    steps = " ".join(found[("RMCP-ROLL-003", None)].remediation.steps)
    assert "Atlassian Administration → Apps → Sites" in steps and "{" not in steps


def test_sites_not_collected_leave_an_unknown_for_the_rest():
    s = settings("rollout_checklist:\n  site_admin_consent: [{site: https://a.atlassian.net, done: true}]\n")
    found = rolls(judged(policy("rollout: {checklist: [site_admin_consent]}\n"), s))
    assert found[("RMCP-ROLL-001", "https://a.atlassian.net")][0] == "pass"
    assert found[("RMCP-ROLL-001", "*")][0] == "unknown"  # a site nobody attested may exist


def test_an_attested_site_the_org_does_not_list_is_judged_too():
    s = settings(SITES + "rollout_checklist:\n  site_admin_consent: [{site: https://c.atlassian.net, done: true}]\n")
    found = rolls(judged(policy("rollout: {checklist: [site_admin_consent]}\n"), s))
    assert [k[1] for k in sorted(found)] == [
        "https://a.atlassian.net",
        "https://b.atlassian.net",
        "https://c.atlassian.net",
    ]
    assert found[("RMCP-ROLL-001", "https://c.atlassian.net")][0] == "pass"


def test_policies_add_their_checklists_up():
    a = policy("rollout: {checklist: [user_installed_apps]}\n", "a")
    b = policy("rollout: {checklist: [user_installed_apps, connected_apps_oauth]}\n", "b")
    found = judged([a, b], settings())
    assert set(rolls(found)) == {("RMCP-ROLL-002", None), ("RMCP-ROLL-003", None)}
    assert found[("RMCP-ROLL-002", None)].policy_ref == "a.yaml:4"  # the first rule that asked


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rollout: {checklist: [site_admin_consent, first_coffee]}\n", "expected 'site_admin_consent'"),
        ("rollout: {checklist: [site_admin_consent], extra: 1}\n", "extra"),
    ],
)
def test_bad_checklist_policy_is_an_input_error(text, message):
    with pytest.raises(InputError, match=message):
        policy(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rollout_checklist: {user_installed_apps: {by: x}}\n", "done"),
        ("rollout_checklist: {user_installed_apps: {done: maybe}}\n", "bool"),
        ("rollout_checklist: {first_coffee: {done: true}}\n", "first_coffee"),
        (
            "rollout_checklist:\n  site_admin_consent:\n"
            "    - {site: https://a.atlassian.net, done: true}\n    - {site: https://A.atlassian.net/, done: false}\n",
            "listed twice",
        ),
    ],
)
def test_bad_checklist_settings_are_an_input_error(text, message):
    with pytest.raises(InputError, match=message):
        settings(text)
