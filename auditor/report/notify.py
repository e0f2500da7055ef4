"""The webhook payloads of a notification (FORMATS-EXTENSIONS.md, "Notifications"):
- Slack incoming webhook: `{text, blocks}` (Block Kit section blocks, mrkdwn);
- Microsoft Teams Workflows webhook: a message with one Adaptive Card attachment (Workflows
  accept Adaptive Cards only, not the connectors' MessageCard);
- generic JSON: `{schema: "rovo-audit/notify/v1", ...}`, the headline's fields.
Text from the results (org names, subjects) is made safe for each: control characters shown
as code points; for Slack `&`, `<`, `>` escaped as Slack documents; for Teams' markdown
subset, its markup characters escaped with a backslash.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..notify.model import Headline, Kind
from .safe import cut, terminal

SCHEMA = "rovo-audit/notify/v1"
# Slack refuses a section block whose text passes 3,000 characters (api.slack.com/reference/
# block-kit/blocks#section: "Maximum length for the text in this field is 3000 characters";
# retrieved 2026-12-01), and so the whole post (invalid_blocks):
# 10 changes with 200-character values (escaped: up to 5 times longer for & < >) stay below it
# only when cut; then whole change lines are left out (and counted) to fit SLACK_TEXT.
VALUE_LIMIT = 200
SLACK_TEXT = 3000
_TEAMS_MARKUP = re.compile(r"([\\*_\[\]()#>`~-])")


def _cut(text: str) -> str:
    """One value (an org's name, a subject) at most VALUE_LIMIT characters, cut before escaping
    (an entity or a backslash is never cut in half)."""
    return cut(terminal(text), VALUE_LIMIT)


def _slack(text: str, *, cut: bool = True) -> str:
    shown = _cut(text) if cut else terminal(text)
    return shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _teams(text: str) -> str:
    return _TEAMS_MARKUP.sub(r"\\\1", _cut(text))


def _counts(h: Headline) -> list[tuple[str, int]]:
    return [
        ("new-fail", h.new_fail),
        ("regressed", h.regressed),
        ("waiver-expired", h.waiver_expired),
        ("waivers expiring soon", h.waiver_expiring),
    ]


def _title(h: Headline) -> str:
    return f"rovo-audit review {h.as_of}: " + ("worse since the last review" if h.worse else "nothing got worse")


def _change_lines(h: Headline, esc: Any, *, room: int | None = None) -> list[str]:
    """One line per change, then "… and N more"; with `room`, changes are left out from the
    end (and counted in N) until the lines fit in that many characters."""
    lines = [
        f"{esc(c.change)}: {esc(c.control)} in {esc(c.org)}" + (f" ({esc(c.subject)})" if c.subject else "")
        for c in h.changes
    ]
    more = h.more

    def tail() -> list[str]:
        return [f"… and {more} more"] if more else []

    while room is not None and lines and len("\n".join([*lines, *tail()])) > room:
        lines.pop()
        more += 1
    return [*lines, *tail()]


def slack(h: Headline) -> dict[str, Any]:
    counts = ", ".join(f"{n} {name}" for name, n in _counts(h))
    head = [f"*{_slack(_title(h))}*", _slack(h.verdict), counts]
    report = [f"Report: {_slack(h.report, cut=False)}"] if h.report else []  # the user's own: whole
    room = SLACK_TEXT - len("\n".join([*head, *report])) - 2
    lines = [*head, *_change_lines(h, _slack, room=room), *report]
    text = "\n".join(lines)[:SLACK_TEXT]
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def teams(h: Headline) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": _teams(_title(h)), "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": _teams(h.verdict), "wrap": True},
        {"type": "FactSet", "facts": [{"title": name, "value": str(n)} for name, n in _counts(h)]},
    ]
    body += [{"type": "TextBlock", "text": line, "wrap": True, "spacing": "None"} for line in _change_lines(h, _teams)]
    if h.report:
        body.append({"type": "TextBlock", "text": f"Report: {_teams(h.report)}", "wrap": True})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if h.report and urlsplit(h.report).scheme in ("http", "https"):
        # A button, not a Markdown link: the TextBlock's escaping (\- \_ ...) would be in the URL,
        # and the button's url is no Markdown at all.
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the report", "url": h.report}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def generic(h: Headline) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "title": terminal(_title(h)),
        "verdict": terminal(h.verdict),
        "as_of": h.as_of,
        "previous": h.previous,
        "worse": h.worse,
        "counts": {
            "new_fail": h.new_fail,
            "regressed": h.regressed,
            "waiver_expired": h.waiver_expired,
            "waiver_expiring": h.waiver_expiring,
        },
        "changes": [
            {
                "change": c.change,
                "control": terminal(c.control),
                "org": terminal(c.org),
                "subject": c.subject and terminal(c.subject),
            }
            for c in h.changes
        ],
        "more": h.more,
        "report": h.report,
    }


def payload(kind: Kind, h: Headline) -> dict[str, Any]:
    return {"slack": slack, "teams": teams, "json": generic}[kind](h)
