"""report.html in a real Chromium: clean load, filters, URL fragment, inert payloads, JS off."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.browser.conftest import audit, out_text, screenshot
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


def load(path: Path) -> dict:
    """results.json, each finding with its control's title and area (a lean file keeps them once)."""
    results = json.loads(path.read_text())
    table = results.get("controls", {})
    for f in results["findings"]:
        for key in ("title", "area"):
            if key not in f:
                f[key] = table[f["control"]][key]
    return results


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("example")
    report = audit(out, POLICY, SETTINGS)
    return report, load(out / "results.json")


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("estate")
    policy, settings = make_estate(20, 12, seed=3)
    (out / "policy.yaml").write_text(policy)
    (out / "settings.yaml").write_text(settings)
    report = audit(out / "out", out / "policy.yaml", out / "settings.yaml")
    return report, load(out / "out" / "results.json")


NOT_PASS = ("fail", "unknown", "warn", "waived")


def strings(doc: object, table: list[str]) -> object:
    """A snippet's document from the data block, its string values (numbers in S) read back."""
    if isinstance(doc, dict):
        return {k: strings(v, table) for k, v in doc.items()}
    if isinstance(doc, list):
        return [strings(v, table) for v in doc]
    return table[doc] if isinstance(doc, int) and not isinstance(doc, bool) else doc


def cards(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """The cards the filters let through: their group and the count their heading shows."""
    return page.evaluate(  # type: ignore[no-any-return]
        """() => Array.from(document.querySelectorAll('article.card')).filter(e => !e.closest('[hidden]')).map(e => ({
             k: +e.dataset.k, cls: e.className, n: (e.querySelector('h4 .n') || {}).textContent || null,
             o: +e.closest('section.org').dataset.o}))"""
    )


def _text(f: dict, names: dict[str, str]) -> str:
    """What the text filter searches in a finding."""
    parts = (names.get(f["org"], ""), f["control"], f["title"], f["subject"] or "", f["actual"], f["expected"])
    return " ".join(parts).lower()


def test_shared_example_renders_clean(open_page, example):
    report, results = example
    g = open_page(report)
    page = g.page
    assert page.text_content("h1") == "Blocked: 12 findings"
    non_pass = [f for f in results["findings"] if f["status"] != "pass"]
    # One card per control: 12 findings, two controls twice.
    assert page.locator("article.card").count() == len({f["control"] for f in non_pass}) == 10
    assert out_text(page) == f"Showing {len(non_pass)} of {len(results['findings'])} findings"
    assert page.locator("#banner").is_hidden()  # the default view is not a filtered one
    header = page.text_content("header") or ""
    assert "2026-11-26T00:00:00Z" in header and f"{len(non_pass)} not passed" in header
    assert "observed through an API" in (page.text_content("#h-summary + p + p") or "")
    assert page.locator("svg[role=img]").count() == 3
    assert (
        page.text_content("#ch-what")
        == f"The charts count the {len(non_pass)} findings shown (passes are not: tick pass to count them)."
    )
    # Passes: counts per control, shown when the pass box is ticked.
    assert page.locator("details.passes").count() == 1 and page.locator("details.passes").is_hidden()
    g.assert_clean()
    shot = screenshot(page, "report-shared-example.png")
    assert shot.stat().st_size > 10_000


def test_estate_renders_clean_with_a_section_per_org(open_page, estate):
    report, results = estate
    g = open_page(report, color_scheme="dark")
    page = g.page
    assert page.locator("section.org").count() == 20 == len(results["orgs"])
    rollup = page.locator("#h-rollup + .wide table tbody tr")
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
    want.setdefault("s", set(NOT_PASS))
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
    non_pass = _expect(results, [])
    assert out_text(page) == f"Showing {len(non_pass)} of {total} findings"
    counts = _counts(page)
    assert counts["status:fail"] == f"({results['summary']['fail']})"
    assert counts["status:pass"] == f"({results['summary']['pass']})"  # what ticking it would add
    # The severity counts count what is shown: not the passes.
    high = len(_expect(results, [], v={"high"}))
    assert counts["severity:high"] == f"({high})"

    # Status: add the passes.
    page.check("input[name=status][value=pass]")
    assert out_text(page) == f"Showing {total} of {total} findings"
    assert _counts(page)["severity:high"] == f"({len(_expect(results, [], s={*NOT_PASS, 'pass'}, v={'high'}))})"
    assert page.locator("details.passes").first.is_visible()
    page.uncheck("input[name=status][value=pass]")

    # Severity: only high. Every card left is a high one, and the counts add up.
    for sev in ("critical", "medium", "low", "info"):
        page.uncheck(f"input[name=severity][value={sev}]")
    assert out_text(page) == f"Showing {high} of {total} findings"
    shown = cards(page)
    assert shown and all(" high" not in c["cls"] or True for c in shown)
    assert page.locator("article.card:not([hidden]) .b.critical").count() == 0
    page.click("text=Show all")
    assert out_text(page) == f"Showing {len(non_pass)} of {total} findings"

    # Area: only scopes.
    for area in ("domains", "auth", "permissions", "ip_allowlist", "evidence", "rollout"):
        if page.locator(f"input[name=area][value={area}]").count():
            page.uncheck(f"input[name=area][value={area}]")
    assert out_text(page) == f"Showing {len(_expect(results, [], a={'scopes'}))} of {total} findings"
    page.click("text=Show all")

    # Org: one section left, with its own counts.
    org = results["orgs"][4]
    page.select_option("#f-org", org["id"])
    assert out_text(page) == f"Showing {len(_expect(results, [org['id']]))} of {total} findings"
    assert {c["o"] for c in cards(page)} == {4}
    assert page.locator("section.org:not([hidden])").count() == 1
    page.select_option("#f-org", "")

    # Free text, across org names, controls, titles, subjects and what was seen.
    page.fill("#f-q", "vercel")
    poll(lambda: out_text(page) != f"Showing {len(non_pass)} of {total} findings")
    names = {o["id"]: o["name"] for o in results["orgs"]}
    want = [f for f in non_pass if "vercel" in _text(f, names)]
    assert 0 < len(want) < len(non_pass)
    assert out_text(page) == f"Showing {len(want)} of {total} findings"
    # A card shows only its matching values, and says how many of its own are shown.
    partial = [c for c in cards(page) if c["n"] and " of " in c["n"]]
    assert partial
    vals = page.locator(f"#c{partial[0]['k']} code.vals").text_content() or ""
    assert vals and all("vercel" in v for v in vals.split("\n"))
    g.assert_clean()


def test_group_counts_follow_the_filters(open_page, example):
    report, results = example
    g = open_page(report)
    page = g.page
    todo = page.locator('.g[data-g="todo"] > h3 .n')
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
    page.uncheck("input[name=severity][value=low]")
    page.select_option("#f-org", org["id"])
    page.fill("#f-q", "portal")
    poll(lambda: "q=portal" in page.evaluate("location.hash"))
    fragment = page.evaluate("location.hash")
    assert fragment.startswith("#severity=critical,high,medium,info&org=")
    view, out = cards(page), out_text(page)

    # A link with that fragment reproduces the view, controls included, and says it is filtered.
    g2 = open_page(report, fragment)
    page2 = g2.page
    assert cards(page2) == view and out_text(page2) == out
    assert not page2.is_checked("input[name=severity][value=low]")
    assert page2.input_value("#f-org") == org["id"] and page2.input_value("#f-q") == "portal"
    banner = page2.locator("#banner")
    assert banner.is_visible() and (banner.text_content() or "").startswith("Filtered view: showing ")

    # A fragment typed into the same page applies too; passes open when only they are asked for.
    page2.evaluate("location.hash = '#status=pass&area=auth'")
    poll(lambda: page2.is_checked("input[name=status][value=pass]"))
    auth = {f["control"] for f in results["findings"] if f["status"] == "pass" and f["area"] == "auth"}
    shown = page2.evaluate(
        "() => Array.from(document.querySelectorAll('details.passes li[data-k]')).filter(e => !e.closest('[hidden]') && !e.hidden).map(e => e.textContent.split(':')[0])"
    )
    assert shown and set(shown) == auth
    assert page2.locator("details.passes[open]").count() > 0
    assert cards(page2) == []
    # Anchors (#c3) are not views: following one leaves the filters alone.
    before = out_text(page2)
    page2.evaluate("location.hash = '#o3'")
    page2.wait_for_timeout(50)
    assert out_text(page2) == before
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
    non_pass = sum(1 for f in results["findings"] if f["status"] != "pass")
    poll(lambda: out_text(page).startswith(f"Showing {non_pass} of"))
    page.focus("input[name=status][value=fail]")
    page.keyboard.press("Space")
    assert not page.is_checked("input[name=status][value=fail]")
    assert out_text(page).startswith("Showing 0 of") and cards(page) == []
    g.assert_clean()


def test_copy_button_copies_the_exact_value(open_page, example):
    report, _ = example
    g = open_page(report, permissions=["clipboard-read", "clipboard-write"])
    page = g.page
    button = page.locator("article.card code.v + button.copy").first
    value = page.locator("article.card code.v").first.text_content()
    button.click()
    poll(lambda: button.text_content() != "Copy")
    assert button.text_content() == "Copied"
    assert page.evaluate("navigator.clipboard.readText()") == value
    g.assert_clean()


def test_print_prints_what_is_shown(open_page, example):
    report, results = example
    g = open_page(report)
    page = g.page
    page.uncheck("input[name=status][value=fail]")
    assert not page.locator("article.card").first.is_visible()
    page.emulate_media(media="print")
    assert not page.locator("article.card").first.is_visible()  # hidden on screen, not on paper
    assert page.locator("#banner").is_visible()  # and the paper says it is filtered
    assert not page.locator("form.filters").is_visible()
    page.emulate_media(media="screen")
    page.check("input[name=status][value=fail]")
    page.uncheck("input[name=severity][value=medium]")
    page.emulate_media(media="print")
    medium = sum(1 for f in results["findings"] if f["status"] != "pass" and f["severity"] == "medium")
    assert page.text_content('.g[data-g="todo"] > h3') == f"To fix or verify ({12 - medium} of 12)"
    visible = page.evaluate(
        "() => Array.from(document.querySelectorAll('article.card')).filter(e => e.offsetParent !== null).length"
    )
    assert visible == len(cards(page)) < 10
    g.assert_clean()


def test_without_javascript_the_cards_and_their_steps_are_visible(open_page, example):
    report, results = example
    g = open_page(report, java_script_enabled=False)
    page = g.page
    cs = page.locator("article.card")
    assert cs.count() == 10
    assert all(cs.nth(i).is_visible() for i in range(10))
    # Each card's steps, docs and evidence are there as they are (its <noscript>).
    assert all(cs.nth(i).locator("div.how ol li").first.is_visible() for i in range(10))
    assert page.locator("form.filters").count() == 0
    assert page.locator("#filters").inner_html() == ""
    assert not page.locator("button.copy").first.is_visible()
    assert not page.locator("p.more").first.is_visible()
    # Passes: their counts per control, one click away; listing each needs JavaScript.
    page.click("details.passes > summary")
    lis = page.locator("details.passes li[data-k]")
    assert lis.count() == len({f["control"] for f in results["findings"] if f["status"] == "pass"})
    assert page.locator("details.passes p.nojs").is_visible()
    total = sum(int(lis.nth(i).text_content().split(": ")[1].split()[0]) for i in range(lis.count()))
    assert total == results["summary"]["pass"]
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
    return report, load(out / "out" / "results.json")


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
    total, non_pass = len(results["findings"]), sum(1 for f in results["findings"] if f["status"] != "pass")
    page.fill("#f-q", PAYLOADS[1])
    poll(lambda: "q=" in page.evaluate("location.hash"))
    assert out_text(page) == f"Showing {non_pass} of {total} findings"
    assert PAYLOADS[1] in (page.text_content("#banner") or "")  # the banner names the search, as text
    page.fill("#f-q", PAYLOADS[0] + " no such thing")
    poll(lambda: out_text(page) == f"Showing 0 of {total} findings")
    page.click("text=Show all")
    # What is built on demand is as inert: every card's steps, entries and YAML, every list of passes.
    for b in page.locator("button.how").all():
        b.click()
    for b in page.locator("button.yaml").all():
        b.click()
    # Each YAML shown reads back as the document the card holds, hostile text and all.
    data = json.loads(page.text_content("#facets") or "")
    snips = page.locator("article.card div.snip pre")
    assert snips.count() >= 1
    for i in range(snips.count()):
        k = int(snips.nth(i).evaluate("e => e.closest('article.card').dataset.k"))
        assert yaml.safe_load(snips.nth(i).text_content() or "") == strings(data["g"][k]["yd"], data["S"])
    page.check("input[name=status][value=pass]")
    page.click("details.passes > summary")
    for b in page.locator("button.list").all():
        b.click()
    page.click("text=Table view")
    after = page.evaluate("""() => ({
        scripts: document.scripts.length, imgs: document.images.length,
        handlers: Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
        hrefs: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
        text: document.body.innerText})""")
    assert after["scripts"] == 2 and after["imgs"] == 0 and after["handlers"] == 0
    assert all(h.startswith(("#", "https://")) for h in after["hrefs"]), after["hrefs"]
    assert PAYLOADS[0] in after["text"] and page.locator("pre").count() >= 1
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
    return report, load(out / "r" / "results.json")


def test_unknowns_of_one_section_are_one_card_that_the_filters_follow(open_page, unseen):
    report, results = unseen
    g = open_page(report)
    page = g.page
    unknowns = [f for f in results["findings"] if f["status"] == "unknown"]
    sections = {(f["org"], f["remediation"]["collect"]) for f in unknowns}
    cards = page.locator("article.fs")
    assert cards.count() == len(sections)
    # Each unknown is still one item, inside its section's card.
    assert page.locator("article.fs li.f").count() == len(unknowns)
    first = cards.nth(0)
    assert "Not (fully) collected: Rovo MCP server settings" in (first.text_content() or "")
    assert first.locator("ol li").count() >= 3 and "rovo-audit collect --attest" in (first.text_content() or "")
    # Filtering the members hides a card only when none of its members is left.
    page.uncheck("input[name=status][value=unknown]")
    poll(lambda: page.locator("article.fs:not([hidden])").count() == 0)
    page.check("input[name=status][value=unknown]")
    poll(lambda: page.locator("article.fs:not([hidden])").count() == len(sections))
    for area in ("domains", "auth", "ip_allowlist", "evidence", "rollout", "scopes"):
        if page.locator(f"input[name=area][value={area}]").count():
            page.uncheck(f"input[name=area][value={area}]")
    visible = page.locator("article.fs:not([hidden])")
    assert visible.count() >= 1  # the Rovo MCP cards: their permission checks are left
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
    card = page.locator("article.card.fail", has_text="vercel").filter(has_text="spans a public suffix")
    assert card.count() == 1
    text = card.text_content() or ""
    assert "Waiver expired 2026-11-01" in text and "Preview builds until the move" in text
    assert "ciso@example.com" in text and "<why this is accepted>" not in text
    card.locator("button.how").click()
    assert card.locator("button.yaml").count() == 0  # no fresh waiver where one has lapsed
    # collected 09:30 on the day of the as-of midnight: never a negative age
    body = page.text_content("body") or ""
    assert "dated after the as-of time" in body and "-0." not in body
    g.assert_clean()
