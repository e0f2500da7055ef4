"""The direction of imports: one pipeline, load → collect → evaluate → history → report → cli.

An AST walk over auditor/ (every import, function-local and TYPE_CHECKING ones included: a
cycle hidden in a function is still a cycle a newcomer has to hold in their head)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "auditor"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every auditor module this file imports (absolute names)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # `from . import x` and `from .pkg import mod` name modules too
            found.update(f"{target}.{a.name}" for a in node.names)
    return {m for m in found if m == "auditor" or m.startswith("auditor.")}


def _unit(module: str) -> str:
    """The package (or top-level module) a module belongs to: auditor.report.html → report."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(auditor)"


def package_graph() -> dict[str, set[str]]:
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        src = _unit(_module_name(path))
        graph[src]
        for target in _imports(path):
            if target not in modules:
                continue  # `from .x import name` also yields x.name, which is no module
            dst = _unit(target)
            if dst not in (src, "(auditor)"):  # auditor/__init__ holds only __version__
                graph[src].add(dst)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle's nodes, found by depth-first search (the graph is small)."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == start and frozenset(path) not in seen:
                seen.add(frozenset(path))
                found.append([*path, start])
            elif nxt not in path and nxt > start:
                walk(start, nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return found


def test_no_import_cycle_between_the_packages_of_auditor():
    graph = package_graph()
    assert {"load", "collect", "evaluate", "history", "report", "cli"} <= set(graph)  # the walk saw them
    assert cycles(graph) == []


def test_the_cycle_check_can_fail():
    assert cycles({"history": {"report"}, "report": {"history"}}) == [["history", "report", "history"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_pipeline_flows_one_way():
    graph = package_graph()
    # report/ is the one place that renders: only the pipeline and the CLI use it.
    users_of_report = {src for src, dsts in graph.items() if "report" in dsts}
    assert users_of_report <= {"pipeline", "cli"}, users_of_report
    # history/ keeps the review logic below report/; evaluation is pure and knows no I/O stage.
    assert "report" not in graph["history"]
    assert not graph["evaluate"] & {"collect", "history", "report", "pipeline", "cli", "doctor", "mcpclient"}
    assert not graph["load"] & {"collect", "evaluate", "history", "report", "pipeline", "cli"}
    assert not graph["model"] - {"errors"}, graph["model"]
    # the doctor's steps run; rendering what they found is report/'s job
    assert "report" not in graph["doctor"]


def test_every_package_ships_in_the_wheel():
    """pyproject.toml lists the packages by hand (auditor/policies is a symlink to policies/):
    a new package left out of the list would be missing from every install but an editable one."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.relative_to(ROOT).parent.parts) for p in PACKAGE.rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
