"""Wildcards over a public suffix (RMCP-DOM-004), using the bundled Public Suffix List.

The list is the copy shipped inside the `publicsuffixlist` package (offline), with its
private section (vercel.app, github.io, ...) included. Unknown top-level domains count
as public suffixes, as in the PSL algorithm's default `*` rule.
"""

from __future__ import annotations

from functools import lru_cache

from publicsuffixlist import PSLFILE, PublicSuffixList

from .syntax import Pattern


@lru_cache(maxsize=1)
def _ascii_rules() -> dict[str, list[str]]:
    """The list's ASCII rules by their last label (`!` and `*.` rules included as written):
    one pass over its 10,000 lines, where each top-level domain asked for scanned them all."""
    by_tld: dict[str, list[str]] = {}
    with open(PSLFILE, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line and line.isascii() and not line.startswith("//"):
                by_tld.setdefault(line.rpartition(".")[2], []).append(line)
    return by_tld


@lru_cache(maxsize=256)
def _psl(tld: str | None) -> PublicSuffixList:
    """The whole list (IDN rules punycoded too) for `None`; else the ASCII rules under
    the top-level domain `tld`.

    A rule only ever matches names ending in its own last label, and a name without IDN
    labels only meets ASCII rules; so the small list answers exactly as the whole would,
    and skips most of the package's start-up (punycoding ~450 IDN rules, reading 10,000).
    """
    if tld is None:
        return PublicSuffixList(only_icann=False)
    return PublicSuffixList(source=_ascii_rules().get(tld, []), accept_encoded_idn=False)


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
        idn = "xn--" in fixed or not fixed.isascii()
        return bool(_psl(None if idn else fixed.rstrip(".").rpartition(".")[2].lower()).is_public(fixed))
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
