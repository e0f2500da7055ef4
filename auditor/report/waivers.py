"""`rovo-audit waivers` output: the states of an audit's waivers (auditor.history.waivers) as
terminal text or JSON (`rovo-audit/waivers/v1`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from ..history.waivers import STATES, WaiverState, counts
from ..model import schemas
from ..model.common import iso
from .safe import json_safe


def _when(s: WaiverState) -> str:
    if s.days_left is None:
        return f"expires {s.expires!r}: not a date, so it waives nothing"
    if s.days_left < 0:
        return f"expired {s.expires} ({-s.days_left} day{'s' if s.days_left != -1 else ''} ago)"
    return f"expires {s.expires} (in {s.days_left} day{'s' if s.days_left != 1 else ''})"


def waivers_text(found: Sequence[WaiverState], now: dt.datetime, *, show_ok: bool = False) -> str:
    head = ", ".join(f"{n} {s}" for s, n in counts(found).items())
    lines = [f"{len(found)} waiver(s) as of {now.date().isoformat()}: {head}"]
    order = {s: i for i, s in enumerate(STATES)}
    for w in sorted(found, key=lambda w: (order[w.state], w.ref)):
        if w.state == "ok" and not show_ok:
            continue
        subject = f" {w.subject}" if w.subject else ""
        org = f" [{w.org}]" if w.org else ""
        use = (
            f"; waives {w.waives} finding{'s' if w.waives != 1 else ''}"
            if w.state not in ("expired", "unreadable")
            else ""
        )
        lines.append(
            f"  {w.state:<10} {w.ref}  {w.control}{subject}{org}: {_when(w)}{use}; approved by {w.approved_by}"
        )
    return "\n".join(lines) + "\n"


def waivers_json(found: Sequence[WaiverState], now: dt.datetime, expiring_days: int) -> str:
    doc = {
        "schema": schemas.WAIVERS,
        "as_of": iso(now),
        "expiring_days": expiring_days,
        "summary": counts(found),
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
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
