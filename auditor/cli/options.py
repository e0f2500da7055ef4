"""Argument types shared by the subcommands."""

from __future__ import annotations

import argparse
import datetime as dt

from ..errors import UsageError


def as_of(text: str) -> dt.datetime:
    """An ISO date or date-time; a date means its midnight UTC; no zone means UTC."""
    raw = text.strip()
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date or date-time (e.g. 2026-11-26 or 2026-11-26T10:00:00Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def format_list(text: str) -> list[str]:
    from ..report import FORMATS

    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected a comma-separated list of formats")
    unknown = [n for n in names if n not in FORMATS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format {unknown[0]!r}; expected some of: {', '.join(FORMATS)}")
    return list(dict.fromkeys(names))


def require(condition: bool, message: str) -> None:
    if not condition:
        raise UsageError(message)
