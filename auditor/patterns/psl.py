"""Wildcards over a public suffix (RMCP-DOM-004), using the bundled Public Suffix List.

The list is the copy shipped inside the `publicsuffixlist` package (offline), with its
private section (vercel.app, github.io, ...) included. Unknown top-level domains count
as public suffixes, as in the PSL algorithm's default `*` rule.
"""

from __future__ import annotations

from functools import lru_cache

from publicsuffixlist import PublicSuffixList

from .syntax import Pattern


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList(only_icann=False)


def fixed_part(alt: str) -> str | None:
    """What follows the last wildcard of one host alternative, less a leading dot;
    None when the alternative has no wildcard."""
    star = alt.rfind("*")
    if star < 0:
        return None
    fixed = alt[star + 1 :]
    return fixed[1:] if fixed.startswith(".") else fixed


@lru_cache(maxsize=1 << 14)
def _is_public(fixed: str) -> bool:
    try:
        return bool(_psl().is_public(fixed))
    except (ValueError, UnicodeError):
        return False  # not a domain name at all (e.g. `-x`): nothing registrable


@lru_cache(maxsize=1 << 14)
def public_suffix_wildcard(p: Pattern) -> str | None:
    """The first offending fixed part (empty string for a bare `*`), or None."""
    if "*" not in p.host:
        return None
    for alt in p.host_alts:
        fixed = fixed_part(alt)
        if fixed is not None and (fixed == "" or _is_public(fixed)):
            return fixed
    return None
