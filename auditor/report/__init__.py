"""Output formats, one module each, behind `report.interface.Format`."""

from __future__ import annotations

from .html import HtmlFormat
from .interface import Format, ReportContext, write_atomic
from .json_format import JsonFormat
from .markdown import MarkdownFormat

FORMATS: dict[str, type[Format]] = {
    "html": HtmlFormat,
    "json": JsonFormat,
    "md": MarkdownFormat,
}

__all__ = ["FORMATS", "Format", "ReportContext", "write_atomic"]
