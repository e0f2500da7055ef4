"""The doctor's outputs (auditor.doctor): the terminal checklist, `doctor.json` and `doctor.html`.

Every text passes through the credential's redaction before it is printed or written: the
steps never hold the secret, and this is the last guard should a server echo it back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..atomic import write_set
from ..doctor.knowledge import source as knowledge_source
from ..doctor.model import DoctorReport
from ..mcpclient import mask_email
from ..model import schemas
from ..model.common import iso
from .html import csp_hash
from .safe import json_safe, terminal
from .templating import environment

SCHEMA = schemas.DOCTOR
MARK = {"passed": "PASS", "failed": "FAIL", "warning": "WARN", "skipped": "SKIP"}
# The audit report's badge and card classes, reused so both pages read alike.
CSS_CLASS = {"passed": "pass", "failed": "fail", "warning": "warn", "skipped": "waived"}
_DOCTOR_CSS = (
    "ol.steps{list-style:none;padding:0}ol.steps>li{margin:.5rem 0}"
    ".card.pass{--c:var(--pass)}.card h3{margin:.1rem 0 .3rem;font-size:1.02rem}"
    ".first{outline:2px solid var(--fail);outline-offset:2px}details>summary{cursor:pointer;color:var(--muted)}"
)


def client_profile(name: str | None) -> dict[str, Any] | None:
    """The --client profile the run was judged for, and the dated data it came from."""
    if name is None:
        return None
    from ..doctor.profiles import profiles

    data = profiles()
    return {
        "id": name,
        "title": data.profiles[name].title,
        "data": "auditor/data/client_profiles.yaml",
        "as_of": data.as_of.isoformat(),
    }


def to_dict(report: DoctorReport) -> dict[str, Any]:
    o = report.options
    first = report.first_failure
    return {
        "schema": SCHEMA,
        "generated_at": iso(report.generated_at),
        "endpoint": o.url,
        "origin": o.origin,
        "credential": {
            "scheme": o.credentials.scheme,
            "account": mask_email(o.credentials.email) if o.credentials.email else None,
        },
        "settings": o.settings_path,
        "expect": list(o.expect),
        "offline": o.offline,
        "client": client_profile(o.client),
        "eras": list(report.eras),
        "verdict": report.verdict,
        "exit_status": report.exit_status,
        "summary": report.counts,
        "first_cause": None
        if first is None
        else {
            "step": first.code,
            "title": first.title,
            "summary": first.summary,
            "cause": first.causes[0].to_dict() if first.causes else None,
        },
        "steps": [s.to_dict() for s in report.steps],
        "knowledge": knowledge_source(),
    }


def render_json(report: DoctorReport) -> str:
    text = json_safe(json.dumps(to_dict(report), indent=2, ensure_ascii=False)) + "\n"
    return report.options.credentials.redact(text)


def render_html(report: DoctorReport) -> str:
    env = environment()
    css = env.get_template("_style.css.j2").render().strip() + "\n" + _DOCTOR_CSS
    csp = (
        f"default-src 'none'; style-src {csp_hash(css)}; img-src data:; base-uri 'none'; "
        "form-action 'none'; object-src 'none'"
    )
    html = env.get_template("doctor.html.j2").render(
        r=report,
        d=to_dict(report),
        css=Markup(css),
        csp=csp,
        css_class=CSS_CLASS,
        mark=MARK,
        first=report.first_failure,
    )
    # Autoescape handles <, & and quotes, not C0/C1 or bidi controls (a token claim or a
    # server's body may carry them): shown as code points, the terminal's rule (safe.py).
    # The template itself holds none but newlines, which the rule keeps; a server's CRLF line
    # ends are line ends, not a control to show.
    return terminal(report.options.credentials.redact(html).replace("\r\n", "\n"))


def render_text(report: DoctorReport, *, verbose: bool = False) -> str:
    o = report.options
    lines = [
        f"rovo-audit doctor: {o.url}",
        f"  credential: {o.credentials.label}"
        + (f" · origin: {o.origin}" if o.origin else "")
        + (f" · settings: {o.settings_path}" if o.settings_path else "")
        + (f" · MCP eras answered: {', '.join(report.eras)}" if report.eras else "")
        + (f" · client: {o.client}" if o.client else "")
        + (" · offline: no request sent" if o.offline else ""),
    ]
    first = report.first_failure
    for s in report.steps:
        lines.append(f"  {MARK[s.status]} {s.code:<17} {s.title}: {s.summary}")
        if verbose or s.status in ("failed", "warning"):
            lines.extend(f"       · {d}" for d in s.details)
        if s.status == "failed" or (s.status == "warning" and s.causes):
            for i, c in enumerate(s.causes[: 3 if s is first else 1], 1):
                lines.append(f"       cause {i}: {c.title} [{c.id}; fixed by: {c.who}]")
                lines.append(f"         fix: {c.fix.summary}")
                if s is first:
                    lines.extend(f"           - {step}" for step in c.fix.steps)
    counts = report.counts
    lines.append(f"Result: {report.verdict}")
    lines.append("  " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return o.credentials.redact("\n".join(lines))


def write(report: DoctorReport, folder: Path) -> tuple[Path, ...]:
    """doctor.json and doctor.html, both or neither (auditor/atomic.py)."""
    return tuple(write_set(folder, {"doctor.json": render_json(report), "doctor.html": render_html(report)}))
