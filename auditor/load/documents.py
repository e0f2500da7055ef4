"""Turn YAML files into validated models; every problem names file:line:column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..catalog import controls, permission_groups
from ..errors import InputError, Location, Problem
from ..model.common import API_VERSION
from ..model.policy import Policy
from ..model.settings import OrgSettings
from ..model.waivers import Waivers
from .yamlpos import PathKey, Positions, YamlDocument, parse_yaml, read_yaml

KINDS: dict[str, type[BaseModel]] = {"Policy": Policy, "OrgSettings": OrgSettings, "Waivers": Waivers}

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Loaded(Generic[M]):
    """A validated document with the positions of its values, for messages and policy_ref."""

    model: M
    positions: Positions
    path: str  # as the user named it; used in messages and in results

    def at(self, *path: str | int) -> Location:
        return self.positions.at(tuple(path))


def _describe_error(err: ErrorDetails, model: type[BaseModel]) -> str:
    kind = err["type"]
    loc = err["loc"]
    name = loc[-1] if loc else "document"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return f"unknown key {name!r}{hint}"
    if kind == "missing":
        return f"missing required key {name!r}"
    if kind == "literal_error":
        got = err.get("input")
        hint = " (YAML reads unquoted yes/no/on/off as true/false; quote the word)" if isinstance(got, bool) else ""
        return f"{name}: {err['msg'].replace('Input should be', 'expected')}, got {got!r}{hint}"
    if kind in ("int_type", "bool_type", "string_type", "date_type", "datetime_type", "float_type"):
        # Strict types: a quoted '30' is text, not the number 30, whatever pydantic could make of it.
        got = err.get("input")
        what = err["msg"].replace("Input should be", "expected")
        return (
            f"{name}: {what}, got {type(got).__name__} {_short(got)} (write it unquoted)"
            if isinstance(got, str)
            else f"{name}: {what}, got {_short(got)}"
        )
    msg = err["msg"].removeprefix("Value error, ")
    return f"{name}: {msg}" if isinstance(name, str) else msg


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _allowed_keys(model: type[BaseModel], path: tuple[Any, ...]) -> list[str]:
    """The keys the model accepts at `path`, to suggest the right spelling."""
    current: Any = model
    for part in path:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            # descend through sequences/optionals to the item model
            if isinstance(part, int):
                continue
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in args or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate_document(doc: YamlDocument, expect: str | None = None) -> Loaded[Any]:
    """Validate parsed YAML as its declared kind (or the expected one)."""
    file = doc.positions.file
    data = doc.data
    if not isinstance(data, dict):
        raise InputError(Problem(doc.positions.at(()), "expected a mapping with apiVersion and kind at the top"))
    api = data.get("apiVersion")
    if api != API_VERSION:
        where = doc.positions.at(("apiVersion",)) if "apiVersion" in data else Location(file, 1, 1)
        raise InputError(Problem(where, f"apiVersion: expected {API_VERSION!r}, got {api!r}"))
    kind = data.get("kind")
    if kind not in KINDS:
        where = doc.positions.at(("kind",)) if "kind" in data else Location(file, 1, 1)
        raise InputError(Problem(where, f"kind: expected one of {', '.join(KINDS)}, got {kind!r}"))
    if expect and kind != expect:
        raise InputError(Problem(doc.positions.at(("kind",)), f"kind: expected {expect} here, got {kind}"))
    model = KINDS[kind]
    # Schema problems and the rules a schema cannot say are gathered together, so
    # `validate` lists every problem in one pass, in file order.
    problems = _semantic_problems(kind, data, doc.positions)
    validated = None
    try:
        validated = model.model_validate(data)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            loc: PathKey = tuple(err["loc"])
            at_key = err["type"] == "extra_forbidden"
            problems.append(Problem(doc.positions.at(loc, key=at_key), _describe_error(err, model)))
    if problems:
        problems = _dedupe(problems)
        problems.sort(key=lambda p: (p.location.line, p.location.column))
        raise InputError(problems)
    return Loaded(validated, doc.positions, file)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _semantic_problems(kind: str, data: dict[str, Any], pos: Positions) -> list[Problem]:
    """Rules a schema cannot say: known products and groups, known controls, valid patterns.

    Read from the raw data (type-guarded), so they are found even when the schema fails too.
    """
    problems: list[Problem] = []
    known = controls().controls
    if kind == "Policy":
        problems += _check_permissions(pos, data.get("permissions"), ("permissions",))
        problems += _check_permissions(pos, data.get("future_additions"), ("future_additions",))
        for cid in _mapping(data.get("severity")):
            if cid not in known:
                problems.append(
                    Problem(pos.at(("severity", cid), key=True), f"unknown control {cid!r} (see `rovo-audit controls`)")
                )
        from ..patterns import PatternSyntaxError, parse_pattern

        domains = _mapping(data.get("domains"))
        for key in ("required", "allowed", "forbidden"):
            items = domains.get(key)
            for i, text in enumerate(items if isinstance(items, list) else []):
                if not isinstance(text, str):
                    continue
                try:
                    parse_pattern(text)
                except PatternSyntaxError as e:
                    problems.append(Problem(pos.at(("domains", key, i)), f"domains.{key}: {text!r}: {e.message}"))
    elif kind == "OrgSettings":
        orgs = data.get("orgs")
        seen: dict[str, int] = {}
        for i, org in enumerate(orgs if isinstance(orgs, list) else []):
            org = _mapping(org)
            mcp = _mapping(org.get("rovo_mcp"))
            for key in ("permissions", "future_additions"):
                problems += _check_permissions(pos, mcp.get(key), ("orgs", i, "rovo_mcp", key))
            oid = org.get("id")
            if isinstance(oid, str | int):
                oid = str(oid)
                if oid in seen:
                    first = pos.at(("orgs", seen[oid], "id")).line
                    problems.append(
                        Problem(pos.at(("orgs", i, "id")), f"org id {oid!r} appears twice (first at line {first})")
                    )
                seen.setdefault(oid, i)
    elif kind == "Waivers":
        waivers = data.get("waivers")
        for i, w in enumerate(waivers if isinstance(waivers, list) else []):
            control = _mapping(w).get("control")
            if isinstance(control, str) and control not in known:
                problems.append(
                    Problem(
                        pos.at(("waivers", i, "control")), f"unknown control {control!r} (see `rovo-audit controls`)"
                    )
                )
    return problems


def _check_permissions(pos: Positions, perms: Any, base: PathKey) -> list[Problem]:
    catalog = permission_groups()
    problems = []
    for product, groups in _mapping(perms).items():
        spec = catalog.products.get(product)
        if spec is None:
            problems.append(
                Problem(
                    pos.at((*base, product), key=True),
                    f"unknown product {product!r}; expected one of: {', '.join(catalog.products)}",
                )
            )
            continue
        for group in _mapping(groups):
            if group not in spec.groups:
                problems.append(
                    Problem(
                        pos.at((*base, product, group), key=True),
                        f"{product} has no permission group {group!r}; it has: {', '.join(spec.groups)} (permission_groups.yaml, {catalog.as_of})",
                    )
                )
    return problems


def load_file(
    path: str | Path, expect: str | None = None, display: str | None = None, parsed: YamlDocument | None = None
) -> Loaded[Any]:
    """Read, parse and validate one file (`parsed`: read and parsed already, load/prefetch.py)."""
    p = Path(path)
    return validate_document(parsed if parsed is not None else read_yaml(p, display or str(path)), expect)


def load_text(text: str, name: str, expect: str | None = None) -> Loaded[Any]:
    return validate_document(parse_yaml(text, name), expect)
