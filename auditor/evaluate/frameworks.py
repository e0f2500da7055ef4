"""The framework roll-up: per framework requirement, what the findings behind it say.

Pure: findings in, roll-up out. A requirement's status is the worst status among the findings
of the controls mapped to it (fail > unknown > warn > waived > pass, as everywhere); one with
no finding at all is `not assessed` (the policy did not ask for those controls), never pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..catalog import frameworks
from ..model.common import STATUS_RANK, STATUS_WORST_FIRST
from ..model.results import Finding


@dataclass(frozen=True)
class RequirementRollup:
    framework: str
    id: str
    title: str
    controls: tuple[str, ...]  # the rovo-audit controls mapped to it
    status: str  # a Status, or "not assessed"
    counts: tuple[tuple[str, int], ...]  # (status, findings) worst first, non-zero only
    blocking: tuple[tuple[str, str, str | None], ...]  # (org name or id, control, subject) not pass/waived


@dataclass(frozen=True)
class FrameworkRollup:
    id: str
    name: str
    edition: str
    source: str
    requirements: tuple[RequirementRollup, ...]

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r.status for r in self.requirements)
        return {s: c[s] for s in (*STATUS_WORST_FIRST, "not assessed") if c[s]}


def framework_ids() -> tuple[str, ...]:
    return tuple(frameworks().frameworks)


def rollup(findings: Iterable[Finding], only: Sequence[str] = ()) -> tuple[FrameworkRollup, ...]:
    """One roll-up per framework (all, or those in `only`, in the data file's order)."""
    catalog = frameworks()
    by_control: dict[str, Counter[str]] = {}
    blocking: dict[str, list[tuple[str, str, str | None]]] = {}
    for f in findings:
        by_control.setdefault(f.control, Counter())[f.status] += 1
        if f.status not in ("pass", "waived"):
            blocking.setdefault(f.control, []).append((f.org_name or f.org, f.control, f.subject))
    out = []
    for fw_id, fw in catalog.frameworks.items():
        if only and fw_id not in only:
            continue
        reqs = []
        for req_id, title in fw.requirements.items():
            mapped = tuple(c for c in catalog.mappings if req_id in catalog.of(c).get(fw_id, ()))
            counts: Counter[str] = Counter()
            for c in mapped:
                counts.update(by_control.get(c, Counter()))
            seen = [s for s in STATUS_WORST_FIRST if counts[s]]
            status = min(seen, key=STATUS_RANK.__getitem__) if seen else "not assessed"
            behind = tuple(sorted(b for c in mapped for b in blocking.get(c, ())))
            reqs.append(
                RequirementRollup(fw_id, req_id, title, mapped, status, tuple((s, counts[s]) for s in seen), behind)
            )
        out.append(FrameworkRollup(fw_id, fw.name, fw.edition, fw.source, tuple(reqs)))
    return tuple(out)
