"""The output formats of an audit, by the name `--format` takes: one module each, behind
`report.interface.Format`. To add one: a module with a Format subclass, and a line here.

A format's module is imported when the format is first looked up, not with this one: an
audit writing only results.json does not load the HTML report's templates and Jinja (80 ms
of a 0.4 s start-up, measured with -X importtime).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from functools import cache

from .interface import Format


def _html() -> type[Format]:
    from .html import HtmlFormat

    return HtmlFormat


def _json() -> type[Format]:
    from .json_format import JsonFormat

    return JsonFormat


def _md() -> type[Format]:
    from .markdown import MarkdownFormat

    return MarkdownFormat


def _sarif() -> type[Format]:
    from .sarif import SarifFormat

    return SarifFormat


def _junit() -> type[Format]:
    from .junit import JunitFormat

    return JunitFormat


def _csv() -> type[Format]:
    from .csv_format import CsvFormat

    return CsvFormat


class _Formats(MutableMapping[str, type[Format]]):
    """name → Format class, each module imported on first use (a test may add one)."""

    def __init__(self, loaders: dict[str, Callable[[], type[Format]]]) -> None:
        self._loaders = {name: cache(load) for name, load in loaders.items()}

    def __getitem__(self, name: str) -> type[Format]:
        return self._loaders[name]()

    def __setitem__(self, name: str, cls: type[Format]) -> None:
        self._loaders[name] = cache(lambda: cls)

    def __delitem__(self, name: str) -> None:
        del self._loaders[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaders)

    def __len__(self) -> int:
        return len(self._loaders)


FORMATS: MutableMapping[str, type[Format]] = _Formats(
    {"html": _html, "json": _json, "md": _md, "sarif": _sarif, "junit": _junit, "csv": _csv}
)
