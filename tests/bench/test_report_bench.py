"""report.html on the 100-org × 300-entry estate (~122k findings, ~107k of them passes):
at most 8 MB and 60,000 DOM nodes at load, shown by Chromium in under 1 s, a filter in under 300 ms.

Run explicitly: python -m pytest tests/bench/test_report_bench.py -q -s
Five runs each; min/median/max are printed and the median is held to the budget. "Shown" is
measured from Python around the real Playwright calls (goto → DOMContentLoaded → a frame drawn,
the script having built the filters), so it includes Playwright's own round trips; a filter is
timed in the page, from the click to the next frame after the script has updated the page.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

import pytest

from tests.browser.conftest import ARGS, CHROMIUM
from tests.conftest import run_cmd  # timed as users run it: a process, start-up included
from tests.estate import make_estate

pytestmark = [pytest.mark.bench, pytest.mark.browser]

ORGS, ENTRIES = 100, 300
RUNS = 5
MAX_BYTES = 8 * 1024 * 1024
MAX_NODES = 60_000
MAX_SHOWN = 1.0
MAX_FILTER = 0.300
FRAME = "new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))"
# Every node (elements, text, comments), not only elements: what the browser holds.
NODES = """() => { let n = 0; const w = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    while (w.nextNode()) n++; return n; }"""
CLICK = """(sel) => new Promise(res => { const t0 = performance.now(); document.querySelector(sel).click();
    requestAnimationFrame(() => setTimeout(() => res((performance.now() - t0) / 1000), 0)); })"""
TYPE = """(q) => new Promise(res => { const box = document.getElementById('f-q'), t0 = performance.now();
    box.value = q; box.dispatchEvent(new Event('input'));
    const wait = () => location.hash.indexOf('q=') === -1 ? setTimeout(wait, 1)
      : requestAnimationFrame(() => setTimeout(() => res((performance.now() - t0) / 1000), 0));
    wait(); })"""


def main_thread_cpu(trace: Path) -> float:
    """Seconds of CPU the page's main thread spent (its top-level tasks' thread time, from a
    Chromium trace): what the page costs, whatever else the machine's cores are doing."""
    events = json.loads(trace.read_text())["traceEvents"]
    main = {(e["pid"], e["tid"]) for e in events if e.get("name") == "ParseHTML"}
    tasks = (
        e
        for e in events
        if (e.get("pid"), e.get("tid")) in main
        and e.get("ph") == "X"
        and e.get("name") == "ThreadControllerImpl::RunTask"
    )
    return sum(e.get("tdur", 0) for e in tasks) / 1e6


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, float]:
    out = tmp_path_factory.mktemp("bench")
    policy, settings = make_estate(ORGS, ENTRIES, seed=7)
    (out / "p.yaml").write_text(policy)
    (out / "s.yaml").write_text(settings)
    t0 = time.perf_counter()
    r = run_cmd(
        "audit",
        "--policy",
        out / "p.yaml",
        "--settings",
        out / "s.yaml",
        "--out",
        out / "r",
        "--format",
        "html,json",
        "--as-of",
        "2026-11-26T00:00:00Z",
        "-q",
        timeout=900,
    )
    took = time.perf_counter() - t0
    assert r.code in (0, 1), r.err
    return out / "r" / "report.html", json.loads((out / "r" / "results.json").read_text()), took


def _fig(name: str, xs: list[float], unit: str = "s") -> str:
    k = 1000 if unit == "ms" else 1
    return (
        f"{name}: min {min(xs) * k:.0f} / median {statistics.median(xs) * k:.0f} / max {max(xs) * k:.0f} {unit}"
        if unit == "ms"
        else f"{name}: min {min(xs):.3f} / median {statistics.median(xs):.3f} / max {max(xs):.3f} {unit}"
    )


def test_report_of_the_100_org_estate(big: tuple[Path, dict, float], tmp_path: Path):
    from playwright.sync_api import sync_playwright

    report, results, took = big
    n = len(results["findings"])
    non_pass = n - results["summary"]["pass"]
    size = report.stat().st_size
    print(f"\n{n} findings ({non_pass} not pass, {len(results['orgs'])} orgs); audit html,json: {took:.1f} s")
    print(f"report.html: {size / 1e6:.2f} MB ({size / n:.0f} bytes per finding); load average {os.getloadavg()[0]:.1f}")
    assert n >= 120_000
    assert size <= MAX_BYTES

    shows, cpu, nodes, status, severity, org, text = [], [], [], [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for _ in range(RUNS):
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                trace = tmp_path / f"trace{len(shows)}.json"
                browser.start_tracing(page=page, path=str(trace), categories=["toplevel", "devtools.timeline"])
                t0 = time.perf_counter()
                page.goto(report.as_uri(), wait_until="domcontentloaded")
                page.evaluate(FRAME)  # parsed, script run (filters built), and a frame drawn
                shows.append(time.perf_counter() - t0)
                browser.stop_tracing()
                cpu.append(main_thread_cpu(trace))
                nodes.append(page.evaluate(NODES))
                assert page.text_content("#f-out") == f"Showing {non_pass} of {n} findings"

                severity.append(page.evaluate(CLICK, "input[name=severity][value=medium]"))
                page.evaluate(CLICK, "input[name=severity][value=medium]")
                status.append(page.evaluate(CLICK, "input[name=status][value=pass]"))  # 107k passes in
                assert page.text_content("#f-out") == f"Showing {n} of {n} findings"
                page.evaluate(CLICK, "input[name=status][value=pass]")
                t0 = time.perf_counter()
                page.select_option("#f-org", results["orgs"][-1]["id"])
                page.evaluate(FRAME)
                org.append(time.perf_counter() - t0)
                page.select_option("#f-org", "")
                text.append(page.evaluate(TYPE, "ngrok") - 0.090)  # less the typing debounce
                assert errors == []
                page.close()
        finally:
            browser.close()

    med = statistics.median
    print(f"DOM nodes at load: {nodes[0]} (every node; budget {MAX_NODES})")
    print(_fig("shown (goto → DOMContentLoaded → frame)", shows))
    print(_fig("  of which the page's main thread on a CPU", cpu))
    print(_fig("severity filter (click → frame)", severity, "ms"))
    print(_fig("status filter, 107k passes in (click → frame)", status, "ms"))
    print(_fig("org filter (from Python)", org, "ms"))
    print(_fig("text filter, after its 90 ms debounce", text, "ms"))
    assert max(nodes) <= MAX_NODES
    assert med(cpu) <= MAX_SHOWN
    # Wall time measures the machine too: held to the budget when the cores are not oversubscribed.
    load = os.getloadavg()[0]
    if load <= (os.cpu_count() or 1):
        assert med(shows) <= MAX_SHOWN
    else:
        print(f"load average {load:.1f} on {os.cpu_count()} cores: the wall-clock figure is not held to the budget")
    assert med(severity) <= MAX_FILTER and med(status) <= MAX_FILTER and med(text) <= MAX_FILTER
    assert med(org) <= MAX_FILTER
