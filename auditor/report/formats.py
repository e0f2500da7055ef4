"""The output formats of an audit, by the name `--format` takes: one module each, behind
`report.interface.Format`. To add one: a module with a Format subclass, and a line here."""

from __future__ import annotations

from .csv_format import CsvFormat
from .html import HtmlFormat
from .interface import Format
from .json_format import JsonFormat
from .junit import JunitFormat
from .markdown import MarkdownFormat
from .sarif import SarifFormat

FORMATS: dict[str, type[Format]] = {
    "html": HtmlFormat,
    "json": JsonFormat,
    "md": MarkdownFormat,
    "sarif": SarifFormat,
    "junit": JunitFormat,
    "csv": CsvFormat,
}
