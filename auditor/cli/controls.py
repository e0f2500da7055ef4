"""`rovo-audit controls`: the control catalogue, with default severities and sources."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "controls",
        help="list every control with its area, default severity and title",
        description="List every control; with --frameworks, each control's framework mappings and why.",
    )
    p.add_argument(
        "--frameworks",
        action="store_true",
        help="show each control's mappings to NIST SP 800-53, ISO/IEC 27001, CIS Controls, SOC 2 and "
        "OWASP's MCP Top 10, with the reason (auditor/data/frameworks.yaml)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..catalog import controls

    cat = controls()
    if args.frameworks:
        from ..report.frameworks import mappings_text

        print(mappings_text(), end="")
        return 0
    for cid, spec in cat.controls.items():
        print(f"{cid:<15} {spec.area:<13} {spec.severity:<9} {spec.title}")
    print(f"\n(data: auditor/data/controls.yaml, as of {cat.as_of})")
    return 0
