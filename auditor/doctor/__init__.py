"""`rovo-audit doctor`: walk the layers between an MCP client and the Rovo MCP server in the
order a client meets them, and name the first one that breaks, with the admin's fix.

    from auditor.doctor import DoctorOptions, run_doctor, explain

    report = run_doctor(options)      # DoctorReport: ordered StepResults (stable DOC-* codes)
    report.first_failure, report.exit_status
    explain("access_denied - Unauthorized")   # offline: known messages, causes best first

- steps.py: the runner and the ordered step table; steps_*.py: one module per layer
  (endpoint, auth discovery, credential, settings, MCP session); context.py: what a step is
  handed (Run, what earlier steps saw; Out, which builds its result). Steps only read: dynamic
  client registration and tool calls happen only when the options ask for them.
- knowledge.py: auditor/data/known_errors.yaml (messages → causes → fixes), shared by
  `--explain` and by the live steps, which read the server's own error texts with it.
- facts.py: credential_shapes.yaml, mcp_endpoints.yaml, mcp_auth.yaml (scope families,
  accepted credentials, status page), known_bugs.yaml (open Atlassian bugs) and, shared with
  collect through auditor/collect/tool_groups.py, tool_groups.yaml.
The HTTP side is auditor.mcpclient; origin checks reuse auditor.patterns. What the doctor
found is rendered by auditor.report.doctor (terminal, doctor.json, doctor.html) and
auditor.report.explain (`--explain`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .knowledge import Cause, Match, explain
    from .model import DoctorOptions, DoctorReport, StepResult
    from .steps import run_doctor, step_codes

# Imported on first use: `--explain` works offline and must not pay for httpx or the MCP client.
_LAZY = {
    "Cause": "knowledge",
    "Match": "knowledge",
    "explain": "knowledge",
    "DoctorOptions": "model",
    "DoctorReport": "model",
    "StepResult": "model",
    "run_doctor": "steps",
    "step_codes": "steps",
}
__all__ = ["Cause", "DoctorOptions", "DoctorReport", "Match", "StepResult", "explain", "run_doctor", "step_codes"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
