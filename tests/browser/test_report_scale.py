"""report.html led by what to fix first, at estate scale, in a real Chromium: the first screen,
grouped cards, drill-downs, the table view, the filter banner, charts, print and a 390 px phone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.browser.conftest import audit, out_text
from tests.browser.test_report_browser import load, poll
from tests.estate import make_estate

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("scale")
    policy, settings = make_estate(5, 40, seed=7)
    (out / "p.yaml").write_text(policy)
    (out / "s.yaml").write_text(settings)
    report = audit(out / "out", out / "p.yaml", out / "s.yaml")
    return report, load(out / "out" / "results.json")


def _box(page, selector: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box  # type: ignore[no-any-return]


@pytest.mark.parametrize("device", [LAPTOP, PHONE], ids=["1366x768", "390x844"])
def test_the_first_screen_holds_the_verdict_and_the_first_steps(open_page, estate, device):
    report, _ = estate
    g = open_page(report, **device)
    page = g.page
    height = device["viewport"]["height"]
    verdict = _box(page, "h1")
    assert verdict["y"] >= 0 and verdict["y"] + verdict["height"] <= height
    assert page.text_content("#h-plan") == "Fix first: the changes, in order"
    first = _box(page, "#plan ol.plan > li")
    assert first["y"] + first["height"] <= height, "the first step of the plan is on the first screen"
    if device is LAPTOP:  # and the next ones
        assert _box(page, "#plan ol.plan > li:nth-child(3)")["y"] < height
    assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"]
    g.assert_clean()


def test_no_horizontal_overflow_on_a_phone(open_page, estate):
    report, _ = estate
    g = open_page(report, **PHONE)
    page = g.page
    width = lambda: page.evaluate("document.documentElement.scrollWidth")  # noqa: E731
    assert width() <= 390
    # What is built on demand stays inside too: steps, each entry, the YAML, the table view.
    for b in page.locator("article.card button.how").all()[:6]:
        b.click()
    for b in page.locator("button.yaml").all()[:2]:
        b.click()
    assert page.locator("table.entries").count() > 0
    assert width() <= 390
    page.click("text=Table view")
    assert page.locator("table.ftable").is_visible()
    assert width() <= 390
    # A value breaks inside its own box, never the page: no letter-by-letter file names either.
    narrow = page.evaluate(
        """() => Array.from(document.querySelectorAll('th, td')).filter(e => e.offsetParent && e.getBoundingClientRect().width < 24 && e.textContent.length > 12).length"""
    )
    assert narrow == 0
    g.assert_clean()


def test_a_card_lists_every_value_of_its_control_with_one_copy(open_page, estate):
    report, results = estate
    g = open_page(report, permissions=["clipboard-read", "clipboard-write"])
    page = g.page
    org = results["orgs"][0]
    undeclared = sorted(
        f["subject"]
        for f in results["findings"]
        if f["org"] == org["id"] and f["control"] == "RMCP-DOM-003" and f["status"] == "fail"
    )
    assert len(undeclared) > 2
    card = page.locator("section.org").first.locator("article.card", has_text="is not declared in the policy")
    assert card.count() == 1
    assert card.locator("h4 .n").text_content() == str(len(undeclared))
    assert sorted((card.locator("code.vals").text_content() or "").split("\n")) == undeclared
    assert card.locator("button.copy").count() == 1
    card.locator("button.copy").click()
    poll(lambda: card.locator("button.copy").text_content() == "Copied")
    assert sorted(page.evaluate("navigator.clipboard.readText()").split("\n")) == undeclared
    # Its steps, each entry and the YAML that declares them all: built when asked, once per card.
    assert card.locator("ol").count() == 0 and card.locator("table").count() == 0
    card.locator("button.how").click()
    assert card.locator("div.how ol li").count() >= 2
    assert card.locator("table.entries tbody tr").count() == len(undeclared)
    card.locator("button.yaml").click()
    doc = yaml.safe_load(card.locator("div.snip pre").text_content() or "")
    assert (
        doc == {"domains": {"allowed": sorted(undeclared, key=undeclared.index)}}
        or sorted(doc["domains"]["allowed"]) == undeclared
    )
    card.locator("div.snip button.copy").click()
    poll(lambda: page.evaluate("navigator.clipboard.readText()").startswith("domains:"))
    # Asked again, it folds away.
    card.locator("button.how").click()
    assert card.locator("div.how").is_hidden()
    # The next org's card of the control has the same steps: written once, shown on each card.
    other = page.locator("section.org").nth(1).locator("article.card", has_text="is not declared in the policy")
    other.locator("button.how").click()
    assert other.locator("div.how ol li").all_text_contents() == card.locator("div.how ol li").all_text_contents()
    assert other.locator("div.how p.same").count() == 0 and other.locator("div.how p.docs a").count() >= 1
    g.assert_clean()


def test_passes_are_counts_with_a_drill_down(open_page, estate):
    report, results = estate
    g = open_page(report)
    page = g.page
    org = results["orgs"][1]
    passes = [f for f in results["findings"] if f["org"] == org["id"] and f["status"] == "pass"]
    per = {}
    for f in passes:
        per.setdefault(f["control"], []).append(f)
    section = page.locator("section.org").nth(1)
    page.check("input[name=status][value=pass]")
    section.locator("details.passes > summary").click()
    lis = section.locator("details.passes li[data-k]")
    assert lis.count() == len(per)
    control, members = max(per.items(), key=lambda kv: len(kv[1]))
    li = section.locator("details.passes li[data-k]", has_text=control + ":")
    assert (li.text_content() or "").startswith(f"{control}: {len(members)} passed")
    li.locator("button.list").click()
    rows = li.locator("table.entries tbody tr")
    assert rows.count() == len(members)
    assert {rows.nth(i).locator("td").first.text_content() for i in range(rows.count())} == {
        f["subject"] or "" for f in members
    }
    # The drill-down follows the filters.
    page.fill("#f-q", members[0]["subject"])
    poll(lambda: rows.count() < len(members))
    assert " of " in (li.text_content() or "")
    g.assert_clean()


def test_the_table_view_sorts_and_lives_in_the_fragment(open_page, estate):
    report, results = estate
    g = open_page(report)
    page = g.page
    non_pass = [f for f in results["findings"] if f["status"] != "pass"]
    page.click("text=Table view")
    assert page.locator("#orgs").is_hidden() and page.locator("table.ftable").is_visible()
    rows = page.locator("table.ftable tbody tr")
    assert rows.count() == min(500, len(non_pass))
    assert "view=table" in page.evaluate("location.hash")
    statuses = [rows.nth(i).locator("td").first.text_content() for i in range(min(rows.count(), 40))]
    order = ["fail", "unknown", "warn", "waived"]
    assert statuses == sorted(statuses, key=order.index)  # most urgent first
    page.click("table.ftable th button:text('Org')")
    assert page.get_attribute("table.ftable th:nth-child(3)", "aria-sort") == "ascending"
    orgs = [rows.nth(i).locator("td").nth(2).text_content() or "" for i in range(rows.count())]
    assert orgs == sorted(orgs)
    page.click("table.ftable th button:text('Org')")
    assert page.get_attribute("table.ftable th:nth-child(3)", "aria-sort") == "descending"
    assert rows.first.locator("td").nth(2).text_content() == max(orgs)
    # The filters apply to it; a link with the fragment opens on it.
    page.uncheck("input[name=severity][value=medium]")
    assert rows.count() == min(500, sum(1 for f in non_pass if f["severity"] != "medium"))
    g2 = open_page(report, "#view=table")
    assert g2.page.locator("table.ftable").is_visible()
    g.assert_clean()
    g2.assert_clean()


def test_a_shared_filter_says_so_on_the_first_screen_and_the_charts_follow(open_page, estate):
    report, results = estate
    non_pass = [f for f in results["findings"] if f["status"] != "pass"]
    high = [f for f in non_pass if f["severity"] == "high"]
    g = open_page(report, "#severity=high", **LAPTOP)
    page = g.page
    banner = page.locator("#banner")
    assert banner.is_visible() and _box(page, "#banner")["y"] < 768
    total = len(results["findings"])
    assert (
        banner.text_content() == f"Filtered view: showing {len(high)} of {total} findings (severity high). Clear filter"
    )
    bars = lambda chart: {  # noqa: E731
        t.split(": ")[0]: t for t in page.locator(f"#{chart} + svg rect title").all_text_contents()
    }
    assert set(bars("ch-sev")) == {"high"}  # the severity chart counts only what is shown
    fails = sum(1 for f in high if f["status"] == "fail")
    assert bars("ch-status")["fail"] == f"fail: {fails} fail"
    assert (
        page.text_content("#ch-what")
        == f"The charts count the {len(high)} findings shown (passes are not: tick pass to count them)."
    )
    banner.locator("button").click()
    assert banner.is_hidden() and out_text(page) == f"Showing {len(non_pass)} of {total} findings"
    assert page.evaluate("location.hash") == ""
    assert len(bars("ch-sev")) > 1
    g.assert_clean()


def test_print_has_true_headings_and_only_what_is_shown(open_page, estate):
    report, results = estate
    org = results["orgs"][0]
    g = open_page(report, "#q=ngrok")
    page = g.page
    page.emulate_media(media="print")
    todo = [f for f in results["findings"] if f["org"] == org["id"] and f["status"] in ("fail", "warn", "unknown")]
    want = [f for f in todo if "ngrok" in " ".join((f["subject"] or "", f["actual"], f["expected"])).lower()]
    heading = page.locator("section.org").first.locator(".g[data-g=todo] > h3")
    assert heading.text_content() == f"To fix or verify ({len(want)} of {len(todo)})"
    printed = page.evaluate(
        "() => Array.from(document.querySelectorAll('article.card')).filter(e => e.offsetParent !== null).length"
    )
    assert 0 < printed < page.locator("article.card").count()
    assert page.locator("#banner").is_visible()
    # The plan is printed whole: no scrolling box, no list left unrendered off screen.
    last = page.locator("#plan ol.plan > li").last
    assert last.is_visible() and (last.bounding_box() or {}).get("height", 0) > 0
    box = page.evaluate("getComputedStyle(document.querySelector('.planbox')).maxHeight")
    assert box == "none"
    g.assert_clean()
