"""The fake Jira as Atlassian specifies it: every exchange of a full sync (create, re-run,
resolve, reopen, a 429, a rejected field) validates against Jira's published OpenAPI with
openapi-core: the request `rovo-audit tickets` sent (path, parameters, body, security) and the
answer the fake gave. `/rest/api/3/search/jql` is newer than the 2022 copy in ../shared: it is
validated against tests/tickets/jira-search-jql.openapi.json, the operation as Atlassian's
current OpenAPI document gives it (its x-source says where it was copied from)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from tests.conftest import SHARED, unavailable
from tests.servers.fake_jira import FakeJira, Served, running_jira
from tests.tickets.conftest import blocking_controls, variant
from tests.tickets.test_tickets import tickets

SPEC_2022 = SHARED / "atlassian" / "jira-platform.openapi.json"
SPEC_SEARCH = Path(__file__).with_name("jira-search-jql.openapi.json")
# Answers the spec has no schema for: injected faults (they test tolerance, not the spec).
FAULTS = {"429", "500"}


@cache
def _doc(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


BASE = "http://jira.test"  # stands for https://your-domain.atlassian.net (and for the fake's origin)


@cache
def spec_for(path: Path) -> OpenAPI:
    """Built once per session: building the 1.7 MB 2022 document takes ~14 s."""
    doc = json.loads(json.dumps(_doc(path)))
    doc["servers"] = [{"url": BASE}]
    return OpenAPI.from_dict(doc)


def _responses(seen: Served) -> set[str]:
    """The statuses the 2022 spec declares for the operation `seen` called."""
    parts = seen.path.strip("/").split("/")
    for template, item in _doc(SPEC_2022)["paths"].items():
        tparts = template.strip("/").split("/")
        if len(tparts) == len(parts) and all(t.startswith("{") or t == p for t, p in zip(tparts, parts, strict=True)):
            op = item.get(seen.method.lower())
            if op is not None:
                return set(op["responses"])
    return set()


def check_all(jira: FakeJira) -> list[Served]:
    if not SPEC_2022.is_file():
        unavailable(f"{SPEC_2022} is not here")
    specs = {p: spec_for(p) for p in (SPEC_2022, SPEC_SEARCH)}
    checked = []
    for seen in jira.served:
        assert seen.path != "/rest/api/3/search", "the removed search was called"
        if seen.fault in FAULTS:
            continue
        spec = specs[SPEC_SEARCH if seen.path == "/rest/api/3/search/jql" else SPEC_2022]
        headers = {"Authorization": seen.authorization or ""}
        request = MockRequest(
            BASE,
            seen.method.lower(),
            seen.path,
            headers=headers,
            args=dict(parse_qsl(seen.query)),
            data=seen.request_body or None,
            content_type="application/json",
        )
        try:
            spec.validate_request(request)
            if seen.status == 204:
                # The spec gives 204 an application/json schema of {} (anything), but a 204 has
                # no body (RFC 9110 §15.3.5), and Jira sends none: check the status is declared.
                assert seen.body == b"" and "204" in _responses(seen), seen.path
            else:
                response = MockResponse(seen.body, status_code=seen.status, content_type=seen.content_type or "")
                spec.validate_response(request, response)
        except Exception as e:
            raise AssertionError(
                f"{seen.method} {seen.path} -> {seen.status}: {e}\n{seen.request_body[:400]!r}\n{seen.body[:400]!r}"
            ) from e
        checked.append(seen)
    return checked


def test_every_exchange_of_a_sync_is_what_jiras_openapi_says(demo_results: Path, tmp_path: Path) -> None:
    controls = blocking_controls(demo_results)
    later = variant(demo_results, tmp_path / "later.json", fixed=(controls[0],))
    with running_jira(page_size=3) as jira:
        jira.faults["create"] = ["429"]
        jira.faults["edit"] = ["400"]
        assert tickets(demo_results, jira, tmp_path, "--apply", "--priorities", "critical=Highest,high=High").code == 0
        assert tickets(demo_results, jira, tmp_path, "--apply", "--report-url", "https://ci.example.com/r").code == 1
        assert tickets(demo_results, jira, tmp_path, "--apply", "--report-url", "https://ci.example.com/r").code == 0
        assert tickets(later, jira, tmp_path, "--apply").code == 0
        assert tickets(demo_results, jira, tmp_path, "--apply").code == 0
        checked = check_all(jira)
    kinds = {(s.method, s.endpoint, s.status) for s in checked}
    assert {
        ("POST", "search", 200),
        ("POST", "create", 201),
        ("PUT", "edit", 204),
        ("PUT", "edit", 400),
        ("POST", "comment", 201),
        ("GET", "transitions", 200),
        ("POST", "transition", 204),
    } <= kinds, kinds


def test_the_check_can_fail(tmp_path: Path) -> None:
    """A search answer missing what the spec requires fails the check (not a test that cannot fail)."""
    with running_jira() as jira:
        jira.served.append(
            Served(
                "POST",
                "/rest/api/3/search/jql",
                "",
                "Basic eA==",
                b'{"jql": 5}',
                200,
                b"{}",
                "application/json",
                "search",
                None,
            )
        )
        try:
            check_all(jira)
        except AssertionError as e:
            assert "search/jql" in str(e)
        else:
            raise AssertionError("an invalid request passed the spec check")


def test_the_fake_refuses_a_document_jira_would_refuse() -> None:
    """The fake checks ADF against Atlassian's JSON Schema, not only its outer shape."""
    from tests.servers.fake_jira import _is_adf

    def doc(*content: dict[str, Any]) -> dict[str, Any]:
        return {"version": 1, "type": "doc", "content": list(content)}

    text = {"type": "text", "text": "fine", "marks": [{"type": "code"}]}
    assert _is_adf(doc({"type": "paragraph", "content": [text]}))
    assert not _is_adf(doc({"type": "paragraph", "content": [{"type": "text", "text": ""}]}))  # empty text
    both = {**text, "marks": [{"type": "code"}, {"type": "strong"}]}  # code takes no other mark but link
    assert not _is_adf(doc({"type": "paragraph", "content": [both]}))
    assert not _is_adf(doc({"type": "heading", "attrs": {"level": 7}, "content": [text]}))
    assert not _is_adf(doc({"type": "paragraph", "content": [{**text, "marks": [{"type": "link"}]}]}))  # no href
