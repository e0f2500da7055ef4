"""The audit pipeline in one place: load → evaluate → report. The CLI and `collect` call it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import bundled
from .errors import InputError, Location, Problem
from .evaluate.engine import evaluate
from .load.documents import Loaded, load_file, load_text
from .model.common import SEVERITY_RANK
from .model.results import Results
from .report import FORMATS, ReportContext, write_atomic
from .verdict import blocking, shown_blocking, verdict_text

if TYPE_CHECKING:
    from .history.review import HistoryOptions


def load_policy(name: str) -> Loaded:
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
    policies: tuple[Loaded, ...]
    settings: Loaded
    waivers: tuple[Loaded, ...]

    @classmethod
    def from_paths(cls, policies: Sequence[str], settings: str, waivers: Sequence[str] = ()) -> AuditInputs:
        return cls(
            tuple(load_policy(p) for p in policies),
            load_file(settings, expect="OrgSettings"),
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
        r = self.results
        s = r.summary
        lines = [
            f"{verdict_text(r.findings, self.fail_on)}  ({len(r.orgs)} org{'s' if len(r.orgs) != 1 else ''}, "
            f"{len(r.findings)} checks: {s['pass']} pass, {s['fail']} fail, {s['warn']} warn, "
            f"{s['unknown']} unknown, {s['waived']} waived)",
        ]
        worst = sorted(
            shown_blocking(r.findings, self.fail_on), key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.sort_key)
        )
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
        for path in self.written:
            lines.append(f"  wrote {path}")
        return "\n".join(lines)


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
) -> Outcome:
    results = evaluate(inputs.policies, inputs.settings, inputs.waivers, as_of=as_of, generated_at=generated_at)
    return report_results(results, out=out, formats=formats, fail_on=fail_on, context=context, history=history)


def report_results(
    results: Results,
    *,
    out: Path,
    formats: Sequence[str],
    fail_on: str = "fail",
    context: ReportContext | None = None,
    history: HistoryOptions | None = None,
) -> Outcome:
    """Write the reports; with a history, compare with the previous run first and store this one after."""
    context = replace(context or ReportContext(), fail_on=fail_on)
    if history is not None:
        from .history.review import context_for

        context = context_for(history, results, context)
    rendered = render_reports(results, formats, context)  # all before writing any: no partial set
    written = write_rendered(out, rendered)
    if history is not None:
        from .history.review import record

        json_text = rendered.get(FORMATS["json"].filename)
        written.append(record(history, results, json_text if isinstance(json_text, str) else None))
    return Outcome(results, tuple(written), fail_on, context)


def render_reports(results: Results, formats: Sequence[str], context: ReportContext) -> dict[str, str | bytes]:
    """Every requested output, in memory, by file name."""
    return {FORMATS[name].filename: FORMATS[name]().render(results, context) for name in formats}


def write_rendered(out: Path, rendered: dict[str, str | bytes]) -> list[Path]:
    written = []
    for filename, data in rendered.items():
        path = out / filename
        write_atomic(path, data)
        written.append(path)
    return written
