"""Positions come from the composed node tree on demand; these pin down what `at` returns."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.load.yamlpos import _Loader, parse_yaml

TEXT = """\
apiVersion: rovo-audit/v1
orgs:
  - id: a
    rovo_mcp:
      domains:
        - https://a.example.com/**
        - "https://b.example.com/**"
  - id: 7
"""


def where(path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
    loc = parse_yaml(TEXT, "s.yaml").positions.at(path, key=key)
    assert loc.file == "s.yaml"
    return loc.line, loc.column


def test_values_keys_and_nearest_ancestor() -> None:
    assert where(()) == (1, 1)
    assert where(("orgs", 0, "rovo_mcp", "domains", 1)) == (7, 11)
    assert where(("orgs", 0, "rovo_mcp", "domains", 1), key=True) == (5, 7)  # the key opening the list
    assert where(("orgs", 0, "rovo_mcp", "domains", 9)) == (6, 9)  # no item 9: the list itself
    assert where(("orgs", 0, "rovo_mcp", "nope")) == (5, 7)  # no such key: the mapping
    assert where(("orgs", 1, "id")) == (8, 9)
    assert where(("orgs", 1, "id"), key=True) == (8, 5)
    assert where(("apiVersion",), key=True) == (1, 1)
    assert where(("missing",), key=True) == (1, 1)


def test_data_is_plain_values() -> None:
    doc = parse_yaml(TEXT, "s.yaml")
    assert doc.data["orgs"][1]["id"] == 7
    assert doc.data["orgs"][0]["rovo_mcp"]["domains"] == ["https://a.example.com/**", "https://b.example.com/**"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("a: &x [1]\nb: *x\n<<: {c: 1}\n", "merge keys"),
        ("? [1]\n: 2\n", "mapping keys must be plain strings"),
    ],
)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_yaml(text, "s.yaml")


_DEEP = "a: " + "[" * 70 + "]" * 70


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (_DEEP, (1, 67), "nested more than 64 levels deep"),
        ("x: &k [1]\ny: *k\n" + _DEEP, (3, 67), "nested more than 64 levels deep"),  # with anchors: checked first
        ("a: !!binary aGk=", (1, 4), "unsupported YAML tag !!binary"),
        ("a: [1, !!set {}]", (1, 8), "unsupported YAML tag !!set"),
        ("x: &k 1\na: !!python/tuple [1]", (2, 4), "unsupported YAML tag !!python/tuple"),
        ("? !!python/name:os.system x\n: 1", (1, 3), "unsupported YAML tag !!python/name:os.system"),
        ("a: 1\n? [x]\n: 2", (2, 3), "mapping keys must be plain strings"),
        ("a: 1\nb: {c: 1, c: 2}", (2, 11), "duplicate key 'c'"),
        ("<<: {a: 1}", (1, 1), "YAML merge keys (<<) are not supported"),
    ],
)
def test_what_is_not_plain_data_is_refused_where_it_is(text: str, where: tuple[int, int], message: str) -> None:
    with pytest.raises(InputError) as e:
        parse_yaml(text, "s.yaml")
    problem = e.value.problems[0]
    assert (problem.location.line, problem.location.column) == where
    assert message in problem.message


_SCALARS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["yes", "No", "on", "~", "null", "", "1e3", ".inf", "-.5", "0x1F", "2026-11-26", "<<", "=", "https://x"]
    ),
)


def _tags(loader: type[yaml.SafeLoader], text: str) -> list[str]:
    node = loader(text).get_single_node()
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        out.append(n.tag)
        if isinstance(n, yaml.MappingNode):
            stack += [x for pair in n.value for x in pair]
        elif isinstance(n, yaml.SequenceNode):
            stack += n.value
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(_SCALARS, min_size=1, max_size=6), st.sampled_from(["plain", "single", "double"]))
def test_the_resolver_shortcut_gives_the_safe_loaders_tags(values: list[str], style: str) -> None:
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    quote = {"plain": "", "single": "'", "double": '"'}[style]
    for value in values:
        shown = value if style == "plain" else yaml.safe_dump(value, default_style=quote).strip()
        text = f"k: {shown}\n"
        try:
            want = _tags(base, text)
        except yaml.YAMLError:
            continue  # not YAML as written: nothing to compare
        assert _tags(_Loader, text) == want, text
