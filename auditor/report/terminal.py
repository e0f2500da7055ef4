"""Terminal text: the audit's summary (the verdict line, the ten most urgent findings, what was
written) and the history's run list."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..model.common import SEVERITY_RANK, iso
from ..model.results import Results
from ..model.runs import RunSummary
from ..verdict import shown_blocking, verdict_text


def audit_summary(results: Results, written: Sequence[Path], fail_on: str) -> str:
    r = results
    s = r.summary
    lines = [
        f"{verdict_text(r.findings, fail_on)}  ({len(r.orgs)} org{'s' if len(r.orgs) != 1 else ''}, "
        f"{len(r.findings)} checks: {s['pass']} pass, {s['fail']} fail, {s['warn']} warn, "
        f"{s['unknown']} unknown, {s['waived']} waived)",
    ]
    worst = sorted(shown_blocking(r.findings, fail_on), key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.sort_key))
    top = worst[:10]
    for f in top:
        subject = f" {f.subject}" if f.subject is not None else ""
        lines.append(f"  {f.status:<7} {f.severity:<8} {f.control}{subject}: {f.remediation.summary}")
    more = len(worst) - len(top)
    if more > 0:
        lines.append(f"  ... and {more} more")
    if r.expired_waivers:
        lines.append(f"  {len(r.expired_waivers)} waiver(s) expired or unreadable; {len(r.unused_waivers)} unused")
    elif r.unused_waivers:
        lines.append(f"  {len(r.unused_waivers)} unused waiver(s)")
    for path in written:
        lines.append(f"  wrote {path}")
    return "\n".join(lines)


def history_list(names: Sequence[str], rows: Sequence[RunSummary | InputError]) -> str:
    """`rovo-audit history list`: one line per entry, oldest first; an unreadable one says why."""
    lines = []
    for name, row in zip(names, rows, strict=True):
        if isinstance(row, InputError):
            lines.append(f"{name}  unreadable: {row}")
            continue
        counts = ", ".join(f"{n} {k}" for k, n in row.summary.items())
        lines.append(f"{name}  as of {iso(row.as_of)}  {len(row.orgs)} org(s)  {counts}")
    return "".join(f"{line}\n" for line in lines)
