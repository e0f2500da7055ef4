"""Domain allowlist patterns (FORMATS.md §4): parsing, Atlassian rules, exact matching,
inclusion, intersection and union inclusion, public-suffix wildcards, supported domains."""

from .engine import (
    PatternIndex,
    covered_by_union,
    covers,
    intersects,
    matches,
    split_url,
)
from .psl import fixed_part, public_suffix_wildcard
from .rules import rule_violations
from .supported import supported_domain_patterns, supported_domains_source
from .syntax import Pattern, PatternSyntaxError, Violation, parse_pattern

__all__ = [
    "Pattern",
    "PatternIndex",
    "PatternSyntaxError",
    "Violation",
    "covered_by_union",
    "covers",
    "fixed_part",
    "intersects",
    "matches",
    "parse_pattern",
    "public_suffix_wildcard",
    "rule_violations",
    "split_url",
    "supported_domain_patterns",
    "supported_domains_source",
]
