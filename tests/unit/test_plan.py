"""The remediation plan: its order never breaks what works, and its target audits clean.

The checks here replay a plan on their own: each step applied to the settings document as
plain data (not through auditor.plan), the document loaded and audited with the public
`evaluate`, step by step. Hypothesis generates the settings; the bundled policies, alone and
combined, are what they are judged against.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.bundled import policy_file
from auditor.catalog import permission_groups
from auditor.evaluate.engine import evaluate, judge_org
from auditor.load.documents import Loaded, load_text
from auditor.load.merge import merge_policies
from auditor.model.policy import Policy
from auditor.model.settings import OrgSettings
from auditor.plan import Plan, make_plan

AS_OF = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
FRESH = "2026-11-20T08:00:00Z"


def bundled(name: str) -> Loaded[Policy]:
    return load_text(policy_file(name).read_text(encoding="utf-8"), f"policies/{name}.yaml", expect="Policy")


POLICY_SETS = [
    ("baseline",),
    ("rollout-approved-clients",),
    ("rollout-custom-webapp",),
    ("baseline", "rollout-approved-clients"),
    ("baseline", "rollout-custom-webapp"),
]
DOMAINS = [
    "https://claude.ai/**",
    "https://claude.com/**",
    "cursor://cursor.mcp/**",
    "http://127.0.0.1:*/**",
    "https://vscode.dev/redirect",
    "https://app.example.com/**",
    "https://*.example.com/**",
    "https://*.github.io/**",
    "https://acme-dev.ngrok-free.app/**",
    "https://intranet/**",
    "http://dev.example.com/**",
]
RANGES = ["203.0.113.0/24", "203.0.113.0/26", "198.51.100.0/24", "192.0.2.10/32"]
SCOPES = [
    "read:jira-work",
    "write:jira-work",
    "read:page:confluence",
    "write:page:confluence",
    "delete:page:confluence",
    "read:issue:jira",
    "manage:jira-configuration",
]
PERMISSION = st.sampled_from(["allowed", "blocked", "partial"])


def _doc(org: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "rovo-audit/v1", "kind": "OrgSettings", "collected_at": FRESH, "orgs": [org]}


@st.composite
def orgs(draw: st.DrawFn) -> dict[str, Any]:
    org: dict[str, Any] = {"id": "org-1", "name": "Generated Org", "evidence": {}}
    groups = permission_groups().products
    if draw(st.integers(0, 6)):  # sometimes absent: the plan must then collect it
        org["rovo_mcp"] = {
            "atlassian_supported_domains": draw(st.booleans()),
            "domains": draw(st.lists(st.sampled_from(DOMAINS), unique=True, max_size=6)),
            "api_token_auth": draw(st.booleans()),
            "permissions": {
                p: {g: draw(PERMISSION) for g in spec.groups}
                for p, spec in groups.items()
                if p in ("jira", "confluence", "platform", "jsm", "compass")
            },
        }
        # "Apply to future additions": sometimes not attested at all, sometimes a product short
        # (the baseline rules on jira and confluence: unknown, then a collect step)
        if draw(st.integers(0, 5)):
            attested = draw(st.sampled_from([("jira", "confluence", "platform"), ("jira", "confluence"), ("jira",)]))
            org["rovo_mcp"]["future_additions"] = {
                p: {g: draw(st.booleans()) for g in groups[p].groups} for p in attested
            }
        org["evidence"]["rovo_mcp"] = {"source": "attested", "by": "admin@x.example", "at": FRESH}
    if draw(st.integers(0, 4)):  # sometimes absent: the plan must then collect it
        org["ip_allowlist"] = {
            "enabled": draw(st.booleans()),
            "ranges": draw(st.lists(st.sampled_from(RANGES), unique=True, max_size=2)),
        }
        org["evidence"]["ip_allowlist"] = {"source": "admin-api", "at": FRESH}
    if draw(st.integers(0, 4)):
        labels = draw(st.lists(st.sampled_from(["webapp-prod", "release-bot", "ci"]), unique=True, max_size=2))
        org["credentials"] = [
            {
                "label": label,
                "kind": draw(st.sampled_from(["api_token", "service_account_key"])),
                "scopes": draw(st.lists(st.sampled_from(SCOPES), unique=True, max_size=4)),
            }
            for label in labels
        ]
        org["evidence"]["credentials"] = {"source": "admin-api", "at": FRESH}
    return org


def load_settings(doc: dict[str, Any]) -> Loaded[OrgSettings]:
    return load_text(yaml.safe_dump(doc, sort_keys=False), "generated.settings.yaml", expect="OrgSettings")


def audit(policies: list[Loaded[Policy]], doc: dict[str, Any]) -> dict[tuple[str, str | None], str]:
    results = evaluate(policies, load_settings(doc), as_of=AS_OF)
    return {(f.control, f.subject): f.status for f in results.findings}


_CREDENTIAL = re.compile(r"^credentials\[(.+)\]\.scopes$")


def replay(doc: dict[str, Any], path: str, action: str, value: Any) -> dict[str, Any]:
    """One step applied to the settings document as plain data: the test's own reading of
    the path grammar in auditor/plan/paths.py, not the planner's code."""
    out = copy.deepcopy(doc)
    org = out["orgs"][0]
    tick = re.match(r"^rollout_checklist\.(?:site_admin_consent\[(.+)\]|(\w+))\.done$", path)
    if tick:  # a to-do done, and attested
        checklist = org.setdefault("rollout_checklist", {})
        item = {"done": value, "by": "admin@x.example", "at": FRESH}
        if tick[1]:
            checklist["site_admin_consent"] = [
                c for c in checklist.get("site_admin_consent", []) if c["site"] != tick[1]
            ]
            checklist["site_admin_consent"].append({"site": tick[1], **item})
        else:
            checklist[tick[2]] = item
        return out
    m = _CREDENTIAL.match(path)
    if m:
        cred = next(c for c in org["credentials"] if c["label"] == m[1])
        target, key = cred, "scopes"
    else:
        parts = path.split(".")
        target = org
        for i, part in enumerate(parts[:-1]):
            # rovo_mcp.permissions / .future_additions .<product>.<group>: a product may be new
            target = target.setdefault(part, {}) if i >= 2 else target[part]
        key = parts[-1]
    if action == "set":
        target[key] = value
    elif action == "add":
        target[key] = [*target[key], value] if value not in target[key] else target[key]
    elif action == "remove":
        target[key] = [v for v in target[key] if v != value]
    return out


def check_plan(policies: list[Loaded[Policy]], doc: dict[str, Any], plan: Plan) -> None:
    before = audit(policies, doc)
    current = doc
    for step in plan.steps:
        c = step.change
        if c.action == "collect":
            continue
        assert step.findings, f"step {step.n} ({c.action} {c.path} {c.value}) resolves nothing"
        current = replay(current, c.path, c.action, c.value)
        after = audit(policies, current)
        broken = [k for k, s in before.items() if s == "pass" and after.get(k) in ("fail", "unknown")]
        assert not broken, f"step {step.n} ({c.action} {c.path} {c.value}) breaks {broken}"
        before = after
    left = {k for k, s in before.items() if s in ("fail", "warn")}
    unresolvable = {(u.control, u.subject) for u in plan.unresolvable}
    assert left <= unresolvable, f"the target still fails {left - unresolvable}"
    # the plan's own target is the same settings as the replayed one
    target = plan.target.orgs[0]
    replayed = current["orgs"][0]
    if target.rovo_mcp is not None:
        assert list(target.rovo_mcp.domains or ()) == replayed["rovo_mcp"]["domains"]
        assert target.rovo_mcp.atlassian_supported_domains == replayed["rovo_mcp"]["atlassian_supported_domains"]
    # no step undoes another
    changes = [s.change for s in plan.steps]
    assert not any(a.undoes(b) for a in changes for b in changes)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=orgs(), which=st.sampled_from(POLICY_SETS))
def test_plans_never_break_what_works_and_converge(org: dict[str, Any], which: tuple[str, ...]) -> None:
    policies = [bundled(n) for n in which]
    doc = _doc(org)
    plan = make_plan(policies, load_settings(doc), as_of=AS_OF)
    check_plan(policies, doc, plan)
    # what was not collected is a collect step, once per section
    statuses = audit(policies, doc)
    section = {"RMCP-IP": "ip_allowlist", "RMCP-SCOPE": "credentials", "RMCP-DOM": "rovo_mcp", "RMCP-PERM": "rovo_mcp"}
    unseen = {
        section[c.rsplit("-", 1)[0]]
        for (c, _), st_ in statuses.items()
        if st_ == "unknown" and c.rsplit("-", 1)[0] in section
    }
    assert unseen <= {s for _, s in plan.collect}, (unseen, plan.collect)
    assert len(plan.collect) == len(set(plan.collect))


def lockout_doc() -> dict[str, Any]:
    """Vendor clients reach the org only through "Allow Atlassian supported domains", which the
    rollout policy forbids: the first fix a naive report gives locks every client out."""
    groups = permission_groups().products
    return _doc(
        {
            "id": "org-lockout",
            "name": "Lockout Org",
            "rovo_mcp": {
                "atlassian_supported_domains": True,
                "domains": [],
                "api_token_auth": False,
                "permissions": {
                    "jira": {
                        "read": "allowed",
                        "search": "allowed",
                        "write": "allowed",
                        "delete": "blocked",
                        "manage": "blocked",
                    },
                    "confluence": {g: "allowed" for g in groups["confluence"].groups},
                    "platform": {
                        "read_teamwork_graph": "allowed",
                        "write_teamwork_graph": "blocked",
                        "search_atlassian": "allowed",
                    },
                },
                "future_additions": {
                    "jira": {"write": False, "delete": False, "manage": False},
                    "confluence": {"write": False},
                },
            },
            "ip_allowlist": {"enabled": False, "ranges": []},
            "credentials": [],
            "evidence": {
                "rovo_mcp": {"source": "attested", "by": "admin@x.example", "at": FRESH},
                "ip_allowlist": {"source": "admin-api", "at": FRESH},
                "credentials": {"source": "admin-api", "at": FRESH},
            },
        }
    )


def test_lockout_adds_the_vendor_origins_before_turning_the_toggle_off() -> None:
    policies = [bundled("baseline"), bundled("rollout-approved-clients")]
    doc = lockout_doc()
    plan = make_plan(policies, load_settings(doc), as_of=AS_OF)
    check_plan(policies, doc, plan)
    required = policies[1].model.domains.required  # type: ignore[union-attr]
    actions = [(s.change.action, s.change.path, s.change.value) for s in plan.steps]
    assert sorted(actions[: len(required)]) == sorted(("add", "rovo_mcp.domains", r) for r in required)
    toggle = actions.index(("set", "rovo_mcp.atlassian_supported_domains", False))
    assert all(a[1].startswith("rollout_checklist.") for a in actions[toggle + 1 :])  # the to-dos, after
    # an origin the toggle allowed today must be added before the toggle goes: a prerequisite
    # of the last step; one it never allowed simply resolves its own failing RMCP-DOM-001
    today = audit(policies, doc)
    for step in plan.steps[:toggle]:
        was = today[("RMCP-DOM-001", step.change.value)]
        assert (was, step.before) in (("pass", toggle + 1), ("fail", None)), (step, was)
    assert any(step.before for step in plan.steps)
    assert [(u.control, u.subject) for u in plan.unresolvable] == [("RMCP-ROLL-001", "*")]  # sites unseen
    assert plan.collect == ()


def test_a_fix_that_would_break_what_nothing_repairs_is_left_out() -> None:
    policy = load_text(
        "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: both}\n"
        "domains: {atlassian_supported: forbid}\nauth: {oauth: require}\n",
        "both.yaml",
    )
    plan = make_plan([policy], load_settings(lockout_doc()), as_of=AS_OF)
    assert plan.steps == ()  # turning the toggle off would close OAuth 2.1 access for good
    (u,) = plan.unresolvable
    assert (u.control, u.status) == ("RMCP-DOM-005", "fail")
    assert "RMCP-AUTH-002" in u.reason and "the policy asks for both" in u.reason


def test_the_plan_is_deterministic() -> None:
    policies = [bundled("baseline"), bundled("rollout-approved-clients")]
    first = make_plan(policies, load_settings(lockout_doc()), as_of=AS_OF)
    again = make_plan(policies, load_settings(lockout_doc()), as_of=AS_OF)
    assert first == again


@pytest.mark.parametrize("which", POLICY_SETS)
def test_judge_org_is_what_evaluate_yields_for_the_org(which: tuple[str, ...]) -> None:
    from auditor.bundled import demo_settings

    policies = [bundled(n) for n in which]
    s = load_text(demo_settings().read_text(encoding="utf-8"), "demo.yaml", expect="OrgSettings")
    whole = evaluate(policies, s, as_of=AS_OF).findings
    org = s.model.orgs[0]
    one = judge_org(org, merge_policies(policies), (), collected_at=s.model.collected_at, as_of=AS_OF)
    assert list(whole) == one


_ITEMS = st.sampled_from(
    ["https://a.example/**", "https://b.example/**", "https://c.example/**", "https://d.example/**"]
)


@settings(max_examples=200, deadline=None)
@given(
    start=st.lists(_ITEMS, max_size=6),  # duplicates included: a snapshot may hold them
    edits=st.lists(
        st.tuples(
            st.sampled_from(["add", "remove"]), st.sampled_from(["rovo_mcp.domains", "ip_allowlist.ranges"]), _ITEMS
        )
        | st.tuples(st.just("set"), st.just("ip_allowlist.enabled"), st.booleans()),
        max_size=12,
    ),
)
def test_apply_all_is_apply_one_after_another(start: list[str], edits: list[tuple[str, str, Any]]) -> None:
    # The plan's fast path (auditor/plan/paths.py apply_all) must give exactly what applying
    # each change in turn gives, evidence and provenance included.
    from auditor.plan.model import Change
    from auditor.plan.paths import apply, apply_all

    doc = _doc(
        {
            "id": "o1",
            "rovo_mcp": {"domains": start},
            "ip_allowlist": {"enabled": True, "ranges": [f"10.0.0.{i}/32" for i in range(3)]},
            "provenance": {
                "rovo_mcp.domains": {"source": "admin-api"},
                "ip_allowlist.enabled": {"source": "admin-api"},
                "rovo_mcp.api_token_auth": {"source": "admin-api"},
            },
        }
    )
    org = load_settings(doc).model.orgs[0]
    assert len(org.provenance) == 3
    changes = [Change("o1", a, p, v) for a, p, v in edits]  # type: ignore[arg-type]
    one_by_one = org
    for c in changes:
        one_by_one = apply(one_by_one, c, AS_OF)
    assert apply_all(org, changes, AS_OF) == one_by_one


_RANGES = st.sampled_from(["10.0.0.0/8", "192.0.2.0/24"])
_LIST_EDIT = st.tuples(
    st.sampled_from(["add", "remove"]), st.just("rovo_mcp.domains"), _ITEMS | st.just(True)
) | st.tuples(st.sampled_from(["add", "remove"]), st.just("ip_allowlist.ranges"), _RANGES)
_OTHER_EDIT = st.sampled_from(
    [
        ("set", "ip_allowlist.enabled", False),
        ("set", "rovo_mcp.atlassian_supported_domains", True),
        ("add", "credentials[ci].scopes", "read:jira-work"),
        ("remove", "credentials[nobody].scopes", "read:jira-work"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    start=st.lists(_ITEMS, max_size=6),
    ranges=st.sampled_from([None, [], ["10.0.0.0/8"]]),
    planned=st.sets(st.sampled_from(["rovo_mcp", "ip_allowlist"])),  # evidence the plan's already
    provenance=st.sets(st.sampled_from(["rovo_mcp.domains", "rovo_mcp.domains[0]", "ip_allowlist.ranges"])),
    edits=st.lists(st.tuples(_LIST_EDIT | _OTHER_EDIT, st.booleans()), max_size=14),
)
def test_editing_is_apply_one_after_another(
    start: list[str],
    ranges: list[str] | None,
    planned: set[str],
    provenance: set[str],
    edits: list[tuple[tuple[str, str, Any], bool]],
) -> None:
    # The target's fast path (auditor/plan/paths.py Editing) must say "changed" exactly when
    # `apply` changes the org, fail as `apply` fails, and give the same org, byte for byte
    # (the order of its evidence too), whenever it is asked for.
    from auditor.plan.model import Change
    from auditor.plan.paths import PLAN_BY, Editing, PathError, apply

    ip: dict[str, Any] = {"enabled": True} if ranges is None else {"enabled": True, "ranges": ranges}
    doc = _doc(
        {
            "id": "o1",
            "rovo_mcp": {"domains": start},
            "ip_allowlist": ip,
            "credentials": [{"label": "ci", "kind": "api_token", "scopes": []}],
            "evidence": {
                s: {"source": "file", "by": PLAN_BY, "at": AS_OF.isoformat(), "detail": "target settings of the plan"}
                for s in sorted(planned)
            },
            "provenance": {k: {"source": "admin-api"} for k in sorted(provenance)},
        }
    )
    org = load_settings(doc).model.orgs[0]
    editing = Editing(org, AS_OF)
    one_by_one = org
    for (a, p, v), look in edits:
        c = Change("o1", a, p, v)  # type: ignore[arg-type]
        try:
            nxt = apply(one_by_one, c, AS_OF)
        except PathError as e:
            with pytest.raises(PathError) as got:
                editing.make(c)
            assert str(got.value) == str(e)
            continue
        assert editing.make(c) == (nxt != one_by_one), c
        one_by_one = nxt
        if look:
            assert editing.org() == one_by_one
    assert editing.org() == one_by_one
    assert editing.org().model_dump_json() == one_by_one.model_dump_json()


_FORBID_OAUTH = (
    "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: no-oauth}\n"
    "auth: {oauth: forbid}\nscopes: {credentials: ['*'], classic_on_api_tokens: fail}\n"
    "domains: {required: ['https://claude.ai/**']}\n"  # RMCP-IP-003: Anthropic's egress ranges
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=orgs(), which=st.sampled_from([*POLICY_SETS, ("no-oauth",)]), anthropic=st.booleans())
def test_only_the_fixes_in_reads_org_read_the_org(org: dict[str, Any], which: tuple[str, ...], anthropic: bool) -> None:
    # The planner hands the other fixes the org as judged, not as changed since
    # (plan/planner.py _target): they must read nothing of it but its id.
    from auditor.model.settings import Org
    from auditor.plan.fixes import READS_ORG, fix

    policies = [load_text(_FORBID_OAUTH, "no-oauth.yaml") if n == "no-oauth" else bundled(n) for n in which]
    if anthropic and "ip_allowlist" in org:  # one of Anthropic's two ranges in already
        org["ip_allowlist"] = {"enabled": True, "ranges": ["160.79.104.0/21"]}
    settings_ = load_settings(_doc(org))
    real = settings_.model.orgs[0]
    bare = Org(id=real.id)
    policy = merge_policies(policies)
    for f in judge_org(real, policy, (), collected_at=settings_.model.collected_at, as_of=AS_OF):
        if f.status in ("fail", "warn", "unknown"):
            if f.control in READS_ORG:
                continue
            assert fix(f, real, policy) == fix(f, bare, policy), f.control


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=orgs(), which=st.sampled_from(POLICY_SETS), picks=st.lists(st.integers(0, 10**6), max_size=8))
def test_judge_org_with_a_memo_is_judge_org_without(
    org: dict[str, Any], which: tuple[str, ...], picks: list[int]
) -> None:
    # The planner's memo (engine.INPUTS: a check judged again only when what it reads has
    # changed) must give exactly the findings a fresh judgement gives, state after state:
    # here the input, then the changes of its plan made one by one in a drawn order.
    from auditor.evaluate.engine import Memo
    from auditor.plan.paths import PathError, apply

    policies = [bundled(n) for n in which]
    settings_ = load_settings(_doc(org))
    state = settings_.model.orgs[0]
    policy = merge_policies(policies)
    changes = [s.change for s in make_plan(policies, settings_, as_of=AS_OF).steps if s.change.action != "collect"]
    memo: Memo = {}
    kw: dict[str, Any] = {"collected_at": settings_.model.collected_at, "as_of": AS_OF}
    for pick in [*picks, *range(len(changes))]:
        assert judge_org(state, policy, (), memo=memo, **kw) == judge_org(state, policy, (), **kw)
        if not changes:
            break
        try:
            state = apply(state, changes.pop(pick % len(changes)), AS_OF)
        except PathError:
            continue


_WAIVERS = """\
apiVersion: rovo-audit/v1
kind: Waivers
waivers:
  - {control: RMCP-DOM-003, reason: staging, approved_by: ciso@x.example, expires: 2027-01-31}
  - {control: RMCP-SCOPE-002, org: org-1, reason: the bot, approved_by: ciso@x.example, expires: 2027-01-31}
  - {control: RMCP-IP-001, reason: moving, approved_by: ciso@x.example, expires: 2027-01-31}
"""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=orgs(), which=st.sampled_from(POLICY_SETS), waived=st.booleans())
def test_the_plan_from_the_audits_findings_is_the_plan(
    org: dict[str, Any], which: tuple[str, ...], waived: bool
) -> None:
    # run_audit hands make_plan the audit's results (judged=): each org's findings there are
    # its first state, and the checks' memo learns from them (engine.remember_org, cutting
    # them by area). The plan must be the one judging afresh gives, waivers or none.
    from auditor.evaluate.engine import AREAS, INPUTS, judge_org_parts, remember_org

    policies = [bundled(n) for n in which]
    settings_ = load_settings(_doc(org))
    waivers = [load_text(_WAIVERS, "w.yaml", expect="Waivers")] if waived else []
    results = evaluate(policies, settings_, waivers, as_of=AS_OF)
    assert make_plan(policies, settings_, waivers, as_of=AS_OF, judged=results) == make_plan(
        policies, settings_, waivers, as_of=AS_OF
    )
    # each check's findings are of one area, its own; cut by area, an org's findings are its parts
    state, policy = settings_.model.orgs[0], merge_policies(policies)
    kw: dict[str, Any] = {"collected_at": settings_.model.collected_at, "as_of": AS_OF}
    parts = judge_org_parts(state, policy, waivers, **kw)
    areas = [{f.area for f in part} for part in parts]
    assert all(len(a) == 1 for a in areas) and len({a.pop() for a in areas}) == len(parts)
    memo: dict[Any, Any] = {}
    assert remember_org(list(results.findings), state, policy, memo=memo, **kw) == parts
    assert set(AREAS) == set(INPUTS)
    for (check, _), part in memo.items():
        assert {f.area for f in part} <= {AREAS[check]}
        assert part in parts or not part
    fresh: dict[Any, Any] = {}
    judge_org_parts(state, policy, waivers, memo=fresh, **kw)
    assert memo == fresh


def test_the_plan_refuses_the_findings_of_another_audit() -> None:
    policies = [bundled("baseline")]
    settings_ = load_settings(lockout_doc())
    results = evaluate(policies, settings_, as_of=AS_OF)
    with pytest.raises(ValueError, match="another as_of"):
        make_plan(policies, settings_, as_of=AS_OF + dt.timedelta(days=1), judged=results)
    with pytest.raises(ValueError, match="other settings or policies"):
        make_plan([*policies, bundled("rollout-approved-clients")], settings_, as_of=AS_OF, judged=results)
    two = lockout_doc()
    two["orgs"].append({**copy.deepcopy(two["orgs"][0]), "id": "org-other", "name": "Other Org"})
    settings_ = load_settings(two)
    results = evaluate(policies, settings_, as_of=AS_OF)
    make_plan(policies, settings_, as_of=AS_OF, judged=results)  # in order: taken
    first = next(i for i, f in enumerate(results.findings) if f.org != results.findings[0].org)
    apart = (*results.findings[1:first], *results.findings[first:], results.findings[0])
    with pytest.raises(ValueError, match="findings apart"):
        make_plan(policies, settings_, as_of=AS_OF, judged=dataclasses.replace(results, findings=apart))


def test_the_audits_findings_out_of_order_are_refused() -> None:
    # remember_org cuts an org's findings into its checks' parts by area: an area whose
    # findings are not together cannot be cut so, and is refused rather than half remembered.
    from auditor.evaluate.engine import judge_org_parts, remember_org

    settings_ = load_settings(lockout_doc())
    state, policy = settings_.model.orgs[0], merge_policies([bundled("baseline")])
    kw: dict[str, Any] = {"collected_at": settings_.model.collected_at, "as_of": AS_OF}
    parts = judge_org_parts(state, policy, (), **kw)
    assert remember_org([f for part in parts for f in part], state, policy, memo={}, **kw) == parts
    n = next(i for i, part in enumerate(parts) if len(part) > 1)
    other = parts[n + 1] if n + 1 < len(parts) else parts[n - 1]
    split = [parts[n][0], *other, *parts[n][1:]]
    with pytest.raises(ValueError, match="not together"):
        remember_org(split, state, policy, memo={}, **kw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=orgs(), which=st.sampled_from(POLICY_SETS))
def test_a_judged_state_finds_every_finding_and_no_other(org: dict[str, Any], which: tuple[str, ...]) -> None:
    # The planner finds a pass in its part by bisection (planner._State): it must find what a
    # dict of all the findings by (control, subject) finds, in the same order, and nothing else.
    from auditor.plan.planner import _Oracle

    policies = [bundled(n) for n in which]
    settings_ = load_settings(_doc(org))
    real = settings_.model.orgs[0]
    oracle = _Oracle(real, merge_policies(policies), (), settings_.model.collected_at, AS_OF)
    state = oracle.judge(frozenset(), real)
    flat = judge_org(real, oracle.policy, (), collected_at=settings_.model.collected_at, as_of=AS_OF)
    keyed = {(f.control, f.subject): f for f in flat}
    assert len(keyed) == len(flat)
    for key, f in keyed.items():
        assert state.get(key) == f and state.holds(key)
    assert sorted(keyed, key=state.position) == list(keyed)
    assert list(state.others) == [k for k, f in keyed.items() if f.status != "pass"]
    controls = {f.control for f in flat} | {"RMCP-AAA-000", "RMCP-ZZZ-999"}
    for control in controls:
        for subject in (None, "", "https://absent.example/**", "\uffff"):
            if (control, subject) not in keyed:
                assert state.get((control, subject)) is None and not state.holds((control, subject))


_OAUTH_REQUIRED = "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: oauth}\nauth: {oauth: require}\n"


@pytest.mark.parametrize("which", [*POLICY_SETS, ("no-oauth",), ("oauth",)])
def test_the_memo_tells_apart_every_input_of_each_check(which: tuple[str, ...]) -> None:
    # States that differ in one thing a memoised check reads (engine.INPUTS), judged in turn
    # through one memo: each must get the findings a fresh judgement gives.
    from auditor.evaluate.engine import Memo

    def policy_named(n: str) -> Loaded[Policy]:
        if n == "no-oauth":
            return load_text(_FORBID_OAUTH, "no-oauth.yaml")
        return load_text(_OAUTH_REQUIRED, "oauth.yaml") if n == "oauth" else bundled(n)

    base = lockout_doc()
    variants: list[dict[str, Any]] = [base]

    def variant(edit: Any) -> None:
        doc = copy.deepcopy(base)
        edit(doc["orgs"][0])
        variants.append(doc)

    mcp = "rovo_mcp"
    variant(lambda o: o[mcp].update(domains=["https://claude.ai/**"]))
    variant(lambda o: o[mcp].update(atlassian_supported_domains=False))
    variant(lambda o: o[mcp].update(atlassian_supported_domains=False, domains=["https://claude.ai/**"]))
    variant(lambda o: o[mcp].pop("domains"))
    variant(lambda o: (o[mcp].pop("domains"), o[mcp].update(atlassian_supported_domains=False)))
    variant(lambda o: o[mcp].pop("atlassian_supported_domains"))
    variant(lambda o: o[mcp].update(api_token_auth=True))
    variant(lambda o: o[mcp].pop("api_token_auth"))
    variant(lambda o: o[mcp]["permissions"]["jira"].update(read="blocked"))
    variant(lambda o: o[mcp]["permissions"].pop("jira"))
    variant(lambda o: o[mcp].pop("permissions"))
    variant(lambda o: o[mcp].update(future_additions={"jira": {"read": True}}))
    variant(lambda o: o[mcp].update(future_additions={"jira": {"read": False}}))
    variant(lambda o: o.update(evidence={**o.get("evidence", {}), mcp: {"source": "admin-api", "at": FRESH}}))
    variant(lambda o: o.update(evidence={**o.get("evidence", {}), mcp: {"source": "attested", "by": "a@x.example"}}))
    variant(lambda o: o.update(ip_allowlist={"enabled": True, "ranges": []}))
    variant(lambda o: o.update(credentials=[{"label": "ci", "kind": "api_token", "scopes": []}]))
    variant(lambda o: o.update(cross_checked=["rovo_mcp.api_token_auth"]))
    variant(lambda o: o.update(name="Renamed Org"))
    policies = [policy_named(n) for n in which]
    policy = merge_policies(policies)
    memo: Memo = {}
    learnt = 0
    for i, doc in enumerate([*variants, *reversed(variants)]):
        if i == len(variants):
            learnt = len(memo)
        settings_ = load_settings(doc)
        state = settings_.model.orgs[0]
        kw: dict[str, Any] = {"collected_at": settings_.model.collected_at, "as_of": AS_OF}
        assert judge_org(state, policy, (), memo=memo, **kw) == judge_org(state, policy, (), **kw)
    # and it remembers: the same states again, each loaded afresh, are all found in the memo
    assert len(memo) == learnt
