"""The remediation plan: which changes, in which order, proven by re-auditing.

For each org:
1. **Target.** Fix every fail/warn finding (plan/fixes.py), re-audit, fix what the changes
   made fail (turning off a toggle makes the origins it allowed fail), until nothing is left
   to fix. A change that would undo an earlier one is refused (the plan never oscillates):
   its finding is unresolvable, with the reason.
2. **Order.** Apply the changes one at a time, each time the first (adds, then sets, then
   removes) that makes no passing finding fail or become unknown, asking the evaluator after
   every candidate. So the vendor origins are added before the toggle that allowed them is
   turned off, and a narrower entry before a broad one is deleted.
3. **Proof.** The target settings (every change applied) are audited once more: what still
   fails or warns is listed as unresolvable, with the reason.

Pure: no I/O, no clock (the clock arrives as `as_of`).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import groupby
from operator import itemgetter

from ..evaluate.engine import Memo, covers, judge_org_parts, remember_org
from ..load.documents import Loaded
from ..load.merge import EffectivePolicy, merge_policies
from ..model.common import Section
from ..model.policy import Policy
from ..model.results import Finding, Results
from ..model.settings import Org, OrgSettings
from ..model.waivers import Waivers
from .fixes import ATTESTED_TODO, READS_ORG, NoFix, fix, section_of_finding
from .model import Change, FindingKey, Plan, Step, Unresolvable, Value
from .paths import Editing, PathError, Wording, apply, apply_all, describe

BAD = frozenset({"fail", "warn"})  # what the plan fixes; `unknown` is for collect steps
BROKEN = frozenset({"fail", "unknown"})  # what a step may never turn a pass into
MAX_ROUNDS = 16  # each round fixes what the previous one's changes made fail; 3 suffice in practice
_PRIORITY = {"add": 0, "set": 1, "remove": 2}
_ORG, _CONTROL, _SUBJECT = itemgetter(3), itemgetter(0), itemgetter(5)  # Finding.org, .control, .subject
# A step built positionally: a NamedTuple's own __new__ is a Python call (11,569 steps on 100 × 300)
_new_step: Callable[[type[Step], tuple[int, Change, tuple[FindingKey, ...], Wording, int | None]], Step] = tuple.__new__


def make_plan(
    policies: Sequence[Loaded[Policy]],
    settings: Loaded[OrgSettings],
    waivers: Sequence[Loaded[Waivers]] = (),
    *,
    as_of: dt.datetime,
    judged: Results | None = None,
) -> Plan:
    """The plan for every org a policy covers. `judged`, when given, is `evaluate`'s results
    for these very inputs and `as_of`: each org's findings there are its first judged state,
    not judged again (100 orgs × 300 entries: ≈0.06 s of CPU saved)."""
    steps: list[Step] = []
    unresolvable: list[Unresolvable] = []
    collect: list[tuple[str, Section]] = []
    target: list[Org] = []
    snapshot = settings.model
    # One merged policy per set of policies, as `evaluate` does: its prepared patterns and
    # memoised entry verdicts are then shared by the orgs it covers (merged per org, every
    # org re-judged its 300 entries: 1.35 → 1.05 s CPU on 100 orgs × 300 entries).
    merged: dict[tuple[int, ...], EffectivePolicy] = {}
    audited: dict[str, list[Finding]] = {}
    if judged is not None:
        refs = tuple((p.model.metadata.name, p.path) for p in policies)
        if (
            judged.as_of != as_of
            or judged.settings_path != settings.path
            or tuple((r.name, r.path) for r in judged.policies) != refs
        ):
            raise ValueError("make_plan: `judged` is the audit of other settings or policies, or another as_of")
        # in (org, control, subject) order: each org's findings are one run
        runs = [(org, list(fs)) for org, fs in groupby(judged.findings, key=_ORG)]
        audited = dict(runs)
        if len(audited) != len(runs):
            raise ValueError("make_plan: `judged` has an org's findings apart: not in (org, control, subject) order")
    for org in snapshot.orgs:
        chosen = tuple(i for i, p in enumerate(policies) if covers(p.model, org))
        if not chosen:
            target.append(org)
            continue
        if chosen not in merged:
            merged[chosen] = merge_policies([policies[i] for i in chosen])
        oracle = _Oracle(org, merged[chosen], waivers, snapshot.collected_at, as_of, audited.get(org.id))
        org_plan = _OrgPlanner(oracle).plan()
        first = len(steps)
        for change, keys, needed_by in org_plan.order:
            before = first + needed_by if needed_by else None
            steps.append(_new_step(Step, (len(steps) + 1, change, keys, describe(change, org), before)))
        for section in org_plan.collect:
            change = Change(org.id, "collect", section)
            steps.append(Step(len(steps) + 1, change, org_plan.collect[section], describe(change, org)))
            collect.append((org.id, section))
        unresolvable += org_plan.unresolvable
        target.append(org_plan.target)
    return Plan(
        as_of=as_of,
        steps=tuple(steps),
        unresolvable=tuple(unresolvable),
        target=snapshot.model_copy(update={"orgs": tuple(target)}),
        collect=tuple(collect),
    )


class _Oracle:
    """The evaluator for one org, remembered by the set of changes applied (they commute:
    distinct list items and distinct scalars)."""

    def __init__(
        self,
        org: Org,
        policy: EffectivePolicy,
        waivers: Sequence[Loaded[Waivers]],
        collected_at: dt.datetime | None,
        as_of: dt.datetime,
        initial: list[Finding] | None = None,
    ) -> None:
        self.org, self.policy, self.waivers = org, policy, waivers
        self.collected_at, self.as_of = collected_at, as_of
        self._seen: dict[frozenset[Change], tuple[Org, _State]] = {}
        self._memo: Memo = {}  # the checks' findings by what they read of the org (engine.INPUTS)
        self._parts: dict[int, _Indexed] = {}  # by id: each part judged, with its index
        self.initial = initial  # the org's findings in the input's audit, if known

    def state(self, changes: frozenset[Change], base: Org | None = None, extra: Change | None = None) -> Org:
        if changes in self._seen:
            return self._seen[changes][0]
        if base is not None and extra is not None:
            return apply(base, extra, self.as_of)
        return apply_all(self.org, sorted(changes, key=repr), self.as_of)

    def __contains__(self, changes: frozenset[Change]) -> bool:
        return changes in self._seen

    def seen(self, changes: frozenset[Change]) -> _State | None:
        """The findings of a state judged already, else None."""
        hit = self._seen.get(changes)
        return None if hit is None else hit[1]

    def built(self, org: Org, pending: list[Change]) -> Org:
        """`org` with `pending` made, as apply_all makes them."""
        return apply_all(org, pending, self.as_of) if pending else org

    def judge(self, changes: frozenset[Change], org: Org) -> _State:
        hit = self._seen.get(changes)
        if hit is not None:
            return hit[1]
        if not changes and self.initial is not None:  # the audit's own findings for the org
            parts = remember_org(
                self.initial, org, self.policy, collected_at=self.collected_at, as_of=self.as_of, memo=self._memo
            )
        else:
            parts = judge_org_parts(
                org, self.policy, self.waivers, collected_at=self.collected_at, as_of=self.as_of, memo=self._memo
            )
        # Each part (a check's findings) indexed once: the memo hands back the same lists
        # state after state. Controls belong to one check each, so the parts' keys are
        # disjoint and the state's index is theirs concatenated.
        others: dict[FindingKey, Finding] = {}
        broken: list[FindingKey] = []
        bad: list[FindingKey] = []
        to_fix: list[FindingKey] = []
        size = 0
        for part in parts:
            ix = self._parts.get(id(part))  # its own: the index holds the part, so no other has its id
            if ix is None:
                ix = self._parts[id(part)] = _index(part)
            others.update(ix[1])
            size += len(ix[1])
            broken += ix[2]
            bad += ix[3]
            to_fix += ix[4]
        if len(others) != size:
            raise AssertionError(f"{self.org.id}: two checks judged one (control, subject)")
        result = _State(parts, others, tuple(broken), tuple(bad), tuple(to_fix))
        self._seen[changes] = (org, result)
        return result

    def broken(self, before: _State, after: _State) -> list[FindingKey]:
        """The passes of `before` that `after` turns fail or unknown, in `before`'s order."""
        # Through the index of `after`'s few bad keys rather than all of `before`'s findings:
        # on 100 orgs × 300 entries, 11,000 candidates × ~1,400 findings each was 1.5 s.
        hit = [k for k in after.broken if k not in before.others and before.finds(k)]
        if len(hit) > 1:
            hit.sort(key=before.position)
        return hit

    def improved(self, before: _State, after: _State) -> list[FindingKey]:
        """The fails/warns of `before` that are neither in `after` (a key `after` lacks stays as it
        was), in `before`'s order."""
        others = after.others
        # (a pass of `after` is not among its others: looked up in its part only then)
        return [k for k in before.bad if (a.status not in BAD if (a := others.get(k)) else after.finds(k))]


class _State:
    """The findings of one judged state: the checks' parts, each in (control, subject) order,
    with those that are not a pass (`others`) found by key; a pass is found in its part by
    bisection. On 100 orgs × 300 entries, a dict of every finding of every part judged (1,200
    in each of 336 fresh domains parts) against 15,600 look-ups of a pass: make_plan 0.53 →
    0.47 s of CPU (medians of 10, interleaved), 0.44 with the look-ups' keys in C."""

    __slots__ = ("_runs", "bad", "broken", "others", "parts", "to_fix")

    def __init__(
        self,
        parts: list[list[Finding]],
        others: dict[FindingKey, Finding],
        broken: tuple[FindingKey, ...],
        bad: tuple[FindingKey, ...],
        to_fix: tuple[FindingKey, ...],
    ) -> None:
        self.parts = parts  # in order: concatenated, they are judge_org's findings
        self.others = others  # the findings that are not a pass, by key, in the state's order
        self.broken = broken  # the keys that are fail/unknown (BROKEN), in order
        self.bad = bad  # fail/warn (BAD)
        self.to_fix = to_fix  # those the target fixes: fail/warn, and the unknowns of a to-do attested
        self._runs: dict[str, tuple[int, int, int] | None] = {}  # by control: where its findings are

    def holds(self, key: FindingKey) -> bool:
        return key in self.others or self._find(key) is not None

    def finds(self, key: FindingKey) -> bool:
        """Whether the state holds `key`, one not among its others."""
        return self._find(key) is not None

    def get(self, key: FindingKey) -> Finding | None:
        f = self.others.get(key)
        if f is not None:
            return f
        at = self._find(key)
        return None if at is None else self.parts[at[0]][at[1]]

    def position(self, key: FindingKey) -> tuple[int, int]:
        """Where the state holds `key` (one it holds), in its order."""
        at = self._find(key)
        assert at is not None
        return at

    def _find(self, key: FindingKey) -> tuple[int, int] | None:
        # A part is in (control, subject) order, a null subject first (factory.control_subject):
        # the control's run (found once per state), then the subject in it, bisected.
        control, subject = key
        runs = self._runs
        run = runs.get(control)
        if run is None:
            if control in runs:
                return None
            run = runs[control] = self._run(control)
            if run is None:
                return None
        n, lo, hi = run
        part = self.parts[n]
        if part[lo][5] is None:
            if subject is None:
                return n, lo
            lo += 1
        elif subject is None:
            return None
        i = bisect_left(part, subject, lo, hi, key=_SUBJECT)
        return (n, i) if i < hi and part[i][5] == subject else None

    def _run(self, control: str) -> tuple[int, int, int] | None:
        """The part holding `control`'s findings, and where they start and end in it."""
        for n, part in enumerate(self.parts):
            if part[0][0] <= control <= part[-1][0]:
                lo = bisect_left(part, control, key=_CONTROL)
                hi = bisect_right(part, control, lo, key=_CONTROL)
                return (n, lo, hi) if lo < hi else None
        return None


# A check's findings (kept, so that its id stays its own), those of them not a pass by key,
# and the keys of those that are fail/unknown (BROKEN), fail/warn (BAD) and those the target
# fixes, in order.
_Indexed = tuple[
    list[Finding], dict[FindingKey, Finding], tuple[FindingKey, ...], tuple[FindingKey, ...], tuple[FindingKey, ...]
]


def _index(part: list[Finding]) -> _Indexed:
    others = {(f[0], f[5]): f for f in part if f[1] != "pass"}
    items = others.items()
    return (
        part,
        others,
        tuple(k for k, f in items if f.status in BROKEN),
        tuple(k for k, f in items if f.status in BAD),
        tuple(k for k, f in items if f.status in BAD or (f.status == "unknown" and f.control in ATTESTED_TODO)),
    )


class _OrgPlan:
    def __init__(self) -> None:
        self.order: list[tuple[Change, tuple[FindingKey, ...], int]] = []
        self.collect: dict[Section, tuple[FindingKey, ...]] = {}
        self.unresolvable: list[Unresolvable] = []
        self.target: Org


class _OrgPlanner:
    def __init__(self, oracle: _Oracle) -> None:
        self.oracle = oracle
        self.reasons: dict[FindingKey, NoFix] = {}
        self.causes: dict[Change, list[FindingKey]] = {}  # the findings each change was made for
        self.rounds: dict[Change, int] = {}  # 0: fixes a finding of the input; n: needed after round n-1's

    def plan(self) -> _OrgPlan:
        out = _OrgPlan()
        oracle = self.oracle
        initial = oracle.judge(frozenset(), oracle.org)
        changes = self._target()
        full = oracle.judge(frozenset(changes), oracle.state(frozenset(changes)))
        out.order, broken = self._order(changes, initial, full)
        kept = frozenset(c for c, _, _ in out.order)
        target_org = oracle.state(kept)
        final = oracle.judge(kept, target_org)
        out.target = target_org
        # What only a collect step settles: sections the input audit could not see, or whose
        # evidence is stale or contradicted.
        wanted: dict[Section, list[FindingKey]] = {}
        for key, f in initial.others.items():
            if f.status == "unknown" and f.control not in ATTESTED_TODO:
                section = section_of_finding(f)
                if section is not None:
                    wanted.setdefault(section, []).append(key)
        for key, reason in self.reasons.items():
            if reason.collect is not None and (left := final.others.get(key)) is not None and left.status in BAD:
                wanted.setdefault(reason.collect, []).append(key)
        out.collect = {s: tuple(dict.fromkeys(keys)) for s, keys in sorted(wanted.items())}
        collected = {k for keys in out.collect.values() for k in keys}
        # only what is not a pass, or broken for a while, can be unresolvable: sorted, not all
        listed = [*final.others.items()]
        listed += [(k, held) for k in broken if k not in final.others and (held := final.get(k)) is not None]
        for key, f in sorted(listed, key=lambda kv: (kv[0][0], kv[0][1] or "")):
            if f.status in BAD:
                known = self.reasons.get(key)
                text = known.reason if known else "it still fails once every change of the plan is made"
                out.unresolvable.append(Unresolvable(oracle.org.id, key[0], key[1], f.status, text))
            elif f.status == "unknown" and key not in collected:
                # not seen, and no collect step names it: say so rather than leave it out
                known = self.reasons.get(key)
                text = known.reason if known else "it stays unknown: nothing the plan can collect or change settles it"
                out.unresolvable.append(Unresolvable(oracle.org.id, key[0], key[1], f.status, text))
            elif key in broken:
                out.unresolvable.append(
                    Unresolvable(
                        oracle.org.id,
                        key[0],
                        key[1],
                        f.status,
                        f"no order of the changes keeps it passing throughout: step {broken[key]} breaks it for a while",
                    )
                )
        return out

    def _target(self) -> list[Change]:
        """Every change the target needs, in the order found (fixed point; no change undone)."""
        oracle = self.oracle
        applied: list[Change] = []
        made: set[Change] = set()  # applied and new, for membership
        # the same by _undo_key, in the order made: the only changes a new one could take back
        by_path: dict[tuple[str, Value | None], list[Change]] = {}
        editing = Editing(oracle.org, oracle.as_of)  # the org with every change made so far
        for rounds in range(MAX_ROUNDS):
            org = editing.org()
            found = oracle.judge(frozenset(applied), org)
            new: list[Change] = []
            for key in found.to_fix:
                f = found.others[key]
                result = fix(f, editing.org() if f.control in READS_ORG else org, oracle.policy)
                if isinstance(result, NoFix):
                    self.reasons[key] = result
                    continue
                for c in result:
                    if key not in self.causes.setdefault(c, []):
                        self.causes[c].append(key)
                    if c in made:
                        # made already (an entry that fails four controls is deleted once):
                        # no made change undoes another, each was checked when it was made
                        continue
                    undo_key = _undo_key(c)
                    prior = by_path.get(undo_key)
                    undone = next((a for a in prior if c.undoes(a)), None) if prior else None
                    if undone is not None:
                        self.reasons[key] = NoFix(
                            f"fixing it would take back an earlier change ({undone.action} {undone.path}"
                            f"{' ' + str(undone.value) if undone.value is not None else ''}): the policy asks for both"
                        )
                        continue
                    try:
                        if not editing.make(c):
                            continue  # already so: nothing to do
                    except PathError as e:
                        self.reasons[key] = NoFix(str(e))
                        continue
                    new.append(c)
                    made.add(c)
                    by_path.setdefault(undo_key, []).append(c)
                    self.rounds[c] = rounds
            if not new:
                break
            applied += new
            oracle.judge(frozenset(applied), editing.org())  # remember the state
        return applied

    def _order(
        self, changes: list[Change], initial: _State, full: _State
    ) -> tuple[list[tuple[Change, tuple[FindingKey, ...], int]], dict[FindingKey, int]]:
        """The changes in an order that never turns a pass into a fail or unknown. A change
        that breaks, for good, what nothing else repairs (it is still bad in `full`, the
        target with every change) is left out: its findings are unresolvable, with why."""
        oracle = self.oracle
        remaining = sorted(changes, key=lambda c: _PRIORITY[c.action])  # stable: found order within a kind
        done: list[Change] = []
        # The org so far is `org` with `pending` made: a batch's org is built only when a later
        # state is built from it (the last batch, the target judged already, never is; 100 orgs
        # × 300 entries: 2,013 changes made in batches, where 14,675 were).
        org, before = oracle.org, initial
        pending: list[Change] = []
        order: list[tuple[Change, tuple[FindingKey, ...], int]] = []
        broken_at: dict[FindingKey, int] = {}
        size: dict[int, int] = {}  # per kind: how many to try at once (halved when a batch breaks)
        while remaining:
            # The common case first: every remaining change of the next kind at once (on a large
            # org, hundreds of deletions). Taken only when the batch breaks nothing; a batch of
            # one kind is monotone (deleting entries only narrows what is allowed, adding only
            # widens it), so no single step inside it breaks anything either (tests/unit/test_plan.py
            # replays every step on its own to hold this to account).
            kind = _PRIORITY[remaining[0].action]
            batch = [c for c in remaining if _PRIORITY[c.action] == kind][: size.get(kind, len(remaining))]
            if len(batch) > 1:
                key = frozenset((*done, *batch))
                nxt: Org | None = None  # judged already: built only if a later state needs it
                after = oracle.seen(key)
                if after is None:
                    org, pending = oracle.built(org, pending), []
                    built = nxt = apply_all(org, batch, oracle.as_of)
                    after = oracle.judge(key, built)
                if not oracle.broken(before, after):
                    fixed = set(oracle.improved(before, after))
                    for c in batch:
                        mine = tuple(k for k in self.causes.get(c, ()) if k in fixed)
                        order.append((c, mine or tuple(self.causes.get(c, ())), 0 if mine else -1))
                        done.append(c)
                    taken = set(batch)
                    remaining = [c for c in remaining if c not in taken]
                    if nxt is None:
                        pending += batch
                    else:
                        org, pending = nxt, []
                    before = after
                    continue
                size[kind] = len(batch) // 2  # something in it breaks: halve, down to one at a time
            best: tuple[int, Change, Org, _State, list[FindingKey]] | None = None
            for i, c in enumerate(remaining):
                key = frozenset((*done, c))
                if key not in oracle:
                    org, pending = oracle.built(org, pending), []
                single = oracle.state(key, org, c)
                after = oracle.judge(key, single)
                broken = oracle.broken(before, after)
                if best is None or len(broken) < len(best[4]):
                    best = (i, c, single, after, broken)
                if not broken:
                    break
            assert best is not None
            i, c, taken_org, after, broken = best
            remaining.pop(i)
            lasting = [k for k in broken if (f := full.others.get(k)) is not None and f.status in BAD]
            if lasting:
                named = ", ".join(f"{k[0]} {k[1]}" if k[1] else k[0] for k in lasting)
                for k in self.causes.get(c, ()):
                    self.reasons.setdefault(
                        k,
                        NoFix(
                            f"its fix ({c.action} {c.path}{' ' + str(c.value) if c.value is not None else ''}) would "
                            f"make {named} fail, and no change repairs that: the policy asks for both; "
                            "the plan leaves it as it is rather than break what works"
                        ),
                    )
                continue
            for k in broken:
                broken_at.setdefault(k, len(order) + 1)
            improved = tuple(oracle.improved(before, after))
            keys = tuple(dict.fromkeys(improved)) or tuple(self.causes.get(c, ()))
            order.append((c, keys, 0 if improved else -1))
            done.append(c)
            org, pending, before = taken_org, [], after
        # A step that resolves nothing of the input is a prerequisite: name the later step
        # (from an earlier round of the target) that needs it, 1-based within the org.
        # From the end, with the nearest later step of each round at hand (rounds < MAX_ROUNDS):
        # linear, where a search per step was quadratic (11,000 steps on 100 orgs: 1.3 s).
        nearest: dict[int, int] = {}  # round → the nearest step after i made in that round
        for i in range(len(order) - 1, -1, -1):
            c, keys, needed = order[i]
            if needed == -1:
                made_in = self.rounds[c]  # most were made in round 0, which no round precedes
                later = min((j for r, j in nearest.items() if r < made_in), default=None) if made_in else None
                order[i] = (c, keys, 0 if later is None else later + 1)
            nearest[self.rounds[c]] = i
        return order, broken_at


def _undo_key(c: Change) -> tuple[str, Value | None]:
    """Changes that may undo one another share this key (Change.undoes): an add and a remove
    of the same item, or two sets of the same path."""
    return (c.path, c.value if c.action in ("add", "remove") else None)
