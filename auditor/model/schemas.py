"""The schema ids of the JSON documents rovo-audit writes, each spelled once.

Writers put them in their `schema` key; readers (auditor.load.results) refuse anything else.
"""

from __future__ import annotations

RESULTS = "rovo-audit/results/v1"  # results.json (FORMATS.md §6)
DIFF = "rovo-audit/diff/v1"  # `rovo-audit diff --format json`
DOCTOR = "rovo-audit/doctor/v1"  # doctor.json
WAIVERS = "rovo-audit/waivers/v1"  # `rovo-audit waivers --format json`
PLAN = "rovo-audit/plan/v1"  # plan.json (`rovo-audit plan`)
