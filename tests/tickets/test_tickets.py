"""`rovo-audit tickets` through the real command against a fake Jira Cloud on 127.0.0.1: the
dry run writes nothing, --apply creates one item per blocking (org, control) group, a re-run
changes nothing, a fixed group is resolved with a comment, a regressed one reopened, 429s are
waited out, a partial failure is exit 1 and a re-run finishes, paging reads every item, and
no secret reaches an output. The old /rest/api/3/search is never called."""

from __future__ import annotations

import time
from pathlib import Path

from auditor.tickets.model import stable_label
from tests.conftest import assert_no_secret, assert_usage_error, run_cli
from tests.servers.fake_jira import JIRA_BEARER, JIRA_TOKEN, FakeJira, running_jira
from tests.tickets.conftest import blocking_controls, jira_env, variant

ORG = "5f1c9e0d-demo-4b7a-9c3e-acme00000001"


def tickets(results: Path, jira: FakeJira, cwd: Path, *flags: str, **env: str):  # type: ignore[no-untyped-def]
    return run_cli("tickets", "--results", results, *flags, env=jira_env(jira, **env), cwd=cwd)


def never_old_search(jira: FakeJira) -> None:
    assert not [s for s in jira.served if s.path == "/rest/api/3/search"], "the removed search was called"


def test_the_dry_run_prints_the_plan_and_writes_nothing(demo_results: Path, tmp_path: Path) -> None:
    controls = blocking_controls(demo_results)
    with running_jira() as jira:
        r = tickets(demo_results, jira, tmp_path)
        assert r.code == 0, r.err
        assert f"{len(controls)} to create, 0 to update, 0 to reopen, 0 to resolve" in r.out
        for control in controls:
            assert f"create   (new)        {control}" in r.out
        assert "dry run: nothing was written to Jira" in r.out
        assert jira.writes() == [] and jira.issues == {}
        assert {s.endpoint for s in jira.served} == {"search"}
        never_old_search(jira)
    assert list(tmp_path.iterdir()) == []  # no file either
    assert_no_secret(r, secrets=[JIRA_TOKEN])


def test_apply_creates_one_item_per_group_and_a_rerun_changes_nothing(demo_results: Path, tmp_path: Path) -> None:
    controls = blocking_controls(demo_results)
    with running_jira() as jira:
        r = tickets(demo_results, jira, tmp_path, "--apply", "--report-url", "https://ci.example.com/r/report.html")
        assert r.code == 0, r.err
        assert len(jira.issues) == len(controls)
        for control in controls:
            (issue,) = jira.by_label(stable_label(ORG, control))
            assert "rovo-audit" in issue.fields["labels"]
            assert issue.fields["summary"].startswith(f"rovo-audit: {control} ")
            assert issue.properties["rovo-audit"]["digest"]
            text = str(issue.fields["description"])
            assert "https://ci.example.com/r/report.html" in text and "What to do" in text
        writes = len(jira.writes())
        again = tickets(demo_results, jira, tmp_path, "--apply", "--report-url", "https://ci.example.com/r/report.html")
        assert again.code == 0, again.err
        assert f"0 to create, 0 to update, 0 to reopen, 0 to resolve; {len(controls)} in step already" in again.out
        assert len(jira.writes()) == writes  # the fake saw no write
        # a new report URL is a content change: each item is updated once, then in step again
        moved = tickets(
            demo_results, jira, tmp_path, "--apply", "--report-url", "https://ci.example.com/r2/report.html"
        )
        assert f"0 to create, {len(controls)} to update" in moved.out
        assert len(jira.issues) == len(controls)
        never_old_search(jira)
    assert_no_secret(r, again, moved, secrets=[JIRA_TOKEN])


def test_a_fixed_group_is_resolved_and_a_regressed_one_reopened(demo_results: Path, tmp_path: Path) -> None:
    controls = blocking_controls(demo_results)
    fixed_control = controls[0]
    later = variant(demo_results, tmp_path / "later.json", fixed=(fixed_control,), as_of="2026-12-08")
    label = stable_label(ORG, fixed_control)
    with running_jira() as jira:
        assert tickets(demo_results, jira, tmp_path, "--apply").code == 0
        r = tickets(later, jira, tmp_path, "--apply")
        assert r.code == 0, r.err
        assert "0 to create, 0 to update, 0 to reopen, 1 to resolve" in r.out
        (issue,) = jira.by_label(label)
        assert issue.status == "Done"
        assert len(issue.comments) == 1 and "no longer blocks" in str(issue.comments[0])
        assert "2026-12-08" in str(issue.comments[0])
        # the same later results again: the done item stays done, nothing written
        writes = len(jira.writes())
        assert "0 to resolve" in tickets(later, jira, tmp_path, "--apply").out
        assert len(jira.writes()) == writes
        # it fails again: reopened, with a comment, not a second item
        r = tickets(demo_results, jira, tmp_path, "--apply")
        assert r.code == 0, r.err
        assert "0 to create, 0 to update, 1 to reopen, 0 to resolve" in r.out
        assert jira.by_label(label) == [issue] and issue.status == "To Do"
        assert len(issue.comments) == 2 and "blocks again" in str(issue.comments[1])
        assert len(jira.issues) == len(controls)


def test_a_group_not_in_the_results_is_left_alone(demo_results: Path, tmp_path: Path) -> None:
    with running_jira() as jira:
        other = jira.add(["rovo-audit", stable_label("another-org", "RMCP-DOM-002")])
        r = tickets(demo_results, jira, tmp_path, "--apply")
        assert r.code == 0, r.err
        assert "1 managed work item(s) not in these results, left as they are" in r.out
        assert other.status == "To Do" and other.comments == []


def test_rate_limits_are_waited_out(demo_results: Path, tmp_path: Path) -> None:
    with running_jira() as jira:
        jira.faults["search"] = ["429"]
        jira.faults["create"] = ["429"]
        start = time.monotonic()
        r = tickets(demo_results, jira, tmp_path, "--apply")
        assert r.code == 0, r.err
        assert time.monotonic() - start >= 2.0  # Retry-After: 1, twice
        assert [s.status for s in jira.served if s.endpoint == "create"][:2] == [429, 201]
        assert len(jira.issues) == len(blocking_controls(demo_results))


def test_a_partial_failure_is_exit_1_and_a_rerun_finishes(demo_results: Path, tmp_path: Path) -> None:
    controls = blocking_controls(demo_results)
    with running_jira() as jira:
        jira.faults["create"] = ["500"]  # a create is never repeated: it may have happened
        jira.faults["edit"] = []
        r = tickets(demo_results, jira, tmp_path, "--apply")
        assert r.code == 1
        assert "FAILED create" in r.out and "server error" not in r.err
        assert "HTTP 500" in r.out and "not repeated: it may have been done" in r.out  # said, not hidden
        assert f"{len(controls) - 1} done, 1 failed; run it again to finish" in r.out
        assert len(jira.issues) == len(controls) - 1
        again = tickets(demo_results, jira, tmp_path, "--apply")
        assert again.code == 0, again.out
        assert "1 to create, 0 to update" in again.out
        assert sorted(len(jira.by_label(stable_label(ORG, c))) for c in controls) == [1] * len(controls)
        # a resolve whose transition fails keeps the item open; the re-run resolves it
        later = variant(demo_results, tmp_path / "later.json", fixed=(controls[0],))
        jira.faults["transition"] = ["400"]
        failed = tickets(later, jira, tmp_path, "--apply")
        assert failed.code == 1 and "Jira rejected the field: customfield_10000" in failed.out
        (issue,) = jira.by_label(stable_label(ORG, controls[0]))
        assert issue.status == "To Do"
        done = tickets(later, jira, tmp_path, "--apply")
        assert done.code == 0 and issue.status == "Done"
        assert len(issue.comments) == 2  # repeated, never lost
    assert_no_secret(r, again, failed, done, secrets=[JIRA_TOKEN])


def test_paging_reads_every_existing_item(demo_results: Path, tmp_path: Path) -> None:
    controls = blocking_controls(demo_results)
    with running_jira(page_size=2) as jira:
        assert tickets(demo_results, jira, tmp_path, "--apply").code == 0
        before = len(jira.served)
        r = tickets(demo_results, jira, tmp_path, "--apply")
        assert r.code == 0, r.err
        pages = [s for s in jira.served[before:] if s.endpoint == "search"]
        assert len(pages) == (len(controls) + 1) // 2  # 2 per page
        assert all(b"nextPageToken" in p.request_body for p in pages[1:])
        assert f"0 to create, 0 to update, 0 to reopen, 0 to resolve; {len(controls)} in step" in r.out
        assert len(jira.issues) == len(controls)


def test_a_bearer_works_and_a_refused_credential_is_one_line(demo_results: Path, tmp_path: Path) -> None:
    with running_jira() as jira:
        env = {"ROVO_AUDIT_JIRA_EMAIL": "", "ROVO_AUDIT_JIRA_API_TOKEN": ""}
        r = run_cli(
            "tickets",
            "--results",
            demo_results,
            env={k: v for k, v in {**jira_env(jira), "ROVO_AUDIT_JIRA_BEARER": JIRA_BEARER}.items() if k not in env},
            cwd=tmp_path,
        )
        assert r.code == 0, r.err
        bad = tickets(demo_results, jira, tmp_path, ROVO_AUDIT_JIRA_API_TOKEN="wrong-token-1234")
        assert bad.code == 1
        assert "HTTP 401" in bad.err and "Traceback" not in bad.err
    assert_no_secret(r, bad, secrets=[JIRA_TOKEN, JIRA_BEARER, "wrong-token-1234"])


def test_configuration_errors_are_one_line_and_name_the_setting(demo_results: Path, tmp_path: Path) -> None:
    with running_jira() as jira:
        env = jira_env(jira)
        del env["ROVO_AUDIT_JIRA_PROJECT"]
        r = run_cli("tickets", "--results", demo_results, env=env, cwd=tmp_path)
        assert_usage_error(r, "--project KEY or ROVO_AUDIT_JIRA_PROJECT")
        (tmp_path / ".env").write_text("ROVO_AUDIT_JIRA_PROJECT=not a key\n", encoding="utf-8")
        r = run_cli("tickets", "--results", demo_results, env=env, cwd=tmp_path)
        line = assert_usage_error(r, ".env:1:1", "ROVO_AUDIT_JIRA_PROJECT")
        assert "not a key" not in line
        r = tickets(demo_results, jira, tmp_path, "--jira-url", "http://jira.example.com")
        assert_usage_error(r, "--jira-url", "plain http")
        for url in ("https://", "https://ci example.com/r", "ftp://ci.example.com/r", "https://ci.example.com:99999/"):
            r = tickets(demo_results, jira, tmp_path, "--report-url", url)  # Jira refuses such a link
            assert_usage_error(r, "--report-url", "http(s) URL with a host")
        r = tickets(demo_results, jira, tmp_path, "--issue-type", " ")  # Jira would refuse each create
        assert_usage_error(r, "--issue-type", "work type")
        for odd in (f"{jira.url}?x=1", f"{jira.url}/#/x"):  # the REST path would land in the query
            assert_usage_error(tickets(demo_results, jira, tmp_path, "--jira-url", odd), "--jira-url", "without ?")
        assert jira.served == []


def test_audit_tickets_syncs_after_writing_the_reports(demo_results: Path, tmp_path: Path) -> None:
    controls = blocking_controls(demo_results)
    with running_jira() as jira:
        out = tmp_path / "out"
        args = ("audit", "--demo", "--as-of", "2026-12-01", "--no-history", "--out", out, "-q")
        dry = run_cli(*args, "--tickets", env=jira_env(jira), cwd=tmp_path)
        assert dry.code == 1, dry.err  # the audit's status: the demo org has blocking findings
        assert f"{len(controls)} to create" in dry.out and jira.issues == {}
        r = run_cli(
            *args, "--tickets=apply", "--report-url", "https://ci.example.com/r", env=jira_env(jira), cwd=tmp_path
        )
        assert r.code == 1, r.err
        assert (out / "report.html").is_file()
        assert len(jira.issues) == len(controls)
        # the same audit again: in step, nothing written
        writes = len(jira.writes())
        again = run_cli(
            *args, "--tickets=apply", "--report-url", "https://ci.example.com/r", env=jira_env(jira), cwd=tmp_path
        )
        assert f"{len(controls)} in step already" in again.out and len(jira.writes()) == writes
    assert_no_secret(dry, r, again, out, secrets=[JIRA_TOKEN])


def test_names_from_the_results_cannot_drive_the_terminal(demo_results: Path, tmp_path: Path) -> None:
    import json

    doc = json.loads(demo_results.read_text(encoding="utf-8"))
    for f in doc["findings"]:
        f["org_name"] = "Acme\x1b]8;;https://evil.example\x07 \u202e"
    for o in doc.get("orgs", []):
        o["name"] = "Acme\x1b]8;;https://evil.example\x07 \u202e"
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(doc), encoding="utf-8")
    with running_jira() as jira:
        r = tickets(hostile, jira, tmp_path, "--apply")
        assert r.code == 0, r.err
        assert "\x1b" not in r.out and "\u202e" not in r.out and "\\x1b" in r.out
        issue = next(iter(jira.issues.values()))
        assert "\x1b" not in issue.fields["summary"] and "\x1b" not in json.dumps(
            issue.fields["description"], ensure_ascii=False
        )


def test_the_credential_stays_with_the_site(demo_results: Path, tmp_path: Path) -> None:
    """An error that echoes the credential is redacted; a redirect to another host is not followed."""
    with running_jira() as jira:
        jira.faults["search"] = ["echo"]
        echoed = tickets(demo_results, jira, tmp_path)
        assert echoed.code == 1 and "HTTP 400" in echoed.err and "Jira rejected the fields: ?, ?, ?" in echoed.err
        assert JIRA_TOKEN[:20] not in echoed.err + echoed.out  # a partial echo, which no redactor knows
        jira.faults["search"] = ["redirect"]
        moved = tickets(demo_results, jira, tmp_path)
        assert moved.code == 1 and "HTTP 307 redirect; not followed" in moved.err
        jira.faults["create"] = ["redirect"]
        created = tickets(demo_results, jira, tmp_path, "--apply")
        assert created.code == 1 and "FAILED create" in created.out
        assert jira.other_log == []  # nothing reached the other host
    assert_no_secret(echoed, moved, created, secrets=[JIRA_TOKEN])


def test_audit_tickets_without_a_project_stops_before_any_output(tmp_path: Path) -> None:
    with running_jira() as jira:
        env = jira_env(jira)
        del env["ROVO_AUDIT_JIRA_PROJECT"]
        out = tmp_path / "out"
        r = run_cli("audit", "--demo", "--no-history", "--out", out, "--tickets", env=env, cwd=tmp_path)
        assert_usage_error(r, "--project KEY or ROVO_AUDIT_JIRA_PROJECT")
        assert not out.exists() and jira.served == []


def test_a_longer_wait_than_allowed_fails_and_a_bad_results_file_is_located(demo_results: Path, tmp_path: Path) -> None:
    with running_jira() as jira:
        jira.faults["search"] = ["429"]
        r = tickets(demo_results, jira, tmp_path, ROVO_AUDIT_MAX_RETRY_WAIT_SECONDS="0")
        assert r.code == 1 and "Jira asks to wait 1s, more than the 0s allowed" in r.err
        broken = tmp_path / "broken.json"
        broken.write_text('{"schema": ', encoding="utf-8")
        r = tickets(broken, jira, tmp_path)
        assert_usage_error(r, "broken.json:1:")
        assert [s.endpoint for s in jira.served] == ["search"]  # the bad file never reached Jira


def test_a_workflow_that_cannot_close_the_item_fails_it_without_a_comment_each_run(
    demo_results: Path, tmp_path: Path
) -> None:
    """From To Do only In Progress is reachable (a classic workflow): resolving fails, saying
    why, and leaves no comment (it would pile up one per run). An unavailable transition to
    Done (its condition unmet) is not taken either."""
    controls = blocking_controls(demo_results)
    later = variant(demo_results, tmp_path / "later.json", fixed=(controls[0],))
    with running_jira() as jira:
        assert tickets(demo_results, jira, tmp_path, "--apply").code == 0
        jira.workflow = {"To Do": ("In Progress",), "In Progress": ("Done", "To Do"), "Done": ("To Do",)}
        jira.unavailable = {"31"}  # "Move to Done": listed, not available
        (issue,) = jira.by_label(stable_label(ORG, controls[0]))
        for _ in range(2):
            r = tickets(later, jira, tmp_path, "--apply")
            assert r.code == 1 and "FAILED resolve" in r.out
            assert "no transition from its status leads to the done category" in r.out
            assert issue.comments == [] and issue.status == "To Do"
        jira.unavailable = set()
        issue.status = "In Progress"  # a person moved it on
        r = tickets(later, jira, tmp_path, "--apply")
        assert r.code == 0, r.out
        assert issue.status == "Done" and len(issue.comments) == 1
        from tests.tickets.test_fake_jira_spec import check_all

        assert ("transitions", 200) in {(x.endpoint, x.status) for x in check_all(jira)}  # as Jira's OpenAPI says


def test_a_group_with_many_long_values_still_fits_jiras_description(demo_results: Path, tmp_path: Path) -> None:
    """60 blocking subjects with 500-character values: the description lists fewer of them so
    that Jira (which refuses a description over 32,767 characters) takes the item."""
    import json

    doc = json.loads(demo_results.read_text(encoding="utf-8"))
    first = next(f for f in doc["findings"] if f["status"] == "fail")
    many = [{**first, "subject": f"s{n:02d}-" + "x" * 500, "actual": "y" * 500} for n in range(60)]
    doc["findings"] = [f for f in doc["findings"] if f["control"] != first["control"]] + many
    big = tmp_path / "big.json"
    big.write_text(json.dumps(doc), encoding="utf-8")
    with running_jira() as jira:
        r = tickets(big, jira, tmp_path, "--apply")
        assert r.code == 0, r.out
        (issue,) = jira.by_label(stable_label(ORG, first["control"]))
        text = json.dumps(issue.fields["description"], ensure_ascii=False)
        assert "60 blocking findings" in text and "more (see the report)" in text and "s00-" in text
        assert "0 to create, 0 to update, 0 to reopen, 0 to resolve" in tickets(big, jira, tmp_path, "--apply").out
