"""report.html in a real Chromium: clean load, filters, URL fragment, inert payloads, JS off."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.browser.conftest import audit, out_text, screenshot, shown
from tests.conftest import EXAMPLE
from tests.estate import make_estate

pytestmark = pytest.mark.browser

POLICY = EXAMPLE / "custom-webapp.policy.yaml"
SETTINGS = EXAMPLE / "example-corp.settings.yaml"


def poll(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for a condition read from Python (the page's CSP forbids Playwright's eval-based waits)."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("example")
    report = audit(out, POLICY, SETTINGS)
    return report, json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("estate")
    policy, settings = make_estate(20, 12, seed=3)
    (out / "policy.yaml").write_text(policy)
    (out / "settings.yaml").write_text(settings)
    report = audit(out / "out", out / "policy.yaml", out / "settings.yaml")
    return report, json.loads((out / "out" / "results.json").read_text())


def test_shared_example_renders_clean(open_page, example):
    report, results = example
    g = open_page(report)
    page = g.page
    assert page.text_content("h1") == "Blocked: 12 findings"
    non_pass = [f for f in results["findings"] if f["status"] != "pass"]
    assert page.locator("article.card").count() == len(non_pass) == 12
    assert out_text(page) == f"Showing {len(results['findings'])} of {len(results['findings'])} findings"
    # The verdict, as-of time, evidence sources and the three charts are at the top.
    header = page.text_content("header")
    assert "2026-11-26T00:00:00Z" in header and "observed through an API" in header
    assert page.locator("svg[role=img]").count() == 3
    # Passes are listed, collapsed.
    assert page.locator("details.passes").count() == 1
    assert not page.locator("details.passes").get_attribute("open")
    assert not page.locator("details.passes tr.f").first.is_visible()
    g.assert_clean()
    shot = screenshot(page, "report-shared-example.png")
    assert shot.stat().st_size > 10_000


def test_estate_renders_clean_with_a_section_per_org(open_page, estate):
    report, results = estate
    g = open_page(report, color_scheme="dark")
    page = g.page
    assert page.locator("section.org").count() == 20 == len(results["orgs"])
    rollup = page.locator("#h-rollup + table tbody tr")
    assert rollup.count() == 20
    for o in results["orgs"]:
        blocking = o["summary"]["fail"] + o["summary"]["unknown"]
        verdict = "Ready for rollout" if not blocking else f"Blocked: {blocking} finding{'s' if blocking != 1 else ''}"
        section = page.locator("section.org", has=page.locator("h2", has_text=o["name"])).first
        assert verdict in section.locator("p").first.text_content()
    assert page.locator("select#f-org option").count() == 21
    g.assert_clean()
    screenshot(page, "report-estate-20-orgs-dark.png")


def _expect(results: dict, org_ids: list[str], **want: set[str]) -> list[dict]:
    keys = {"s": "status", "v": "severity", "a": "area"}
    return [
        f
        for f in results["findings"]
        if all(f[keys[k]] in v for k, v in want.items()) and (not org_ids or f["org"] in org_ids)
    ]


def _counts(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('.filters label'))
        .filter(l => l.querySelector('input[type=checkbox]'))
        .map(l => [l.querySelector('input').name + ':' + l.querySelector('input').value, l.querySelector('.c').textContent]))""")


def test_each_filter_changes_what_is_shown_and_the_counts(open_page, estate):
    report, results = estate
    g = open_page(report)
    page = g.page
    total = len(results["findings"])
    assert len(shown(page)) == total
    counts = _counts(page)
    assert counts["status:fail"] == f"({results['summary']['fail']})"

    # Status: drop the passes.
    page.uncheck("input[name=status][value=pass]")
    items = shown(page)
    assert len(items) == total - results["summary"]["pass"] and all(i["s"] != "pass" for i in items)
    assert out_text(page) == f"Showing {len(items)} of {total} findings"
    # The severity counts now count only what the status filter lets through.
    high = len(_expect(results, [], s={"fail", "unknown", "warn", "waived"}, v={"high"}))
    assert _counts(page)["severity:high"] == f"({high})"
    page.check("input[name=status][value=pass]")

    # Severity: only high.
    for sev in ("critical", "medium", "low", "info"):
        page.uncheck(f"input[name=severity][value={sev}]")
    items = shown(page)
    assert {i["v"] for i in items} == {"high"} and len(items) == len(_expect(results, [], v={"high"}))
    page.click("text=Show all")
    assert len(shown(page)) == total

    # Area: only scopes.
    for area in ("domains", "auth", "permissions", "ip_allowlist", "evidence"):
        page.uncheck(f"input[name=area][value={area}]")
    items = shown(page)
    assert {i["a"] for i in items} == {"scopes"} and len(items) == len(_expect(results, [], a={"scopes"}))
    page.click("text=Show all")

    # Org: one section left, with its own counts.
    org = results["orgs"][4]
    page.select_option("#f-org", org["id"])
    items = shown(page)
    assert len(items) == len(_expect(results, [org["id"]])) and {i["o"] for i in items} == {"4"}
    assert page.locator("section.org:not([hidden])").count() == 1
    page.select_option("#f-org", "")

    # Free text, across subjects, remediation and org names.
    before = shown(page)
    page.fill("#f-q", "vercel")
    poll(lambda: out_text(page) != f"Showing {total} of {total} findings")
    items = shown(page)
    assert 0 < len(items) < total
    assert len(items) == sum(1 for i in before if "vercel" in i["text"].lower())
    g.assert_clean()


def test_group_counts_follow_the_filters(open_page, example):
    report, results = example
    g = open_page(report)
    page = g.page
    todo = page.locator('[data-g="todo"] .n')
    assert todo.text_content() == "12"
    page.uncheck("input[name=severity][value=medium]")
    medium = sum(1 for f in results["findings"] if f["status"] != "pass" and f["severity"] == "medium")
    assert todo.text_content() == f"{12 - medium} of 12"
    g.assert_clean()


def test_the_url_fragment_holds_and_restores_the_view(open_page, estate):
    report, results = estate
    org = results["orgs"][2]
    g = open_page(report)
    page = g.page
    page.uncheck("input[name=status][value=pass]")
    page.uncheck("input[name=severity][value=low]")
    page.select_option("#f-org", org["id"])
    page.fill("#f-q", "portal")
    poll(lambda: "q=portal" in page.evaluate("location.hash"))
    fragment = page.evaluate("location.hash")
    assert fragment.startswith("#status=fail,unknown,warn,waived&severity=critical,high,medium,info&org=")
    view = shown(page)

    # A link with that fragment reproduces the view, controls included.
    g2 = open_page(report, fragment)
    page2 = g2.page
    assert shown(page2) == view
    assert not page2.is_checked("input[name=status][value=pass]")
    assert page2.input_value("#f-org") == org["id"] and page2.input_value("#f-q") == "portal"

    # A fragment typed into the same page applies too; passes open when only they are asked for.
    page2.evaluate("location.hash = '#status=pass&area=auth'")
    poll(lambda: page2.is_checked("input[name=status][value=pass]"))
    items = shown(page2)
    assert items and {(i["s"], i["a"]) for i in items} == {("pass", "auth")}
    assert page2.locator("details.passes[open]").count() > 0
    # Anchors (#f3) are not views: following one leaves the filters alone.
    page2.evaluate("location.hash = '#f3'")
    page2.wait_for_timeout(50)
    assert shown(page2) == items
    g.assert_clean()
    g2.assert_clean()


def test_keyboard_only(open_page, example):
    report, results = example
    g = open_page(report)
    page = g.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "f-q"
    page.keyboard.type("jira.write")
    poll(lambda: out_text(page).startswith("Showing 1 of"))
    page.keyboard.press("Escape")
    poll(lambda: out_text(page).startswith(f"Showing {len(results['findings'])} of"))
    page.focus("input[name=status][value=fail]")
    page.keyboard.press("Space")
    assert not page.is_checked("input[name=status][value=fail]")
    assert all(i["s"] != "fail" for i in shown(page))
    g.assert_clean()


def test_copy_button_copies_the_exact_value(open_page, example):
    report, _ = example
    g = open_page(report, permissions=["clipboard-read", "clipboard-write"])
    page = g.page
    button = page.locator("article.card button.copy").first
    value = page.locator("article.card code.v").first.text_content()
    button.click()
    poll(lambda: button.text_content() != "Copy")
    assert button.text_content() == "Copied"
    assert page.evaluate("navigator.clipboard.readText()") == value
    g.assert_clean()


def test_print_shows_everything(open_page, example):
    report, _results = example
    g = open_page(report)
    page = g.page
    page.uncheck("input[name=status][value=fail]")
    assert not page.locator("article.card").first.is_visible()
    page.emulate_media(media="print")
    assert page.locator("article.card").first.is_visible()
    assert page.locator("details.passes tr.f").first.is_visible()
    assert not page.locator("form.filters").is_visible()
    g.assert_clean()


def test_without_javascript_everything_is_visible_and_no_filters(open_page, example):
    report, results = example
    g = open_page(report, java_script_enabled=False)
    page = g.page
    cards = page.locator("article.card")
    assert cards.count() == 12
    assert all(cards.nth(i).is_visible() for i in range(12))
    assert page.locator("form.filters").count() == 0
    assert page.locator("#filters").inner_html() == ""
    assert not page.locator("button.copy").first.is_visible()
    # Passes are one click away, as with JS.
    page.click("details.passes > summary")
    assert page.locator("details.passes tr.f").first.is_visible()
    assert page.locator("details.passes tr.f").count() == results["summary"]["pass"]
    g.assert_clean()


PAYLOADS = (
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    '"><script>window.__pwned=2;alert(2)</script>',
    "</script><script>window.__pwned=3;alert(3)</script>",
    "javascript:alert(4)",
    "'><svg onload=alert(5)>",
    "{{ 7*7 }}",
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Every user-controlled field holds script and markup."""
    out = tmp_path_factory.mktemp("hostile")
    org_name = " ".join(PAYLOADS)
    entries = [*PAYLOADS, "https://app.example.com/**", 'https://x.example.com/"><script>alert(6)</script>']
    policy = {
        "apiVersion": "rovo-audit/v1",
        "kind": "Policy",
        "metadata": {"name": "hostile", "title": PAYLOADS[0], "owner": PAYLOADS[1]},
        "domains": {"allowed": ["https://app.example.com/**"], "unlisted": "fail"},
        "scopes": {"credentials": ["*"], "required": ["read:jira-work"], "forbidden": ["write:*"]},
        "evidence": {"max_age_days": 30},
    }
    settings = {
        "apiVersion": "rovo-audit/v1",
        "kind": "OrgSettings",
        "collected_at": "2026-11-20T09:30:00Z",
        "orgs": [
            {
                "id": "org-1",
                "name": org_name,
                "rovo_mcp": {"atlassian_supported_domains": False, "domains": entries, "api_token_auth": True},
                "credentials": [
                    {"label": p, "kind": "api_token", "owner": p, "scopes": ["write:jira-work", p]}
                    for p in PAYLOADS[:3]
                ],
                "evidence": {"rovo_mcp": {"source": "attested", "by": PAYLOADS[2], "at": "2026-11-20T09:00:00Z"}},
            }
        ],
    }
    waivers = {
        "apiVersion": "rovo-audit/v1",
        "kind": "Waivers",
        "waivers": [
            {
                "control": "RMCP-DOM-006",
                "subject": PAYLOADS[0],
                "org": org_name,
                "reason": PAYLOADS[1],
                "approved_by": PAYLOADS[2],
                "expires": "2026-12-01",
            },
            {
                "control": "RMCP-DOM-002",
                "subject": PAYLOADS[3],
                "reason": PAYLOADS[2],
                "approved_by": PAYLOADS[0],
                "expires": "2027-12-01",
            },
            {"control": "RMCP-DOM-003", "reason": PAYLOADS[4], "approved_by": PAYLOADS[5], "expires": "2020-01-01"},
        ],
    }
    for name, doc in (("policy.yaml", policy), ("settings.yaml", settings), ("waivers.yaml", waivers)):
        (out / name).write_text(yaml.safe_dump(doc, sort_keys=False))
    report = audit(out / "out", out / "policy.yaml", out / "settings.yaml", "--waivers", out / "waivers.yaml")
    return report, json.loads((out / "out" / "results.json").read_text())


def test_payloads_in_every_user_field_stay_inert(open_page, hostile):
    report, results = hostile
    assert any(f["status"] == "waived" for f in results["findings"])
    assert results["unused_waivers"] and results["expired_waivers"]
    g = open_page(report)
    page = g.page
    dom = page.evaluate("""() => ({
        scripts: document.scripts.length,
        imgs: document.images.length,
        svgs: document.querySelectorAll('svg').length,
        handlers: Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
        hrefs: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
        pwned: window.__pwned === undefined ? null : window.__pwned,
        text: document.body.textContent,
        options: Array.from(document.querySelectorAll('#f-org option')).map(o => o.textContent),
    })""")
    assert dom["pwned"] is None
    assert dom["scripts"] == 2 and dom["imgs"] == 0 and dom["svgs"] == 3 and dom["handlers"] == 0
    assert all(h.startswith(("#", "https://")) for h in dom["hrefs"]), dom["hrefs"]
    for p in PAYLOADS:  # shown as text, exactly as written
        assert p in dom["text"]
    assert page.text_content("section.org h2") == " ".join(PAYLOADS)
    # The payload-laden org name reaches the filter's <select> (via the JSON block) as text.
    assert len(dom["options"]) == 1 + 1
    # Typing a payload into the text filter is just a search (the org name holds every payload).
    page.fill("#f-q", PAYLOADS[1])
    poll(lambda: "q=" in page.evaluate("location.hash"))
    assert out_text(page) == f"Showing {len(results['findings'])} of {len(results['findings'])} findings"
    page.fill("#f-q", PAYLOADS[0] + " no such thing")
    poll(lambda: out_text(page) == f"Showing 0 of {len(results['findings'])} findings")
    assert page.evaluate("window.__pwned === undefined")
    g.assert_clean()


# --- issue 12: the unknowns of one section on one card; an expired waiver; evidence after as-of

UNSEEN = """\
apiVersion: rovo-audit/v1
kind: OrgSettings
collected_at: 2026-11-26T09:30:00Z
orgs:
  - id: o1
    name: One
    rovo_mcp:
      atlassian_supported_domains: true
      domains: ["https://*.vercel.app/**"]
  - id: o2
    name: Two
    ip_allowlist: {enabled: true, ranges: [192.0.2.10/32]}
"""
EXPIRED = """\
apiVersion: rovo-audit/v1
kind: Waivers
waivers:
  - {control: RMCP-DOM-004, subject: "https://*.vercel.app/**", reason: Preview builds until the move,
     approved_by: ciso@example.com, expires: 2026-11-01}
"""


@pytest.fixture(scope="module")
def unseen(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("unseen")
    (out / "s.yaml").write_text(UNSEEN)
    (out / "w.yaml").write_text(EXPIRED)
    report = audit(out / "r", POLICY, out / "s.yaml", "--waivers", out / "w.yaml")
    return report, json.loads((out / "r" / "results.json").read_text())


def test_unknowns_of_one_section_are_one_card_that_the_filters_follow(open_page, unseen):
    report, results = unseen
    g = open_page(report)
    page = g.page
    unknowns = [f for f in results["findings"] if f["status"] == "unknown"]
    sections = {(f["org"], f["remediation"]["collect"]) for f in unknowns}
    cards = page.locator("article.fs")
    assert cards.count() == len(sections)
    # Each unknown is still one filterable item, inside its section's card.
    assert page.locator("article.fs li.f").count() == len(unknowns)
    assert len(shown(page)) == len(results["findings"])
    first = cards.nth(0)
    assert "Not (fully) collected: Rovo MCP server settings" in (first.text_content() or "")
    assert first.locator("ol li").count() >= 3 and "rovo-audit collect --attest" in (first.text_content() or "")
    # Filtering the members hides a card only when none of its members is left.
    page.uncheck("input[name=status][value=unknown]")
    poll(lambda: page.locator("article.fs:not([hidden])").count() == 0)
    assert all(i["s"] != "unknown" for i in shown(page))
    page.check("input[name=status][value=unknown]")
    poll(lambda: page.locator("article.fs:not([hidden])").count() == len(sections))
    for area in ("domains", "auth", "ip_allowlist", "evidence", "rollout", "scopes"):
        if page.locator(f"input[name=area][value={area}]").count():
            page.uncheck(f"input[name=area][value={area}]")
    visible = page.locator("article.fs:not([hidden])")
    assert visible.count() >= 1  # the Rovo MCP cards: their permission checks are left
    assert all(i["a"] == "permissions" for i in shown(page))
    assert visible.nth(0).locator("li.f:not([hidden])").count() == sum(
        1 for f in unknowns if f["area"] == "permissions" and f["org"] == "o1"
    )
    page.click("text=Show all")
    # A link to one unknown finding still lands on it.
    fid = page.locator("article.fs li.f").nth(1).get_attribute("id")
    page.goto(report.resolve().as_uri() + f"#{fid}")
    assert page.locator(f"#{fid}").is_visible()
    screenshot(page, "unknowns-grouped.png")
    g.assert_clean()


def test_an_expired_waiver_and_evidence_after_as_of_are_said_on_the_page(open_page, unseen):
    report, _ = unseen
    g = open_page(report)
    page = g.page
    card = page.locator("article.card.fail", has_text="vercel").filter(has_text="RMCP-DOM-004")
    assert card.count() == 1
    text = card.text_content() or ""
    assert "Waiver expired 2026-11-01" in text and "Preview builds until the move" in text
    assert "ciso@example.com" in text and "<why this is accepted>" not in text
    assert card.locator("text=Copy YAML").count() == 0
    # collected 09:30 on the day of the as-of midnight: never a negative age
    body = page.text_content("body") or ""
    assert "dated after the as-of time" in body and "-0." not in body
    g.assert_clean()
