"""auditor/verdict.py, the one rule of what blocks: status levels and severity levels."""

from __future__ import annotations

import itertools

import pytest

from auditor import verdict
from auditor.model.common import SEVERITIES, STATUSES
from auditor.model.results import EvidenceRef, Finding


def _f(status: str, severity: str) -> Finding:
    return Finding(
        "RMCP-X-001", status, severity, "o", None, None, "t", "e", "a", EvidenceRef(None, None), None, None, "auth"
    )  # type: ignore[arg-type]


ALL = [_f(s, v) for s, v in itertools.product(STATUSES, SEVERITIES)]


def test_the_severity_order_is_the_model_s() -> None:
    # verdict.py keeps its own copy: the CLI reads it at start-up, before any model is imported.
    assert verdict._SEVERITIES == SEVERITIES
    assert set(verdict.SEVERITY_LEVELS) == set(SEVERITIES) - {"info"}


@pytest.mark.parametrize("level", verdict.FAIL_ON_CHOICES)
def test_blocks_and_blocking_agree(level: str) -> None:
    assert [f for f in ALL if verdict.blocks(f, level)] == verdict.blocking(ALL, level)


@pytest.mark.parametrize(
    ("level", "severities"),
    [("critical", {"critical"}), ("high", {"critical", "high"}), ("low", {"critical", "high", "medium", "low"})],
)
def test_a_severity_level_blocks_fail_and_unknown_at_or_above_it(level: str, severities: set[str]) -> None:
    got = {(f.status, f.severity) for f in verdict.blocking(ALL, level)}
    assert got == {(s, v) for s in ("fail", "unknown") for v in severities}
    below = {(f.status, f.severity) for f in verdict.below_threshold(ALL, level)}
    assert below == {(s, v) for s in ("fail", "unknown") for v in set(SEVERITIES) - severities}
    assert verdict.shown_blocking(ALL, level) == verdict.blocking(ALL, level)


def test_the_verdict_says_what_a_severity_level_let_through() -> None:
    medium = [_f("fail", "medium"), _f("unknown", "low"), _f("pass", "high")]
    assert (
        verdict.verdict_text(medium, "high") == "Ready for rollout at --fail-on high (2 lower-severity findings to fix)"
    )
    assert verdict.verdict_text(medium, "medium") == "Blocked: 1 finding"
    assert verdict.verdict_text(medium, "fail") == "Blocked: 2 findings"
    assert verdict.verdict_text(medium, "never") == "Blocked: 2 findings"  # what stands in the way, shown
    assert verdict.verdict_text([_f("pass", "high")], "high") == "Ready for rollout"
    assert verdict.verdict_text([], "high").startswith("Not checked")
