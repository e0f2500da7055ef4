"""Chromium (Debian's, never a downloaded one) through Playwright, with guards that fail a test
on any console error, page error, CSP violation, dialog, or request to anything but file:/data:."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, unavailable

CHROMIUM = os.environ.get("ROVO_AUDIT_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "reports" / "screenshots"
AS_OF = "2026-11-26T00:00:00Z"

# Registered before any page script runs (through the DevTools protocol, so the page's CSP
# does not apply to it): records every CSP violation the page reports.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || ''));
});
"""


@dataclass
class Guarded:
    """A page plus everything it did that a clean report must never do."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        violations = self.page.evaluate("window.__csp || []")  # type: ignore[attr-defined]
        assert self.dialogs == [], f"a dialog opened: script ran: {self.dialogs}"
        assert self.page_errors == [], self.page_errors
        assert self.console_errors == [], self.console_errors
        assert self.requests == [], f"requests to hosts: {self.requests}"
        assert violations == [], f"CSP violations: {violations}"


# Module scope, not session: while sync Playwright runs, its event loop is the thread's
# running loop, and other tests' asyncio.run() would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser):  # type: ignore[no-untyped-def]
    """open_page(path, fragment="", **context_options) -> Guarded, the page loaded."""
    contexts = []

    def _open(path: Path, fragment: str = "", **options: object) -> Guarded:
        options = {"viewport": {"width": 1280, "height": 900}, **options}  # a test may set its own viewport
        context = browser.new_context(**options)  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        g = Guarded(page)
        page.add_init_script(WATCH)
        page.on("console", lambda m: g.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: g.page_errors.append(str(e)))

        def dialog(d):  # type: ignore[no-untyped-def]
            g.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)

        def route(r):  # type: ignore[no-untyped-def]
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                g.requests.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda req: None if req.url.startswith(("file:", "data:")) else g.requests.append(req.url))
        page.goto(path.resolve().as_uri() + fragment)
        return g

    yield _open
    for c in contexts:
        c.close()


def audit(out: Path, policy: Path, settings: Path, *extra: str | Path) -> Path:
    """The real command writes report.html (and results.json to compare with)."""
    r = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        settings,
        "--out",
        out,
        "--format",
        "html,json",
        "--as-of",
        AS_OF,
        *extra,
    )
    assert r.code in (0, 1), r.err
    return out / "report.html"


def shown(page: object) -> list[dict[str, str]]:
    """The filterable items (cards and pass rows) the filters currently let through."""
    return page.evaluate(  # type: ignore[attr-defined]
        """() => Array.from(document.querySelectorAll('.f')).filter(e => !e.closest('[hidden]')).map(e => ({
             s: e.dataset.s, v: e.dataset.v, a: e.dataset.a, o: e.closest('section.org').dataset.o, id: e.id,
             text: e.textContent}))"""
    )


def out_text(page: object) -> str:
    return page.text_content("#f-out") or ""  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> Path:
    """The whole page, rendered (orgs off-screen skip rendering, so grow the viewport first)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 1280, "height": min(height, 8000)})  # type: ignore[attr-defined]
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
