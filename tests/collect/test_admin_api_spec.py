"""The admin API as Atlassian specifies it: every response the fake admin API serves validates
against the published OpenAPI (../shared/atlassian/admin-organization.openapi.json) with
openapi-core, and so does every request `rovo-audit collect` sends (its path, its parameters, a
query key the operation does not declare, its Bearer security). `collect` against that server
records `rule.in` and reports each `applicationStatus` that is not `applied` as a collection
error with its state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from openapi_core import OpenAPI  # the `test` extra (pyproject.toml)
from openapi_core.testing import MockRequest, MockResponse

from auditor.load.documents import load_file
from tests.collect.conftest import collect, collect_env, example_org
from tests.conftest import SHARED
from tests.servers.fake_admin_api import FakeAdminApi, FakeOrg, Served, event, ip_policy, running_admin_api, token

SPEC_FILE = SHARED / "atlassian" / "admin-organization.openapi.json"
# Served by the fake but not in the 2023 spec (API Access and OAuth user APIs): not validated here.
OUTSIDE_THE_SPEC = ("/admin/api-access/", "/oauth/token/accessible-resources", "/me")
# Injected faults the spec has no answer for (they test tolerance, not the spec).
FAULTS_OUTSIDE_THE_SPEC = {"503", "404", "timeout", "malformed", "redirect-other", "redirect-same", "echo-auth"}


def spec_for(base: str) -> tuple[OpenAPI, dict[str, Any]]:
    if not SPEC_FILE.is_file():
        pytest.skip(f"{SPEC_FILE} is not here")
    doc = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    doc["servers"] = [{"url": f"{base}/admin"}]  # the fake's origin stands for https://api.atlassian.com
    return OpenAPI.from_dict(doc), doc


def _declared_query(doc: dict[str, Any], path: str) -> set[str] | None:
    """The query parameters the spec declares for GET on a concrete path (None: no such path)."""
    parts = path.removeprefix("/admin").strip("/").split("/")
    for template, item in doc["paths"].items():
        tparts = template.strip("/").split("/")
        if len(tparts) == len(parts) and all(t.startswith("{") or t == p for t, p in zip(tparts, parts, strict=True)):
            op = item.get("get")
            if op is not None:
                return {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
    return None


def check_all(api: FakeAdminApi, *, expect_faults: bool = False) -> list[Served]:
    """Validate every exchange the fake served; returns the ones that were checked."""
    openapi, doc = spec_for(api.url)
    checked = []
    for seen in api.served:
        if seen.path.startswith(OUTSIDE_THE_SPEC):
            continue
        assert seen.path.startswith("/admin/v1/"), seen.path
        if seen.fault in FAULTS_OUTSIDE_THE_SPEC:
            continue
        args = dict(parse_qsl(seen.query, keep_blank_values=True))
        headers = {"Authorization": seen.authorization} if seen.authorization else {}
        request = MockRequest(api.url, seen.method.upper(), seen.path, args=args, headers=headers)
        openapi.validate_request(request)  # path, parameters, Bearer security
        declared = _declared_query(doc, seen.path)
        assert declared is not None and set(args) <= declared, (seen.path, set(args) - (declared or set()))
        response = MockResponse(seen.body, status_code=seen.status, content_type=seen.content_type or "")
        try:
            openapi.validate_response(request, response)
        except Exception as e:  # the message says what failed; the body shows what was sent
            raise AssertionError(f"{seen.method} {seen.path}?{seen.query} -> {seen.status}: {e}\n{seen.body!r}") from e
        checked.append(seen)
    assert expect_faults or all(s.fault is None for s in checked)
    return checked


def spec_org() -> FakeOrg:
    org = example_org()
    org.policies = [
        ip_policy("Office", "enabled", ["203.0.113.0/24", "198.51.100.7/32"], ("applied", "applied")),
        ip_policy("Old VPN", "disabled", ["192.0.2.0/24"], ()),
    ]
    return org


def test_every_response_of_a_collect_run_validates_against_the_spec(workdir: Path) -> None:
    with running_admin_api([spec_org()], page_size=2) as api:
        r = collect(workdir, collect_env(api))
        assert r.code == 0, (r.out, r.err)
        checked = check_all(api)
        # Every endpoint the collector reads from the spec was exercised, some over several pages.
        endpoints = {s.path.rsplit("/", 1)[-1] for s in checked}
        assert {"domains", "policies", "events"} <= endpoints
        assert any("cursor=" in s.query for s in checked)
    org = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert org.ip_allowlist is not None
    assert org.ip_allowlist.enabled is True and org.ip_allowlist.ranges == ("203.0.113.0/24", "198.51.100.7/32")
    assert org.mcp_activity is not None and org.mcp_activity.events == 3  # by `action` alone


def test_the_orgs_listing_and_error_answers_validate_too(workdir: Path) -> None:
    with running_admin_api([spec_org(), example_org("org-2", "Second")], page_size=1) as api:
        api.faults["policies"] = ["429", "500"]
        api.faults["domains"] = ["401"]
        env = collect_env(api)
        env.pop("ROVO_AUDIT_ORG_ID")  # list the orgs the key sees
        r = collect(workdir, env)
        assert r.code in (0, 1), (r.out, r.err)
        checked = check_all(api, expect_faults=True)
    assert {s.status for s in checked} >= {200, 401, 429, 500}
    assert any(s.path == "/admin/v1/orgs" for s in checked)


@pytest.mark.parametrize("state", ["applying", "removing", "failed", "scheduled"])
def test_a_policy_not_applied_is_reported_with_its_state(workdir: Path, state: str) -> None:
    org = spec_org()
    org.policies = [
        ip_policy("Office", "enabled", ["203.0.113.0/24"], ("applied",)),
        ip_policy("New site", "enabled", ["198.51.100.0/24"], ("applied", state)),
    ]
    with running_admin_api([org]) as api:
        r = collect(workdir, collect_env(api))
        check_all(api)
    got = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert r.code == 1
    # One policy is in force, so the allowlist is on; which ranges apply is not known.
    assert got.ip_allowlist is not None and got.ip_allowlist.enabled is True and got.ip_allowlist.ranges is None
    (error,) = [e for e in got.collection_errors if e.section == "ip_allowlist.ranges"]
    assert f"policy 'New site': applicationStatus '{state}' on ari:cloud:platform::site/2" in error.error
    assert "only `applied` counts as in force" in error.error


def test_a_policy_in_force_nowhere_leaves_the_allowlist_unknown(workdir: Path) -> None:
    org = spec_org()
    org.policies = [ip_policy("Office", "enabled", ["203.0.113.0/24"], ("failed",))]
    with running_admin_api([org]) as api:
        r = collect(workdir, collect_env(api))
        check_all(api)
    got = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert r.code == 1 and got.ip_allowlist is None  # neither "on" nor "off": never a silent value
    (error,) = [e for e in got.collection_errors if e.section == "ip_allowlist"]
    assert "applicationStatus 'failed'" in error.error


def test_mcp_events_are_recognised_by_action_alone(workdir: Path) -> None:
    org = spec_org()
    org.events = [
        event("rovo_mcp_tool_called", "acct-1", "2026-11-19T10:00:00Z"),
        event("user_logged_in", "acct-2", "2026-11-19T11:00:00Z"),
    ]
    org.tokens = [token("ci", "ci@example.com", scopes=["read:jira-work"])]
    with running_admin_api([org]) as api:
        r = collect(workdir, collect_env(api))
        check_all(api)
        (events_request,) = [s for s in api.served if s.path.endswith("/events")]
    assert r.code == 0, (r.out, r.err)
    got = load_file(workdir / "settings.yaml", expect="OrgSettings").model.orgs[0]
    assert got.mcp_activity is not None and got.mcp_activity.actions == ("rovo_mcp_tool_called",)
    query = dict(parse_qsl(urlsplit(f"?{events_request.query}").query))
    assert set(query) <= {"q", "from", "to", "cursor", "action"} and len(query["from"]) == 13  # epoch ms
