"""`audit --notify URL` through the real command, against webhook receivers on 127.0.0.1:
after a review where something got worse, each URL receives the headline in its kind's shape
(Slack, Teams Workflows Adaptive Card, generic JSON); nothing is sent when nothing got worse
(unless --notify-always); a failed post is one line naming kind and host, exit 1, and the
audit's outputs are written; the URL (a secret) never reaches an output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.errors import UsageError
from auditor.notify.targets import kind_of, parse_target
from tests.conftest import assert_no_secret, assert_usage_error
from tests.review.scenario import NEW_AS_OF, OLD_AS_OF, audit, write_files
from tests.servers.webhook_receiver import running_receiver

SECRET = "/services/T0AAAA/B0BBBB/PLANTEDwebhookSECRET99"


def two_runs(tmp_path: Path, *flags: str):  # type: ignore[no-untyped-def]
    files = write_files(tmp_path / "in")
    out = tmp_path / "out"
    first = audit(files, files.old_settings, OLD_AS_OF, out)
    assert first.code == 1, first.err
    return files, out, audit(files, files.new_settings, NEW_AS_OF, out, *flags)


def test_what_got_worse_is_posted_to_each_kind(tmp_path: Path) -> None:
    with running_receiver() as hook:
        _, out, r = two_runs(
            tmp_path,
            "--notify",
            "slack:" + hook.url(SECRET),
            "--notify",
            "teams:" + hook.url("/workflows/abc/triggers/manual?sig=PLANTEDsigSECRET42"),
            "--notify",
            hook.url("/generic"),
            "--report-url",
            "https://ci.example.com/rovo/report.html",
        )
        assert r.code == 1, r.err  # the audit's own status: findings block
        assert (out / "report.html").is_file() and (out / "results.json").is_file()
        slack, teams, generic = hook.received
    assert slack.path == SECRET and slack.content_type == "application/json"
    assert "*rovo-audit review 2026-12-05: worse since the last review*" in slack.body["text"]
    assert "1 new-fail, 1 regressed, 1 waiver-expired, 1 waivers expiring soon" in slack.body["text"]
    assert "regressed: RMCP-PERM-002 in Example Corp (jira.delete)" in slack.body["text"]
    assert slack.body["blocks"][0]["text"]["type"] == "mrkdwn"
    attachment = teams.body["attachments"][0]
    assert teams.body["type"] == "message"
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    facts = {f["title"]: f["value"] for b in card["body"] if b["type"] == "FactSet" for f in b["facts"]}
    assert facts == {"new-fail": "1", "regressed": "1", "waiver-expired": "1", "waivers expiring soon": "1"}
    # the report's URL as a button: in a TextBlock it is Markdown-escaped (rovo\-audit)
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open the report", "url": "https://ci.example.com/rovo/report.html"}
    ]
    assert generic.body["schema"] == "rovo-audit/notify/v1" and generic.body["worse"] is True
    assert generic.body["counts"] == {"new_fail": 1, "regressed": 1, "waiver_expired": 1, "waiver_expiring": 1}
    assert generic.body["report"] == "https://ci.example.com/rovo/report.html"
    assert {c["change"] for c in generic.body["changes"]} == {"new-fail", "regressed", "waiver-expired"}
    assert "notified slack (127.0.0.1)" not in r.out  # -q
    assert_no_secret(r, out, secrets=[SECRET, "PLANTEDsigSECRET42"])


def test_nothing_is_sent_when_nothing_got_worse_unless_always(tmp_path: Path) -> None:
    files, out, _ = two_runs(tmp_path)
    with running_receiver() as hook:
        later = "2026-12-06T00:00:00Z"  # the same settings a day later: still-failing, nothing worse
        r = audit(files, files.new_settings, later, out, "--notify", hook.url("/generic"))
        assert r.code == 1 and hook.received == []
        r = audit(files, files.new_settings, later, out, "--notify", hook.url("/generic"), "--notify-always")
        assert r.code == 1, r.err
        (sent,) = hook.received
        assert sent.body["worse"] is False and sent.body["counts"]["new_fail"] == 0
        assert sent.body["report"] == str(out / "report.html")


def test_a_failed_post_is_one_line_exit_1_and_the_outputs_stay(tmp_path: Path) -> None:
    files = write_files(tmp_path / "in")
    out = tmp_path / "out"
    with running_receiver() as hook:
        hook.answers[SECRET] = [404]
        hook.answers["/moved"] = [307]
        hook.answers["/busy"] = [429]
        # a run where nothing blocks would exit 0: the failed post makes it 1
        r = audit(
            files,
            files.old_settings,
            OLD_AS_OF,
            out,
            "--fail-on",
            "never",
            "--notify-always",
            "--notify",
            "slack:" + hook.url(SECRET),
            "--notify",
            hook.url("/moved"),
            "--notify",
            hook.url("/busy"),
        )
        assert r.code == 1
        errors = [ln for ln in r.err.splitlines() if ln.startswith("rovo-audit: error: ")]
        assert errors == [
            "rovo-audit: error: notification to slack (127.0.0.1): HTTP 404 (no_service); the audit's outputs are written",
            "rovo-audit: error: notification to json (127.0.0.1): HTTP 307; the audit's outputs are written",
        ]
        assert [x.path for x in hook.received] == [SECRET, "/moved", "/busy", "/busy"]  # 429 waited out once
        assert (out / "report.html").is_file() and (out / "results.json").is_file()
        assert "Traceback" not in r.err
    assert_no_secret(r, out, secrets=[SECRET])


def test_bad_notify_values_are_usage_errors_before_the_audit(tmp_path: Path) -> None:
    files = write_files(tmp_path / "in")
    out = tmp_path / "out"
    r = audit(files, files.old_settings, OLD_AS_OF, out, "--notify", "http://hooks.example.com" + SECRET)
    line = assert_usage_error(r, "--notify", "plain http")
    assert SECRET not in line
    r = audit(files, files.old_settings, OLD_AS_OF, out, "--notify", "env:ROVO_TEST_UNSET_HOOK")
    assert_usage_error(r, "--notify env:ROVO_TEST_UNSET_HOOK", "not set")
    r = audit(files, files.old_settings, OLD_AS_OF, out, "--notify", "https://x.example.com/h", "--no-history")
    assert_usage_error(r, "--no-history")
    r = audit(files, files.old_settings, OLD_AS_OF, out, "--notify-always")
    assert_usage_error(r, "--notify-always needs")
    r = audit(
        files, files.old_settings, OLD_AS_OF, out, "--notify", "https://x.example.com/h", "--report-url", "https://"
    )
    assert_usage_error(r, "--report-url", "with a host")  # a Teams button with no URL: the card is refused
    for bad in ("https://xn--zz.example/h" + SECRET, "https://a..example/h" + SECRET, "http://127.0.0.1/\x01" + SECRET):
        r = audit(files, files.old_settings, OLD_AS_OF, out, "--notify", bad)
        line = assert_usage_error(r, "--notify: not a valid URL")  # the HTTP client would refuse it later
        assert SECRET not in line
    assert not out.exists()  # nothing written


def test_the_url_can_come_from_the_environment(tmp_path: Path) -> None:
    with running_receiver() as hook:
        env = {"HOOK": "teams:" + hook.url(SECRET)}
        target = parse_target("env:HOOK", env)
        assert target.kind == "teams" and target.host == "127.0.0.1" and SECRET not in target.label


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("hooks.slack.com", "slack"),
        ("prod-12.westeurope.logic.azure.com", "teams"),
        ("default0a1b.2c.environment.api.powerplatform.com", "teams"),
        ("acme.webhook.office.com", "teams"),
        ("hooks.slack.com.evil.example", "json"),
        ("example.com", "json"),
    ],
)
def test_the_kind_is_known_by_the_host(host: str, kind: str) -> None:
    assert kind_of(host) == kind


def test_a_prefix_overrides_the_host_and_credentials_in_the_url_are_refused() -> None:
    assert parse_target("json:https://hooks.slack.com/services/x").kind == "json"
    with pytest.raises(UsageError, match="credentials"):
        parse_target("https://user:pw@hooks.slack.com/services/x")
    assert json.dumps(parse_target("https://hooks.slack.com/services/x").label) == '"slack (hooks.slack.com)"'


def test_names_from_the_settings_are_inert_in_each_payload(tmp_path: Path) -> None:
    files = write_files(tmp_path / "in")
    hostile = "<!channel> [click](https://evil.example) *Corp*"
    for settings in (files.old_settings, files.new_settings):
        settings.write_text(settings.read_text().replace("name: Example Corp", f"name: '{hostile}'"))
    out = tmp_path / "out"
    with running_receiver() as hook:
        assert audit(files, files.old_settings, OLD_AS_OF, out).code == 1
        flags = (
            "--notify",
            "slack:" + hook.url("/s"),
            "--notify",
            "teams:" + hook.url("/t"),
            "--notify",
            hook.url("/j"),
        )
        r = audit(files, files.new_settings, NEW_AS_OF, out, *flags)
        assert r.code == 1, r.err
        slack, teams, generic = hook.received
    text = slack.body["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt; [click](https://evil.example) *Corp*" in text
    lines = [b["text"] for b in teams.body["attachments"][0]["content"]["body"] if b["type"] == "TextBlock"]
    assert any(r"&lt;" not in ln and r"\[click\]\(https://evil.example\) \*Corp\*" in ln for ln in lines), lines
    assert any(c["org"] == hostile for c in generic.body["changes"])  # JSON carries the name as data


def test_long_names_are_cut_so_slack_takes_the_message(tmp_path: Path) -> None:
    """An org named with 2,000 characters of '&' (5 characters each once escaped): Slack refuses
    a section over 3,000 characters, so values are cut and the text kept under the limit."""
    files = write_files(tmp_path / "in")
    for settings in (files.old_settings, files.new_settings):
        settings.write_text(settings.read_text().replace("name: Example Corp", "name: '" + "&" * 2000 + "'"))
    out = tmp_path / "out"
    with running_receiver() as hook:
        assert audit(files, files.old_settings, OLD_AS_OF, out).code == 1
        long_url = "https://ci.example.com/" + "r" * 300 + "/report.html"
        r = audit(
            files, files.new_settings, NEW_AS_OF, out, "--notify", "slack:" + hook.url("/s"), "--report-url", long_url
        )
        assert r.code == 1 and "rovo-audit: error" not in r.err, r.err
        (slack,) = hook.received
    text = slack.body["blocks"][0]["text"]["text"]
    assert len(text) <= 3000 and text.endswith(f"Report: {long_url}")
    assert "&amp;" * 100 in text and "&amp;" * 250 not in text  # each value cut at 200 characters
    shown = sum(1 for ln in text.splitlines() if ln.startswith(("new-fail:", "regressed:", "waiver-expired:")))
    assert 0 < shown < 3 and f"… and {3 - shown} more" in text  # what was left out is counted


def test_slacks_error_code_is_shown_and_an_echo_is_not(tmp_path: Path) -> None:
    files = write_files(tmp_path / "in")
    out = tmp_path / "out"
    with running_receiver() as hook:
        hook.answers["/no"] = [404]  # Slack's body: no_service
        hook.answers["/plantedsecretpath"] = [401]  # the body is the path, a token-shaped secret
        r = audit(
            files,
            files.old_settings,
            OLD_AS_OF,
            out,
            "--notify-always",
            "--notify",
            "slack:" + hook.url("/no"),
            "--notify",
            "slack:" + hook.url("/plantedsecretpath"),
        )
    errors = [ln for ln in r.err.splitlines() if ln.startswith("rovo-audit: error: ")]
    assert "HTTP 404 (no_service)" in errors[0]
    assert errors[1].endswith("HTTP 401; the audit's outputs are written")  # [redacted] or nothing, never the path
    assert_no_secret(r, secrets=["plantedsecretpath"])
