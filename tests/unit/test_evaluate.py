"""Evaluation semantics: fail closed, waivers, severities, merging, org selection."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from auditor.errors import InputError
from auditor.evaluate.engine import evaluate
from auditor.load.documents import load_text
from auditor.verdict import blocking

AS_OF = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)


def policy(body: str, name: str = "p", orgs: str = '["*"]') -> object:
    head = f"apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {{name: {name}}}\norgs: {orgs}\n"
    return load_text(head + textwrap.dedent(body), f"{name}.yaml")


def settings(body: str) -> object:
    head = "apiVersion: rovo-audit/v1\nkind: OrgSettings\ncollected_at: 2026-11-20T00:00:00Z\norgs:\n"
    return load_text(head + textwrap.dedent(body), "s.yaml")


def waivers(body: str) -> object:
    return load_text("apiVersion: rovo-audit/v1\nkind: Waivers\nwaivers:\n" + textwrap.dedent(body), "w.yaml")


def run(policies, s, w=()):
    r = evaluate(policies if isinstance(policies, list) else [policies], s, list(w), as_of=AS_OF)
    return {(f.control, f.subject): f for f in r.findings}, r


EMPTY_ORG = "  - id: o1\n    name: One\n"


def test_nothing_collected_is_unknown_never_pass():
    p = policy("""\
        domains:
          atlassian_supported: forbid
          required: [https://app.example.com/cb]
          forbidden: ["http://*/**"]
          unlisted: fail
        auth: {oauth: require, api_token: forbid}
        scopes: {required: [read:jira-work], forbidden: ["manage:*"]}
        permissions: {jira: {read: require, delete: forbid}, jsm: {read: require}}
        ip_allowlist: {enabled: require, required_ranges: [203.0.113.0/24]}
        evidence: {max_age_days: 30}
        """)
    found, r = run(p, settings(EMPTY_ORG))
    statuses = {k: f.status for k, f in found.items()}
    assert set(statuses.values()) == {"unknown"}, statuses
    assert ("RMCP-DOM-003", None) in found  # one unknown with subject null
    assert ("RMCP-SCOPE-001", "*/read:jira-work") in found
    assert ("RMCP-PERM-003", "jsm.read") in found
    assert ("RMCP-IP-002", "203.0.113.0/24") in found
    assert not any(f.control == "RMCP-EVID-001" for f in r.findings)  # only for sections present
    assert blocking(r.findings) and not blocking(r.findings, "never")
    assert all(f.evidence.source is None for f in r.findings)


def test_absent_permission_group_is_unknown():
    p = policy("permissions: {jira: {read: require, write: forbid}}\n")
    s = settings(EMPTY_ORG + "    rovo_mcp:\n      permissions: {jira: {read: allowed}}\n")
    found, _ = run(p, s)
    assert found[("RMCP-PERM-001", "jira.read")].status == "pass"
    assert found[("RMCP-PERM-002", "jira.write")].status == "unknown"


@pytest.mark.parametrize(
    ("value", "require_status", "forbid_status"),
    [("allowed", "pass", "fail"), ("partial", "fail", "fail"), ("blocked", "fail", "pass")],
)
def test_permission_tristate(value, require_status, forbid_status):
    p = policy("permissions: {jira: {read: require, write: forbid}}\n")
    s = settings(EMPTY_ORG + f"    rovo_mcp:\n      permissions: {{jira: {{read: {value}, write: {value}}}}}\n")
    found, _ = run(p, s)
    assert found[("RMCP-PERM-001", "jira.read")].status == require_status
    assert found[("RMCP-PERM-002", "jira.write")].status == forbid_status


def test_required_pattern_needs_language_inclusion():
    p = policy("domains:\n  required: [https://*.app.example.com/**, https://app.example.com/cb]\n")
    s = settings(
        EMPTY_ORG + "    rovo_mcp:\n      atlassian_supported_domains: false\n"
        "      domains: [https://a.app.example.com/**, https://app.example.com/**]\n"
    )
    found, _ = run(p, s)
    assert found[("RMCP-DOM-001", "https://*.app.example.com/**")].status == "fail"  # only a. is allowed
    assert found[("RMCP-DOM-001", "https://app.example.com/cb")].status == "pass"


def test_required_union_of_entries_counts():
    p = policy("domains:\n  required: ['https://{a,b}.example.com/**']\n")
    s = settings(EMPTY_ORG + "    rovo_mcp:\n      domains: [https://a.example.com/**, https://b.example.com/**]\n")
    found, _ = run(p, s)
    assert found[("RMCP-DOM-001", "https://{a,b}.example.com/**")].status == "pass"


def test_supported_domains_toggle_for_required():
    p = policy("domains:\n  required: [https://claude.ai/api/mcp/auth_callback]\n")
    on = settings(EMPTY_ORG + "    rovo_mcp:\n      atlassian_supported_domains: true\n      domains: []\n")
    unknown = settings(EMPTY_ORG + "    rovo_mcp:\n      domains: []\n")
    off = settings(EMPTY_ORG + "    rovo_mcp:\n      atlassian_supported_domains: false\n      domains: []\n")
    key = ("RMCP-DOM-001", "https://claude.ai/api/mcp/auth_callback")
    assert run(p, on)[0][key].status == "pass"
    assert run(p, unknown)[0][key].status == "unknown"
    assert run(p, off)[0][key].status == "fail"


def test_oauth_open_rules():
    p = policy("auth: {oauth: forbid}\n")
    closed = settings(EMPTY_ORG + "    rovo_mcp: {atlassian_supported_domains: false, domains: []}\n")
    opened = settings(EMPTY_ORG + "    rovo_mcp: {domains: [https://a.example.com/**]}\n")
    unsure = settings(EMPTY_ORG + "    rovo_mcp: {domains: []}\n")
    assert run(p, closed)[0][("RMCP-AUTH-002", None)].status == "pass"
    assert run(p, opened)[0][("RMCP-AUTH-002", None)].status == "fail"
    assert run(p, unsure)[0][("RMCP-AUTH-002", None)].status == "unknown"


def test_scopes_selection_classic_and_none_selected():
    p = policy(
        "scopes:\n  credentials: ['web-*']\n  required: [read:page:confluence]\n  forbidden: ['write:*']\n"
        "  classic_on_api_tokens: warn\n"
    )
    s = settings(
        EMPTY_ORG + "    credentials:\n"
        "      - {label: web-1, kind: api_token, scopes: [read:jira-work, write:page:confluence]}\n"
        "      - {label: web-2, kind: oauth}\n"
        "      - {label: other, kind: api_token, scopes: [write:jira-work]}\n"
    )
    found, _ = run(p, s)
    assert found[("RMCP-SCOPE-001", "web-1/read:page:confluence")].status == "fail"
    assert found[("RMCP-SCOPE-002", "web-1/write:page:confluence")].status == "fail"
    assert found[("RMCP-SCOPE-002", "web-1/read:jira-work")].status == "pass"
    assert found[("RMCP-SCOPE-003", "web-1/read:jira-work")].status == "warn"
    assert found[("RMCP-SCOPE-003", "web-1/write:page:confluence")].status == "pass"
    assert found[("RMCP-SCOPE-001", "web-2/read:page:confluence")].status == "unknown"
    assert not any(k[1] and k[1].startswith("other/") for k in found)
    none = settings(EMPTY_ORG + "    credentials: []\n")
    assert run(p, none)[0][("RMCP-SCOPE-001", "(none)/read:page:confluence")].status == "fail"


def test_ip_ranges_union_and_off():
    p = policy("ip_allowlist: {enabled: require, required_ranges: [10.0.0.0/23, 10.0.2.0/24]}\n")
    s = settings(EMPTY_ORG + "    ip_allowlist: {enabled: true, ranges: [10.0.0.0/24, 10.0.1.0/24]}\n")
    found, _ = run(p, s)
    assert found[("RMCP-IP-002", "10.0.0.0/23")].status == "pass"  # covered by two ranges together
    assert found[("RMCP-IP-002", "10.0.2.0/24")].status == "fail"
    off = settings(EMPTY_ORG + "    ip_allowlist: {enabled: false, ranges: []}\n")
    f2, _ = run(p, off)
    assert f2[("RMCP-IP-001", None)].status == "fail"
    assert f2[("RMCP-IP-002", "10.0.2.0/24")].status == "pass"  # nothing is blocked


def test_evidence_age_warns():
    p = policy("evidence: {max_age_days: 3}\n")
    s = settings(
        EMPTY_ORG + "    ip_allowlist: {enabled: true}\n    credentials: []\n"
        "    evidence:\n      credentials: {source: admin-api, at: 2026-11-25T00:00:00Z}\n"
    )
    found, _ = run(p, s)
    assert found[("RMCP-EVID-001", "ip_allowlist")].status == "warn"  # collected_at, 6 days
    assert found[("RMCP-EVID-001", "credentials")].status == "pass"
    assert ("RMCP-EVID-001", "rovo_mcp") not in found


def test_waivers_apply_expire_and_report_unused():
    p = policy("auth: {api_token: forbid}\nip_allowlist: {enabled: require}\n")
    s = settings(EMPTY_ORG + "    rovo_mcp: {api_token_auth: true}\n")
    w = waivers("""\
        - {control: RMCP-AUTH-001, org: One, reason: CI needs it, approved_by: ciso@x, expires: 2027-01-31}
        - {control: RMCP-IP-001, reason: old, approved_by: ciso@x, expires: 2026-11-25}
        - {control: RMCP-IP-001, reason: bad date, approved_by: ciso@x, expires: someday}
        - {control: RMCP-DOM-003, reason: nothing to waive, approved_by: ciso@x, expires: 2027-01-31}
        - {control: RMCP-AUTH-001, org: Other, reason: other org, approved_by: ciso@x, expires: 2027-01-31}
        """)
    found, r = run(p, s, [w])
    f = found[("RMCP-AUTH-001", None)]
    assert (f.status, f.original_status, f.waiver.reason) == ("waived", "fail", "CI needs it")
    assert f.waiver.ref == "w.yaml:4"
    assert found[("RMCP-IP-001", None)].status == "unknown"  # expired waivers waive nothing
    assert [x.why for x in r.expired_waivers] == ["expired", "unparsable-expiry"]
    assert sorted(x.reason for x in r.unused_waivers) == ["nothing to waive", "other org"]
    assert r.summary["waived"] == 1
    assert blocking(r.findings)  # the unknown still blocks


def test_waiver_expiring_today_still_applies():
    p = policy("auth: {api_token: forbid}\n")
    s = settings(EMPTY_ORG + "    rovo_mcp: {api_token_auth: true}\n")
    w = waivers("- {control: RMCP-AUTH-001, reason: r, approved_by: a, expires: 2026-11-26}\n")
    assert run(p, s, [w])[0][("RMCP-AUTH-001", None)].status == "waived"


def test_severity_override_and_policy_ref():
    p = policy("auth:\n  api_token: forbid\nseverity:\n  RMCP-AUTH-001: low\n")
    s = settings(EMPTY_ORG + "    rovo_mcp: {api_token_auth: true}\n")
    f = run(p, s)[0][("RMCP-AUTH-001", None)]
    assert f.severity == "low" and f.policy_ref == "p.yaml:6"


def test_policies_add_up_and_select_orgs():
    a = policy("auth: {api_token: forbid}\n", "a")
    b = policy("ip_allowlist: {enabled: require}\n", "b", orgs='["Two"]')
    s = settings(
        EMPTY_ORG + "    rovo_mcp: {api_token_auth: false}\n    ip_allowlist: {enabled: false}\n"
        "  - id: o2\n    name: Two\n    rovo_mcp: {api_token_auth: false}\n    ip_allowlist: {enabled: false}\n"
    )
    r = evaluate([a, b], s, as_of=AS_OF)
    keys = {(f.org, f.control) for f in r.findings}
    assert ("o1", "RMCP-IP-001") not in keys and ("o2", "RMCP-IP-001") in keys
    assert {o.id: o.policies for o in r.orgs} == {"o1": ("a",), "o2": ("a", "b")}


def test_strictest_level_wins_and_contradiction_is_input_error():
    a = policy("domains: {unlisted: warn}\n", "a")
    b = policy("domains: {unlisted: fail}\n", "b")
    s = settings(EMPTY_ORG + "    rovo_mcp: {domains: [https://x.example.com/**]}\n")
    found, _ = run([a, b], s)
    assert found[("RMCP-DOM-003", "https://x.example.com/**")].status == "fail"
    c = policy("permissions: {jira: {write: require}}\n", "c")
    d = policy("permissions: {jira: {write: forbid}}\n", "d")
    with pytest.raises(InputError) as e:
        run([c, d], s)
    assert "c.yaml:5" in str(e.value) and str(e.value).startswith("d.yaml:5")


def test_unparsable_entry_only_dom006():
    p = policy("domains: {unlisted: fail, forbidden: ['https://*.bad.example/**']}\n")
    s = settings(EMPTY_ORG + "    rovo_mcp: {domains: ['app.example.com/**', 'https://{a,b.example.com/**']}\n")
    found, _ = run(p, s)
    for text in ("app.example.com/**", "https://{a,b.example.com/**"):
        assert found[("RMCP-DOM-006", text)].status == "fail"
        assert ("RMCP-DOM-003", text) not in found and ("RMCP-DOM-002", text) not in found


def test_duplicate_keys_keep_the_worse_result():
    a = policy("scopes: {credentials: ['*'], required: [read:x:y]}\n", "a")
    b = policy("scopes: {credentials: ['bot'], required: [read:x:y]}\n", "b")
    s = settings(EMPTY_ORG + "    credentials:\n      - {label: bot, kind: oauth, scopes: [read:x:y]}\n")
    _, r = run([a, b], s)
    assert len([f for f in r.findings if f.control == "RMCP-SCOPE-001"]) == 1


def test_entry_listed_twice_is_one_subject_and_verdicts_are_shared_across_orgs():
    p = policy("domains: {unlisted: fail, allowed: ['https://*.example.com/**']}\n")
    s = settings(
        EMPTY_ORG + "    rovo_mcp: {domains: [https://a.example.com/**, https://a.example.com/**]}\n"
        "  - id: o2\n    rovo_mcp: {domains: [https://a.example.com/**, https://b.other.com/**]}\n"
    )
    _, r = run(p, s)
    keys = [(f.org, f.control, f.subject) for f in r.findings]
    assert len(keys) == len(set(keys))
    got = {(f.org, f.control, f.subject): f.status for f in r.findings if f.control == "RMCP-DOM-003"}
    assert got == {
        ("o1", "RMCP-DOM-003", "https://a.example.com/**"): "pass",
        ("o2", "RMCP-DOM-003", "https://a.example.com/**"): "pass",
        ("o2", "RMCP-DOM-003", "https://b.other.com/**"): "fail",
    }
    o2 = [f for f in r.findings if f.org == "o2"]
    assert all(f.org_name is None for f in o2)


def test_partial_credential_list_leaves_the_rest_unknown():
    p = policy("scopes: {credentials: ['*'], forbidden: ['manage:*'], required: [read:jira-work]}\n")
    s = settings(
        EMPTY_ORG + "    credentials:\n      - {label: oauth:dev, kind: oauth, scopes: [read:jira-work]}\n"
        "    collection_errors:\n      - {section: credentials, source: admin-api, error: no admin API key}\n"
    )
    found, r = run(p, s)
    assert found[("RMCP-SCOPE-002", "oauth:dev/read:jira-work")].status == "pass"
    assert found[("RMCP-SCOPE-002", "*/manage:*")].status == "unknown"
    assert found[("RMCP-SCOPE-001", "*/read:jira-work")].status == "unknown"
    assert "no admin API key" in found[("RMCP-SCOPE-002", "*/manage:*")].actual
    assert blocking(r.findings)


def _contract_order(r) -> list:
    # FORMATS.md §6: by (org, control, subject), a null subject first.
    return sorted(r.findings, key=lambda f: (f.org, f.control, f.subject is not None, f.subject or ""))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_findings_come_out_in_contract_order(seed: int) -> None:
    # The engine does not sort whole orgs: checks hand over ordered parts (engine.ORDERED).
    from pathlib import Path

    from tests.estate import make_estate

    policy_text, settings_text = make_estate(orgs=6, entries_per_org=40, seed=seed)
    s = load_text(settings_text, "s.yaml")
    bundled = sorted(Path("policies").glob("*.yaml"))
    for policies in ([load_text(policy_text, "p.yaml")], [load_text(p.read_text(), str(p)) for p in bundled[:1]]):
        r = evaluate(policies, s, as_of=AS_OF)
        assert len(r.findings) > 50
        assert list(r.findings) == _contract_order(r)


def test_order_without_an_allowlist_and_with_unparsable_entries() -> None:
    p = policy("""
        domains:
          atlassian_supported: forbid
          required: ["https://b.example.com/**", "https://a.example.com/**"]
          forbidden: ["https://*.ngrok.app/**"]
        ip_allowlist: {enabled: require}
        """)
    for body in (
        EMPTY_ORG,
        EMPTY_ORG + "    rovo_mcp:\n      atlassian_supported_domains: false\n"
        "      domains: ['https://z.example.com/**', 'not a url', 'https://a.example.com/**', 'ftp://x']\n",
    ):
        _, r = run(p, settings(body))
        assert list(r.findings) == _contract_order(r)


def test_future_additions_merge_and_judge_fail_closed():
    strict = policy("future_additions: {jira: {write: forbid}, confluence: {read: require}}\n", name="strict")
    loose = policy("future_additions: {jira: {write: allow, read: allow}}\n", name="loose")
    s = settings(EMPTY_ORG + "    rovo_mcp:\n      future_additions: {jira: {write: true}}\n")
    found, _ = run([strict, loose], s)
    perm4 = {k[1]: f for k, f in found.items() if k[0] == "RMCP-PERM-004"}
    assert set(perm4) == {"jira.write", "confluence.read"}  # `allow` checks nothing
    assert (perm4["jira.write"].status, perm4["jira.write"].severity) == ("fail", "high")
    assert (perm4["confluence.read"].status, perm4["confluence.read"].severity) == ("unknown", "medium")
    assert perm4["jira.write"].policy_ref == "strict.yaml:5"  # after the four-line head
    clash = policy("future_additions: {jira: {write: require}}\n", name="clash")
    with pytest.raises(InputError, match=r"future_additions\.jira\.write: one says forbid"):
        run([strict, clash], s)
