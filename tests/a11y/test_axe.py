"""axe-core (pinned from npm in tests/a11y/package.json, installed by `npm ci` in .ci/run) finds
no violation on the pages we write: the demo report, a review report (waivers, a previous run and a
trend chart), a report with every other status and severity (states.py), doctor.html and the diff
page, in light and dark mode, at a desktop and a phone viewport.

Every <details> is opened before axe runs: axe skips what is not rendered, and most of the text
a reader looks at (snippets, steps, evidence) sits in collapsed <details>."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.a11y import states
from tests.browser.conftest import AS_OF, browser  # noqa: F401  (fixture)
from tests.conftest import run_cli, unavailable
from tests.doctor.conftest import doctor, settings_file
from tests.review.scenario import NEW_AS_OF, OLD_AS_OF, audit, write_files
from tests.servers.rovo_sim import SCENARIOS, oauth_token, running_sim

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}
SCHEMES = ("light", "dark")
PAGES = ("demo", "review", "states", "doctor", "diff")

# Every <details> open, and every org section rendered: `.org` has content-visibility:auto, and
# axe cannot judge the colours of what the browser skipped painting.
OPEN_ALL = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const s = document.createElement('style');
  s.textContent = '*{content-visibility:visible !important}';
  document.head.appendChild(s);
}"""

# Then every part the report's script builds on demand, opened: each "How to fix", snippet, list
# of passes and list of entries (a button with aria-expanded="false"; opening one may add more).
EXPAND = """async () => {
  let clicked = 0;
  for (let round = 0; round < 6; round++) {
    const closed = Array.from(document.querySelectorAll('button[aria-expanded="false"]'));
    if (!closed.length) break;
    closed.forEach(b => b.click());
    clicked += closed.length;
    await new Promise(r => setTimeout(r, 0));
  }
  return clicked;
}"""

# Runs in the page after axe.min.js is in: the violations only, each flattened to what a reader of
# a failed test needs (rule, impact, where, and axe's own one-line reason per node).
RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''}))}));
}"""


@pytest.fixture(scope="module")
def axe() -> Path:
    """axe-core's script; missing, the tests skip here and fail in CI (CI=true), as Chromium's do."""
    if not AXE.exists():
        unavailable(f"no axe-core at {AXE} (run `npm ci` in tests/a11y)")
    return AXE


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pages, each written by the real command (the diff: the review's two runs)."""
    root = tmp_path_factory.mktemp("a11y")
    demo = run_cli("audit", "--demo", "--out", root / "demo", "--as-of", AS_OF, "-q", cwd=root)
    assert demo.code in (0, 1), demo.err
    files = write_files(root / "in")
    review = root / "review"
    for settings, as_of in ((files.old_settings, OLD_AS_OF), (files.new_settings, NEW_AS_OF)):
        r = audit(files, settings, as_of, review, "--format", "html,json")
        assert r.code in (0, 1), r.err
    (root / "doctor").mkdir()
    with running_sim(SCENARIOS["origin-not-allowlisted"]) as base:
        token = oauth_token(base)
        args = ("--bearer", token, "--origin", "https://evil.example.net/cb")
        doctor(base, root / "doctor", *args, "--settings", str(settings_file(root)), secrets=(token,))
    (root / "policy.yaml").write_text(states.POLICY, encoding="utf-8")
    (root / "settings.yaml").write_text(states.SETTINGS, encoding="utf-8")
    r = run_cli(
        "audit", "--policy", root / "policy.yaml", "--settings", root / "settings.yaml", "--out", root / "states",
        "--format", "html", "--as-of", AS_OF, "--no-history", "-q",
    )  # fmt: skip
    assert r.code == 1, r.err
    entries = sorted(p for p in (review / "history").iterdir() if p.suffix == ".json")
    r = run_cli("diff", entries[0], review / "results.json", "--format", "html", "--out", root / "diff.html")
    assert r.code in (0, 1), r.err
    found = {
        "diff": root / "diff.html",
        "states": root / "states" / "report.html",
        "demo": root / "demo" / "report.html",
        "review": review / "report.html",
        "doctor": root / "doctor" / "out" / "doctor.html",
    }
    text = found["states"].read_text(encoding="utf-8")
    badges = set(re.findall(r'class="b ([a-z]+)"', text))
    assert "https://tool23.example.org/**" in text  # the long list of values, to scroll
    assert badges >= {"fail", "warn", "unknown", "high", "medium", "low", "info"}, badges
    html = found["review"].read_text(encoding="utf-8")
    # The review page holds what it is here for: waivers, the previous run and the trend chart.
    assert "Since the last review" in html and '<svg class="trend"' in html and "waived" in html
    return found


def violations(chromium: object, page_file: Path) -> dict[str, list[dict[str, object]]]:
    """axe's violations per scheme and viewport, everything opened, then (a report) filtered in
    the table view too: one load and one injection, the scheme and size switched between the runs (a new
    context and injection per run cost 1.5-4 s more on the shared 2-core machine)."""
    # The reports carry a hash-based CSP that would refuse axe's script: bypass it for the check.
    width, height = next(iter(VIEWPORTS.values()))
    context = chromium.new_context(viewport={"width": width, "height": height}, bypass_csp=True)  # type: ignore[attr-defined]
    try:
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        page = context.new_page()
        page.goto(page_file.resolve().as_uri())
        page.evaluate(OPEN_ALL)
        report = page.locator("button.view").count() == 1
        # A report's script opened something (a card's "How to fix" at least): the check is not vacuous.
        assert page.evaluate(EXPAND) > 0 or not report
        page.add_script_tag(path=str(AXE))
        found: dict[str, list[dict[str, object]]] = {}
        for suffix in ("", " table, filtered") if report else ("",):
            if suffix:
                # The second view, under a filter (its banner on the first screen, the charts redrawn).
                page.fill("#f-q", "example")
                page.wait_for_function("(document.querySelector('#banner span') || {}).textContent")
                page.click("button.view")
                assert page.locator("#ftable table").count() == 1
                page.evaluate(EXPAND)
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
                for view, (width, height) in VIEWPORTS.items():
                    page.set_viewport_size({"width": width, "height": height})
                    assert page.evaluate("window.innerWidth") == width
                    key = f"{scheme} {view}{suffix}"
                    found[key] = page.evaluate(RUN)
                    # WCAG 1.4.10 (reflow), which axe does not measure: no sideways scrolling of the page.
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    if wide > width:
                        node = {"target": "html", "summary": f"the page is {wide} px wide in a {width} px viewport"}
                        found[key].append({"id": "reflow", "impact": "serious", "help": "1.4.10", "nodes": [node]})
        return found
    finally:
        context.close()


def describe(found: list[dict[str, object]]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for n in v["nodes"]:  # type: ignore[attr-defined]
            summary = " ".join(str(n["summary"]).split())
            lines.append(f"    {n['target']}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(axe, browser, pages, name: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    found = violations(browser, pages[name])
    report = "\n".join(f"== {name} {key}\n{describe(v)}" for key, v in found.items() if v)
    assert not report, f"axe-core violations:\n{report}"


def test_axe_sees_a_violation(axe, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The check can fail: the same run flags the old SKIP/waived badge, white on #758195 (3.93:1)."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
        '<details><summary>s</summary><p style="color:#fff;background:#758195">SKIP</p></details>'
        "</main></body></html>",
        encoding="utf-8",
    )
    found = violations(browser, bad)
    assert list(found) == [f"{s} {v}" for s in SCHEMES for v in VIEWPORTS]
    for key in found:
        assert [v["id"] for v in found[key]] == ["color-contrast"], json.dumps(found)
        assert "3.93" in describe(found[key])


# What axe leaves undecided in SVG (it cannot find the background of SVG text, and does not check
# WCAG 1.4.11 non-text contrast at all): every mark of every chart (trend lines, points, legend keys,
# axes, bars) against the page background it is drawn on, with its opacity (>= 3:1), and every
# chart text (>= 4.5:1).
GRAPHICS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const backdrop = e => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  document.querySelectorAll('svg').forEach(svg => {
    const bg = backdrop(svg);
    svg.querySelectorAll('line, polyline, polygon, path, circle, ellipse, rect, text').forEach(e => {
      const st = getComputedStyle(e);
      const tag = e.tagName.toLowerCase();
      const paints = tag === 'text' ? [['fill', st.fill, st.fillOpacity]]
        : [['fill', st.fill, st.fillOpacity], ['stroke', st.stroke, st.strokeOpacity]];
      for (const [kind, paint, opacity] of paints) {
        const c = rgb(paint).slice(0, 3);
        if (paint === 'none' || c.length !== 3 || (tag === 'line' && kind === 'fill')) continue;
        const alpha = Number(opacity);
        const shown = c.map((v, i) => alpha * v + (1 - alpha) * bg[i]);
        out.push({what: tag + '.' + (e.getAttribute('class') || '') + ' ' + kind, text: tag === 'text',
                  trend: !!e.closest('svg.trend'), paint, alpha, ratio: ratio(shown, bg)});
      }
    });
  });
  return out;
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", ("demo", "review", "states"))
def test_chart_contrast(browser, pages, name: str, scheme: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(pages[name].resolve().as_uri())
        marks = page.evaluate(GRAPHICS)
    finally:
        context.close()
    assert marks and all(isinstance(m["ratio"], (int, float)) and m["ratio"] >= 1 for m in marks), marks
    if name == "review":
        # The trend: 3 series (a line, 2 points and a legend key each) and 2 axes.
        assert len([m for m in marks if m["trend"] and not m["text"]]) == 3 * 4 + 2, marks
    low = [m for m in marks if m["ratio"] < (4.5 if m["text"] else 3)]
    assert not low, f"chart marks and texts under 3:1 (texts 4.5:1) in {scheme} mode: {low}"
