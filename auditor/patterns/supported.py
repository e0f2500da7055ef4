"""The dated Atlassian supported domains list (auditor/data/supported_domains.yaml)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .rules import LOOPBACK_HOSTS
from .syntax import Pattern, parse_pattern

_DATA_PACKAGE = "auditor.data"
_DATA_FILE = "supported_domains.yaml"


@lru_cache(maxsize=1)
def _load() -> dict[str, Any]:
    text = resources.files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("domains"), list):
        raise ValueError(f"{_DATA_FILE}: expected a mapping with a 'domains' list")
    return data


def domain_to_pattern_text(domain: str) -> str:
    """FORMATS.md §4: how one supported domain counts as an allowlist pattern."""
    if "://" in domain:
        return f"{domain.rstrip('/')}/**"  # native app scheme, e.g. cursor://cursor.mcp
    if domain in LOOPBACK_HOSTS:
        return f"http://{domain}:*/**"
    return f"https://{domain}/**"


@lru_cache(maxsize=1)
def supported_domain_patterns() -> tuple[Pattern, ...]:
    """The supported domains as patterns, in file order (parsed once)."""
    return tuple(parse_pattern(domain_to_pattern_text(str(d))) for d in _load()["domains"])


def supported_domains_source() -> dict[str, str]:
    """Provenance of the list: as_of (ISO date string), source, source_url."""
    data = _load()
    as_of = data.get("as_of")
    if isinstance(as_of, dt.date):
        as_of = as_of.isoformat()
    return {
        "as_of": str(as_of),
        "source": str(data.get("source", "")),
        "source_url": str(data.get("source_url", "")),
    }
