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
from .safe import hyperlink, styled, terminal
from .unknowns import group_unknowns


def _whose(names: dict[str, str], org: str) -> str:
    return f"[{names[org]}] " if org in names else ""


# A line of the summary as segments: (text, style). Text from data has no style; a style names
# one of our own tokens (a status, a severity, the verdict), coloured after the text is made safe.
Segment = tuple[str, str | None]


def audit_summary(
    results: Results,
    written: Sequence[Path],
    fail_on: str,
    *,
    colour: bool = False,
    hyperlinks: bool = False,
    frameworks: Sequence[str] = (),
) -> str:
    """The summary, every part made safe for a terminal (`safe.terminal`); with `colour`, our own
    tokens in colour, with `hyperlinks` report.html's link an OSC 8 hyperlink too (either way,
    print it to the stream below SafeStream, which would show the sequences as text)."""
    lines = []
    for row in _summary_rows(results, written, fail_on, frameworks):
        parts = []
        for text, style in row:
            safe = terminal(text)
            if style == "link":
                parts.append(hyperlink(safe, safe) if hyperlinks else safe)
            else:
                parts.append(styled(safe, style) if colour and style else safe)
        lines.append("".join(parts))
    return "\n".join(lines)


def _verdict_style(verdict: str) -> str:
    return "blocked" if verdict.startswith("Blocked") else "ready" if verdict.startswith("Ready") else "note"


def _summary_rows(
    results: Results, written: Sequence[Path], fail_on: str, frameworks: Sequence[str] = ()
) -> list[list[Segment]]:
    r = results
    s = r.summary
    verdict = verdict_text(r.findings, fail_on)
    rows: list[list[Segment]] = [
        [
            (verdict, _verdict_style(verdict)),
            (
                f"  ({len(r.orgs)} org{'s' if len(r.orgs) != 1 else ''}, "
                f"{len(r.findings)} checks: {s['pass']} pass, {s['fail']} fail, {s['warn']} warn, "
                f"{s['unknown']} unknown, {s['waived']} waived)",
                None,
            ),
        ]
    ]
    # The unknowns one uncollected section holds back are one line, as in the reports. With
    # several orgs each line says whose it is.
    alone, groups = group_unknowns(shown_blocking(r.findings, fail_on))
    names = {o.id: o.name or o.id for o in r.orgs} if len(r.orgs) > 1 else {}
    entries: list[tuple[tuple[int, tuple[str, str, int, str]], list[Segment]]] = []
    for f in alone:
        subject = f" {f.subject}" if f.subject is not None else ""
        fix = f": {f.remediation.summary}" if f.remediation is not None else ""
        entries.append(
            (
                (SEVERITY_RANK.get(f.severity, 9), f.sort_key),
                [
                    ("  ", None),
                    (f"{f.status:<7}", f.status),
                    (" ", None),
                    (f"{f.severity:<8}", f.severity),
                    (f" {_whose(names, f.org)}{f.control}{subject}{fix}", None),
                ],
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
                [
                    ("  ", None),
                    ("unknown", "unknown"),
                    (" ", None),
                    (f"{g.severity:<8}", g.severity),
                    (f" {_whose(names, g.findings[0].org)}{held}: {g.remediation.summary}", None),
                ],
            )
        )
    entries.sort(key=lambda e: e[0])
    top = entries[:10]
    rows += [segments for _, segments in top]
    more = len(entries) - len(top)
    if more > 0:
        rows.append([(f"  ... and {more} more", None)])
    ahead = sections_dated_after(r)
    if ahead:
        shown = ", ".join(f"{org} {section}" for org, section in ahead[:3]) + (" ..." if len(ahead) > 3 else "")
        rows.append(
            [
                ("  ", None),
                ("warning", "warn"),
                (
                    f": the evidence of {len(ahead)} settings section(s) is dated after the as-of time "
                    f"{iso(r.as_of)} ({shown}): the audit judged what it could not yet have seen",
                    None,
                ),
            ]
        )
    if r.expired_waivers:
        rows.append(
            [(f"  {len(r.expired_waivers)} waiver(s) expired or unreadable; {len(r.unused_waivers)} unused", None)]
        )
    elif r.unused_waivers:
        rows.append([(f"  {len(r.unused_waivers)} unused waiver(s)", None)])
    rows += [[(line, None)] for line in _code_scanning_note(r, written)]
    if frameworks:  # asked for by --framework: each one's requirements by status
        from ..evaluate.frameworks import rollup
        from .frameworks import counts_line

        for fw in rollup(r.findings, frameworks, behind=0):
            rows.append([(f"  {fw.name}: {counts_line(fw)}", None)])
    for path in written:
        rows.append([(f"  wrote {path}", None)])
    report = next((p for p in written if p.name == "report.html"), None)
    if report is not None:  # last: the one line to click (or copy) to open the report
        rows.append([("  open ", None), (report.absolute().as_uri(), "link")])
    return rows


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
