"""The audit pipeline in one place: load → evaluate → report. The CLI and `collect` call it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import bundled, parallel
from .atomic import Data, Pending, Same, Writer, write_set
from .errors import InputError, Location, Problem
from .evaluate.engine import evaluate
from .history.store import entry_name
from .load.documents import Loaded, load_file, load_text
from .load.yamlpos import YamlDocument
from .model.policy import Policy
from .model.results import Results
from .model.settings import OrgSettings
from .model.waivers import Waivers
from .report.formats import FORMATS
from .report.interface import ReportContext
from .report.json_format import JsonFormat
from .verdict import blocking

if TYPE_CHECKING:  # imported where used: an audit without html/md or a history loads neither (0.1 s)
    from .history.review import HistoryOptions
    from .plan.model import Plan

PLANNED_FORMATS = frozenset({"html", "md"})  # the outputs that carry the remediation plan
# How the pipeline tells a caller where it is (report/progress.py draws it on a terminal):
# a stage name and its counts. Called between stages only, never from evaluation.
OnStage = Callable[[str, Mapping[str, int]], None]
Planner = Callable[[], "Plan"]  # makes the remediation plan when a report needs it


def _silent(stage: str, counts: Mapping[str, int]) -> None:
    return None


def load_policy(name: str) -> Loaded[Policy]:
    """A policy path, or the name of a bundled policy (`baseline`, ...)."""
    path = Path(name)
    if not path.exists() and "/" not in name and name.removesuffix(".yaml") in bundled.policy_names():
        res = bundled.policy_file(name)
        return load_text(
            res.read_text(encoding="utf-8"), f"policies/{name.removesuffix('.yaml')}.yaml", expect="Policy"
        )
    if not path.exists():
        hint = f"; bundled policies: {', '.join(bundled.policy_names())}" if "/" not in name else ""
        raise InputError(Problem(Location(name, 1, 1), f"no such file{hint}"))
    return load_file(path, expect="Policy")


@dataclass(frozen=True, slots=True)
class AuditInputs:
    policies: tuple[Loaded[Policy], ...]
    settings: Loaded[OrgSettings]
    waivers: tuple[Loaded[Waivers], ...]

    @classmethod
    def from_paths(
        cls,
        policies: Sequence[str],
        settings: str,
        waivers: Sequence[str] = (),
        parsed: Callable[[], YamlDocument] | None = None,
    ) -> AuditInputs:
        """The files loaded in this order, so a first error is the same whatever else is bad;
        `parsed`: the settings file's document, parsed elsewhere meanwhile (load/prefetch.py)."""
        return cls(
            tuple(load_policy(p) for p in policies),
            load_file(settings, expect="OrgSettings", parsed=parsed() if parsed is not None else None),
            tuple(load_file(w, expect="Waivers") for w in waivers),
        )

    @classmethod
    def demo(cls, policies: Sequence[str] = (), waivers: Sequence[str] = ()) -> AuditInputs:
        """The bundled sample org against the bundled baseline (or the policies given)."""
        text = bundled.demo_settings().read_text(encoding="utf-8")
        return cls(
            tuple(load_policy(p) for p in (policies or ["baseline"])),
            load_text(text, "demo-org.settings.yaml (bundled)", expect="OrgSettings"),
            tuple(load_file(w, expect="Waivers") for w in waivers),
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    results: Results
    written: tuple[Path, ...]
    fail_on: str
    context: ReportContext | None = None  # what the reports were given (history, review)

    @property
    def exit_status(self) -> int:
        return 1 if blocking(self.results.findings, self.fail_on) else 0

    def terminal_summary(self) -> str:
        from .report.terminal import audit_summary

        return audit_summary(self.results, self.written, self.fail_on)


def run_audit(
    inputs: AuditInputs,
    *,
    as_of: dt.datetime,
    generated_at: dt.datetime | None,
    out: Path,
    formats: Sequence[str],
    fail_on: str = "fail",
    context: ReportContext | None = None,
    history: HistoryOptions | None = None,
    plan: bool = True,
    on_stage: OnStage = _silent,
) -> Outcome:
    on_stage("evaluate", {"orgs": len(inputs.settings.model.orgs)})
    results = evaluate(inputs.policies, inputs.settings, inputs.waivers, as_of=as_of, generated_at=generated_at)
    planner: Planner | None = None
    if plan and PLANNED_FORMATS & set(formats):  # the reports people read open with the ordered plan

        def planner() -> Plan:
            from .plan import make_plan

            return make_plan(inputs.policies, inputs.settings, inputs.waivers, as_of=as_of, judged=results)

    return report_results(
        results,
        out=out,
        formats=formats,
        fail_on=fail_on,
        context=context,
        history=history,
        on_stage=on_stage,
        planner=planner,
    )


def report_results(
    results: Results,
    *,
    out: Path,
    formats: Sequence[str],
    fail_on: str = "fail",
    context: ReportContext | None = None,
    history: HistoryOptions | None = None,
    on_stage: OnStage = _silent,
    planner: Planner | None = None,
) -> Outcome:
    """Write the reports; with a history, compare with the previous run first and store this one after.
    With a `planner`, the reports that carry the plan (PLANNED_FORMATS) are made with its plan,
    on the other core while the rest is written when that pays (auditor/parallel.py)."""
    context = replace(context or ReportContext(), fail_on=fail_on)
    if history is not None:
        from .history.review import prepare

        context = replace(context, review=prepare(history, results))
    planned = [name for name in formats if name in PLANNED_FORMATS] if planner is not None else []
    if planned:
        on_stage("plan", {"orgs": len(results.orgs), "checks": len(results.findings)})
    later = _planned_reports(results, planned, context, planner) if planner is not None and planned else None
    on_stage(f"render {', '.join(formats)}", {"checks": len(results.findings)})
    try:
        return _write_reports(results, out, formats, fail_on, context, history, on_stage, later)
    finally:
        if later is not None:
            later.cancel()


def _planned_reports(
    results: Results, names: Sequence[str], context: ReportContext, planner: Planner
) -> parallel.Later:
    def work() -> dict[str, bytes]:
        with_plan = replace(context, plan=planner())
        rendered = {FORMATS[n].filename: FORMATS[n]().render(results, with_plan) for n in names}
        return {name: text.encode("utf-8") if isinstance(text, str) else text for name, text in rendered.items()}

    return parallel.Later(work, pays=len(results.findings) >= parallel.MIN_FINDINGS)


def _write_reports(
    results: Results,
    out: Path,
    formats: Sequence[str],
    fail_on: str,
    context: ReportContext,
    history: HistoryOptions | None,
    on_stage: OnStage,
    later: parallel.Later | None,
) -> Outcome:
    files: dict[str, Data] = dict(render_reports(results, formats, context, later, on_stage))  # all before writing any
    late = None  # a history entry outside `out` is written after the set, on its own
    if history is not None:  # the history keeps results.json even when not asked for
        entry = history.folder / entry_name(results.generated_at, history.digest)
        json_name = FORMATS["json"].filename
        try:
            name = entry.resolve().relative_to(out.resolve()).as_posix()
            files[name] = Same(json_name) if json_name in files else _results_writer(results, context)
        except ValueError:
            late = _results_writer(results, context)
    on_stage("write", {"files": len(files)})
    written = write_set(out, files)  # every file, or none: auditor/atomic.py
    if history is not None and late is not None:
        from .history.review import record

        written.append(record(history, results, late))
    return Outcome(results, tuple(written), fail_on, context)


def render_reports(
    results: Results,
    formats: Sequence[str],
    context: ReportContext,
    later: parallel.Later | None = None,
    on_stage: OnStage = _silent,
) -> dict[str, Data]:
    """Every requested output by file name: in memory, but results.json (which can be 50+ MB)
    as a writer that streams it to its staged file, and those `later` makes (the ones that
    carry the plan) as pending until it has."""

    def waited(filename: str) -> bytes:
        assert later is not None
        if later.forked:  # what the run now waits for (a progress line says so)
            on_stage("plan", {"orgs": len(results.orgs), "checks": len(results.findings)})
        return later.get()[filename]

    def one(name: str) -> Data:
        filename = FORMATS[name].filename
        if name == "json":
            return _results_writer(results, context)
        if later is not None and name in PLANNED_FORMATS:
            return Pending(lambda: waited(filename))
        return FORMATS[name]().render(results, context)

    return {FORMATS[name].filename: one(name) for name in formats}


def _results_writer(results: Results, context: ReportContext) -> Writer:
    return lambda fh: JsonFormat().stream(results, context, fh)
