"""`rovo-audit waivers FILE --settings S --policy P`: which waivers need attention.

Each waiver is in exactly one state, the first that holds: `expired` (its date has
passed), `unreadable` (its date cannot be read: it waives nothing), `unused` (in force but
matching no finding), `expiring` (in force, expiring within --expiring-days), `ok`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .history import non_negative
from .options import as_of, require, run_clock

HELP = """\
List the waivers that need attention: expired, unreadable, unused, and expiring within
--expiring-days (default 30). The audit itself decides which finding each waiver matches,
so give the same --settings and --policy files as the audit.

examples:
  rovo-audit waivers waivers.yaml --settings settings.yaml --policy baseline --policy ours.yaml
  rovo-audit waivers waivers.yaml --settings s.yaml --policy p.yaml --expiring-days 60 --format json

Exit status: 0 nothing expired, unreadable or unused (expiring ones are a heads-up);
1 some are; 2 bad input.
"""

STATES = ("expired", "unreadable", "unused", "expiring", "ok")


@dataclass(frozen=True, slots=True)
class WaiverState:
    ref: str
    control: str
    subject: str | None
    org: str | None
    reason: str
    approved_by: str
    expires: str
    state: str
    days_left: int | None
    waives: int  # findings it waives in this audit


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "waivers",
        help="list expired, expiring and unused waivers",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="Waivers file(s)")
    p.add_argument("--settings", metavar="FILE", help="OrgSettings snapshot the waivers apply to")
    p.add_argument(
        "--policy", action="append", default=[], metavar="FILE", help="policy file or bundled name (repeatable)"
    )
    p.add_argument("--as-of", type=as_of, default=None, metavar="ISO-DATE", help="pin the clock (default: now)")
    p.add_argument(
        "--expiring-days", type=non_negative, default=30, metavar="N", help="the heads-up window (default: 30)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--all", action="store_true", help="list the waivers that are ok too")
    p.set_defaults(handler=run)


def states(files: Sequence[Any], results: Any, today: dt.date, expiring_days: int) -> list[WaiverState]:
    expired = {w.ref: w.why for w in results.expired_waivers}
    unused = {w.ref for w in results.unused_waivers}
    waives: dict[str, int] = {}
    for f in results.findings:
        if f.waiver is not None:
            waives[f.waiver.ref] = waives.get(f.waiver.ref, 0) + 1
    out = []
    for doc in files:
        for i, w in enumerate(doc.model.waivers):
            ref = doc.at("waivers", i).ref
            expiry = w.expiry
            days = (expiry - today).days if expiry is not None else None
            if expired.get(ref) == "expired":
                state = "expired"
            elif expired.get(ref) is not None or expiry is None:
                state = "unreadable"
            elif ref in unused:
                state = "unused"
            elif days is not None and days <= expiring_days:
                state = "expiring"
            else:
                state = "ok"
            out.append(
                WaiverState(
                    ref,
                    w.control,
                    w.subject,
                    w.org,
                    w.reason,
                    w.approved_by,
                    w.expires_text,
                    state,
                    days,
                    waives.get(ref, 0),
                )
            )
    return out


def _when(s: WaiverState) -> str:
    if s.days_left is None:
        return f"expires {s.expires!r}: not a date, so it waives nothing"
    if s.days_left < 0:
        return f"expired {s.expires} ({-s.days_left} day{'s' if s.days_left != -1 else ''} ago)"
    return f"expires {s.expires} (in {s.days_left} day{'s' if s.days_left != 1 else ''})"


def run(args: argparse.Namespace) -> int:
    from ..evaluate.engine import evaluate
    from ..model import schemas
    from ..model.common import iso
    from ..pipeline import AuditInputs

    require(bool(args.settings), "waivers needs --settings FILE (the settings the waivers apply to)")
    require(bool(args.policy), "waivers needs at least one --policy FILE (the audit's policies)")
    inputs = AuditInputs.from_paths(args.policy, args.settings, args.files)
    now = run_clock(args.as_of)
    results = evaluate(inputs.policies, inputs.settings, inputs.waivers, as_of=now)
    found = states(inputs.waivers, results, now.date(), args.expiring_days)
    counts = {s: sum(1 for w in found if w.state == s) for s in STATES}
    if args.format == "json":
        doc = {
            "schema": schemas.WAIVERS,
            "as_of": iso(now),
            "expiring_days": args.expiring_days,
            "summary": counts,
            "waivers": [
                {
                    "ref": w.ref,
                    "control": w.control,
                    "subject": w.subject,
                    "org": w.org,
                    "state": w.state,
                    "expires": w.expires,
                    "days_left": w.days_left,
                    "waives": w.waives,
                    "reason": w.reason,
                    "approved_by": w.approved_by,
                }
                for w in found
            ],
        }
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        head = ", ".join(f"{n} {s}" for s, n in counts.items())
        print(f"{len(found)} waiver(s) as of {now.date().isoformat()}: {head}")
        order = {s: i for i, s in enumerate(STATES)}
        for w in sorted(found, key=lambda w: (order[w.state], w.ref)):
            if w.state == "ok" and not args.all:
                continue
            subject = f" {w.subject}" if w.subject else ""
            org = f" [{w.org}]" if w.org else ""
            use = (
                f"; waives {w.waives} finding{'s' if w.waives != 1 else ''}"
                if w.state not in ("expired", "unreadable")
                else ""
            )
            print(f"  {w.state:<10} {w.ref}  {w.control}{subject}{org}: {_when(w)}{use}; approved by {w.approved_by}")
    return 1 if counts["expired"] or counts["unreadable"] or counts["unused"] else 0
