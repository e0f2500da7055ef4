"""`rovo-audit validate FILE...`: load any policy, settings or waivers file and list every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "validate",
        help="check policy / settings / waiver files and list every problem",
        description="Load each file as the kind it declares (Policy, OrgSettings or Waivers) and report "
        "every problem as file:line:column. With --together, the policies given are also "
        "checked for contradictions, as `audit` would when given them all. "
        "Exit 0 when all are valid, 2 otherwise.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--together",
        action="store_true",
        help="also check that the policies given can be audited together (no contradiction)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..load.documents import load_file
    from ..load.merge import merge_policies
    from ..model.policy import Policy
    from ..pipeline import load_policy

    bad = 0
    policies = []
    for name in args.files:
        try:
            # A missing plain name may be a bundled policy, as --policy accepts it.
            doc = load_file(name) if Path(name).exists() or "/" in name else load_policy(name)
        except InputError as e:
            bad += 1
            for problem in e.problems:
                print(f"{problem}", file=sys.stderr)
            continue
        if isinstance(doc.model, Policy):
            policies.append(doc)
        print(f"{name}: ok ({doc.model.kind})")
    if args.together and len(policies) > 1:
        try:
            merge_policies(policies)
        except InputError as e:
            bad += 1
            for problem in e.problems:
                print(f"{problem}", file=sys.stderr)
    return 2 if bad else 0
