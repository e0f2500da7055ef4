"""The framework roll-up as text: summary.md's section, the terminal's line, and the rows the
HTML report and SARIF use (auditor/evaluate/frameworks.py computes it; this only renders)."""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog import frameworks
from ..evaluate.frameworks import FrameworkRollup
from .safe import md_text, md_ticked

NOT_ASSESSED = "not assessed"
MD_BEHIND = 5  # findings named per requirement in summary.md (the report lists them all)


def tags(control: str) -> list[str]:
    """SARIF rule tags: `<framework>/<requirement>` for every mapping of the control."""
    return [f"{fw}/{req}" for fw, reqs in frameworks().of(control).items() for req in reqs]


def mapping_line(control: str) -> str:
    """A control's mappings in one line, for a card and the controls table:
    "nist-800-53 AC-6, CM-7; iso-27001 8.3; …" ("" for a control nothing maps)."""
    return "; ".join(f"{fw} {', '.join(reqs)}" for fw, reqs in frameworks().of(control).items())


def counts_line(fw: FrameworkRollup) -> str:
    c = fw.counts
    return ", ".join(f"{n} {s}" for s, n in c.items()) or "nothing mapped"


def rollup_markdown(rollups: Sequence[FrameworkRollup], *, level: int = 2) -> list[str]:
    """Per framework: its requirements' counts, then a table of those that do not pass."""
    if not rollups:
        return []
    h = "#" * level
    lines = [
        f"{h} Framework roll-up",
        "",
        "Each requirement takes the worst status of the findings of the controls mapped to it "
        "(rovo-audit's judgement, with the reason per control in `rovo-audit controls`); "
        f"“{NOT_ASSESSED}” means no policy asked for those controls.",
        "",
    ]
    for fw in rollups:
        lines += [f"{h}# {md_text(fw.name)}: {counts_line(fw)}", ""]
        open_ = [r for r in fw.requirements if r.status not in ("pass", "waived", NOT_ASSESSED)]
        if not open_:
            lines += ["No requirement has a failing, unknown or warned finding behind it.", ""]
            continue
        # the requirement first: a row is about it, not a finding (summary.md's finding rows start with a status)
        lines += ["| requirement | status | controls | findings behind it |", "| --- | --- | --- | --- |"]
        for r in open_:
            behind = ", ".join(
                md_ticked(f"{org} {control}{' ' + subject if subject else ''}", in_table=True)
                for org, control, subject in r.blocking[:MD_BEHIND]
            )
            more = r.blocked - len(r.blocking)
            if more > 0:
                behind += f" and {more} more"
            lines.append(
                f"| {md_text(r.id)} {md_text(r.title)} | {r.status} | {', '.join(r.controls)} | {behind or '—'} |"
            )
        lines.append("")
    return lines


def mappings_text() -> str:
    """`rovo-audit controls --frameworks`: each control's mappings and the reason, then the sources."""
    data = frameworks()
    out: list[str] = []
    for cid in data.mappings:
        out.append(cid)
        for fw_name, reqs in data.of(cid).items():
            titles = data.frameworks[fw_name].requirements
            out.append(f"  {fw_name:<16} " + "; ".join(f"{r} {titles[r]}" for r in reqs))
        out.append(f"  why: {data.why(cid)}")
    out.append("")
    out.append(f"Mappings are rovo-audit's judgement (auditor/data/frameworks.yaml, as of {data.as_of}); sources:")
    for fw_id, fw in data.frameworks.items():
        out.append(f"  {fw_id:<16} {fw.name}, {fw.edition}: {fw.source}")
    return "\n".join(out) + "\n"
