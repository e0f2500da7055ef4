"""Options of the real command whose effect no other test asserts: `controls`, `--version`,
`doctor -v/-q`, `--fail-on` and `-q` of audit and merge, `--expiring-days` of audit and
merge, `init --name`, and the collection flags of `collect` and `audit --collect` (each
against the fake Admin API / Rovo MCP simulator, with the environment saying otherwise, so
only the flag can produce what is asserted)."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import yaml

import auditor
from auditor.atomic import STATE
from tests.collect.conftest import AS_OF as COLLECT_AS_OF
from tests.collect.conftest import ORG, collect_env, example_org
from tests.conftest import EXAMPLE, ROOT, Run, run_cli, run_cmd
from tests.review.scenario import NEW_AS_OF, OLD_AS_OF, Files, write_files
from tests.review.scenario import audit as review_audit
from tests.servers.fake_admin_api import OAUTH_TOKEN, FakeAdminApi, FakeOrg, running_admin_api
from tests.servers.rovo_sim import SCENARIOS, SIM_API_TOKEN, SIM_EMAIL, running_sim

AS_OF = "2026-11-26T00:00:00Z"
ORG2 = "7a1d9e3c-2b4f-4c6a-8e0d-1f2a3b4c5d6e"
DEAD_MCP = "http://127.0.0.1:9/v1/mcp"  # what the environment says; only a flag can do better
MCP_CREDS = {"ROVO_AUDIT_MCP_EMAIL": SIM_EMAIL, "ROVO_AUDIT_MCP_API_TOKEN": SIM_API_TOKEN}


def _reports(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if p.name != STATE} if out.exists() else set()


# ------------------------------------------------------------------ controls, --version


def test_controls_lists_every_control_with_its_title() -> None:
    r = run_cli("controls")
    assert r.code == 0 and r.err == "", r.err
    data = yaml.safe_load((ROOT / "auditor" / "data" / "controls.yaml").read_text(encoding="utf-8"))
    lines = {ln.split()[0]: ln for ln in r.out.splitlines() if ln.startswith("RMCP-")}
    assert list(lines) == list(data["controls"])  # every control, in the data file's order
    for cid, spec in data["controls"].items():
        assert lines[cid].split()[1:3] == [spec["area"], spec["severity"]], lines[cid]
        assert lines[cid].endswith(" " + spec["title"]), lines[cid]
    assert lines["RMCP-DOM-003"].endswith("An allowlist entry is not declared in the policy")
    assert f"as of {data['as_of']}" in r.out


def test_version_is_the_installed_package_version() -> None:
    r = run_cmd("--version")  # as a process: what `rovo-audit --version` prints
    assert r.code == 0 and r.err == ""
    assert r.out == f"rovo-audit {auditor.__version__}\n"
    assert auditor.__version__ == importlib.metadata.version("rovo-audit")


# ------------------------------------------------------------------ doctor -v / -q


def _doctor(base: str, out: Path, *extra: str) -> tuple[Run, dict]:
    shutil.rmtree(out, ignore_errors=True)
    r = run_cli(
        "doctor",
        "--url",
        base + "/v1/mcp",
        "--api-base-url",
        base,
        "--out",
        out,
        "--as-of",
        AS_OF,
        "--email",
        SIM_EMAIL,
        "--api-token",
        SIM_API_TOKEN,
        *extra,
    )
    assert "Traceback" not in r.err and SIM_API_TOKEN not in r.out + r.err
    return r, json.loads((out / "doctor.json").read_text(encoding="utf-8"))


def test_doctor_verbose_shows_every_detail_and_quiet_prints_nothing(tmp_path: Path) -> None:
    with running_sim(SCENARIOS["healthy"]) as base:
        plain, report = _doctor(base, tmp_path / "o")
        verbose = {flag: _doctor(base, tmp_path / "o", flag)[0] for flag in ("--verbose", "-v")}
        quiet = {flag: _doctor(base, tmp_path / "o", flag) for flag in ("--quiet", "-q")}
    with running_sim(SCENARIOS["ip-blocked"]) as base:
        blocked_quiet, blocked = _doctor(base, tmp_path / "o", "-q")
    assert plain.code == 0
    details = [(s["code"], d) for s in report["steps"] if s["status"] == "passed" for d in s.get("details", [])]
    assert details, "the healthy run has details for passed steps; this test needs some"
    for _, d in details:
        assert f"· {d}" not in plain.out  # a passed step's details only with --verbose
    for flag, r in verbose.items():
        assert r.code == 0, (flag, r.err)
        for code, d in details:
            assert f"       · {d}" in r.out, (flag, code, d)
            # under its own step's line
            step_line = next(i for i, ln in enumerate(r.out.splitlines()) if f" {code} " in ln)
            assert f"       · {d}" in r.out.splitlines()[step_line + 1 : step_line + 1 + 8], (flag, code)
        assert r.out.count("\n") > plain.out.count("\n")
    for flag, (r, rep) in quiet.items():
        assert (r.code, r.out, r.err) == (0, "", ""), flag
        assert rep["verdict"] == report["verdict"] and rep["exit_status"] == 0  # still written
    # Quiet prints nothing even when a cause is found; the exit status and doctor.json say it.
    assert (blocked_quiet.code, blocked_quiet.out, blocked_quiet.err) == (1, "", "")
    assert blocked["first_cause"] is not None


# ------------------------------------------------------------------ audit / merge: --fail-on, -q


def _audit_demo(out: Path, *extra: str) -> Run:
    return run_cli(
        "audit", "--demo", "--out", out, "--format", "html,json,md", "--as-of", AS_OF, "--no-history", *extra
    )


def test_audit_fail_on_never_exits_0_but_still_says_blocked(tmp_path: Path) -> None:
    default = _audit_demo(tmp_path / "a")
    never = _audit_demo(tmp_path / "b", "--fail-on", "never")
    assert default.code == 1 and default.out.startswith("Blocked: "), default.out
    assert never.code == 0, never.err
    assert never.out.splitlines()[0] == default.out.splitlines()[0]  # the same verdict, the same count
    assert _reports(tmp_path / "b") == {"report.html", "results.json", "summary.md"}
    assert (tmp_path / "b" / "summary.md").read_text().startswith("# Rovo MCP audit: Blocked: ")
    assert "Ready for rollout" not in (tmp_path / "b" / "report.html").read_text()
    findings = [json.loads((tmp_path / d / "results.json").read_text())["findings"] for d in "ab"]
    assert findings[0] == findings[1]


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """results.json of a run with fail findings, and of one with warn findings only."""
    root = tmp_path_factory.mktemp("shards")
    r = _audit_demo(root / "fails", "-q")
    assert r.code == 1, r.err
    policy = root / "stale.yaml"  # evidence a year old against a one-day limit: warns only
    policy.write_text("apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: stale}\nevidence: {max_age_days: 1}\n")
    r = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        EXAMPLE / "example-corp.settings.yaml",
        "--out",
        root / "warns",
        "--format",
        "json",
        "--as-of",
        "2027-11-26",
        "--no-history",
        "-q",
    )
    assert r.code == 0, r.err
    warns = root / "warns" / "results.json"
    assert {f["status"] for f in json.loads(warns.read_text())["findings"]} == {"warn"}
    return {"fails": root / "fails" / "results.json", "warns": warns}


def _merge(shard: Path, out: Path, *extra: str | Path) -> Run:
    return run_cli("merge", shard, "--out", out, "--format", "json,md", *extra)


@pytest.mark.parametrize(
    ("shard", "fail_on", "code", "verdict"),
    [
        ("warns", None, 0, "Ready for rollout"),
        ("warns", "warn", 1, "Blocked: "),
        ("warns", "never", 0, "Ready for rollout"),
        ("fails", None, 1, "Blocked: "),
        ("fails", "warn", 1, "Blocked: "),
        ("fails", "never", 0, "Blocked: "),
    ],
)
def test_merge_fail_on(
    shards: dict[str, Path], tmp_path: Path, shard: str, fail_on: str | None, code: int, verdict: str
) -> None:
    r = _merge(shards[shard], tmp_path / "m", "--no-history", *(("--fail-on", fail_on) if fail_on else ()))
    assert r.code == code, r.out + r.err
    assert r.out.splitlines()[1].startswith(verdict), r.out
    assert _reports(tmp_path / "m") == {"results.json", "summary.md"}
    assert (tmp_path / "m" / "summary.md").read_text().startswith(f"# Rovo MCP audit: {verdict}")


def test_quiet_audit_and_merge_print_nothing_but_write_everything(shards: dict[str, Path], tmp_path: Path) -> None:
    loud = _audit_demo(tmp_path / "loud")
    assert loud.out.startswith("Blocked: ")  # without -q there is something to hide
    for flag in ("-q", "--quiet"):
        r = _audit_demo(tmp_path / flag, flag)
        assert (r.code, r.out, r.err) == (1, "", ""), flag
        assert _reports(tmp_path / flag) == {"report.html", "results.json", "summary.md"}
        assert (tmp_path / flag / "summary.md").read_text() == (tmp_path / "loud" / "summary.md").read_text()
    loud = _merge(shards["fails"], tmp_path / "mloud", "--no-history")
    assert loud.out.startswith("merged 1 shard(s)\nBlocked: ")
    for flag in ("-q", "--quiet"):
        r = _merge(shards["fails"], tmp_path / f"m{flag}", "--no-history", flag)
        assert (r.code, r.out, r.err) == (1, "", ""), flag
        assert (tmp_path / f"m{flag}" / "summary.md").read_text() == (tmp_path / "mloud" / "summary.md").read_text()


# ------------------------------------------------------------------ --expiring-days (audit, merge)
# The review scenario: the RMCP-DOM-004 waiver expires 2026-12-20, 15 days after NEW's as_of.

EXPIRING = ("RMCP-DOM-004", "https://*.vercel.app/**")


def _review(html: str) -> tuple[int, list[tuple[str, str]]]:
    """(the window the review states, the (control, subject) rows classed waiver-expiring)."""
    window = re.search(r"a waiver counts as expiring within (\d+) days", html)
    assert window, "no review section in the report"
    rows = re.findall(
        r'<td class="change c-waiver-expiring">waiver-expiring</td><td>[^<]*</td>'
        r'<td class="control">([^<]+)</td><td><code>([^<]+)</code>',
        html,
    )
    return int(window.group(1)), rows


@pytest.fixture(scope="module")
def review_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Files, Path]:
    """The scenario's files, and a history holding OLD's run."""
    root = tmp_path_factory.mktemp("review")
    files = write_files(root / "in")
    assert review_audit(files, files.old_settings, OLD_AS_OF, root / "old", "--history", root / "history").code == 1
    return files, root / "history"


@pytest.mark.parametrize(("flag", "window", "expiring"), [(None, 30, True), ("15", 15, True), ("14", 14, False)])
def test_audit_expiring_days_sets_the_reviews_window(
    review_files: tuple[Files, Path], tmp_path: Path, flag: str | None, window: int, expiring: bool
) -> None:
    files, history = review_files
    shutil.copytree(history, tmp_path / "history")
    r = review_audit(
        files,
        files.new_settings,
        NEW_AS_OF,
        tmp_path / "out",
        "--history",
        tmp_path / "history",
        "--format",
        "html",
        *(("--expiring-days", flag) if flag else ()),
    )
    assert r.code == 1, r.err
    assert _review((tmp_path / "out" / "report.html").read_text()) == (window, [EXPIRING] if expiring else [])


@pytest.mark.parametrize(("flag", "window", "expiring"), [(None, 30, True), ("15", 15, True), ("14", 14, False)])
def test_merge_expiring_days_sets_the_reviews_window(
    review_files: tuple[Files, Path], tmp_path: Path, flag: str | None, window: int, expiring: bool
) -> None:
    files, _ = review_files
    for name, settings, as_of in (("old", files.old_settings, OLD_AS_OF), ("new", files.new_settings, NEW_AS_OF)):
        assert review_audit(files, settings, as_of, tmp_path / name, "--no-history", "--format", "json").code == 1
    history = tmp_path / "history"
    assert _merge(tmp_path / "old" / "results.json", tmp_path / "m-old", "--history", history, "-q").code == 1
    r = _merge(
        tmp_path / "new" / "results.json",
        tmp_path / "m-new",
        "--history",
        history,
        "-q",
        "--format",
        "html",
        *(("--expiring-days", flag) if flag else ()),
    )
    assert r.code == 1, r.err
    assert _review((tmp_path / "m-new" / "report.html").read_text()) == (window, [EXPIRING] if expiring else [])


# ------------------------------------------------------------------ init --name


def test_init_name_sets_metadata_name(tmp_path: Path) -> None:
    settings = EXAMPLE / "example-corp.settings.yaml"
    default = run_cli("init", "--from-settings", settings)
    assert default.code == 0, default.err
    assert yaml.safe_load(default.out)["metadata"]["name"] == "current-example-corp-settings"
    named = run_cli("init", "--from-settings", settings, "--name", "q4-rollout")
    assert named.code == 0, named.err
    assert yaml.safe_load(named.out)["metadata"]["name"] == "q4-rollout"
    assert named.out.replace("q4-rollout", "current-example-corp-settings") == default.out  # nothing else changes
    policy = tmp_path / "p.yaml"
    assert run_cli("init", "--from-settings", settings, "--name", "q4-rollout", "--out", policy).code == 0
    r = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        settings,
        "--out",
        tmp_path / "o",
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--no-history",
        "-q",
    )
    assert r.code in (0, 1), r.err
    assert [p["name"] for p in json.loads((tmp_path / "o" / "results.json").read_text())["policies"]] == ["q4-rollout"]


# ------------------------------------------------------------------ collection flags


def _orgs() -> list[FakeOrg]:
    return [example_org(), example_org(ORG2, "Second Corp")]


def _collect(tmp_path: Path, env: dict[str, str], *args: str | Path) -> tuple[Run, dict]:
    out = tmp_path / "settings.yaml"
    r = run_cli("collect", "--out", out, "--as-of", COLLECT_AS_OF, *args, cwd=tmp_path, env=env)
    assert "Traceback" not in r.err, r.err
    return r, yaml.safe_load(out.read_text()) if out.exists() else {}


def _by_id(doc: dict) -> dict[str, dict]:
    return {o["id"]: o for o in doc["orgs"]}


def _events_window(api: FakeAdminApi) -> set[tuple[dt.datetime, dt.datetime]]:
    """The (from, to) of every audit-log request the server saw (epoch ms)."""
    out = set()
    for s in api.log:
        if s.endpoint == "events":
            q = parse_qs(s.query)
            out.add(tuple(dt.datetime.fromtimestamp(int(q[k][0]) / 1000, dt.UTC) for k in ("from", "to")))
    return out  # type: ignore[return-value]


T_COLLECT = dt.datetime.fromisoformat(COLLECT_AS_OF.replace("Z", "+00:00"))


def test_mcp_url_flag_points_the_probe(tmp_path: Path) -> None:
    with running_admin_api([example_org()]) as api, running_sim(SCENARIOS["healthy"]) as sim:
        env = collect_env(api, mcp_url=DEAD_MCP, **MCP_CREDS)
        _, without = _collect(tmp_path, env)
        assert "rovo_mcp" not in without["orgs"][0] and not sim.requests  # the environment's URL is dead
        r, doc = _collect(tmp_path, env, "--mcp-url", f"{sim}/v1/mcp")
        methods = [x.rpc_method for x in sim.requests if x.rpc_method]
    assert r.code == 0, r.out + r.err
    org = doc["orgs"][0]
    assert org["rovo_mcp"]["api_token_auth"] is True and org["evidence"]["rovo_mcp"]["source"] == "mcp-probe"
    assert methods[:1] == ["initialize"] and "tools/list" in methods


def test_timeout_flag_bounds_each_request(tmp_path: Path) -> None:
    with running_admin_api([example_org()], hang=2.0) as api:
        api.faults["org"] = ["timeout"] * 3  # every attempt (2 retries) hangs 2 s; the env allows 5 s
        r, doc = _collect(tmp_path, collect_env(api, ROVO_AUDIT_TIMEOUT_SECONDS="5"), "--timeout", "0.3")
    assert r.code == 1, r.out + r.err
    errors = {e["section"]: e["error"] for e in doc["orgs"][0]["collection_errors"]}
    assert errors == {"name": "timed out (no answer within 0.3s), 3 attempts"}


def test_events_days_flag_sets_the_audit_log_window(tmp_path: Path) -> None:
    with running_admin_api([example_org()]) as api:
        env = collect_env(api, ROVO_AUDIT_EVENTS_DAYS="30")
        r, doc = _collect(tmp_path, env, "--events-days", "7")
        window = _events_window(api)
        api.log.clear()
        off, off_doc = _collect(tmp_path, env, "--events-days", "0")
        seen_off = {s.endpoint for s in api.log}
    assert r.code == 0, r.out + r.err
    since = T_COLLECT - dt.timedelta(days=7)
    assert window == {(since, T_COLLECT)}  # every page of the audit log asked for the last 7 days
    org = doc["orgs"][0]
    assert org["mcp_activity"]["since"] == "2026-11-13T09:30:00Z"
    assert org["provenance"]["mcp_activity"]["detail"] == "audit log, last 7 days"
    # 0 skips the audit log: not requested, not reported, not a failure.
    assert off.code == 0, off.out + off.err
    assert "events" not in seen_off and "org" in seen_off
    assert "mcp_activity" not in off_doc["orgs"][0] and "collection_errors" not in off_doc["orgs"][0]


def test_probe_org_flag_chooses_where_the_oauth_and_mcp_results_go(tmp_path: Path) -> None:
    with running_admin_api(_orgs()) as api, running_sim(SCENARIOS["healthy"]) as sim:
        env = collect_env(
            api,
            mcp_url=f"{sim}/v1/mcp",
            ROVO_AUDIT_ORG_ID=f"{ORG} {ORG2}",
            ROVO_AUDIT_OAUTH_TOKEN=OAUTH_TOKEN,
            **MCP_CREDS,
        )
        r, doc = _collect(tmp_path, env, "--probe-org", ORG2)
        oauth_calls = api.count("accessible_resources")
    assert r.code == 0, r.out + r.err
    orgs = _by_id(doc)
    labels = {i: {c["label"] for c in o["credentials"]} for i, o in orgs.items()}
    assert "oauth:dev@example.com" in labels[ORG2] and "oauth:dev@example.com" not in labels[ORG]
    assert orgs[ORG2]["evidence"]["rovo_mcp"]["source"] == "mcp-probe" and "rovo_mcp" not in orgs[ORG]
    assert oauth_calls == 1


def test_concurrency_flag_bounds_requests_in_flight(tmp_path: Path) -> None:
    with running_admin_api(_orgs(), latency=0.1) as api:
        env = collect_env(api, ROVO_AUDIT_ORG_ID=f"{ORG} {ORG2}", ROVO_AUDIT_CONCURRENCY="16")
        r, _ = _collect(tmp_path, env)
        unbounded = api.state.max_in_flight
        api.state.max_in_flight = 0
        bounded, _ = _collect(tmp_path, env, "--concurrency", "1")
        one = api.state.max_in_flight
    assert r.code == 0 and bounded.code == 0, bounded.out + bounded.err
    assert unbounded > 1  # without the flag, requests do overlap: the measure can see a bound
    assert one == 1


def _audit_collect(tmp_path: Path, env: dict[str, str], *flags: str) -> tuple[Run, dict[str, dict]]:
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    r = run_cli(
        "audit",
        "--collect",
        "--policy",
        "baseline",
        "--out",
        out,
        "--as-of",
        COLLECT_AS_OF,
        "--no-history",
        "--format",
        "json",
        "-q",
        *flags,
        cwd=tmp_path,
        env=env,
    )
    assert r.out == "" and "Traceback" not in r.err, r.err
    assert json.loads((out / "results.json").read_text())["findings"]
    return r, _by_id(yaml.safe_load((out / "settings.yaml").read_text()))


def test_audit_collect_takes_the_same_collection_flags(tmp_path: Path) -> None:
    with running_admin_api(_orgs(), latency=0.05, hang=2.0) as api, running_sim(SCENARIOS["healthy"]) as sim:
        env = collect_env(
            api,
            mcp_url=DEAD_MCP,
            ROVO_AUDIT_ORG_ID=f"{ORG} {ORG2}",
            ROVO_AUDIT_EVENTS_DAYS="30",
            ROVO_AUDIT_CONCURRENCY="16",
            ROVO_AUDIT_TIMEOUT_SECONDS="5",
            **MCP_CREDS,
        )
        r, orgs = _audit_collect(
            tmp_path, env, "--mcp-url", f"{sim}/v1/mcp", "--probe-org", ORG2, "--events-days", "7", "--concurrency", "1"
        )
        window, in_flight = _events_window(api), api.state.max_in_flight
        # Separately: a request the client abandoned still counts in flight at the server.
        api.faults["org"] = ["timeout"] * 6  # both orgs, every attempt
        timed, timed_orgs = _audit_collect(tmp_path, env, "--timeout", "0.3")
    assert r.code == 1, r.err  # the baseline finds things; the collection itself was complete
    assert all("collection_errors" not in o for o in orgs.values())
    assert orgs[ORG2]["evidence"]["rovo_mcp"]["source"] == "mcp-probe" and "rovo_mcp" not in orgs[ORG]
    assert window == {(T_COLLECT - dt.timedelta(days=7), T_COLLECT)}
    assert in_flight == 1
    assert timed.code == 1
    for o in timed_orgs.values():
        assert {e["section"]: e["error"] for e in o["collection_errors"] if e["source"] == "admin-api"} == {
            "name": "timed out (no answer within 0.3s), 3 attempts"
        }
