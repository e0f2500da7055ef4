"""Argument types shared by the subcommands."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..model.settings import Org


END_OF_DAY = dt.time(23, 59, 59, tzinfo=dt.UTC)


def as_of(text: str) -> dt.datetime:
    """An ISO date or date-time; no zone means UTC. A date alone means the end of that day,
    23:59:59 UTC: "as of 2026-11-26" takes in everything gathered on the 26th (evidence
    collected that morning is not in the audit's future), and a waiver expiring that day is
    still in force, as it is all day (its expiry is the last day it is in force)."""
    raw = text.strip()
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date or date-time (e.g. 2026-11-26 or 2026-11-26T10:00:00Z)"
        ) from None
    if not 2000 <= value.year <= 2999:  # and far from the ends of Python's calendar, where time zones overflow
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date between the years 2000 and 2999")
    if _DATE_ONLY.fullmatch(raw):
        return dt.datetime.combine(value.date(), END_OF_DAY)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


_DATE_ONLY = re.compile(r"\d{4}-?\d{2}-?\d{2}")  # what fromisoformat reads as a date without a time


def format_list(text: str) -> list[str]:
    """Checked against the names alone: parsing `--format` imports no report code (the
    format modules took 0.6 s of a large audit's argument parsing, Jinja and all)."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected a comma-separated list of formats")
    known = FORMAT_NAMES.split(",")
    unknown = [n for n in names if n not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format {unknown[0]!r}; expected some of: {', '.join(known)}")
    return list(dict.fromkeys(names))


FORMAT_NAMES = "html,json,md,csv,sarif,junit"  # auditor.report.FORMATS, without importing it for --help


def add_input_flags(p: argparse.ArgumentParser, *, settings_help: str) -> None:
    """The inputs of an audit (audit, plan): policies, the settings snapshot, waivers."""
    p.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="FILE",
        help="policy file or bundled policy name (repeatable; rules add up)",
    )
    p.add_argument("--settings", metavar="FILE", help=settings_help)
    p.add_argument("--waivers", action="append", default=[], metavar="FILE", help="Waivers file (repeatable)")


def add_report_flags(p: argparse.ArgumentParser) -> None:
    """The flags of every command that writes reports (audit, merge)."""
    from ..verdict import FAIL_ON_CHOICES, FAIL_ON_HELP

    p.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR", help="output folder (default: reports/)")
    p.add_argument(
        "--format",
        type=format_list,
        default=None,
        metavar="LIST",
        help=f"comma-separated: {FORMAT_NAMES} (default: html,json)",
    )
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        default="fail",
        metavar="{fail,warn,never,critical,high,medium,low}",
        help=FAIL_ON_HELP,
    )
    p.add_argument(
        "--framework",
        action="append",
        default=[],
        metavar="NAME",
        help="show only this framework's roll-up (repeatable): nist-800-53, iso-27001, cis-v8.1, soc2, "
        "owasp-mcp-top10 (default: all; `rovo-audit controls --frameworks` lists the mappings)",
    )
    p.add_argument(
        "--sarif-root",
        type=Path,
        default=None,
        metavar="DIR",
        help="the repository root results.sarif's URIs are relative to (default: git's top level of the "
        "first policy's folder, else the working folder)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")


def framework_names(names: Sequence[str]) -> tuple[str, ...]:
    """--framework values, checked against frameworks.yaml (usage error naming the choices)."""
    from ..catalog import frameworks

    known = tuple(frameworks().frameworks)
    for name in names:
        require(name in known, f"--framework {name}: no such framework (choices: {', '.join(known)})")
    return tuple(dict.fromkeys(names))


def run_clock(as_of: dt.datetime | None) -> dt.datetime:
    """The run's clock: --as-of when given, else now (UTC, to the second)."""
    return as_of or dt.datetime.now(dt.UTC).replace(microsecond=0)


def select_orgs(orgs: Sequence[Org], wanted: Sequence[str], path: str) -> list[Org]:
    """The orgs of a snapshot named by id or name (every org when none is named)."""
    if not wanted:
        return list(orgs)
    missing = [w for w in wanted if not any(w in (o.id, o.name) for o in orgs)]
    if missing:
        raise UsageError(f"--org {missing[0]}: no such org in {path} (orgs: {', '.join(o.display_name for o in orgs)})")
    return [o for o in orgs if o.id in wanted or (o.name is not None and o.name in wanted)]


def require(condition: bool, message: str) -> None:
    if not condition:
        raise UsageError(message)
