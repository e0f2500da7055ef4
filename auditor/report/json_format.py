"""`results.json`: FORMATS.md §6 as amended on 2026-12-01, in the lean shape of
docs/FORMATS-EXTENSIONS.md A.2: per-control text once, in a top-level `controls` object.

Written streaming (`JsonFormat.stream`) with one reused encoder, the C one of the standard
library: one finding per line, so the file diffs line by line. On the 100-org estate
(122,526 findings, CPU seconds): the old file's lines took 0.88 s through a fresh
`JSONEncoder.encode` each and 0.78 s through one reused C encoder; the lean file's take 0.61 s
as dicts through that encoder (the general path, `finding_dict`) and ~0.13 s built from cached
fragments (`_fast_lines`, checked byte for byte against it in tests/unit/test_results_format.py);
the whole file, `controls` table included, 0.20-0.24 s.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..atomic import Sink
from ..catalog import frameworks
from ..load.results import templated
from ..model import schemas
from ..model.results import Finding, RemediationLike, Results, WaiverNote
from .interface import Format, ReportContext, iso

SCHEMA = schemas.RESULTS

_str: Callable[[str], str] = json.encoder.c_encode_basestring or json.encoder.py_encode_basestring  # type: ignore[attr-defined]


def _make_encoder() -> Callable[[Any], str]:
    """One encoder for the whole file. `json.JSONEncoder.encode` builds a new C encoder on
    every call; this is built once: the C encoder when the interpreter has it (CPython does),
    with exactly `JSONEncoder(ensure_ascii=False, separators=(", ", ": "))`'s options."""
    make = json.encoder.c_make_encoder  # type: ignore[attr-defined]
    if make is None:  # pragma: no cover - an interpreter without the C accelerator
        slow = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), check_circular=False)
        return lambda o: "".join(slow.iterencode(o))
    encoder = make(None, _no_default, _str, None, ": ", ", ", False, False, True)
    return lambda o: "".join(encoder(o, 0))


def _no_default(o: object) -> Any:
    raise TypeError(f"{type(o).__name__} is not JSON")


encode: Callable[[Any], str] = _make_encoder()
C_ENCODER = json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]


@dataclass(slots=True)
class _Control:
    title: str
    area: str
    forms: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = field(default_factory=dict)
    frameworks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # data/frameworks.yaml

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"title": self.title, "area": self.area}
        if self.forms:
            d["remediation"] = [{"steps": list(s), "links": list(ln)} for s, ln in self.forms]
        if self.frameworks:
            d["frameworks"] = {fw: list(reqs) for fw, reqs in self.frameworks.items()}
        return d


def _controls(findings: tuple[Finding, ...]) -> tuple[dict[str, _Control], list[int | None]]:
    """The `controls` table (each control's title and area as its first finding gives them,
    and the distinct remediation templates in order of first use) and, for each finding with a
    remediation in order, its template's index (None: its steps are written out)."""
    mapped = frameworks()
    table: dict[str, _Control] = {}
    forms: list[int | None] = []
    # Findings whose advice renders alike share its steps (render_remediation's cache): 4,187
    # distinct of 15,677 on the 100-org estate, each turned back into templates once.
    known: dict[tuple[tuple[str, ...], str | None], tuple[str, ...] | None] = {}
    for f in findings:
        c = table.get(f.control)
        if c is None:
            c = table[f.control] = _Control(f.title, f.area, frameworks=mapped.of(f.control))
        rem = f.remediation
        if rem is not None:
            said = (tuple(rem.steps), rem.value)
            steps = known[said] if said in known else known.setdefault(said, templated(*said))
            if steps is None:
                forms.append(None)
            else:
                forms.append(c.forms.setdefault((steps, tuple(rem.links)), len(c.forms)))
    return table, forms


def remediation_dict(rem: RemediationLike, form: int | None) -> dict[str, Any]:
    r: dict[str, Any] = {"summary": rem.summary}
    if form is None:
        r["steps"], r["links"] = list(rem.steps), list(rem.links)
    if rem.value is not None:
        r["value"] = rem.value
    if rem.collect is not None:
        r["collect"] = rem.collect
    if form is not None:
        r["template"] = form
    return r


def finding_dict(f: Finding, control: _Control, form: int | None) -> dict[str, Any]:
    """The general path: a finding as JSON data, in the order of its keys in the file."""
    d: dict[str, Any] = {
        "control": f.control,
        "status": f.status,
        "severity": f.severity,
        "org": f.org,
        "org_name": f.org_name,
        "subject": f.subject,
    }
    if f.title != control.title:
        d["title"] = f.title
    d["expected"], d["actual"] = f.expected, f.actual
    d["evidence"] = {"source": f.evidence.source, "at": iso(f.evidence.at)}
    if f.evidence.by:
        d["evidence"]["by"] = f.evidence.by
    d["policy_ref"] = f.policy_ref
    if f.remediation is not None:  # none on a pass (FORMATS.md §6, amended 2026-12-01)
        d["remediation"] = remediation_dict(f.remediation, form)
    if f.area != control.area:
        d["area"] = f.area
    if f.original_status is not None:
        d["original_status"] = f.original_status
    if f.waiver is not None:
        d["waiver"] = {
            "reason": f.waiver.reason,
            "approved_by": f.waiver.approved_by,
            "expires": f.waiver.expires,
            "ref": f.waiver.ref,
        }
    return d


@dataclass(slots=True)
class _Fragments:
    """What `_fast_lines` encoded once, kept for the whole file."""

    heads: dict[tuple[str, str, str, str, str | None], str] = field(default_factory=dict)
    evidences: dict[int, str] = field(default_factory=dict)  # by id(): every EvidenceRef outlives the write
    middles: dict[tuple[str | None, str, str], str] = field(default_factory=dict)
    refs: dict[str | None, str] = field(default_factory=dict)


def _fast_lines(
    findings: Sequence[Finding], table: dict[str, _Control], forms: Iterator[int | None], known: _Fragments
) -> list[str]:
    """The findings' lines: the same bytes as `encode(finding_dict(...))`, from fragments
    encoded once. What repeats is cached: the head (control, status, severity and org), an
    org's evidence, an allowlist entry's subject, expected and actual (the same in every org
    that lists it) and the policy_ref, the last line's head and tail kept for the next; the rest
    goes through the C string encoder. A finding
    with a waiver or an original status, or whose title or area is its own, takes the general
    path. One loop over a batch, its caches in locals: a method call per line was a third of
    the writing."""
    heads, evidences, middles, refs = known.heads, known.evidences, known.middles, known.refs
    out: list[str] = []
    append = out.append
    # Findings come in runs of one org and control (their order): the previous line's head and
    # evidence-and-ref are kept and reused while the same objects come (`is`: no hashing).
    last_head: tuple[object, ...] = ()
    head = ""
    last_tail: tuple[object, ...] = ()
    tail = ""
    for f in findings:
        # One unpacking, not fifteen attribute reads: a tenth of the time of a line.
        cid, status, severity, org, org_name, subject, title, expected, actual, ev, ref, rem, area, orig, waiver = f
        control = table[cid]
        form = None if rem is None else next(forms)
        if waiver is not None or orig is not None or title != control.title or area != control.area:
            append(encode(finding_dict(f, control, form)))
            continue
        if not last_head or (
            cid is not last_head[0]
            or status is not last_head[1]
            or severity is not last_head[2]
            or org is not last_head[3]
            or org_name is not last_head[4]
        ):
            key = (cid, status, severity, org, org_name)
            found = heads.get(key)
            if found is None:
                found = heads[key] = encode(dict(zip(_HEAD_KEYS, key, strict=True)))[:-1]
            head, last_head = found, key
        if not last_tail or ev is not last_tail[0] or ref is not last_tail[1]:
            evidence = evidences.get(id(ev))
            if evidence is None:
                evidence = evidences[id(ev)] = encode(finding_dict(f, control, form)["evidence"])
            policy_ref = refs.get(ref)
            if policy_ref is None:
                policy_ref = refs[ref] = f', "policy_ref": {"null" if ref is None else _str(ref)}'
            tail = evidence + policy_ref
            last_tail = (ev, ref)
        said = (subject, expected, actual)
        middle = middles.get(said)
        if middle is None:
            middle = middles[said] = (
                f', "subject": {"null" if subject is None else _str(subject)}, "expected": {_str(expected)}'
                f', "actual": {_str(actual)}, "evidence": '
            )
        if rem is None:
            append(f"{head}{middle}{tail}}}")
        else:
            append(f'{head}{middle}{tail}, "remediation": {encode(remediation_dict(rem, form))}}}')
    return out


_HEAD_KEYS = ("control", "status", "severity", "org", "org_name")


def waiver_dict(w: WaiverNote) -> dict[str, Any]:
    return {
        "control": w.control,
        "subject": w.subject,
        "org": w.org,
        "reason": w.reason,
        "approved_by": w.approved_by,
        "expires": w.expires,
        "ref": w.ref,
        "why": w.why,
    }


def _findings(results: Results, table: dict[str, _Control], forms: list[int | None]) -> Iterator[list[str]]:
    """The findings' lines, in batches: a generator step per line cost a fifth of the writing."""
    it, fs, known = iter(forms), results.findings, _Fragments()
    for start in range(0, len(fs), _BATCH):
        yield _fast_lines(fs[start : start + _BATCH], table, it, known)


_BATCH = 4096


def iter_lines(results: Results) -> Iterator[str]:
    """The file in order, in parts (a line, a separator, or a batch of findings' lines): one
    item of each list (and one control) per line, indented at the top."""
    table, forms = _controls(results.findings)
    head: list[tuple[str, Any]] = [
        ("schema", SCHEMA),
        ("generated_at", iso(results.generated_at)),
        ("as_of", iso(results.as_of)),
        (
            "policies",
            [{"name": p.name, "path": p.path, **({"title": p.title} if p.title else {})} for p in results.policies],
        ),
        ("summary", dict(results.summary)),
        ("unused_waivers", [waiver_dict(w) for w in results.unused_waivers]),
        ("expired_waivers", [waiver_dict(w) for w in results.expired_waivers]),
    ]
    yield "{\n"
    for key, value in head:
        yield from _member(key, value)
    yield from _block("controls", "{", "}", (f"{_str(c)}: {encode(t.as_dict())}" for c, t in table.items()))
    yield from _block("findings", "[", "]", (",\n    ".join(batch) for batch in _findings(results, table, forms)))
    yield from _member("settings", {"path": results.settings_path, "collected_at": iso(results.collected_at)})
    orgs = [
        {
            "id": o.id,
            "name": o.name,
            "summary": o.counts,
            "policies": list(o.policies),
            "collection_errors": list(o.collection_errors),
        }
        for o in results.orgs
    ]
    yield from _member("orgs", orgs, last=True)
    yield "}\n"


def _member(key: str, value: Any, *, last: bool = False) -> Iterator[str]:
    if isinstance(value, list) and value:
        yield from _block(key, "[", "]", (encode(v) for v in value), last=last)
    else:
        yield f"  {_str(key)}: {encode(value)}{'' if last else ','}\n"


def _block(key: str, opening: str, closing: str, items: Iterator[str], *, last: bool = False) -> Iterator[str]:
    first = next(items, None)
    end = "" if last else ","
    if first is None:
        yield f"  {_str(key)}: {opening}{closing}{end}\n"
        return
    yield f"  {_str(key)}: {opening}\n    "
    yield first
    for item in items:  # the separator on its own: an item can be a batch of 4,096 lines (2 MB)
        yield ",\n    "
        yield item
    yield f"\n  {closing}{end}\n"


def stream(results: Results, fh: Sink, *, chunk: int = 1 << 20) -> None:
    """Write the file to `fh` as UTF-8, in chunks of about `chunk` characters: small parts are
    gathered, a part of a chunk or more (a batch of findings) is written as it is. Each copy
    of the 57 MB file is ~10 ms; joining the batches into chunks was one of them."""
    parts: list[str] = []
    size = 0
    for part in iter_lines(results):
        if len(part) >= chunk:
            if parts:
                fh.write("".join(parts).encode("utf-8"))
                parts, size = [], 0
            fh.write(part.encode("utf-8"))
            continue
        parts.append(part)
        size += len(part)
        if size >= chunk:
            fh.write("".join(parts).encode("utf-8"))
            parts, size = [], 0
    fh.write("".join(parts).encode("utf-8"))


class JsonFormat(Format):
    name = "json"
    filename = "results.json"

    def render(self, results: Results, context: ReportContext) -> str:
        return "".join(iter_lines(results))

    def stream(self, results: Results, context: ReportContext, fh: Sink) -> None:
        stream(results, fh)
