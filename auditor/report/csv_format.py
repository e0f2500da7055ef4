"""`action-plan.csv`: one row per finding that is not `pass`, for the tracker a compliance team
already keeps. RFC 4180 (CRLF, quotes doubled, fields quoted only when needed), UTF-8 without
a byte-order mark, deterministic. Empty owner, due_date and justification columns are left
for the team to fill in.

Values come from org settings and policies that people type, and spreadsheets run a cell that
starts with `=`, `+`, `-` or `@` as a formula (CSV injection): such cells get a leading `'`,
as do cells starting with a tab or carriage return, which some spreadsheets skip first.
"""

from __future__ import annotations

import csv
import io
import re

from ..model.results import Finding, Results, urgency
from .interface import Format, ReportContext

COLUMNS: tuple[str, ...] = (
    "control",
    "org",
    "org_name",
    "subject",
    "status",
    "severity",
    "remediation",
    "value",
    "policy_ref",
    "owner",
    "due_date",
    "justification",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TICKS = re.compile(r"`([^`]*)`")  # remediation texts quote values in backticks; a spreadsheet shows them bare


def cell(value: str | None) -> str:
    """A value as a CSV cell: empty for None; a leading quote where a spreadsheet would compute."""
    if value is None:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def row(f: Finding) -> list[str]:
    rem = f.remediation  # none on a pass, and passes get no row
    return [
        cell(v)
        for v in (
            f.control,
            f.org,
            f.org_name,
            f.subject,
            f.status,
            f.severity,
            _TICKS.sub(r"\1", rem.summary) if rem else None,
            rem.value if rem else None,
            f.policy_ref,
            None,
            None,
            None,
        )
    ]


def _order(f: Finding) -> tuple[object, ...]:
    return (f.org, *urgency(f))  # most urgent first within an org


class CsvFormat(Format):
    name = "csv"
    filename = "action-plan.csv"

    def render(self, results: Results, context: ReportContext) -> str:
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        for f in sorted((f for f in results.findings if f.status != "pass"), key=_order):
            writer.writerow(row(f))
        return buf.getvalue()
