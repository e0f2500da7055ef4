"""Inclusion and intersection of host and path components, memoised on component keys.

Each check first tries the exact shortcuts for the shapes allowlists are made of (literal
text, `*` + literal suffix for hosts, literal prefix + `/**` for paths) and falls back to
the automata of automata.py for anything else.
"""

from __future__ import annotations

from functools import lru_cache

from . import automata as fa
from .syntax import ALT_SEP, GLOBSTAR

_CACHE = 1 << 17


def _literal_host(alt: str) -> bool:
    return "*" not in alt


def _suffix_shape(alt: str) -> bool:
    """`*` followed by literal text, e.g. `*.example.com`."""
    return alt[:1] == "*" and alt.count("*") == 1


def _literal_path(alt: str) -> bool:
    return "*" not in alt and GLOBSTAR not in alt


def _prefix_shape(alt: str) -> str | None:
    """Literal prefix of an alternative of the form `<literal>/**`, else None."""
    if alt.endswith(GLOBSTAR) and len(alt) > 1:
        head = alt[:-1]
        if _literal_path(head):
            return head
    return None


def _prefix_within(inner: str, outer: str) -> bool:
    # `inner/**` ⊆ `outer/**` exactly when inner extends outer by whole segments.
    return inner == outer or inner.startswith(outer + "/")


# ----------------------------------------------------------------------------- hosts


@lru_cache(maxsize=_CACHE)
def host_included(inner: str, outer: str) -> bool:
    """Every host matched by `inner` is matched by `outer` (component keys)."""
    outer_alts = outer.split(ALT_SEP)
    if "*" in outer_alts:
        return True
    match = fa.host_regex(outer).fullmatch
    finite_outer = all(_literal_host(o) for o in outer_alts)
    pending: list[str] = []
    for alt in inner.split(ALT_SEP):
        if _literal_host(alt):
            if match(alt) is None:
                return False
        elif finite_outer:
            return False  # an infinite language never fits in finitely many hosts
        elif _suffix_shape(alt) and any(_suffix_shape(o) and alt.endswith(o[1:]) for o in outer_alts):
            continue
        else:
            pending.append(alt)
    if not pending:
        return True
    if len(outer_alts) == 1 and _suffix_shape(outer_alts[0]) and all(_suffix_shape(a) for a in pending):
        return False  # `*X` ⊆ `*Y` iff X ends with Y, already tested above
    a, b = fa.host_nfa(ALT_SEP.join(pending)), fa.host_nfa(outer)
    return fa.included(a, b, fa.alphabet((a, b)))


@lru_cache(maxsize=_CACHE)
def host_intersects(left: str, right: str) -> bool:
    """Some host is matched by both components."""
    left_alts, right_alts = left.split(ALT_SEP), right.split(ALT_SEP)
    if "*" in left_alts or "*" in right_alts:
        return True
    wild_left = [a for a in left_alts if not _literal_host(a)]
    wild_right = [a for a in right_alts if not _literal_host(a)]
    if len(wild_left) < len(left_alts):
        match = fa.host_regex(right).fullmatch
        if any(match(a) for a in left_alts if _literal_host(a)):
            return True
    if len(wild_right) < len(right_alts):
        match = fa.host_regex(left).fullmatch
        if any(match(a) for a in right_alts if _literal_host(a)):
            return True
    if not wild_left or not wild_right:
        return False
    # Two `*X` globs share a host iff one suffix ends with the other.
    simple = True
    for a in wild_left:
        for b in wild_right:
            if _suffix_shape(a) and _suffix_shape(b):
                if a.endswith(b[1:]) or b.endswith(a[1:]):
                    return True
            else:
                simple = False
    if simple:
        return False
    na, nb = fa.host_nfa(ALT_SEP.join(wild_left)), fa.host_nfa(ALT_SEP.join(wild_right))
    return fa.intersects(na, nb, fa.alphabet((na, nb)))


# ----------------------------------------------------------------------------- paths


@lru_cache(maxsize=_CACHE)
def path_included(inner: str, outer: str) -> bool:
    """Every path matched by `inner` is matched by `outer` (component keys)."""
    outer_alts = outer.split(ALT_SEP)
    if GLOBSTAR in outer_alts:
        return True  # `/**` matches every path
    match = fa.path_regex(outer).fullmatch
    finite_outer = all(_literal_path(o) for o in outer_alts)
    outer_prefixes = [p for p in map(_prefix_shape, outer_alts) if p is not None]
    pending: list[str] = []
    for alt in inner.split(ALT_SEP):
        if _literal_path(alt):
            if match(alt) is None:
                return False
            continue
        if finite_outer:
            return False
        prefix = _prefix_shape(alt)
        if prefix is not None and any(_prefix_within(prefix, o) for o in outer_prefixes):
            continue
        pending.append(alt)
    if not pending:
        return True
    a, b = fa.path_nfa(ALT_SEP.join(pending)), fa.path_nfa(outer)
    return fa.included(a, b, fa.alphabet((a, b)))


@lru_cache(maxsize=_CACHE)
def path_intersects(left: str, right: str) -> bool:
    """Some path is matched by both components."""
    left_alts, right_alts = left.split(ALT_SEP), right.split(ALT_SEP)
    if GLOBSTAR in left_alts or GLOBSTAR in right_alts:
        return True
    lit_left = [a for a in left_alts if _literal_path(a)]
    lit_right = [a for a in right_alts if _literal_path(a)]
    if lit_left:
        match = fa.path_regex(right).fullmatch
        if any(match(a) for a in lit_left):
            return True
    if lit_right:
        match = fa.path_regex(left).fullmatch
        if any(match(a) for a in lit_right):
            return True
    wild_left = [a for a in left_alts if not _literal_path(a)]
    wild_right = [a for a in right_alts if not _literal_path(a)]
    if not wild_left or not wild_right:
        return False
    simple = True
    for a in wild_left:
        pa = _prefix_shape(a)
        for b in wild_right:
            pb = _prefix_shape(b)
            if pa is None or pb is None:
                simple = False
            elif _prefix_within(pa, pb) or _prefix_within(pb, pa):
                return True
    if simple:
        return False
    na, nb = fa.path_nfa(ALT_SEP.join(wild_left)), fa.path_nfa(ALT_SEP.join(wild_right))
    return fa.intersects(na, nb, fa.alphabet((na, nb)))
