"""The GitHub Actions job summary: the Markdown summary, with the diff when there is one."""

from __future__ import annotations

import os
import sys

from ..model.results import Results
from .interface import ReportContext

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
# GitHub drops a step's summary whole when it is over 1 MiB ("Job summary is too large");
# what is written stays under that, with room for the other steps of the job.
LIMIT_BYTES = 1024 * 1024 - 64 * 1024
CUT_NOTE = (
    "\n\n**Cut here**: GitHub shows at most 1 MiB of a step's summary. The whole summary is "
    "`summary.md`, and every finding is in `report.html`, in the audit's output folder (keep them as artifacts)."
)


def step_summary_markdown(results: Results, context: ReportContext | None, limit: int = LIMIT_BYTES) -> str:
    """summary.md as the run wrote it ("Since the last review" included when there is a
    history), cut at a line boundary under `limit` bytes with a note where to read the rest."""
    from .markdown import MarkdownFormat  # here, not above: every audit imports this module (0.1 s)

    text = MarkdownFormat().render(results, context or ReportContext()).rstrip("\n") + "\n"
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    room = limit - len(CUT_NOTE.encode("utf-8")) - 1
    head = raw[:room].decode("utf-8", "ignore")
    head = head[: head.rfind("\n")] if "\n" in head else ""
    return head + CUT_NOTE + "\n"


def append_step_summary(results: Results, context: ReportContext | None, environ: dict[str, str] | None = None) -> None:
    """When GitHub Actions gives a job-summary file, append the Markdown summary to it.

    Appended, not replaced: other steps of the job write to the same file. A failure to
    write is a warning: the audit's own outputs and exit status matter more.
    """
    path = (environ if environ is not None else os.environ).get(STEP_SUMMARY)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(step_summary_markdown(results, context) + "\n")
    except OSError as e:
        print(f"rovo-audit: warning: cannot append to {STEP_SUMMARY} ({path}): {e.strerror}", file=sys.stderr)
