"""Every control's remediation, for every status it can have, rendered from the catalogue's
templates on real findings (auditor.evaluate over settings that give each status): a pass
carries none, an unknown for want of a section says how to collect or attest it, and no
text has an empty placeholder or a dangling word (issue 12, part 3)."""

from __future__ import annotations

import datetime as dt
import re
import string
import textwrap
from collections.abc import Iterator

import pytest

from auditor.catalog import LazyRemediation, collect_remediation, controls
from auditor.evaluate.engine import evaluate
from auditor.load.documents import load_text
from auditor.model.common import SECTIONS
from auditor.model.results import Finding

AS_OF = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)

POLICY = """\
apiVersion: rovo-audit/v1
kind: Policy
metadata: {{name: every-{level}}}
domains:
  atlassian_supported: forbid
  required: [https://app.example.com/oauth/callback, https://claude.ai/api/mcp/auth_callback]
  allowed: ["https://*.tools.example.com/**"]
  forbidden: ["https://*.ngrok-free.app/**"]
  unlisted: {level}
  public_suffix_wildcards: {level}
auth: {{oauth: require, api_token: forbid}}
scopes:
  credentials: ["*"]
  required: [read:jira-work]
  forbidden: ["delete:*"]
  classic_on_api_tokens: {level}
permissions:
  jira: {{read: require, delete: forbid}}
  jsm: {{read: require}}
  compass: {{read: require}}
future_additions: {{jira: {{write: forbid, read: require}}}}
ip_allowlist: {{enabled: require, required_ranges: [203.0.113.0/24]}}
evidence: {{max_age_days: 30}}
rollout: {{checklist: [site_admin_consent, user_installed_apps, connected_apps_oauth]}}
"""
# ChatGPT's egress is published only as a changing file: an IP-003 unknown that collecting
# the allowlist would not settle, so it keeps the control's own advice.
CHATGPT = """\
apiVersion: rovo-audit/v1
kind: Policy
metadata: {name: chatgpt}
domains: {required: ["https://chatgpt.com/**"]}
"""

SETTINGS = """\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-20T09:30:00Z
orgs:
  - id: o-wrong            # every check fails or warns
    name: Wrong
    sites: [{url: https://wrong.atlassian.net}]
    rovo_mcp:
      atlassian_supported_domains: true
      domains: ["https://x.ngrok-free.app/**", "https://unlisted.example.org/**", "https://*.vercel.app/**",
                "http://intranet/**", "https://a.tools.example.com/**"]
      api_token_auth: true
      permissions: {jira: {read: blocked, delete: allowed}, jsm: {read: allowed}, compass: {read: allowed}}
      future_additions: {jira: {write: true, read: false}}
    ip_allowlist: {enabled: false}
    credentials:
      - {label: bot, kind: api_token, scopes: [write:jira-work, delete:page:confluence, read:page:confluence]}
      - {label: legacy, kind: api_token, scopes: [read:jira-work]}   # classic scopes only
    contradictions:
      - {field: rovo_mcp.api_token_auth, observed: "true", observed_source: mcp-probe, attested: "false"}
    rollout_checklist:
      site_admin_consent: [{site: https://wrong.atlassian.net, done: false, by: sa@x.example}]
      user_installed_apps: {done: false, by: admin@x.example}
      connected_apps_oauth: {done: false, by: admin@x.example}
    evidence:
      rovo_mcp: {source: attested, by: admin@x.example, at: 2026-09-01T00:00:00Z}
  - id: o-closed           # OAuth closed, API tokens off, an allowlist without the ranges
    name: Closed
    rovo_mcp:
      atlassian_supported_domains: false
      domains: []
      api_token_auth: false
      permissions: {jira: {read: allowed, delete: blocked}, jsm: {read: allowed}, compass: {read: allowed}}
    ip_allowlist: {enabled: true, ranges: [198.51.100.0/24]}
    credentials: []
    evidence:
      ip_allowlist: {source: admin-api, at: 2026-11-27T08:00:00Z}   # after the audit's clock
  - id: o-right            # every check passes
    name: Right
    sites: [{url: https://right.atlassian.net}]
    rovo_mcp:
      atlassian_supported_domains: false
      domains: ["https://app.example.com/oauth/callback", "https://claude.ai/api/mcp/auth_callback",
                "https://a.tools.example.com/**"]
      api_token_auth: false
      permissions: {jira: {read: allowed, delete: blocked}, jsm: {read: allowed}, compass: {read: allowed}}
      future_additions: {jira: {write: false, read: true}}
    ip_allowlist: {enabled: true, ranges: [203.0.113.0/24, 160.79.104.0/21, 153.61.208.0/20]}
    credentials:
      - {label: bot, kind: api_token, scopes: [read:jira-work, read:page:confluence]}
    cross_checked: [rovo_mcp.api_token_auth]
    rollout_checklist:
      site_admin_consent: [{site: https://right.atlassian.net, done: true, by: sa@x.example}]
      user_installed_apps: {done: true, by: admin@x.example}
      connected_apps_oauth: {done: true, by: admin@x.example}
  - id: o-unseen           # nothing collected
    name: Unseen
  - id: o-partial          # parts of sections: the toggle alone, a partial credentials list
    name: Partial
    rovo_mcp: {atlassian_supported_domains: false, domains: ["https://a.tools.example.com/**"]}
    ip_allowlist: {ranges: [198.51.100.0/24]}
    credentials: [{label: oauth-app, kind: oauth, scopes: [read:jira-work]}, {label: tok, kind: api_token}]
    collection_errors: [{section: credentials, source: admin-api, error: HTTP 403}]
"""
# No file time and no section time: RMCP-EVID-001 cannot tell the evidence's age.
UNDATED = """\
apiVersion: rovo-audit/v1
kind: OrgSettings
orgs:
  - id: o-undated
    ip_allowlist: {enabled: true, ranges: [203.0.113.0/24]}
    credentials: []
"""
WAIVERS = """\
apiVersion: rovo-audit/v1
kind: Waivers
waivers:
  - {control: RMCP-DOM-003, org: Wrong, reason: r, approved_by: a@x.example, expires: 2027-01-31}
  - {control: RMCP-PERM-001, org: Unseen, reason: r, approved_by: a@x.example, expires: 2027-01-31}
"""

# What each control can find. A control added to the catalogue fails the coverage test
# below until its statuses are listed here and the scenarios above produce them.
STATUSES: dict[str, set[str]] = {
    "RMCP-DOM-001": {"pass", "fail", "unknown"},
    "RMCP-DOM-002": {"pass", "fail", "unknown"},
    "RMCP-DOM-003": {"pass", "fail", "warn", "unknown"},
    "RMCP-DOM-004": {"pass", "fail", "warn", "unknown"},
    "RMCP-DOM-005": {"pass", "fail", "unknown"},
    "RMCP-DOM-006": {"pass", "fail", "unknown"},
    "RMCP-AUTH-001": {"pass", "fail", "unknown"},
    "RMCP-AUTH-002": {"pass", "fail", "unknown"},
    "RMCP-SCOPE-001": {"pass", "fail", "unknown"},
    "RMCP-SCOPE-002": {"pass", "fail", "unknown"},
    "RMCP-SCOPE-003": {"pass", "fail", "warn", "unknown"},
    "RMCP-PERM-001": {"pass", "fail", "unknown"},
    "RMCP-PERM-002": {"pass", "fail", "unknown"},
    "RMCP-PERM-003": {"pass", "fail", "unknown"},
    "RMCP-PERM-004": {"pass", "fail", "unknown"},
    "RMCP-IP-001": {"pass", "fail", "unknown"},
    "RMCP-IP-002": {"pass", "fail", "unknown"},
    "RMCP-IP-003": {"pass", "fail", "unknown"},
    "RMCP-EVID-001": {"pass", "warn", "unknown"},
    "RMCP-EVID-002": {"pass", "fail"},
    "RMCP-ROLL-001": {"pass", "fail", "unknown"},
    "RMCP-ROLL-002": {"pass", "fail", "unknown"},
    "RMCP-ROLL-003": {"pass", "fail", "unknown"},
}

# Text that betrays a placeholder left empty or a word left hanging.
_BAD = [
    (re.compile(r"[{}]"), "a placeholder left in"),
    (re.compile(r"\(\s*\)|\(\s|\s\)|\(\s*[,;:]"), "empty or broken parentheses"),
    (re.compile(r"\bmatches\s*[).,;]|\bmatches\s*$"), "'matches' with nothing after it"),
    (re.compile(r"``"), "an empty code span"),
    (re.compile(r" {2,}"), "a double space"),
    (re.compile(r"\s[,.;:]"), "a space before punctuation"),
    (
        re.compile(r"\b(?:scope|Add|Delete|Fix|Replace|Allow|Block|Collect|Check|find|delete|without|with) it\b"),
        "a dangling 'it' where a value was meant",
    ),
    (re.compile(r"\bthe value\b(?! (?:of|in|shown))"), "the generic value of a finding without one"),
    (re.compile(r"\b(?:of|to|with|without|for|from|on|in|at|by|and|or|the|a)\s*[.)]?\s*$"), "a dangling last word"),
]


def _findings() -> Iterator[Finding]:
    settings = load_text(SETTINGS, "s.yaml", expect="OrgSettings")
    waivers = [load_text(WAIVERS, "w.yaml", expect="Waivers")]
    for level in ("fail", "warn"):
        policy = load_text(POLICY.format(level=level), f"{level}.yaml", expect="Policy")
        yield from evaluate([policy], settings, waivers, as_of=AS_OF).findings
    chatgpt = load_text(CHATGPT, "chatgpt.yaml", expect="Policy")
    yield from evaluate([chatgpt], settings, as_of=AS_OF).findings
    undated = load_text(UNDATED, "undated.yaml", expect="OrgSettings")
    yield from evaluate([load_text(POLICY.format(level="fail"), "p.yaml")], undated, as_of=AS_OF).findings


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    return list(_findings())


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _problems(text: str) -> list[str]:
    return [why for pattern, why in _BAD if pattern.search(text)]


def test_every_control_is_seen_with_every_status_it_can_have(findings: list[Finding]) -> None:
    assert set(STATUSES) == set(controls().controls), "list a new control's statuses in STATUSES"
    seen: dict[str, set[str]] = {}
    for f in findings:
        seen.setdefault(f.control, set()).add(f.underlying_status)
    missing = {c: sorted(want - seen.get(c, set())) for c, want in STATUSES.items() if want - seen.get(c, set())}
    assert not missing, f"the scenarios give no finding of: {missing}"
    extra = {c: sorted(got - STATUSES[c]) for c, got in seen.items() if got - STATUSES[c]}
    assert not extra, f"statuses STATUSES does not list: {extra}"
    assert any(f.status == "waived" and f.original_status == "unknown" for f in findings)
    assert any(f.status == "waived" and f.original_status == "fail" for f in findings)


def test_a_pass_carries_no_remediation(findings: list[Finding]) -> None:
    passes = [f for f in findings if f.status == "pass"]
    assert passes and all(f.remediation is None for f in passes)


def test_each_template_placeholder_is_filled_on_each_finding(findings: list[Finding]) -> None:
    """Structural: every `{name}` of the template a finding's remediation comes from had a
    non-empty value for that finding (so nothing falls back to a generic word)."""
    catalog = controls()
    for f in findings:
        rem = f.remediation
        if not isinstance(rem, LazyRemediation):
            continue  # none (a pass) or collect advice (below)
        control, value, action, fields, variant, _notes = rem._args
        spec = catalog.controls[control]
        tmpl = spec.variants[variant] if variant else spec.remediation
        given = dict(fields)
        for text in (tmpl.summary, *tmpl.steps):
            for name in _placeholders(text):
                if name.startswith("menu."):
                    assert name.removeprefix("menu.") in catalog.menu, (f.control, name)
                elif name == "value":
                    assert value, (f.control, f.status, f.subject, "no value for {value}")
                elif name in ("action", "action_lower"):
                    assert action, (f.control, f.status, f.subject, "no action")
                else:
                    assert given.get(name, "").strip(), (f.control, f.status, f.subject, f"no {name}")


def test_no_rendered_text_has_an_empty_placeholder_or_a_dangling_word(findings: list[Finding]) -> None:
    shown: set[tuple[str, str, str]] = set()
    for f in findings:
        rem = f.remediation
        if rem is None:
            continue
        for text in (rem.summary, *rem.steps):
            assert text.strip() and not _problems(text), (f.control, f.status, f.subject, text, _problems(text))
            shown.add((f.control, f.underlying_status, text))
    assert len(shown) > 100  # the scenarios reach many distinct texts


def test_an_unknown_for_want_of_evidence_says_how_to_collect_or_attest_it(findings: list[Finding]) -> None:
    catalog = controls()
    fail_advice = {
        (f.control, f.remediation.summary) for f in findings if f.status == "fail" and f.remediation is not None
    }
    unknowns = [f for f in findings if f.status == "unknown"]
    for f in unknowns:
        rem = f.remediation
        assert rem is not None
        if rem.collect is None:
            # Only where fresh evidence of a settings section would not settle it.
            assert f.control.startswith("RMCP-ROLL-") or (f.control == "RMCP-IP-003" and "changing file" in f.actual)
            continue
        assert rem == collect_remediation(rem.collect)
        assert rem.summary == catalog.collect[rem.collect].summary
        assert (f.control, rem.summary) not in fail_advice  # never the fail's advice
        assert "Turn on the IP allowlist" not in rem.summary and "Replace classic scope" not in rem.summary
    assert {f.remediation.collect for f in unknowns if f.remediation is not None} >= set(SECTIONS)


def test_collect_advice_is_data_the_plan_reads_too() -> None:
    from auditor.plan.model import Change
    from auditor.plan.paths import describe

    org = load_text(UNDATED, "u.yaml", expect="OrgSettings").model.orgs[0]
    for section, spec in controls().collect.items():
        rem = collect_remediation(section)
        assert rem.collect == section and rem.links and len(rem.steps) >= 2
        assert not any(_problems(t) for t in (rem.summary, *rem.steps)), section
        wording = describe(Change(org.id, "collect", section), org)
        assert wording.text() == spec.plan and wording.where == spec.where


def test_the_catalogue_refuses_a_section_without_collect_advice() -> None:
    import yaml

    from auditor.catalog import ControlCatalog, read_data

    data = read_data("controls.yaml")
    del data["collect"]["credentials"]
    with pytest.raises(ValueError, match="collect: no entry for credentials"):
        ControlCatalog.model_validate(data)
    assert yaml.safe_dump(data)  # the rest stays loadable data


@pytest.mark.parametrize("text", [textwrap.dedent(t) for t in ("Fix it: x", "Add  x", "narrow it so it matches )")])
def test_the_checks_catch_what_they_are_for(text: str) -> None:
    assert _problems(text)
