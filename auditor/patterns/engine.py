"""URL matching, inclusion, intersection and union inclusion of patterns, and an index.

A pattern's language is the product scheme × host × port × path of non-empty component
languages, so single-pattern inclusion and intersection are decided component by
component. Union inclusion does not decompose; it is decided exactly on automata over the
whole normalised URL `host SEP port SEP path` (the scheme being equal by construction).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from . import automata as fa
from .components import host_included, host_intersects, path_included, path_intersects
from .syntax import ANY_PORT, DEFAULT_PORTS, NO_PORT, Pattern

_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+.-")


@lru_cache(maxsize=1 << 14)
def split_url(url: str) -> tuple[str, str, int, str] | None:
    """Normalise a URL to (scheme, host, effective port, path), or None if it is not one.

    Lowercases scheme and host, fills the scheme's default port (NO_PORT for custom
    schemes), turns an empty path into '/', drops user info, query and fragment.
    """
    sep = url.find("://")
    if sep <= 0:
        return None
    scheme = url[:sep].lower()
    if not scheme[0].isalpha() or not _SCHEME_CHARS.issuperset(scheme):
        return None
    rest = url[sep + 3 :]
    for mark in "#?":
        cut = rest.find(mark)
        if cut >= 0:
            rest = rest[:cut]
    slash = rest.find("/")
    authority, path = (rest, "/") if slash < 0 else (rest[:slash], rest[slash:])
    authority = authority.rpartition("@")[2]
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            return None
        try:
            host = f"[{ipaddress.IPv6Address(authority[1:end]).compressed}]"
        except ValueError:
            return None
        port_text = authority[end + 1 :]
        if port_text and not port_text.startswith(":"):
            return None
        port_text = port_text[1:]
    else:
        host, _, port_text = authority.partition(":")
        host = host.lower()
    if not host:
        return None
    if not port_text:
        port = DEFAULT_PORTS.get(scheme, NO_PORT)
    elif port_text.isascii() and port_text.isdigit() and 1 <= int(port_text) <= 65535:
        port = int(port_text)
    else:
        return None
    return scheme, host, port, path


def matches(p: Pattern, url: str) -> bool:
    """True when the (normalised) URL is matched by the pattern."""
    parts = split_url(url)
    if parts is None:
        return False
    scheme, host, port, path = parts
    if scheme != p.scheme or (p.port_value != ANY_PORT and p.port_value != port):
        return False
    if fa.host_regex(p.host_key).fullmatch(host) is None:
        return False
    return fa.path_regex(p.path_key).fullmatch(path) is not None


def _port_within(inner: int, outer: int) -> bool:
    return outer in (ANY_PORT, inner)


def covers(outer: Pattern, inner: Pattern) -> bool:
    """Every URL `inner` matches is matched by `outer` (language inclusion)."""
    return (
        outer.scheme == inner.scheme
        and _port_within(inner.port_value, outer.port_value)
        and (outer.host_key == inner.host_key or host_included(inner.host_key, outer.host_key))
        and (outer.path_key == inner.path_key or path_included(inner.path_key, outer.path_key))
    )


def intersects(a: Pattern, b: Pattern) -> bool:
    """Some URL is matched by both patterns."""
    return (
        a.scheme == b.scheme
        and (a.port_value == b.port_value or ANY_PORT in (a.port_value, b.port_value))
        and (a.host_key == b.host_key or host_intersects(a.host_key, b.host_key))
        and (a.path_key == b.path_key or path_intersects(a.path_key, b.path_key))
    )


def _url_nfa(patterns: Sequence[Pattern]) -> fa.NFA:
    """Automaton of the union of the patterns' URLs, as `host SEP port SEP path`."""
    b = fa.Builder()
    accept: list[int] = []
    for p in patterns:
        host_end = b.state()
        for alt in p.host_alts:
            b.edge(b.host_alt(0, alt), fa.SEP, host_end)
        label = fa.ANYPORT if p.port_value == ANY_PORT else fa.port_symbol(p.port_value)
        path_start = b.edge(b.edge(host_end, label), fa.SEP)
        accept.extend(b.path_alt(path_start, alt) for alt in p.path_alts)
    return b.build(accept)


@lru_cache(maxsize=1 << 12)
def _union_exact(inner: Pattern, outers: tuple[Pattern, ...]) -> bool:
    a, b = _url_nfa((inner,)), _url_nfa(outers)
    ports = {s for s in a.literals | b.literals if ord(s) >= fa.PORT_BASE}
    # The port universe is finite (1-65535, plus "no port" for custom schemes): only
    # when the patterns name every value is there no "other port" left to check.
    universe = 65535 if inner.scheme in DEFAULT_PORTS else 65536
    sigma = fa.alphabet((a, b), other_port=len(ports) < universe)
    return fa.included(a, b, sigma)


def covered_by_union(inner: Pattern, outers: Sequence[Pattern]) -> bool:
    """Every URL `inner` matches is matched by at least one of `outers` (exact)."""
    candidates: list[Pattern] = []
    for o in outers:
        if o.scheme != inner.scheme:
            continue
        if covers(o, inner):
            return True
        if intersects(o, inner):
            candidates.append(o)
    if not candidates:
        return False
    return _union_exact(inner, tuple(dict.fromkeys(candidates)))


# ----------------------------------------------------------------------------- index


def host_label_keys(p: Pattern) -> list[tuple[str, ...]]:
    """Per host alternative: its trailing labels that are wholly literal, reversed.

    A host matched by the alternative always ends with these labels, which is what the
    index uses to narrow its candidates (see PatternIndex)."""
    keys = []
    for alt in p.host_alts:
        star = alt.rfind("*")
        labels = alt.split(".") if star < 0 else alt[star + 1 :].split(".")[1:]
        keys.append(tuple(reversed(labels)))
    return keys


_MISSING = object()


class PatternIndex:
    """Many patterns, indexed by scheme and by the wholly literal trailing host labels.

    Why it never misses a candidate: every host an alternative matches ends with that
    alternative's literal labels L. Two patterns can share a URL only if their L are
    prefix-comparable (as reversed label tuples), and `outer` can cover `inner` only if
    outer's L is a prefix of inner's L for every alternative of inner (inner's variable
    part can always produce a label no literal label equals).
    """

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self._patterns: tuple[Pattern, ...] = tuple(patterns)
        # (scheme, labels) -> input positions whose alternative has exactly `labels`
        self._exact: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        # (scheme, labels) -> input positions with an alternative whose labels extend it
        self._under: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for i, p in enumerate(self._patterns):
            for labels in host_label_keys(p):
                self._add(self._exact, (p.scheme, labels), i)
                for k in range(len(labels) + 1):
                    self._add(self._under, (p.scheme, labels[:k]), i)
        self._cover_cands: dict[tuple[str, tuple[str, ...]], tuple[int, ...]] = {}
        self._first: dict[Pattern, Pattern | None] = {}

    @staticmethod
    def _add(table: dict[tuple[str, tuple[str, ...]], list[int]],
             key: tuple[str, tuple[str, ...]], i: int) -> None:
        bucket = table.setdefault(key, [])
        if not bucket or bucket[-1] != i:  # positions arrive in increasing order
            bucket.append(i)

    def __len__(self) -> int:
        return len(self._patterns)

    @property
    def patterns(self) -> tuple[Pattern, ...]:
        return self._patterns

    def _covering_candidates(self, scheme: str, labels: tuple[str, ...]) -> tuple[int, ...]:
        key = (scheme, labels)
        cands = self._cover_cands.get(key)
        if cands is None:
            found: set[int] = set()
            for k in range(len(labels) + 1):
                found.update(self._exact.get((scheme, labels[:k]), ()))
            cands = self._cover_cands[key] = tuple(sorted(found))
        return cands

    def first_covering(self, inner: Pattern) -> Pattern | None:
        """The first pattern (input order) that covers `inner`, or None."""
        hit = self._first.get(inner, _MISSING)
        if hit is not _MISSING:
            return hit  # type: ignore[return-value]
        # One alternative's labels suffice as a necessary condition; take the longest,
        # which narrows the candidates most.
        labels = max(host_label_keys(inner), key=len)
        result = None
        for i in self._covering_candidates(inner.scheme, labels):
            if covers(self._patterns[i], inner):
                result = self._patterns[i]
                break
        self._first[inner] = result
        return result

    def _intersecting_positions(self, inner: Pattern) -> list[int]:
        found: set[int] = set()
        for labels in host_label_keys(inner):
            for k in range(len(labels)):
                found.update(self._exact.get((inner.scheme, labels[:k]), ()))
            found.update(self._under.get((inner.scheme, labels), ()))
        return [i for i in sorted(found) if intersects(self._patterns[i], inner)]

    def intersecting(self, inner: Pattern) -> list[Pattern]:
        """All patterns sharing some URL with `inner`, in input order."""
        return [self._patterns[i] for i in self._intersecting_positions(inner)]

    def union_covers(self, inner: Pattern) -> bool:
        """covered_by_union(inner, all indexed patterns), using the index."""
        if self.first_covering(inner) is not None:
            return True
        cands = self.intersecting(inner)
        if not cands:
            return False
        return _union_exact(inner, tuple(dict.fromkeys(cands)))
