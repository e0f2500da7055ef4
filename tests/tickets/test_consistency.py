"""Read-after-write: Jira Cloud's search is eventually consistent (a write reaches it after
seconds to minutes). The fake's `freeze()` makes its search lag the same way; a re-run right
after a write must still find what the last run wrote (no duplicate, no second resolve),
through `reconcileIssues` for the newest 50 items it remembers and a direct read of an
older one. Through the real command, against the fake Jira on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from auditor.tickets.model import stable_label
from auditor.tickets.state import path_for
from tests.conftest import command_env
from tests.servers.fake_jira import FakeJira, running_jira
from tests.tickets.conftest import blocking_controls, jira_env, variant
from tests.tickets.test_fake_jira_spec import check_all
from tests.tickets.test_tickets import ORG, tickets


def _apply_in_background(results: Path, jira: FakeJira, cwd: Path) -> subprocess.Popen[str]:
    """`tickets --apply` as a process the test can interrupt while it runs."""
    return subprocess.Popen(
        [sys.executable, "-m", "auditor", "tickets", "--results", str(results), "--apply"],
        env=command_env(jira_env(jira)),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_rerun_before_the_index_catches_up_changes_nothing(demo_results: Path, tmp_path: Path) -> None:
    controls = blocking_controls(demo_results)
    later = variant(demo_results, tmp_path / "later.json", fixed=(controls[0],))
    with running_jira(page_size=3) as jira:
        jira.freeze()  # the index never sees this test's writes
        assert tickets(demo_results, jira, tmp_path, "--apply").code == 0
        writes = len(jira.writes())
        again = tickets(demo_results, jira, tmp_path, "--apply")
        assert again.code == 0, again.err
        assert f"0 to create, 0 to update, 0 to reopen, 0 to resolve; {len(controls)} in step" in again.out
        assert len(jira.writes()) == writes and len(jira.issues) == len(controls)
        searches = [json.loads(s.request_body) for s in jira.served if s.endpoint == "search"]
        ids = sorted(int(i.id) for i in jira.issues.values())
        assert sorted(searches[-1]["reconcileIssues"]) == ids  # the same list on every page
        assert len({json.dumps(b["reconcileIssues"]) for b in searches[-3:]}) == 1
        # resolved, then the same results at once: the index still says open; nothing is redone
        assert "1 to resolve" in tickets(later, jira, tmp_path, "--apply").out
        (issue,) = jira.by_label(stable_label(ORG, controls[0]))
        assert issue.status == "Done" and len(issue.comments) == 1
        r = tickets(later, jira, tmp_path, "--apply")
        assert r.code == 0 and "0 to resolve" in r.out and len(issue.comments) == 1


def test_an_item_older_than_the_newest_50_is_read_directly(demo_results: Path, tmp_path: Path, state_dir: Path) -> None:
    controls = blocking_controls(demo_results)
    with running_jira() as jira:
        jira.freeze()
        assert tickets(demo_results, jira, tmp_path, "--apply").code == 0
        (state,) = state_dir.iterdir()
        assert state == path_for(state_dir, jira.url, jira.project)
        doc = json.loads(state.read_text(encoding="utf-8"))
        assert len(doc["items"]) == len(controls) and "PLANTED" not in state.read_text(encoding="utf-8")
        # 50 items written since (elsewhere in the project): ours are no longer reconciled
        doc["items"] = [[stable_label("other-org", f"C-{n}"), str(90000 + n)] for n in range(50)] + doc["items"]
        state.write_text(json.dumps(doc), encoding="utf-8")
        writes = len(jira.writes())
        r = tickets(demo_results, jira, tmp_path, "--apply")
        assert r.code == 0, r.err
        assert f"0 to create, 0 to update, 0 to reopen, 0 to resolve; {len(controls)} in step" in r.out
        assert len(jira.writes()) == writes and len(jira.issues) == len(controls)
        assert len([s for s in jira.served if s.endpoint == "get"]) == len(controls)
        # an update is not read first: a stale digest costs at most the same content written again
        jira.thaw()
        moved = tickets(demo_results, jira, tmp_path, "--apply", "--report-url", "https://ci.example.com/r2")
        assert f"0 to create, {len(controls)} to update" in moved.out
        assert len([s for s in jira.served if s.endpoint == "get"]) == len(controls)
        checked = {(s.endpoint, s.status) for s in check_all(jira)}  # as Jira's OpenAPI says
        assert {("get", 200), ("search", 200)} <= checked


def test_a_broken_state_file_is_a_warning_and_the_search_decides(
    demo_results: Path, tmp_path: Path, state_dir: Path
) -> None:
    with running_jira() as jira:
        state = path_for(state_dir, jira.url, jira.project)
        state.parent.mkdir(parents=True)
        state.write_text("{not json", encoding="utf-8")
        r = tickets(demo_results, jira, tmp_path, "--apply")
        assert r.code == 0, r.err
        assert "warning: the ticket state" in r.err and "not valid; ignored" in r.err
        assert len(json.loads(state.read_text(encoding="utf-8"))["items"]) == len(blocking_controls(demo_results))
        # an id that is not ASCII digits (str.isdigit takes "²") is left out, not sent
        doc = json.loads(state.read_text(encoding="utf-8"))
        state.write_text(json.dumps({**doc, "items": [["rovo-audit-x", "\u00b2"], *doc["items"]]}), encoding="utf-8")
        again = tickets(demo_results, jira, tmp_path, "--apply")
        assert again.code == 0 and again.err == "", again.err


def test_an_interrupted_apply_remembers_what_it_wrote(demo_results: Path, tmp_path: Path) -> None:
    """Ctrl-C part way through --apply: the items created so far are in the state, so a re-run
    before the index catches up does not create them again (at most the one whose create was
    in flight when the signal came, whose id was never seen, is doubled)."""
    controls = blocking_controls(demo_results)
    with running_jira() as jira:
        jira.freeze()
        jira.delay["create"] = 0.3
        proc = _apply_in_background(demo_results, jira, tmp_path)
        deadline = time.monotonic() + 60
        while len(jira.issues) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        made = len(jira.issues)
        assert 3 <= made < len(controls), (made, err)
        assert proc.returncode != 0 and "Traceback" not in err, err
        jira.delay.clear()
        r = tickets(demo_results, jira, tmp_path, "--apply")
        assert r.code == 0, r.err
        assert len(jira.issues) <= len(controls) + 1, len(jira.issues)  # without the state: made + 7


def test_a_run_adds_to_what_another_run_saved_meanwhile(demo_results: Path, tmp_path: Path, state_dir: Path) -> None:
    """Two syncs of one project at once (two CI jobs): the one that ends last keeps what the
    other saved while it ran, not the state it read when it started."""
    with running_jira() as jira:
        jira.delay["create"] = 0.2
        proc = _apply_in_background(demo_results, jira, tmp_path)
        deadline = time.monotonic() + 60
        while not jira.issues and time.monotonic() < deadline:
            time.sleep(0.02)
        state = path_for(state_dir, jira.url, jira.project)
        state.parent.mkdir(parents=True, exist_ok=True)
        other = [stable_label("other-org", "C-1"), "99999"]
        state.write_text(json.dumps({"version": 1, "items": [other]}), encoding="utf-8")  # the other run's
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        items = json.loads(state.read_text(encoding="utf-8"))["items"]
        assert other in items and len(items) == len(blocking_controls(demo_results)) + 1
