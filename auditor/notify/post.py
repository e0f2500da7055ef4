"""POST a notification: one JSON body to one webhook, bounded in time, no redirects followed
(a redirect would carry the message, and the URL's secret path, to another host), a 429 waited
out once when the wait is short. Failures are `NotifyFailed` naming the target's kind and host."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import httpx

from ..collect.http import _retry_after
from .targets import Target

MAX_WAIT = 10.0  # seconds: a longer Retry-After fails the post rather than hold the audit up
MAX_BODY = 64 * 1024  # what is read of an answer (none is used; Slack answers "ok")


class NotifyFailed(Exception):
    pass


def post(target: Target, payload: Any, *, timeout: float = 15.0) -> None:
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "rovo-audit"}
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for attempt in range(3):
            try:
                with client.stream("POST", target.url.get_secret_value(), content=body, headers=headers) as resp:
                    answer = _drain(resp)
            except httpx.TimeoutException:
                raise NotifyFailed(f"notification to {target.label}: no answer within {timeout:.0f}s") from None
            except httpx.TransportError as e:
                raise NotifyFailed(f"notification to {target.label}: connection failed ({type(e).__name__})") from None
            except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as e:  # parse_target refuses these: a last guard
                raise NotifyFailed(f"notification to {target.label}: not sent ({type(e).__name__})") from None
            if resp.status_code < 300:
                return
            if resp.status_code == 429 and attempt < 2:
                wait = _retry_after(resp, lambda: dt.datetime.now(dt.UTC))
                if wait is not None and wait <= MAX_WAIT:
                    time.sleep(wait)
                    continue
            raise NotifyFailed(f"notification to {target.label}: HTTP {resp.status_code}{_reason(answer)}")
    raise NotifyFailed(f"notification to {target.label}: still rate limited (HTTP 429)")


def _drain(resp: httpx.Response) -> bytes:
    """The answer's first bytes (the rest is read and dropped, up to MAX_BODY)."""
    read, head = 0, b""
    for chunk in resp.iter_raw():
        if len(head) < 64:
            head += chunk[: 64 - len(head)]
        read += len(chunk)
        if read > MAX_BODY:
            break
    return head


# Slack answers a refused post with an error code as its whole body: shown, as it says what to
# fix. Only Slack's own codes (as api.slack.com/messaging/webhooks "Handling errors" lists them,
# from memory: assumed, not confirmed here on 2026-12-01; a code missing from the list is just
# not shown), never other text: a server may echo what it was sent, and the URL is a secret.
SLACK_ERRORS = frozenset(
    {
        "invalid_payload",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_token",
        "user_not_found",
        "channel_not_found",
        "channel_is_archived",
        "action_prohibited",
        "posting_to_general_channel_denied",
        "too_many_attachments",
        "no_service",
        "no_service_id",
        "no_team",
        "no_text",
        "no_active_hooks",
        "team_disabled",
        "rate_limited",
        "missing_text_or_fallback_or_attachments",
    }
)


def _reason(answer: bytes) -> str:
    token = answer.strip().decode("ascii", "replace")
    return f" ({token})" if token in SLACK_ERRORS else ""
