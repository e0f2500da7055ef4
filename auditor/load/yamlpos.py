"""YAML to plain Python values, remembering the line and column of every value.

PyYAML's C composer keeps node marks, so we compose with it (when built) and convert
nodes ourselves: that keeps positions without the slow pure-Python loader, lets us refuse
duplicate keys (PyYAML keeps the last one silently) and bound alias expansion before any
value is built (a "billion laughs" document is refused in microseconds).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Location, Problem

_Base: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:  # the libyaml-backed loader is 5-10x faster; fall back when PyYAML was built without it
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base

_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, with the resolver's common answer given without its search: the
    parser asks it the tag of every scalar (46,000 on the 100-org estate's snapshot), and a
    quoted one, or a plain one whose first character starts no implicit type (`https://…`,
    an id, a name), is a string. The rest goes to the resolver. The same tags (tested), 13 %
    less time composing the snapshot (0.077 -> 0.067 s CPU)."""

    _STARTS = frozenset(k for k in _Base.yaml_implicit_resolvers if k)
    # (a resolver for any first character, or by path, and the shortcut would be wrong)
    _SHORTCUT = None not in _Base.yaml_implicit_resolvers and not _Base.yaml_path_resolvers

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and self._SHORTCUT:
            plain, quoted = implicit
            if (quoted and not plain) or (plain and value and value[0] not in self._STARTS):
                return _STR_TAG
        return str(super().resolve(kind, value, implicit))


MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_NODES = 5_000_000  # after alias expansion
# The deepest document rovo-audit reads nests 7 levels (settings → orgs → org → rovo_mcp →
# permissions → product → group). 64 leaves room for anything sensible and stays far below
# Python's recursion limit, which the conversion, the position lookup and pydantic all share.
MAX_DEPTH = 64
# The tags a plain-data document uses. Others (!!binary, !!set, !!omap, !!pairs, !!python/…)
# would be turned into values no field expects and then, silently, coerced into one.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)

PathKey = tuple[str | int, ...]


_MERGE_TAG = "tag:yaml.org,2002:merge"


class Positions:
    """Line/column of any value (by path) or mapping key (by the path it opens).

    Looked up in the composed node tree on demand: a 1 MB snapshot has 100,000+ values
    but a run asks for a handful of positions (error messages, policy_ref), so building
    a table of them all up front would cost more than the rest of the loading.
    """

    __slots__ = ("_reparse", "_root", "file")

    def __init__(
        self, file: str, root: yaml.Node | None = None, reparse: Callable[[], yaml.Node | None] | None = None
    ) -> None:
        self.file = file
        self._root = root
        self._reparse = reparse  # a document parsed elsewhere (load/prefetch.py): its tree, when first asked

    def _walk(self, path: PathKey) -> list[tuple[yaml.Node, yaml.Node | None]]:
        """(value node, key node or None) for the root and each component of `path`
        that exists, in order: the longest prefix of the path the document has."""
        if self._root is None and self._reparse is not None:
            self._root, self._reparse = self._reparse(), None
        node = self._root
        if node is None:
            return []
        found: list[tuple[yaml.Node, yaml.Node | None]] = [(node, None)]
        for part in path:
            child: tuple[yaml.Node, yaml.Node | None] | None = None
            if isinstance(node, yaml.MappingNode) and not isinstance(part, int):
                child = next(
                    ((v, k) for k, v in node.value if isinstance(k, yaml.ScalarNode) and str(k.value) == part), None
                )
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                child = (node.value[part], None)
            if child is None:
                break
            found.append(child)
            node = child[0]
        return found

    def at(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of `path`, or of its nearest known ancestor; with `key`, of the
        mapping key that opens it (or the nearest one above it)."""
        found = self._walk(tuple(path))
        if not found:
            return Location(self.file, 1, 1)
        keys = [k for _, k in found if k is not None]
        node = (keys[-1] if keys else found[0][0]) if key else found[-1][0]
        return Location(self.file, *_mark(node))


@dataclass(frozen=True, slots=True)
class YamlDocument:
    data: Any
    positions: Positions


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _may_have_aliases(text: str | bytes) -> bool:
    # An alias needs an anchor, and an anchor needs '&': without one there is nothing
    # to expand, and counting the expansion can be skipped.
    if isinstance(text, str):
        return "&" in text
    return b"&" in text


def _expanded_size(root: yaml.Node, file: str) -> int:
    """Node count after alias expansion, memoised per node so it costs O(unique nodes)."""
    memo: dict[int, int] = {}
    on_stack: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in on_stack:
            line, col = _mark(node)
            raise InputError(Problem(Location(file, line, col), "recursive YAML alias is not allowed"))
        on_stack.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
        on_stack.discard(key)
        memo[key] = total
        return total

    return size(root)


class _Converter:
    """Nodes to plain values, refusing on the way what `_check_shape` refuses (nesting deeper
    than MAX_DEPTH, tags other than plain data) before anything is built from such a node: one
    walk where there were two (on the 100-org estate's 1.5 MB snapshot the separate check was
    a fifth of the loading)."""

    def __init__(self, loader: Any, file: str) -> None:
        self.loader = loader
        self.file = file

    def convert(self, node: yaml.Node, depth: int = 1) -> Any:
        cls, tag = type(node), node.tag
        if cls is yaml.ScalarNode and tag == _STR_TAG:
            return node.value  # what SafeConstructor does for a string, minus its overhead
        if depth > MAX_DEPTH or tag not in _PLAIN_TAGS:
            _refuse(node, depth, self.file)
        if cls is yaml.ScalarNode:
            try:
                return self.loader.construct_object(node, deep=True)
            except yaml.constructor.ConstructorError as e:
                line, col = _mark(node)
                raise InputError(Problem(Location(self.file, line, col), f"bad value: {e.problem}")) from None
            except (ValueError, OverflowError) as e:  # 2026-02-30, hour 25, an integer of 5,000 digits
                line, col = _mark(node)
                raise InputError(
                    Problem(Location(self.file, line, col), f"bad value {_shown(node.value)}: {_reason(e)}")
                ) from None
        deeper = depth + 1
        if cls is yaml.SequenceNode:
            convert = self.convert
            return [convert(item, deeper) for item in node.value]
        if cls is yaml.MappingNode:
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    line, col = _mark(key_node)
                    raise InputError(
                        Problem(
                            Location(self.file, line, col), "YAML merge keys (<<) are not supported; write the keys out"
                        )
                    )
                if deeper > MAX_DEPTH or key_node.tag not in _PLAIN_TAGS:
                    _refuse(key_node, deeper, self.file)
                if type(key_node) is not yaml.ScalarNode:
                    line, col = _mark(key_node)
                    raise InputError(Problem(Location(self.file, line, col), "mapping keys must be plain strings"))
                key = str(key_node.value)
                if key in out:
                    line, col = _mark(key_node)
                    raise InputError(Problem(Location(self.file, line, col), f"duplicate key {key!r}"))
                out[key] = self.convert(value_node, deeper)
            return out
        raise InputError(Problem(Location(self.file, *_mark(node)), "unsupported YAML node"))  # pragma: no cover


def _refuse(node: yaml.Node, depth: int, file: str) -> None:
    """Raise what `_check_shape` would for this node, if anything (nesting first, then tag)."""
    if depth > MAX_DEPTH:
        raise InputError(Problem(Location(file, *_mark(node)), f"nested more than {MAX_DEPTH} levels deep"))
    if node.tag not in _PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise InputError(Problem(Location(file, *_mark(node)), f"unsupported YAML tag {tag}; expected a plain value"))


def _shown(value: str) -> str:
    return repr(value) if len(value) <= 40 else repr(value[:37] + "...")


def _reason(e: Exception) -> str:
    text = str(e)
    if "integer string conversion" in text:
        return "a number of more than 4,300 digits"
    return text.split(";")[0]


def _check_shape(root: yaml.Node, file: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH and tags other than plain data, before anything
    recurses over the tree (iteratively: this walk itself cannot overflow the stack)."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue  # an alias: its node was checked where it was anchored
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise InputError(Problem(Location(file, *_mark(node)), f"nested more than {MAX_DEPTH} levels deep"))
        if node.tag not in _PLAIN_TAGS and node.tag != _MERGE_TAG:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise InputError(
                Problem(Location(file, *_mark(node)), f"unsupported YAML tag {tag}; expected a plain value")
            )
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack += [(k, depth + 1), (v, depth + 1)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, depth + 1) for item in node.value]


def parse_yaml(text: str | bytes, file: str) -> YamlDocument:
    """Parse one YAML document into plain values plus a position table."""
    if len(text) > MAX_FILE_BYTES:
        raise InputError(
            Problem(
                Location(file, 1, 1), f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; refusing to read it"
            )
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = e.problem or e.context or "invalid YAML"
        raise InputError(Problem(Location(file, line, col), f"invalid YAML: {what}")) from None
    except yaml.YAMLError as e:
        raise InputError(Problem(Location(file, 1, 1), f"invalid YAML: {e}")) from None
    finally:
        loader.dispose()
    if node is None:
        raise InputError(
            Problem(Location(file, 1, 1), "the file is empty; expected a document with apiVersion and kind")
        )
    # With anchors, the expansion is counted (recursively) before anything is built, so the
    # shape is checked first, on its own; without, the conversion checks it as it goes.
    if _may_have_aliases(text):
        _check_shape(node, file)
    if _may_have_aliases(text) and _expanded_size(node, file) > MAX_NODES:
        line, col = _mark(node)
        raise InputError(
            Problem(
                Location(file, line, col),
                f"document expands to more than {MAX_NODES:,} values (YAML alias bomb?); refusing it",
            )
        )
    return YamlDocument(_Converter(loader, file).convert(node), Positions(file, node))


def read_text_file(path: Path, name: str, *, max_bytes: int, expected: str) -> str:
    """A UTF-8 input file's text, or an InputError naming the file (too large, missing, not a
    regular file, ...). Only regular files: a FIFO would block for ever and /dev/zero never
    ends; the size is checked before reading and the read itself is capped."""
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(Problem(Location(name, 1, 1), f"is a directory, expected {expected}"))
        if not stat.S_ISREG(st.st_mode):
            raise InputError(
                Problem(Location(name, 1, 1), f"is not a regular file (a pipe or a device), expected {expected}")
            )
        if st.st_size > max_bytes:
            raise InputError(
                Problem(
                    Location(name, 1, 1),
                    f"file is {st.st_size:,} bytes, over the {max_bytes // (1024 * 1024)} MiB limit",
                )
            )
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)  # a file that grew since stat() is still cut off
        if len(raw) > max_bytes:
            raise InputError(Problem(Location(name, 1, 1), f"file is over the {max_bytes // (1024 * 1024)} MiB limit"))
    except FileNotFoundError:
        raise InputError(Problem(Location(name, 1, 1), "no such file")) from None
    except IsADirectoryError:
        raise InputError(Problem(Location(name, 1, 1), f"is a directory, expected {expected}")) from None
    except OSError as e:
        raise InputError(Problem(Location(name, 1, 1), f"cannot read: {e.strerror}")) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError(
            Problem(Location(name, line, column), f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})")
        ) from None


def read_tree(path: Path, name: str) -> yaml.Node | None:
    """The node tree of a file parsed before (for positions only): read and composed again."""
    loader = _Loader(read_text_file(path, name, max_bytes=MAX_FILE_BYTES, expected="a YAML file"))
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse a file; `display` is the name used in messages (defaults to the path)."""
    name = display or str(path)
    return parse_yaml(read_text_file(path, name, max_bytes=MAX_FILE_BYTES, expected="a YAML file"), name)
