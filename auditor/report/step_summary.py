"""The GitHub Actions job summary: the Markdown summary, with the diff when there is one."""

from __future__ import annotations

import os
import sys

from ..model.results import Results
from .interface import ReportContext
from .markdown import MarkdownFormat

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def step_summary_markdown(results: Results, context: ReportContext | None) -> str:
    """summary.md as the run wrote it ("Since the last review" included when there is a history)."""
    text = MarkdownFormat().render(results, context or ReportContext())
    return text.rstrip("\n") + "\n"


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
