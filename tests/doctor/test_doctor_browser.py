"""doctor.html in a real Chromium: nothing blocked by its CSP, no script, no request anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import browser, open_page  # noqa: F401  (fixtures)
from tests.doctor.conftest import doctor, settings_file
from tests.servers.rovo_sim import SCENARIOS, oauth_token, running_sim

pytestmark = pytest.mark.browser


def test_doctor_page_renders_clean(open_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with running_sim(SCENARIOS["origin-not-allowlisted"]) as base:
        token = oauth_token(base)
        run = doctor(
            base,
            tmp_path,
            "--bearer",
            token,
            "--origin",
            "https://evil.example.net/<b>cb</b>",
            "--settings",
            str(settings_file(tmp_path)),
            secrets=(token,),
        )
    g = open_page(tmp_path / "out" / "doctor.html")
    page = g.page
    g.assert_clean()
    assert page.title().startswith("Rovo MCP doctor: Cause found at DOC-SETTINGS-001")
    # The stylesheet applied (its CSP hash matched): the failed badge is coloured, the first cause outlined.
    badge = page.eval_on_selector("#DOC-SETTINGS-001 .b", "e => getComputedStyle(e).backgroundColor")
    assert badge not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.eval_on_selector("#DOC-SETTINGS-001", "e => e.classList.contains('first')")
    assert page.locator("article.card").count() == len(run.steps)
    assert page.locator("b", has_text="cb").count() == 0  # the origin was shown as text, not markup
    page.click("#DOC-MCP-001 details summary")
    assert "Your organization admin must authorize access" in page.inner_text("#DOC-MCP-001 details")
