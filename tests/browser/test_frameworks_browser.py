"""report.html's framework roll-up in Chromium: shown, worst status per requirement, --framework honoured."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.browser


def _report(out: Path, *extra: str) -> Path:
    r = run_cli("audit", "--demo", "--out", out, "--format", "html", "--as-of", "2026-11-26", "--no-history", *extra)
    assert r.code == 1, r.err
    return out / "report.html"


def test_the_roll_up_shows_each_framework_and_the_worst_status(open_page, tmp_path: Path) -> None:
    g = open_page(_report(tmp_path / "all"))
    page = g.page
    section = page.locator("#frameworks")
    section.scroll_into_view_if_needed()
    assert section.is_visible()
    assert page.locator("#frameworks details.fw").count() == 5
    nist = page.locator("#frameworks details.fw", has_text="NIST SP 800-53 Rev. 5")
    assert nist.get_attribute("open") is not None  # something behind it fails: opened
    row = nist.locator("tr", has_text="AC-6 Least Privilege")
    assert row.locator(".b").inner_text().lower() == "fail"
    assert "RMCP-PERM-002" in row.inner_text()
    assert nist.locator("tr", has_text="not assessed").count() >= 1  # never shown as pass
    g.assert_clean()


def test_framework_flag_limits_the_report(open_page, tmp_path: Path) -> None:
    g = open_page(_report(tmp_path / "soc2", "--framework", "soc2"))
    items = g.page.locator("#frameworks details.fw")
    assert items.count() == 1 and "SOC 2 Trust Services Criteria" in items.inner_text()
    g.assert_clean()
