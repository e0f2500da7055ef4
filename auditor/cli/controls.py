"""`rovo-audit controls`: the control catalogue, with default severities and sources."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("controls", help="list every control with its area, default severity and title")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..catalog import controls

    cat = controls()
    for cid, spec in cat.controls.items():
        print(f"{cid:<15} {spec.area:<13} {spec.severity:<9} {spec.title}")
    print(f"\n(data: auditor/data/controls.yaml, as of {cat.as_of})")
    return 0
