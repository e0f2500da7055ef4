"""Benchmark (issue 15): the whole `rovo-audit audit` a user runs, per format, against PyYAML's
C loader parsing the same two files, on 100 orgs × 300 allowlist entries with ~50 IP ranges
per org (tests.estate.make_estate(100, 300, seed=7, ip_ranges=50): 122,526 findings).

Both sides are fresh processes timed alike: the command (`python -m auditor`, start-up,
imports and the written outputs included, from bytecode as installed) and the parse
(`python -c`, importing yaml and loading both files with CSafeLoader); run in turn, A B A B,
each command's figure divided by the parse's beside it, so that a drift of the machine's speed
cancels out. CPU seconds and peak memory are the kernel's (os.wait4: a process and the children
it waited for, so the child that makes the plan in parallel is counted). Targets: `--format
json` ≤ 4× the parse, `html,json` ≤ 8×, peak memory ≤ 400 MB, on the ratio of wall times:
what a user waits for (html,json uses both cores: auditor/parallel.py). The CPU ratio is
printed too. Wall times need a quiet machine: other work on the 2 cores swings them.
The parse inside its process (no start-up, no import) is printed as well.
Run: python -m pytest tests/bench/test_command_bench.py -q -s
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import command_env
from tests.estate import AS_OF, make_estate

ORGS, ENTRIES, RANGES = 100, 300, 50
RUNS = {"json": 7, "html,json": 7}
TARGET = {"json": 4.0, "html,json": 8.0}
PEAK_MB = 400


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    code: int


def _spread(values: list[float], unit: str = "s", digits: int = 2) -> str:
    return f"{min(values):.{digits}f} / {statistics.median(values):.{digits}f} / {max(values):.{digits}f} {unit}"


def _timed(argv: list[str], env: dict[str, str]) -> tuple[Run, str]:
    started = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - started
    assert p.stdout is not None and p.stderr is not None
    out, err = p.stdout.read().decode(), p.stderr.read().decode()
    p.stdout.close()
    p.stderr.close()
    return Run(
        wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)
    ), out + err


def _command(policy: Path, settings: Path, out: Path, fmt: str, pycache: Path) -> Run:
    argv = [sys.executable, "-m", "auditor", "audit", "--policy", str(policy), "--settings", str(settings)]
    argv += ["--out", str(out), "--format", fmt, "--as-of", AS_OF, "--quiet", "--no-history"]
    run, said = _timed(argv, _as_installed(pycache))
    assert run.code == 1, said  # the estate is blocked
    return run


_PARSE = """import sys, time, yaml
started = time.process_time()
for name in sys.argv[1:]:
    with open(name, "rb") as fh:
        yaml.load(fh, Loader=yaml.CSafeLoader)
print(time.process_time() - started)
"""


def _parse(policy: Path, settings: Path, pycache: Path) -> tuple[Run, float]:
    """The parse as a process, and the CPU seconds of the parse alone inside it."""
    run, said = _timed([sys.executable, "-c", _PARSE, str(policy), str(settings)], _as_installed(pycache))
    assert run.code == 0, said
    return run, float(said.split()[0])


def _as_installed(pycache: Path) -> dict[str, str]:
    """The command as an installed package runs it: from bytecode (pip compiles every module
    at install). A checkout run with PYTHONDONTWRITEBYTECODE set (as this machine's shells
    are) compiled its ~70 modules from source on every run: 0.08-0.14 s of CPU that no user
    pays. The bytecode goes to a folder of the test's own (PYTHONPYCACHEPREFIX), written by
    the warm-up run: nothing is written into the source tree."""
    env = command_env({"PYTHONPYCACHEPREFIX": str(pycache)})
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("estate")
    policy_text, settings_text = make_estate(ORGS, ENTRIES, seed=7, ip_ranges=RANGES)
    (base / "policy.yaml").write_text(policy_text)
    (base / "settings.yaml").write_text(settings_text)
    return base / "policy.yaml", base / "settings.yaml"


def test_the_whole_command_per_format_against_the_parse(estate: tuple[Path, Path], tmp_path: Path) -> None:
    policy, settings = estate
    pycache = tmp_path / "pycache"
    print(f"\n{ORGS} orgs × {ENTRIES} entries, ~{RANGES} IP ranges per org; min / median / max")
    results: dict[str, list[tuple[Run, Run]]] = {}
    inside: list[float] = []
    for fmt, n in RUNS.items():
        out = tmp_path / fmt.replace(",", "-")
        _command(policy, settings, out, fmt, pycache)  # one warm-up: the page cache, the bytecode
        _parse(policy, settings, pycache)
        pairs = results[fmt] = []
        for _ in range(n):
            parse, alone = _parse(policy, settings, pycache)
            pairs.append((_command(policy, settings, out, fmt, pycache), parse))
            inside.append(alone)
        runs = [r for r, _ in pairs]
        print(
            f"audit --format {fmt}: wall {_spread([r.wall for r in runs])} = "
            f"{_spread([r.wall / p.wall for r, p in pairs], '×', 1)} the parse's (target ≤ {TARGET[fmt]:g}×); "
            f"CPU {_spread([r.cpu for r in runs])} = {_spread([r.cpu / p.cpu for r, p in pairs], '×', 1)}; "
            f"peak {_spread([r.peak_mb for r in runs], 'MB', 0)}"
        )
    parses = [p for pairs in results.values() for _, p in pairs]
    print(
        f"C-loader parse as a process: wall {_spread([p.wall for p in parses], digits=3)}, "
        f"CPU {_spread([p.cpu for p in parses], digits=3)}; the parse alone inside it: CPU {_spread(inside, digits=3)}"
    )
    size = (tmp_path / "json" / "results.json").stat().st_size / 1e6
    html = tmp_path / "html-json" / "report.html"
    print(f"results.json {size:.1f} MB; report.html {html.stat().st_size / 1e6:.1f} MB")
    for fmt, pairs in results.items():
        assert max(r.peak_mb for r, _ in pairs) <= PEAK_MB, fmt
        assert statistics.median(r.wall / p.wall for r, p in pairs) <= TARGET[fmt], fmt
