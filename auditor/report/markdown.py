"""`summary.md`: the verdict and what to fix, short enough for a pull request or a ticket."""

from __future__ import annotations

from ..evaluate.frameworks import rollup
from ..model.results import Finding, Results, urgency
from ..verdict import shown_blocking, verdict_text
from .frameworks import MD_BEHIND, rollup_markdown
from .interface import Format, ReportContext, iso
from .plan import plan_markdown
from .safe import md_code, md_text, md_ticked
from .unknowns import group_unknowns

REVIEW_ROWS = 50  # changes listed under "Since the last review" (`rovo-audit diff` lists all)


def md_cell(text: str | None) -> str:
    """Untrusted text in a table cell or a heading: rendered verbatim by GitHub (no emphasis,
    link, image or HTML from data; values in backticks as code spans; one line)."""
    return "—" if not text else md_ticked(text, in_table=True)


class MarkdownFormat(Format):
    name = "md"
    filename = "summary.md"

    def render(self, results: Results, context: ReportContext) -> str:
        s = results.summary
        lines = [
            f"# Rovo MCP audit: {verdict_text(results.findings, context.fail_on)}",
            "",
            f"As of {iso(results.as_of)} · policies: {', '.join(md_code(p.name) for p in results.policies)} · "
            f"settings: {md_code(results.settings_path) if results.settings_path else '—'}",
            "",
            "| pass | fail | warn | unknown | waived |",
            "| ---: | ---: | ---: | ---: | ---: |",
            f"| {s['pass']} | {s['fail']} | {s['warn']} | {s['unknown']} | {s['waived']} |",
            "",
        ]
        if context.plan is not None and (context.plan.steps or context.plan.unresolvable):
            lines += [*plan_markdown(context.plan, level=2).splitlines(), ""]
        by_org: dict[str, list[Finding]] = {}
        for f in results.findings:
            if f.status != "pass":
                by_org.setdefault(f.org, []).append(f)
        for org in results.orgs:
            todo = by_org.get(org.id, [])
            name = org.name or org.id
            if not any(org.counts.values()):
                lines += [
                    f"## {md_cell(name)} (not checked)",
                    "",
                    "No policy covers this org: nothing was evaluated.",
                    "",
                ]
                continue
            blocking = shown_blocking(todo, context.fail_on)
            state = "ready" if not blocking else f"blocked by {len(blocking)}"
            lines += [f"## {md_cell(name)} ({state})", ""]
            if not todo:
                lines += ["Every check passed.", ""]
                continue
            lines += ["| status | severity | control | subject | what to do |", "| --- | --- | --- | --- | --- |"]
            alone, groups = group_unknowns(todo)
            rows: list[tuple[tuple[int, int, str, bool, str], str]] = []
            for f in alone:
                summary = f.remediation.summary if f.remediation is not None else ""
                rows.append(
                    (
                        urgency(f),
                        f"| {f.status} | {f.severity} | {f.control} | {md_cell(f.subject)} | {md_cell(summary)} |",
                    )
                )
            for g in groups:  # one entry per section not collected, with the controls it holds back
                n = len(g.findings)
                held = f"{g.label} not (fully) collected: {n} check{'s' if n != 1 else ''} held back"
                rows.append(
                    (
                        g.sort_key,
                        f"| unknown | {g.severity} | {', '.join(g.controls)} | {md_cell(held)} | "
                        f"{md_cell(g.remediation.summary)} |",
                    )
                )
            rows.sort(key=lambda r: r[0])
            lines += [line for _, line in rows]
            lines.append("")
        if results.expired_waivers or results.unused_waivers:
            lines += ["## Waivers to review", ""]
            for w in results.expired_waivers:
                lines.append(
                    f"- {w.why}: {w.control} {md_cell(w.subject)} (expires {md_text(w.expires)}, {md_text(w.ref)})"
                )
            for w in results.unused_waivers:
                lines.append(
                    f"- unused: {w.control} {md_cell(w.subject)} (expires {md_text(w.expires)}, {md_text(w.ref)})"
                )
            lines.append("")
        lines += rollup_markdown(rollup(results.findings, context.frameworks, behind=MD_BEHIND))
        review = context.review
        if review is not None and review.diff is not None:
            from .diff import render_markdown  # diff.py uses md_cell from here

            lines += [render_markdown(review.diff, limit=REVIEW_ROWS).rstrip("\n"), ""]
        elif review is not None and review.skipped:
            lines += [
                "## Since the last review",
                "",
                "No earlier run in the history could be read for a comparison "
                f"(skipped: {', '.join(md_cell(s) for s in review.skipped)}).",
                "",
            ]
        return "\n".join(lines)
