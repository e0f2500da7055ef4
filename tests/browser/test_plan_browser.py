"""The report opens with the ordered plan: each step's value copies, each card links to its step."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.browser.conftest import audit
from tests.conftest import ROOT
from tests.unit.test_plan import lockout_doc

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lockout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("plan")
    settings = tmp / "s.yaml"
    settings.write_text(yaml.safe_dump(lockout_doc(), sort_keys=False))
    policy = tmp / "p.yaml"
    policy.write_text((ROOT / "policies" / "rollout-approved-clients.yaml").read_text())
    return audit(tmp / "out", policy, settings, "--policy", "baseline")


def test_the_plan_comes_first_in_order_and_its_values_copy(open_page, lockout: Path) -> None:
    g = open_page(lockout, permissions=["clipboard-read", "clipboard-write"])
    page = g.page  # type: ignore[attr-defined]
    plan = page.locator("#plan")
    assert plan.is_visible()
    first_card = page.locator("article.card").first
    assert plan.bounding_box()["y"] < first_card.bounding_box()["y"]  # under the verdict, before the cards
    steps = page.locator("ol.plan > li")
    texts = [steps.nth(i).inner_text() for i in range(steps.count())]
    toggle = next(i for i, t in enumerate(texts) if t.startswith("Turn off Allow Atlassian supported domains"))
    assert toggle > 0 and all(t.startswith("Add ") for t in texts[:toggle])  # origins first, toggle after
    button = steps.first.locator("button.copy")
    value = steps.first.locator("code.v").inner_text()
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == value
    g.assert_clean()


def test_a_card_links_to_the_step_that_resolves_it(open_page, lockout: Path) -> None:
    g = open_page(lockout)
    page = g.page  # type: ignore[attr-defined]
    link = page.locator("article.card a.step").first
    target = link.get_attribute("href")
    assert target and target.startswith("#s")
    link.click()
    assert page.evaluate("location.hash") == target
    assert page.locator(target).is_visible()
    g.assert_clean()
