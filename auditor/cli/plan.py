"""`rovo-audit plan`: the ordered remediation plan, and the target settings it leads to."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .options import add_input_flags, as_of, require, run_clock

if TYPE_CHECKING:
    from ..load.documents import Loaded
    from ..model.policy import Policy

HELP = """\
Turn an audit's findings into numbered steps, in an order that never breaks what already
works (vendor origins are added before the toggle that allowed them is turned off; a
narrower entry before a broad one is deleted), and prove it: every step is re-audited, and
the target settings (every change applied) are audited once more.

examples:
  rovo-audit plan --demo
  rovo-audit plan --policy baseline --policy rollout-approved-clients --settings settings.yaml
  rovo-audit plan --policy rollout-approved-clients        # no settings: a template to fill in

Writes to --out (default reports/): plan.json (rovo-audit/plan/v1), plan.md and
target.settings.yaml (the settings with every change applied; changed sections carry
evidence source `file`, by `rovo-audit plan`). Without --settings, only
target.settings.yaml: what the policies require of a locked-down org, to check, sign and
attest (`rovo-audit collect --attest`).

Exit status: 0 the target settings audit clean; 1 something only a collect step or a
changed policy can settle (listed as unresolvable, or as collect steps); 2 bad input.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "plan",
        help="an ordered remediation plan, proven to converge",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_flags(p, settings_help="OrgSettings snapshot (omit it for a template of what the policy requires)")
    p.add_argument("--demo", action="store_true", help="plan the bundled sample org against the bundled baseline")
    p.add_argument("--as-of", type=as_of, default=None, metavar="ISO-DATE", help="pin the clock (reproducible output)")
    p.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR", help="output folder (default: reports/)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..atomic import write_set
    from ..pipeline import AuditInputs, load_policy
    from ..plan import make_plan
    from ..report.plan import plan_json, plan_markdown, plan_text
    from ..report.settings_yaml import dump_snapshot, plan_header

    now = run_clock(args.as_of)
    if not args.demo and not args.settings:
        require(bool(args.policy), "plan needs at least one --policy FILE (or try --demo)")
        return _template(args, [load_policy(p) for p in args.policy], now)
    if args.demo:
        require(not args.settings, "--demo uses the bundled sample org; drop --settings (or drop --demo)")
        inputs = AuditInputs.demo(args.policy, args.waivers)
    else:
        require(bool(args.policy), "plan needs at least one --policy FILE")
        inputs = AuditInputs.from_paths(args.policy, args.settings, args.waivers)
    plan = make_plan(inputs.policies, inputs.settings, inputs.waivers, as_of=now)
    rendered = {  # all before writing any: no partial set
        "plan.json": plan_json(plan),
        "plan.md": plan_markdown(plan),
        "target.settings.yaml": dump_snapshot(plan.target, header=plan_header(plan, inputs.settings.path)),
    }
    write_set(args.out, rendered)  # all three, or none
    if not args.quiet:
        sys.stdout.write(plan_text(plan))
        sys.stdout.write("".join(f"  wrote {args.out / name}\n" for name in rendered))
    return 1 if plan.unresolvable or plan.collect else 0


def _template(args: argparse.Namespace, policies: list[Loaded[Policy]], now: dt.datetime) -> int:
    """No settings: what the policies require of a locked-down org, as settings to fill in."""
    from ..atomic import write_atomic
    from ..load.documents import load_text
    from ..plan import make_plan
    from ..plan.template import as_template, blank_settings
    from ..report.plan import plan_text
    from ..report.settings_yaml import dump_snapshot, template_header

    blank = load_text(
        dump_snapshot(blank_settings([p.model for p in policies], now)), "(a blank org)", expect="OrgSettings"
    )
    plan = make_plan(policies, blank, as_of=now)
    # The template is for an admin to sign: placeholder signatures, checklist to-dos open.
    target = plan.target.model_copy(
        update={"orgs": tuple(as_template(o, blank.model.orgs[0]) for o in plan.target.orgs)}
    )
    out = args.out / "target.settings.yaml"
    write_atomic(out, dump_snapshot(target, header=template_header(plan, [p.path for p in policies])))
    if not args.quiet:
        if plan.unresolvable:
            sys.stdout.write(plan_text(plan))
        sys.stdout.write(f"wrote {out}: what the policies require; check each value, sign each section, attest it\n")
    return 1 if plan.unresolvable else 0
