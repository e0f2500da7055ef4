"""An OrgSettings document as YAML: the snapshot `collect` writes and the plan's target settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model.common import iso
from ..model.settings import OrgSettings
from .yaml_text import dump_yaml

if TYPE_CHECKING:  # the plan writes settings too, without loading the HTTP client
    from ..collect.run import CollectOutcome
    from ..plan.model import Plan


def dump_snapshot(settings: OrgSettings, *, header: str = "") -> str:
    """Deterministic YAML (model field order; empty extension fields left out) that
    `rovo-audit validate` and the loader read back."""
    data = settings.model_dump(mode="json", exclude_none=True)
    for org in data["orgs"]:
        for key in ("collection_errors", "contradictions", "provenance", "cross_checked", "evidence", "sites"):
            if not org.get(key):
                org.pop(key, None)
    body = dump_yaml(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return header + body


def header_comment(outcome: CollectOutcome) -> str:
    lines = [
        f"# Written by `rovo-audit collect` at {iso(outcome.settings.collected_at)}.",
        "# Absent sections were not collected; collection_errors says why. Values an admin",
        "# attested carry source `attested`; contradictions keep the observed value.",
    ]
    return "\n".join(lines) + "\n"


def plan_header(plan: Plan, source: str) -> str:
    changed = sum(1 for s in plan.steps if s.change.action != "collect")
    lines = [
        f"# The target settings of `rovo-audit plan` as of {iso(plan.as_of)}: {source} with the plan's",
        f"# {changed} change{'s' if changed != 1 else ''} applied (plan.md lists them in the order to make them).",
        "# Changed sections carry evidence source `file`, by `rovo-audit plan`: this is a goal, not an observation.",
    ]
    return "".join(_comment(line) for line in lines)


def template_header(plan: Plan, policies: Sequence[str]) -> str:
    lines = [
        f"# What {', '.join(policies)} require{'s' if len(policies) == 1 else ''}, written by `rovo-audit plan` "
        f"as of {iso(plan.as_of)}.",
        "# A template to attest what no API shows: set the org's id and name, check every value against",
        "# Atlassian Administration (a value the policy leaves open is shown at its most locked-down), sign",
        "# each section (evidence.<section>.by and .at), then `rovo-audit collect --attest` this file.",
        "# rollout_checklist (where the policies ask for one) lists the to-dos no API shows: tick each",
        "# (done: true, by, at) once it is done; list every site of the org under sites.",
    ]
    for u in plan.unresolvable:
        subject = f" {u.subject}" if u.subject else ""
        lines.append(f"# Not settled by any settings: {u.control}{subject}: {u.reason}")
    return "".join(_comment(line) for line in lines)


def _comment(line: str) -> str:
    """One comment line: whatever the text holds, it cannot end the comment and start YAML."""
    return line.replace("\r", " ").replace("\n", " ") + "\n"
