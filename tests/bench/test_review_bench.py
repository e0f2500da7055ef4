"""Benchmark (issue 6): what history, diff and trend add to an audit of a large estate.

~1,000 orgs × 12 allowlist entries (~75,000 findings, a ~75 MB results.json). Reports the
audit without history, the first run with it, the second run (read the previous run, diff,
trend, store), `rovo-audit diff` alone, and the trend's reading of a history entry. The
second run may cost at most 60% more than an audit without history.
Run: python -m pytest tests/bench/test_review_bench.py -q -s
"""

from __future__ import annotations

import time
from pathlib import Path

from auditor.history import store
from auditor.load.results import read_summary
from tests.conftest import run_cmd  # timed as users run it: a process, start-up included
from tests.estate import make_estate

ORGS, ENTRIES = 1000, 12


def _timed(*args: str | Path) -> float:
    t = time.perf_counter()
    r = run_cmd(*args, timeout=900)
    assert r.code in (0, 1), r.err
    return time.perf_counter() - t


def test_history_overhead(tmp_path):
    policy_text, settings_text = make_estate(ORGS, ENTRIES, seed=1)
    policy, settings, later = tmp_path / "policy.yaml", tmp_path / "settings.yaml", tmp_path / "later.yaml"
    policy.write_text(policy_text)
    settings.write_text(settings_text)
    later.write_text(settings_text.replace("enabled: true", "enabled: false", 200))
    base = ("audit", "--policy", policy, "--format", "html,json", "-q")
    plain = _timed(*base, "--settings", settings, "--out", tmp_path / "plain", "--no-history", "--as-of", "2026-11-26")
    first = _timed(*base, "--settings", settings, "--out", tmp_path / "out", "--as-of", "2026-11-26")
    second = _timed(*base, "--settings", later, "--out", tmp_path / "out", "--as-of", "2026-12-05")
    entries = store.entries(tmp_path / "out" / "history")
    assert len(entries) == 2
    diff = _timed("diff", entries[0].path, entries[1].path, "--format", "json", "--out", tmp_path / "diff.json")
    t = time.perf_counter()
    summary = read_summary(entries[0].path)
    quick = time.perf_counter() - t
    size = entries[0].path.stat().st_size / 2**20
    print(
        f"\n{ORGS} orgs, results.json {size:.0f} MiB: audit without history {plain:.1f}s; with history, "
        f"first run {first:.1f}s, second run (previous + diff + trend) {second:.1f}s "
        f"(+{(second / plain - 1) * 100:.0f}%); rovo-audit diff {diff:.1f}s; trend read of one entry {quick * 1000:.0f} ms"
    )
    assert len(summary.orgs) == ORGS
    assert quick < 1.0
    assert second <= plain * 1.6
