"""Wildcards over a public suffix (RMCP-DOM-004), using the bundled Public Suffix List.

The list is the copy shipped inside the `publicsuffixlist` package (offline), with its
private section (vercel.app, github.io, ...) included. Unknown top-level domains count
as public suffixes, as in the PSL algorithm's default `*` rule.
"""

from __future__ import annotations

from functools import lru_cache

from publicsuffixlist import PSLFILE, PublicSuffixList

from .syntax import Pattern


@lru_cache(maxsize=2)
def _psl(idn: bool) -> PublicSuffixList:
    """The whole list (IDN rules punycoded too) when `idn`; else only its ASCII rules.

    A name without `xn--` labels can only meet ASCII rules, and leaving out the ~450
    IDN rules (punycoding them is most of the package's start-up) makes the list load
    4x faster: every audit with a wildcard entry pays it once.
    """
    if idn:
        return PublicSuffixList(only_icann=False)
    with open(PSLFILE, encoding="utf-8") as f:
        rules = [line for line in f.read().splitlines() if line and line.isascii() and not line.startswith("//")]
    return PublicSuffixList(source=rules, accept_encoded_idn=False)


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
        return bool(_psl("xn--" in fixed or not fixed.isascii()).is_public(fixed))
    except (ValueError, UnicodeError):
        return False  # not a domain name at all (e.g. `-x`): nothing registrable


def public_suffix_wildcard(p: Pattern) -> str | None:
    """The first offending fixed part (empty string for a bare `*`), or None."""
    if "*" not in p.host:
        return None
    for alt in p.host_alts:
        fixed = fixed_part(alt)
        if fixed is not None and (fixed == "" or _is_public(fixed)):
            return fixed
    return None
