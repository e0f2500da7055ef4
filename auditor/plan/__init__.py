"""`rovo-audit plan`: an ordered remediation plan, proven by re-auditing the changed settings.

    plan = make_plan(policies, settings, waivers, as_of=...)   # Plan: steps, unresolvable, target

- model.py: Change, Step, Unresolvable, Plan.
- fixes.py: for one failing finding, the smallest changes that make it pass (or why none can).
- paths.py: applying a change to an org's settings (the path grammar), and its wording.
- planner.py: the target (fixed point), the order that never breaks what works, the proof.
It sits between evaluate (its oracle) and report (which renders plan.json, plan.md and the
report's plan section).
"""

from __future__ import annotations

from .model import Change, Plan, Step, Unresolvable
from .planner import make_plan

__all__ = ["Change", "Plan", "Step", "Unresolvable", "make_plan"]
