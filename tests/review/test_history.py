"""The history folder through the real `audit` command: naming, defaults, opt-out, the report's
"Since the last review" and trend, pruning, unreadable entries, GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from auditor.atomic import STATE
from tests.collect.conftest import collect_env, example_org
from tests.conftest import assert_no_secret, run_cli
from tests.review.scenario import NEW_AS_OF, OLD_AS_OF, audit, write_files
from tests.servers.fake_admin_api import ADMIN_KEY, OAUTH_TOKEN, running_admin_api
from tests.servers.rovo_sim import SCENARIOS, SIM_API_TOKEN, SIM_EMAIL, running_sim

NAME = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}\.json$")


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != STATE) if folder.exists() else []


def test_default_folder_is_reports_history_and_entries_are_results(tmp_path):
    files = write_files(tmp_path / "in")
    # No --out: the default reports/ folder, and so reports/history/, relative to the working folder.
    r = run_cli(
        "audit",
        "--policy",
        files.policy,
        "--settings",
        files.old_settings,
        "--waivers",
        files.waivers,
        "--as-of",
        OLD_AS_OF,
        cwd=tmp_path,
    )
    assert r.code == 1, r.err
    history = tmp_path / "reports" / "history"
    names = _entries(history)
    assert len(names) == 1 and NAME.match(names[0]) and names[0].startswith("20261126T000000Z-")
    assert f"wrote reports/history/{names[0]}" in r.out
    # The entry is the run's results.json, byte for byte.
    assert (history / names[0]).read_bytes() == (tmp_path / "reports" / "results.json").read_bytes()


def test_history_inside_custom_out_and_explicit_folder(tmp_path):
    files = write_files(tmp_path / "in")
    audit(files, files.old_settings, OLD_AS_OF, tmp_path / "out")
    assert len(_entries(tmp_path / "out" / "history")) == 1
    audit(files, files.old_settings, OLD_AS_OF, tmp_path / "out2", "--history", tmp_path / "hist")
    assert not (tmp_path / "out2" / "history").exists()
    assert len(_entries(tmp_path / "hist")) == 1


def test_no_history_writes_and_reads_nothing(tmp_path):
    files = write_files(tmp_path / "in")
    r = audit(files, files.old_settings, OLD_AS_OF, tmp_path / "out", "--no-history", "--format", "json,html")
    assert r.code == 1
    assert _entries(tmp_path / "out") == ["report.html", "results.json"]
    r = audit(files, files.old_settings, OLD_AS_OF, tmp_path / "out", "--no-history", "--history", tmp_path / "h")
    assert r.code == 2 and "--no-history" in r.err


def test_same_inputs_same_time_replace_their_entry(tmp_path):
    files = write_files(tmp_path / "in")
    for _ in range(2):
        audit(files, files.old_settings, OLD_AS_OF, tmp_path / "out")
    assert len(_entries(tmp_path / "out" / "history")) == 1
    # Other inputs at the same time: another hash, another entry.
    audit(files, files.new_settings, OLD_AS_OF, tmp_path / "out")
    names = _entries(tmp_path / "out" / "history")
    assert len(names) == 2 and names[0][:16] == names[1][:16] and names[0] != names[1]


def test_hash_ignores_comments_but_not_content(tmp_path):
    files = write_files(tmp_path / "in")
    audit(files, files.old_settings, OLD_AS_OF, tmp_path / "a")
    files.policy.write_text("# a comment changes nothing that is audited\n" + files.policy.read_text())
    audit(files, files.old_settings, OLD_AS_OF, tmp_path / "b")
    assert _entries(tmp_path / "a" / "history") == _entries(tmp_path / "b" / "history")
    files.policy.write_text(files.policy.read_text().replace("unlisted: fail", "unlisted: warn"))
    audit(files, files.old_settings, OLD_AS_OF, tmp_path / "c")
    assert _entries(tmp_path / "c" / "history") != _entries(tmp_path / "a" / "history")


def test_report_compares_with_previous_run_and_draws_trend(tmp_path):
    files = write_files(tmp_path / "in")
    out = tmp_path / "out"
    audit(files, files.old_settings, OLD_AS_OF, out)
    first = (out / "report.html").read_text()
    assert "Since the last review" not in first and '<svg class="trend"' not in first
    audit(files, files.new_settings, NEW_AS_OF, out)
    html = (out / "report.html").read_text()
    head = html.index("Since the last review")
    assert head < html.index('id="orgs"')  # at the top, before the findings
    section = html[head : html.index("</section>", head)]
    old_entry = _entries(out / "history")[0]
    assert old_entry in section and OLD_AS_OF in section
    for change in ("regressed", "waiver-expired", "waiver-expiring", "fixed", "new-fail", "removed-check"):
        assert f'class="change c-{change}"' in section, change
    assert "1 still failing since that run" in section
    # One trend per org, with a point per run for each series, in the page's allowed markup.
    assert section.count('<svg class="trend"') == 1
    svg = section[section.index("<svg") : section.index("</svg>")]
    for series in ("fail", "unknown", "waived"):
        assert svg.count(f'class="point-{series}"') == 2 and f'class="series-{series}"' in svg
    assert "<script" not in section and "style=" not in section  # the report's CSP allows neither here
    assert "2026-11-26" in svg and "2026-12-05" in svg
    # The numbers behind the chart: the two runs' per-org counts.
    counts = [json.loads((out / "history" / n).read_text())["orgs"][0]["summary"] for n in _entries(out / "history")]
    assert (
        f"<td>2026-11-26</td><td>{counts[0]['fail']}</td><td>{counts[0]['unknown']}</td><td>{counts[0]['waived']}</td>"
        in section
    )
    assert (
        f"<td>2026-12-05</td><td>{counts[1]['fail']}</td><td>{counts[1]['unknown']}</td><td>{counts[1]['waived']}</td>"
        in section
    )


def test_trend_is_limited_to_recent_runs_and_report_is_deterministic(tmp_path):
    files = write_files(tmp_path / "in")
    out = tmp_path / "out"
    days = ["2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01"]
    for i, day in enumerate(days):
        audit(
            files,
            files.old_settings if i % 2 else files.new_settings,
            day,
            out,
            "--format",
            "html",
            "--trend-runs",
            "4",
        )
    html = (out / "report.html").read_text()
    svg = html[html.index('<svg class="trend"') : html.index("</svg>")]
    assert svg.count('class="point-fail"') == 4  # the last 4 runs, this one included
    assert "2026-09-01" in svg and "2026-08-01" not in svg
    # The same history and inputs give the same page, byte for byte.
    again = tmp_path / "again"
    shutil.copytree(out / "history", again / "history")
    (again / "history" / _entries(out / "history")[-1]).unlink()  # as before the last run
    audit(files, files.new_settings, days[-1], again, "--format", "html", "--trend-runs", "4")
    assert (again / "report.html").read_bytes() == (out / "report.html").read_bytes()


def test_unreadable_entry_is_skipped_with_a_warning(tmp_path):
    files = write_files(tmp_path / "in")
    out = tmp_path / "out"
    audit(files, files.old_settings, OLD_AS_OF, out)
    good = _entries(out / "history")[0]
    bad = out / "history" / "20261201T000000Z-deadbeef.json"
    bad.write_text("{ not json")
    r = audit(files, files.new_settings, NEW_AS_OF, out)
    assert r.code == 1
    assert "warning: history entry skipped" in r.err and "deadbeef" in r.err
    html = (out / "report.html").read_text()
    assert good in html and "Unreadable history entries skipped" in html


def test_prune_keeps_newest_and_leaves_other_files(tmp_path):
    files = write_files(tmp_path / "in")
    out = tmp_path / "out"
    for day in ("2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01"):
        audit(files, files.old_settings, day, out, "--format", "json")
    (out / "history" / "notes.txt").write_text("keep me")
    r = run_cli("history", "prune", "--history", out / "history", "--keep", "2", "--dry-run")
    assert r.code == 0 and "would delete 2 run(s)" in r.out and len(_entries(out / "history")) == 5
    r = run_cli("history", "prune", "--history", out / "history", "--keep", "2")
    assert r.code == 0, r.err
    names = _entries(out / "history")
    assert names[-1] == "notes.txt" and [n[:8] for n in names[:-1]] == ["20261101", "20261201"]
    listed = run_cli("history", "list", "--history", out / "history")
    assert listed.code == 0 and listed.out.count("as of 2026-1") == 2 and "notes.txt" not in listed.out
    assert run_cli("history", "prune", "--history", out / "history", "--keep", "-1").code == 2
    assert run_cli("history", "prune", "--history", out / "history").code == 2
    assert "no runs in" in run_cli("history", "list", "--history", tmp_path / "none").out


def test_github_step_summary_is_appended(tmp_path):
    files = write_files(tmp_path / "in")
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step output\n")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    run_cli(
        "audit",
        "--policy",
        files.policy,
        "--settings",
        files.old_settings,
        "--waivers",
        files.waivers,
        "--out",
        tmp_path / "out",
        "--as-of",
        OLD_AS_OF,
        "-q",
        env=env,
    )
    run_cli(
        "audit",
        "--policy",
        files.policy,
        "--settings",
        files.new_settings,
        "--waivers",
        files.waivers,
        "--out",
        tmp_path / "out",
        "--as-of",
        NEW_AS_OF,
        "-q",
        env=env,
    )
    text = summary.read_text()
    assert text.startswith("earlier step output\n")
    assert text.count("# Rovo MCP audit") == 2  # both runs' Markdown summaries
    assert text.count("## Since the last review") == 1  # only the second run has a previous one
    assert "| regressed | Example Corp | RMCP-PERM-002 | jira.delete |" in text
    # Without the variable nothing is written anywhere else.
    r = run_cli(
        "audit",
        "--policy",
        files.policy,
        "--settings",
        files.new_settings,
        "--out",
        tmp_path / "o2",
        "--as-of",
        NEW_AS_OF,
        "-q",
        env={"GITHUB_STEP_SUMMARY": ""},
    )
    assert r.code == 1 and summary.read_text() == text


def test_no_secret_reaches_history_summary_or_ci_files(tmp_path):
    """`audit --collect` reads the planted Admin API key, OAuth token and MCP API token and uses
    them; nothing it writes (every format, settings.yaml, the history, the step summary, a diff
    of its two runs) nor its stdout/stderr carries one, in any form."""
    files = write_files(tmp_path / "in")
    out, summary = tmp_path / "out", tmp_path / "summary.md"
    runs = []
    with running_admin_api([example_org()]) as api, running_sim(SCENARIOS["healthy"]) as sim:
        env = collect_env(
            api,
            mcp_url=f"{sim}/v1/mcp",
            GITHUB_STEP_SUMMARY=str(summary),
            ROVO_AUDIT_OAUTH_TOKEN=OAUTH_TOKEN,
            ROVO_AUDIT_MCP_EMAIL=SIM_EMAIL,
            ROVO_AUDIT_MCP_API_TOKEN=SIM_API_TOKEN,
        )
        for as_of in (OLD_AS_OF, NEW_AS_OF):
            runs.append(
                run_cli(
                    "audit",
                    "--collect",
                    "--policy",
                    files.policy,
                    "--waivers",
                    files.waivers,
                    "--out",
                    out,
                    "--as-of",
                    as_of,
                    "--format",
                    "html,json,md,csv,sarif,junit",
                    cwd=tmp_path,
                    env=env,
                )
            )
            assert runs[-1].code == 1, runs[-1].err + runs[-1].out
        # Each secret was read and sent: the test plants what the command really handles.
        assert {a.rsplit(" ", 1)[-1] for a in api.state.auth_values} == {ADMIN_KEY, OAUTH_TOKEN}
        assert sim.authorization_values and all(v.startswith("Basic ") for v in sim.authorization_values)
    h = sorted((out / "history").iterdir())
    assert len(h) == 2
    diffs = [
        run_cli("diff", h[0], h[1], "--format", "html", "--out", tmp_path / "diff.html", cwd=tmp_path, env=env),
        run_cli("diff", h[0], h[1], "--format", "md", cwd=tmp_path, env=env),
    ]
    assert [d.code for d in diffs] == [1, 1] and "## Since the last review" in diffs[1].out
    assert summary.read_text().count("# Rovo MCP audit") == 2  # both runs wrote their summary
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) >= 9 and {"settings.yaml", "summary.md", "action-plan.csv"} <= {p.name for p in written}
    assert_no_secret(*runs, *diffs, out, summary, tmp_path / "diff.html")
