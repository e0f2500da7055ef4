"""Output formats, one module each, behind `report.interface.Format`."""

from __future__ import annotations

from .csv_format import CsvFormat
from .html import HtmlFormat
from .interface import Format, ReportContext, write_atomic
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

__all__ = ["FORMATS", "Format", "ReportContext", "write_atomic"]
