"""Read `results.json` (FORMATS.md §6) back into `auditor.model.results.Results`: the one reader.

The exact reverse of `report/json_format.py`: write → read → write is byte-identical. Files
written before FORMATS.md §6's amendment of 2026-12-01 carry a remediation on every finding:
a pass's is not read (a pass has none), so such a file reads as one written today.
`read_summary` reads only a run's headline numbers (for trends over the history).
Unknown keys are ignored (a newer writer may add fields; the contract only adds), and
what the reader needs but the file lacks is an input error naming file:line:column.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

from ..batch import batch_mode
from ..errors import InputError, Location, Problem
from ..model import schemas
from ..model.common import SECTIONS, SEVERITY_OF, SOURCE_OF, STATUS_OF, Section, Source
from ..model.results import (
    AppliedWaiver,
    EvidenceRef,
    Finding,
    OrgSummary,
    PolicyRef,
    Remediation,
    Results,
    WaiverNote,
    complete_orgs,
)
from ..model.runs import RunSummary
from .yamlpos import read_text_file

SCHEMA = schemas.RESULTS
MAX_BYTES = 1024 * 1024 * 1024  # a results.json of a very large estate is big, not endless

T = TypeVar("T")
L = TypeVar("L", bound=str)  # one of a Literal's values
JsonPath = tuple[str | int, ...]
SECTION_OF: Mapping[str, Section] = {s: s for s in SECTIONS}
PLACEHOLDER = "{value}"  # in a lean file's step template: the finding's value between backticks


def fill(templates: tuple[str, ...], value: str | None) -> tuple[str, ...]:
    """A finding's steps from its control's templates (the lean shape's one rule): each
    `{value}` is the finding's value between backticks; without a value, the templates are
    the steps."""
    if not value:
        return templates
    shown = f"`{value}`"
    return tuple(s.replace(PLACEHOLDER, shown) for s in templates)


def templated(steps: tuple[str, ...], value: str | None) -> tuple[str, ...] | None:
    """The templates that `fill` turns back into `steps` for `value` (the writer's side), or
    None when none can: a step that says `{value}` itself."""
    if not value:
        return steps
    shown = f"`{value}`"
    out = tuple(s.replace(shown, PLACEHOLDER) for s in steps)
    # Steps that never say `{value}` always come back from `out`: each `{value}` in `out` is
    # then one that was put there (an original one would start at an original "{" followed by
    # six original characters), so `fill` puts back exactly what was taken out. Checking that
    # costs a scan; `fill` and the comparison are left for the rare rest (tests/unit/test_results_format.py).
    if not any(PLACEHOLDER in s for s in steps):
        return out
    return out if fill(out, value) == steps else None


class _Bad(Exception):
    """A structural problem at a JSON path; located in the file only when raised (slow path)."""

    def __init__(self, path: JsonPath, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@overload
def _get(d: dict[str, Any], key: str, path: JsonPath, kind: type[T], *, required: Literal[True] = True) -> T: ...
@overload
def _get(d: dict[str, Any], key: str, path: JsonPath, kind: type[T], *, required: bool) -> T | None: ...
def _get(d: dict[str, Any], key: str, path: JsonPath, kind: type[T], *, required: bool = True) -> T | None:
    if key not in d:
        if required:
            raise _Bad(path, f"missing key {key!r}")
        return None
    v = d[key]
    if v is None and not required:
        return None
    if not isinstance(v, kind) or (isinstance(v, bool) and kind is not bool):
        raise _Bad((*path, key), f"{key}: expected {_json_name(kind.__name__)}, got {_json_name(type(v).__name__)}")
    return v


def _json_name(py: str) -> str:
    return {
        "str": "a string",
        "dict": "an object",
        "list": "an array",
        "int": "a number",
        "NoneType": "null",
        "float": "a number",
        "bool": "true/false",
    }.get(py, py)


def _opt_str(d: dict[str, Any], key: str, path: JsonPath) -> str | None:
    return _get(d, key, path, str, required=False)


@overload
def _time(d: dict[str, Any], key: str, path: JsonPath, *, required: Literal[True] = True) -> dt.datetime: ...
@overload
def _time(d: dict[str, Any], key: str, path: JsonPath, *, required: bool) -> dt.datetime | None: ...
def _time(d: dict[str, Any], key: str, path: JsonPath, *, required: bool = True) -> dt.datetime | None:
    text = _get(d, key, path, str, required=required)
    if text is None:
        return None
    try:
        return _parse_time(text)
    except ValueError:
        raise _Bad((*path, key), f"{key}: {text!r} is not an ISO date-time") from None


def _list(
    d: dict[str, Any], key: str, path: JsonPath, item: Callable[[Any, JsonPath], T], *, required: bool = True
) -> tuple[T, ...]:
    raw = _get(d, key, path, list, required=required)
    return tuple(item(v, (*path, key, i)) for i, v in enumerate(raw or ()))


def _obj(v: Any, path: JsonPath) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _Bad(path, f"expected an object, got {_json_name(type(v).__name__)}")
    return v


def _str_item(v: Any, path: JsonPath) -> str:
    if not isinstance(v, str):
        raise _Bad(path, f"expected a string, got {_json_name(type(v).__name__)}")
    return v


def _counts(v: Any, path: JsonPath) -> dict[str, int]:
    d = _obj(v, path)
    for k, n in d.items():
        if not isinstance(n, int) or isinstance(n, bool):
            raise _Bad((*path, k), f"{k}: expected a count")
    return dict(d)


@overload
def _choice(
    d: dict[str, Any], key: str, path: JsonPath, values: Mapping[str, L], *, required: Literal[True] = True
) -> L: ...
@overload
def _choice(d: dict[str, Any], key: str, path: JsonPath, values: Mapping[str, L], *, required: bool) -> L | None: ...
def _choice(d: dict[str, Any], key: str, path: JsonPath, values: Mapping[str, L], *, required: bool = True) -> L | None:
    """A string that must be one of `values` (a Literal's, e.g. STATUS_OF): checked, so typed."""
    s = _get(d, key, path, str, required=required)
    if s is None:
        return None
    value = values.get(s)
    if value is None:
        raise _Bad((*path, key), f"{key}: expected one of {', '.join(values)}, got {s!r}")
    return value


@lru_cache(maxsize=4096)
def _parse_time(text: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class ControlText:
    """A control's entry in a lean file's top-level `controls` (docs/FORMATS-EXTENSIONS.md A.2)."""

    title: str
    area: str
    templates: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (step templates, links) by index


Table = Mapping[str, ControlText]


def _control_table(d: dict[str, Any]) -> dict[str, ControlText]:
    raw = _get(d, "controls", (), dict, required=False) or {}
    table: dict[str, ControlText] = {}
    for cid, v in raw.items():
        path: JsonPath = ("controls", cid)
        c = _obj(v, path)
        forms = []
        for i, form in enumerate(_get(c, "remediation", path, list, required=False) or ()):
            fp: JsonPath = (*path, "remediation", i)
            fd = _obj(form, fp)
            forms.append((_list(fd, "steps", fp, _str_item), _list(fd, "links", fp, _str_item)))
        table[cid] = ControlText(
            _get(c, "title", path, str), _get(c, "area", path, str, required=False) or "", tuple(forms)
        )
    return table


def _template(table: Table, control: str, index: Any) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    c = table.get(control)
    if c is None or type(index) is not int or not 0 <= index < len(c.templates):
        return None
    return c.templates[index]


def _fast_finding(d: Any, table: Table) -> Finding | None:
    """The common case, without per-field calls (a large estate has 100,000+ findings).

    None when anything is off: the validating path then says exactly what and where."""
    try:
        ev, w = d["evidence"], d.get("waiver")
        control = d["control"]
        text = table.get(control)
        status = STATUS_OF.get(d["status"])
        # A pass carries no remediation (FORMATS.md §6, amended 2026-12-01); a file written
        # before the amendment gives one on every finding: a pass's is not read.
        rem: Any = _NO_REMEDIATION if status == "pass" else d["remediation"]
        title = d["title"] if "title" in d or text is None else text.title
        strs = (control, d["severity"], d["org"], title, d["expected"], d["actual"], rem["summary"])
        opts = (d["org_name"], d["subject"], d["policy_ref"], ev["source"], ev.get("by"), rem.get("value"))
        if "steps" in rem or rem is _NO_REMEDIATION:  # written out (every file before the lean shape)
            steps, links = rem["steps"], rem["links"]
        else:
            form = _template(table, control, rem["template"])
            if form is None or (opts[5] is not None and type(opts[5]) is not str):
                return None
            steps, links = fill(form[0], opts[5]), form[1]
        raw_collect = rem.get("collect")
        # Checked narrowing to the Literals: None for a value outside one (or for null, which
        # the optional ones may be); an unhashable value raises TypeError (the slow path).
        raw_original, raw_source = d.get("original_status"), opts[3]
        severity = SEVERITY_OF.get(strs[1])
        original, source = STATUS_OF.get(raw_original), SOURCE_OF.get(raw_source)
        collect = SECTION_OF.get(raw_collect)
        if (
            not set(map(type, strs)) <= _STR  # sets of types, in C: a third of the read was these checks
            or not set(map(type, opts)) <= _OPT_STR
            or status is None
            or severity is None
            or (original is None and raw_original is not None)
            or (source is None and raw_source is not None)
            or (collect is None and raw_collect is not None)
            or type(steps) not in (list, tuple)
            or type(links) not in (list, tuple)
            or not set(map(type, steps)) <= _STR
            or not set(map(type, links)) <= _STR
        ):
            return None
        at = ev["at"]
        waiver = None
        if w is not None:
            waiver = AppliedWaiver(w["reason"], w["approved_by"], w["expires"], w["ref"])
            if any(type(x) is not str for x in (waiver.reason, waiver.approved_by, waiver.expires, waiver.ref)):
                return None
        area = d["area"] if "area" in d or text is None else text.area
        area = area or ""
        if type(area) is not str:
            return None
        # Positional through tuple.__new__, in Finding's field order (NamedTuple's own __new__ is
        # Python-level, and a frozen dataclass's __init__ costs a microsecond: the evidence of
        # one org's section is one object, as the audit made it).
        return _new_finding(
            Finding,
            (
                strs[0],
                status,
                severity,
                strs[2],
                opts[0],
                opts[1],
                strs[3],
                strs[4],
                strs[5],
                _evidence(source, at, opts[4]),
                opts[2],
                None
                if rem is _NO_REMEDIATION
                else Remediation(strs[6], tuple(steps), tuple(links), opts[5], None, collect),
                area,
                original,
                waiver,
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


_new_finding: Callable[[type[Finding], tuple[Any, ...]], Finding] = tuple.__new__


@lru_cache(maxsize=4096)
def _evidence(source: Source | None, at: str | None, by: str | None) -> EvidenceRef:
    return EvidenceRef(source, None if at is None else _parse_time(at), by)


_NO_REMEDIATION: dict[str, Any] = {"summary": "", "steps": [], "links": []}  # a pass's, on the fast path
_STR: frozenset[type] = frozenset({str})
_OPT_STR: frozenset[type] = frozenset({str, type(None)})


def _remediation(d: dict[str, Any], path: JsonPath, table: Table, control: str) -> Remediation:
    rem = _obj(_get(d, "remediation", path, dict), (*path, "remediation"))
    rp = (*path, "remediation")
    value = _opt_str(rem, "value", rp)
    if "steps" in rem or "template" not in rem:
        steps, links = _list(rem, "steps", rp, _str_item), _list(rem, "links", rp, _str_item)
    else:
        index = _get(rem, "template", rp, int)
        form = _template(table, control, index)
        if form is None:
            raise _Bad((*rp, "template"), f"template: {control} has no remediation template {index} in `controls`")
        steps, links = fill(form[0], value), form[1]
    return Remediation(
        _get(rem, "summary", rp, str),
        steps,
        links,
        value,
        None,
        _choice(rem, "collect", rp, SECTION_OF, required=False),
    )


def _finding(v: Any, path: JsonPath, table: Table) -> Finding:
    fast = _fast_finding(v, table)
    if fast is not None:
        return fast
    d = _obj(v, path)
    control = _get(d, "control", path, str)
    text = table.get(control)
    ev = _obj(_get(d, "evidence", path, dict), (*path, "evidence"))
    status = _choice(d, "status", path, STATUS_OF)
    waiver = None
    if d.get("waiver") is not None:
        w = _obj(d["waiver"], (*path, "waiver"))
        wp = (*path, "waiver")
        waiver = AppliedWaiver(
            _get(w, "reason", wp, str),
            _get(w, "approved_by", wp, str),
            _get(w, "expires", wp, str),
            _get(w, "ref", wp, str),
        )
    return Finding(
        control=control,
        status=status,
        severity=_choice(d, "severity", path, SEVERITY_OF),
        org=_get(d, "org", path, str),
        org_name=_opt_str(d, "org_name", path),
        subject=_opt_str(d, "subject", path),
        title=text.title if text is not None and "title" not in d else _get(d, "title", path, str),
        expected=_get(d, "expected", path, str),
        actual=_get(d, "actual", path, str),
        evidence=EvidenceRef(
            _choice(ev, "source", (*path, "evidence"), SOURCE_OF, required=False),
            _time(ev, "at", (*path, "evidence"), required=False),
            _opt_str(ev, "by", (*path, "evidence")),
        ),
        policy_ref=_opt_str(d, "policy_ref", path),
        remediation=None if status == "pass" else _remediation(d, path, table, control),
        area=(text.area if text is not None and "area" not in d else _get(d, "area", path, str, required=False)) or "",
        original_status=_choice(d, "original_status", path, STATUS_OF, required=False),
        waiver=waiver,
    )


def _waiver_note(v: Any, path: JsonPath) -> WaiverNote:
    d = _obj(v, path)
    return WaiverNote(
        control=_get(d, "control", path, str),
        subject=_opt_str(d, "subject", path),
        org=_opt_str(d, "org", path),
        reason=_get(d, "reason", path, str),
        approved_by=_get(d, "approved_by", path, str),
        expires=_get(d, "expires", path, str),
        ref=_get(d, "ref", path, str),
        why=_get(d, "why", path, str),
    )


def _policy(v: Any, path: JsonPath) -> PolicyRef:
    d = _obj(v, path)
    return PolicyRef(
        _get(d, "name", path, str), _get(d, "path", path, str), _get(d, "title", path, str, required=False)
    )


def _org(v: Any, path: JsonPath) -> OrgSummary:
    d = _obj(v, path)
    return OrgSummary(
        id=_get(d, "id", path, str),
        name=_opt_str(d, "name", path),
        counts=_counts(_get(d, "summary", path, dict), (*path, "summary")),
        policies=_list(d, "policies", path, _str_item, required=False),
        collection_errors=_list(d, "collection_errors", path, _str_item, required=False),
    )


def results_from_dict(doc: Any, lines: Iterable[str] | None = None) -> Results:
    """Raises `_Bad` with the JSON path of the first problem. With `lines`, the findings are
    those JSON texts, one each (`_by_lines`), and the document's own `findings` is ignored."""
    d = _obj(doc, ())
    schema = d.get("schema")
    if schema != SCHEMA:
        raise _Bad(
            ("schema",) if "schema" in d else (),
            f"schema: expected {SCHEMA!r}, got {schema!r} (is this a results.json?)",
        )
    table = _control_table(d)
    if lines is None:
        findings = _list(d, "findings", (), lambda v, p: _finding(v, p, table))
    else:
        findings = tuple(_finding(_one_value(line), ("findings", i), table) for i, line in enumerate(lines))
    settings = _obj(d["settings"], ("settings",)) if isinstance(d.get("settings"), dict) else {}
    # FORMATS.md §6 requires no `orgs`: those missing are rebuilt from the findings
    orgs = complete_orgs(_list(d, "orgs", (), _org) if "orgs" in d else (), findings)
    summary = _counts(d["summary"], ("summary",)) if "summary" in d else Results.count(findings)
    return Results(
        generated_at=_time(d, "generated_at", ()),
        as_of=_time(d, "as_of", ()),
        policies=_list(d, "policies", (), _policy),
        findings=findings,
        unused_waivers=_list(d, "unused_waivers", (), _waiver_note, required=False),
        expired_waivers=_list(d, "expired_waivers", (), _waiver_note, required=False),
        orgs=orgs,
        settings_path=_opt_str(settings, "path", ("settings",)),
        collected_at=_time(settings, "collected_at", ("settings",), required=False),
        summary=summary,
    )


def _locate(text: str, name: str, path: JsonPath) -> Location:
    """Where a JSON path is in the file: parse again with positions (only on the error path)."""
    from .yamlpos import parse_yaml

    try:
        return parse_yaml(text, name).positions.at(path)
    except InputError:
        return Location(name, 1, 1)


# The layout json_format writes: the findings between these, one per line at four spaces of
# indent, a comma after each but the last. JSON escapes every newline inside a string, so
# these can only be the file's own structure.
_FINDINGS_START = '\n  "findings": [\n'
_FINDINGS_END = "\n  ]"


class _Layout(Exception):
    """The findings are not laid out one per line as json_format writes them."""


def _by_lines(text: str) -> Results | None:
    """The file read one finding line at a time, when it has json_format's layout: no tree of
    100,000+ dicts at once (a 52 MB file's read peaked at 335 MB whole, 242 MB so), the same
    Results (tests/unit/test_results_format.py). None when anything is off: the whole-file
    path then reads it, or says where it is wrong."""
    start = text.find(_FINDINGS_START)
    end = text.find(_FINDINGS_END, start + len(_FINDINGS_START)) if start >= 0 else -1
    if end < 0 or '\n  "findings": ' in text[end:] or '\n  "findings": ' in text[:start]:  # one key only
        return None
    try:
        top = json.loads(
            text[: start + len(_FINDINGS_START) - 1] + "]" + text[end + len(_FINDINGS_END) :], object_pairs_hook=_unique
        )
        return results_from_dict(top, _lines(text, start + len(_FINDINGS_START), end))
    except (_Layout, _Bad, ValueError, RecursionError, TypeError, KeyError, AttributeError):
        return None


# The C scanner, with json.loads's defaults: json.loads adds two regex passes a call.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _one_value(line: str) -> Any:
    """A line that is one JSON value, nothing around it (else `_Layout`): as json.loads gives it."""
    try:
        value, end = _scan(line, 0)
    except StopIteration:
        raise _Layout from None
    if end != len(line):
        raise _Layout
    return value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object of the head or tail, refused if a key repeats (say a second `findings`): the
    whole-file read keeps the last of them, so only it may read such a file."""
    d = dict(pairs)
    if len(d) != len(pairs):
        raise _Layout
    return d


def _lines(text: str, pos: int, end: int) -> Iterator[str]:
    """Each finding's JSON text between `pos` and `end`: `    {…},` lines, the last without
    its comma; `_Layout` for anything else."""
    while True:
        nl = text.find("\n", pos, end)
        last = nl < 0
        line = text[pos : end if last else nl]
        if not line.startswith("    {") or line.endswith(",") == last:
            raise _Layout
        yield line[4:] if last else line[4:-1]
        if last:
            return
        pos = nl + 1


def read_text(text: str, name: str) -> Results:
    with batch_mode():
        fast = _by_lines(text)
        if fast is not None:
            return fast
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(Problem(Location(name, e.lineno, e.colno), f"invalid JSON: {e.msg}")) from None
        except RecursionError:
            raise InputError(Problem(Location(name, 1, 1), "JSON nested too deeply to be a results.json")) from None
        except ValueError as e:  # an integer past Python's 4,300-digit conversion limit
            raise InputError(Problem(Location(name, 1, 1), f"invalid JSON: {str(e).split(';')[0]}")) from None
        try:
            return results_from_dict(doc)
        except _Bad as e:
            raise InputError(Problem(_locate(text, name, e.path), e.message)) from None


def read_raw(path: Path, name: str | None = None) -> str:
    """The text of a results file, with the same errors as any other input file."""
    return read_text_file(path, name or str(path), max_bytes=MAX_BYTES, expected="a results.json file")


def read_results(path: str | Path, name: str | None = None) -> Results:
    """A `results.json` (or a history entry) as `Results`; exit-2 errors name file:line:column."""
    p = Path(path)
    shown = name or str(path)
    return read_text(read_raw(p, shown), shown)


# json_format writes top-level keys at two spaces of indent and JSON escapes every newline
# inside strings, so these lines start the top-level "unused_waivers" and "settings" keys and
# nothing else (tests/review/test_read_merge.py pins the quick read against the full one).
_HEAD_END = b'\n  "unused_waivers": '
_TAIL = b'\n  "settings": '


def read_summary(path: Path, name: str | None = None) -> RunSummary:
    """A run's headline numbers. Reads only the file's head and tail when it has the layout
    json_format writes (the findings in between can be 100+ MB); else parses it all."""
    shown = name or path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(64 * 1024)
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 1024 * 1024))
            tail = fh.read()
    except OSError as e:
        raise InputError(Problem(Location(str(path), 1, 1), f"cannot read: {e.strerror}")) from None
    quick = _quick_summary(head, tail, shown)
    if quick is not None:
        return quick
    return RunSummary.of(read_results(path), shown)


def _quick_summary(head: bytes, tail: bytes, name: str) -> RunSummary | None:
    cut_head = head.find(_HEAD_END)
    cut_tail = tail.rfind(_TAIL)
    if cut_head < 0 or cut_tail < 0:
        return None
    try:
        top = json.loads(head[:cut_head].decode("utf-8").rstrip().rstrip(",") + "}")
        rest = json.loads(b"{" + tail[cut_tail + 1 :])
        if top.get("schema") != SCHEMA or "orgs" not in rest:
            return None
        generated_at, as_of = _time(top, "generated_at", ()), _time(top, "as_of", ())
        assert generated_at is not None and as_of is not None  # required=True
        return RunSummary(
            name=name,
            generated_at=generated_at,
            as_of=as_of,
            summary=_counts(top["summary"], ("summary",)),
            orgs=tuple(_org(o, ("orgs", i)) for i, o in enumerate(rest["orgs"])),
        )
    except (ValueError, KeyError, TypeError, AttributeError, _Bad):
        return None
