"""Waivers turn fail/warn/unknown into `waived`, keeping the original status beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..load.documents import Loaded
from ..model.results import AppliedWaiver, Finding, WaiverNote
from ..model.waivers import Waiver, Waivers

WAIVABLE = frozenset({"fail", "warn", "unknown"})


def _note(w: Waiver, ref: str, why: str) -> WaiverNote:
    return WaiverNote(w.control, w.subject, w.org, w.reason, w.approved_by, w.expires_text, ref, why)


def _matches(w: Waiver, f: Finding) -> bool:
    if w.control != f.control:
        return False
    if w.subject is not None and w.subject != f.subject:
        return False
    return w.org is None or w.org in (f.org, f.org_name)


def apply_waivers(
    findings: Sequence[Finding], docs: Sequence[Loaded[Waivers]], as_of: dt.datetime
) -> tuple[list[Finding], list[WaiverNote], list[WaiverNote]]:
    """Returns (findings, unused waivers, expired waivers). The first active match wins."""
    today = as_of.date()
    active: list[tuple[Waiver, str]] = []
    expired: list[WaiverNote] = []
    for doc in docs:
        for i, w in enumerate(doc.model.waivers):
            ref = doc.at("waivers", i).ref
            expiry = w.expiry
            if expiry is None:
                expired.append(_note(w, ref, "unparsable-expiry"))
            elif expiry < today:
                expired.append(_note(w, ref, "expired"))
            else:
                active.append((w, ref))
    if not active:
        return list(findings), [], expired
    by_control: dict[str, list[int]] = {}
    for idx, (w, _) in enumerate(active):
        by_control.setdefault(w.control, []).append(idx)
    used = [False] * len(active)
    out: list[Finding] = []
    for f in findings:
        if f.status in WAIVABLE:
            for idx in by_control.get(f.control, ()):
                w, ref = active[idx]
                if _matches(w, f):
                    used[idx] = True
                    f = f._replace(
                        status="waived",
                        original_status=f.status,
                        waiver=AppliedWaiver(w.reason, w.approved_by, w.expires_text, ref),
                    )
                    break
        out.append(f)
    unused = [_note(w, ref, "unused") for (w, ref), u in zip(active, used, strict=True) if not u]
    return out, unused, expired
