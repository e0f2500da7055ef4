"""Terminal text: the audit's summary (the verdict line, the ten most urgent findings, what was
written) and the history's run list."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..model.common import SECTION_OF_AREA, SEVERITY_RANK, iso
from ..model.results import Results
from ..model.runs import RunSummary
from ..verdict import shown_blocking, verdict_text
from .unknowns import group_unknowns


def _whose(names: dict[str, str], org: str) -> str:
    return f"[{names[org]}] " if org in names else ""


def audit_summary(results: Results, written: Sequence[Path], fail_on: str) -> str:
    r = results
    s = r.summary
    lines = [
        f"{verdict_text(r.findings, fail_on)}  ({len(r.orgs)} org{'s' if len(r.orgs) != 1 else ''}, "
        f"{len(r.findings)} checks: {s['pass']} pass, {s['fail']} fail, {s['warn']} warn, "
        f"{s['unknown']} unknown, {s['waived']} waived)",
    ]
    # The unknowns one uncollected section holds back are one line, as in the reports. With
    # several orgs each line says whose it is.
    alone, groups = group_unknowns(shown_blocking(r.findings, fail_on))
    names = {o.id: o.name or o.id for o in r.orgs} if len(r.orgs) > 1 else {}
    entries: list[tuple[tuple[int, tuple[str, str, int, str]], str]] = []
    for f in alone:
        subject = f" {f.subject}" if f.subject is not None else ""
        fix = f": {f.remediation.summary}" if f.remediation is not None else ""
        entries.append(
            (
                (SEVERITY_RANK.get(f.severity, 9), f.sort_key),
                f"  {f.status:<7} {f.severity:<8} {_whose(names, f.org)}{f.control}{subject}{fix}",
            )
        )
    for g in groups:
        n = len(g.findings)
        held = (
            f"{g.section} not (fully) collected, {n} check{'s' if n != 1 else ''} held back ({', '.join(g.controls)})"
        )
        entries.append(
            (
                (SEVERITY_RANK.get(g.severity, 9), g.findings[0].sort_key),
                f"  unknown {g.severity:<8} {_whose(names, g.findings[0].org)}{held}: {g.remediation.summary}",
            )
        )
    entries.sort(key=lambda e: e[0])
    top = entries[:10]
    lines += [line for _, line in top]
    more = len(entries) - len(top)
    if more > 0:
        lines.append(f"  ... and {more} more")
    ahead = sections_dated_after(r)
    if ahead:
        shown = ", ".join(f"{org} {section}" for org, section in ahead[:3]) + (" ..." if len(ahead) > 3 else "")
        lines.append(
            f"  warning: the evidence of {len(ahead)} settings section(s) is dated after the as-of time "
            f"{iso(r.as_of)} ({shown}): the audit judged what it could not yet have seen"
        )
    if r.expired_waivers:
        lines.append(f"  {len(r.expired_waivers)} waiver(s) expired or unreadable; {len(r.unused_waivers)} unused")
    elif r.unused_waivers:
        lines.append(f"  {len(r.unused_waivers)} unused waiver(s)")
    lines += _code_scanning_note(r, written)
    for path in written:
        lines.append(f"  wrote {path}")
    return "\n".join(lines)


def _code_scanning_note(r: Results, written: Sequence[Path]) -> list[str]:
    """A results.sarif larger than GitHub code scanning shows (or accepts) is said here too."""
    from .sarif import CODE_SCANNING_MAX, CODE_SCANNING_SHOWN, SarifFormat

    if not any(p.name == SarifFormat.filename for p in written):
        return []
    n = sum(f.status != "pass" for f in r.findings)
    if n > CODE_SCANNING_MAX:
        return [
            f"  note: results.sarif holds {n} results; GitHub code scanning rejects more than "
            f"{CODE_SCANNING_MAX:,} in a run (audit the orgs in shards)"
        ]
    if n > CODE_SCANNING_SHOWN:
        return [
            f"  note: results.sarif holds {n} results; GitHub code scanning shows only the first "
            f"{CODE_SCANNING_SHOWN:,} (the file lists the most severe first)"
        ]
    return []


def sections_dated_after(r: Results) -> list[tuple[str, str]]:
    """(org, settings section) whose evidence is dated after the run's as_of, in order."""
    seen: dict[tuple[str, str], None] = {}
    for f in r.findings:
        at = f.evidence.at
        if at is not None and at > r.as_of:
            section = f.subject if f.control == "RMCP-EVID-001" else SECTION_OF_AREA.get(f.area)
            seen.setdefault((f.org_name or f.org, section or f.area), None)
    return list(seen)


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
