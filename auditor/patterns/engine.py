"""URL matching, inclusion, intersection and union inclusion of patterns, and an index.

A pattern's language is the product scheme × host × port × path of non-empty component
languages, so single-pattern inclusion and intersection are decided component by
component. Union inclusion does not decompose that simply; `_union_exact` splits it into
exact sub-problems (port classes, then host alternative × path alternative, then groups
of hosts sharing the same set of containing outers).
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from . import automata as fa
from .components import host_included, host_intersects, path_included, path_intersects
from .syntax import ALT_SEP, ANY_PORT, DEFAULT_PORTS, GLOBSTAR, NO_PORT, Pattern

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


def _literal_path(alt: str) -> bool:
    return "*" not in alt and GLOBSTAR not in alt


def _generic_member(host: str, path: str) -> tuple[str, str]:
    """A host and a path that the alternatives match, wildcards as OTHER_CHAR."""
    h = host.replace("*", fa.OTHER_CHAR)
    if path.strip(GLOBSTAR) == "":
        return h, "/" + fa.OTHER_CHAR
    q = path.replace("*", fa.OTHER_CHAR).replace(GLOBSTAR, "/" + fa.OTHER_CHAR)
    return h, q


def _piece_covered(host: str, path: str, outers: Sequence[Pattern]) -> bool:
    """host × path (one alternative of each) ⊆ the union of the outers' host × path."""
    cands = [o for o in outers if host_intersects(host, o.host_key) and path_intersects(path, o.path_key)]
    if not cands:
        return False
    if any(host_included(host, o.host_key) and path_included(path, o.path_key) for o in cands):
        return True
    # Cheap refutation first: one member of host × path with every wildcard standing for
    # a character no outer mentions; if no outer matches it, the piece is not covered.
    h, q = _generic_member(host, path)
    if not any(fa.host_regex(o.host_key).fullmatch(h) and fa.path_regex(o.path_key).fullmatch(q) for o in cands):
        return False
    # A product is covered by a union of products exactly when, for every host h, the
    # path part is covered by the union of the path parts of the outers containing h.
    # With one side a single string there is only one such group to check.
    if "*" not in host:
        keys = [o.path_key for o in cands if fa.host_regex(o.host_key).fullmatch(host)]
        return bool(keys) and path_included(path, ALT_SEP.join(keys))
    if _literal_path(path):
        keys = [o.host_key for o in cands if fa.path_regex(o.path_key).fullmatch(path)]
        return bool(keys) and host_included(host, ALT_SEP.join(keys))
    # Both infinite: enumerate the distinct groups {outers containing h} over all h.
    a = fa.host_nfa(host)
    others = [fa.host_nfa(o.host_key) for o in cands]
    for group in fa.signatures(a, others, fa.alphabet([a, *others])):
        keys = [cands[i].path_key for i in sorted(group)]
        if not keys or not path_included(path, ALT_SEP.join(keys)):
            return False
    return True


@lru_cache(maxsize=1 << 12)
def _union_exact(inner: Pattern, outers: tuple[Pattern, ...]) -> bool:
    """inner ⊆ ∪ outers, for outers of inner's scheme. Decided per port value class, then
    per pair of host and path alternatives of inner."""
    if inner.port_value == ANY_PORT:
        explicit = sorted({o.port_value for o in outers if o.port_value != ANY_PORT})
        # The port universe is finite (1-65535, plus "no port" for custom schemes): only
        # when the outers name every value is there no "other port" left to check.
        universe = 65535 if inner.scheme in DEFAULT_PORTS else 65536
        atoms = explicit + ([ANY_PORT] if len(explicit) < universe else [])
    else:
        atoms = [inner.port_value]
    for atom in atoms:
        # ANY_PORT stands for "a port no outer names": only `:*` outers contain it.
        rel = [o for o in outers if o.port_value in (ANY_PORT, atom)]
        if not rel:
            return False
        for host in inner.host_alts:
            for path in inner.path_alts:
                if not _piece_covered(host, path, rel):
                    return False
    return True


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


class _Missing(enum.Enum):
    """A typed sentinel: `hit is not _MISSING` narrows `hit` to what the memo holds."""

    MISSING = enum.auto()


_MISSING = _Missing.MISSING


def _single_literal(host_key: str) -> bool:
    return "*" not in host_key and ALT_SEP not in host_key


_Key = tuple[str, tuple[str, ...]]


class PatternIndex:
    """Many patterns, indexed by scheme and by the wholly literal trailing host labels.

    Why it never misses a candidate: every host an alternative matches ends with that
    alternative's literal labels L (Pattern.host_labels, reversed). Two patterns can share
    a URL only if some L of each are prefix-comparable, and `outer` can cover `inner`
    only if, for any one alternative of inner, some L of outer is a prefix of its L
    (inner's variable part can always produce a label that no literal label equals).
    """

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self._patterns: tuple[Pattern, ...] = tuple(patterns)
        # (scheme, L) -> input positions having an alternative with exactly L, and
        # (scheme, P) -> positions having an alternative whose L extends P (or is P).
        exact: dict[_Key, list[int]] = {}
        below: dict[_Key, set[int]] = {}
        for i, p in enumerate(self._patterns):
            scheme = p.scheme
            for labels in p.host_labels:
                exact.setdefault((scheme, labels), []).append(i)
                for k in range(len(labels) + 1):
                    below.setdefault((scheme, labels[:k]), set()).add(i)
        self._exact = {key: tuple(sorted(set(v))) for key, v in exact.items()}
        self._below = {key: tuple(sorted(v)) for key, v in below.items()}
        # Memo: (scheme, L) -> positions having an alternative whose L is a prefix of L
        # (or L itself). Entries of an estate are mostly unique but share their parents,
        # so each new one costs one lookup more than its parent.
        self._above: dict[_Key, tuple[int, ...]] = {}
        self._inter_cands: dict[tuple[str, tuple[tuple[str, ...], ...]], tuple[int, ...]] = {}
        self._first: dict[Pattern, Pattern | None] = {}

    def __len__(self) -> int:
        return len(self._patterns)

    @property
    def patterns(self) -> tuple[Pattern, ...]:
        return self._patterns

    def _at_or_above(self, scheme: str, labels: tuple[str, ...]) -> tuple[int, ...]:
        key = (scheme, labels)
        hit = self._above.get(key)
        if hit is None:
            parent = self._at_or_above(scheme, labels[:-1]) if labels else ()
            own = self._exact.get(key)
            hit = self._above[key] = tuple(sorted({*parent, *own})) if own else parent
        return hit

    def first_covering(self, inner: Pattern) -> Pattern | None:
        """The first pattern (input order) that covers `inner`, or None."""
        hit = self._first.get(inner, _MISSING)
        if hit is not _MISSING:
            return hit
        # Any one alternative gives a necessary condition; the longest L narrows most.
        labels = inner.host_labels[0] if len(inner.host_labels) == 1 else max(inner.host_labels, key=len)
        result = None
        patterns = self._patterns
        port, host, path = inner.port_value, inner.host_key, inner.path_key
        for i in self._at_or_above(inner.scheme, labels):
            # covers() inlined (same scheme by construction)
            o = patterns[i]
            if (
                o.port_value in (ANY_PORT, port)
                and (o.host_key == host or host_included(host, o.host_key))
                and (o.path_key == path or path_included(path, o.path_key))
            ):
                result = o
                break
        self._first[inner] = result
        return result

    def _intersecting_candidates(self, inner: Pattern) -> tuple[int, ...]:
        key = (inner.scheme, inner.host_labels)
        cands = self._inter_cands.get(key)
        if cands is None:
            scheme, below = inner.scheme, self._below
            if len(inner.host_labels) == 1:
                labels = inner.host_labels[0]
                above = self._at_or_above(scheme, labels[:-1]) if labels else ()
                under = below.get((scheme, labels), ())
                cands = (
                    above + under if not above or not under or above[-1] < under[0] else tuple(sorted({*above, *under}))
                )
            else:
                found: set[int] = set()
                for labels in inner.host_labels:
                    if labels:
                        found.update(self._at_or_above(scheme, labels[:-1]))
                    found.update(below.get((scheme, labels), ()))
                cands = tuple(sorted(found))
            self._inter_cands[key] = cands
        return cands

    def relations(self, inner: Pattern) -> list[tuple[int, bool]]:
        """(position, covers `inner`?) for each indexed pattern sharing a URL with `inner`,
        in input order: intersection and inclusion against many patterns in one pass."""
        patterns = self._patterns
        port, host, path = inner.port_value, inner.host_key, inner.path_key
        out: list[tuple[int, bool]] = []
        if _single_literal(host):
            # One literal host is in an outer's hosts exactly when the outer's matcher
            # accepts it, and then the host part both meets and is covered.
            for i in self._intersecting_candidates(inner):
                o = patterns[i]
                if (
                    (o.port_value == port or ANY_PORT in (o.port_value, port))
                    and (o.host_key == host or fa.host_matcher(o.host_key)(host))
                    and (o.path_key == path or path_intersects(o.path_key, path))
                ):
                    out.append(
                        (
                            i,
                            o.port_value in (ANY_PORT, port)
                            and (o.path_key == path or path_included(path, o.path_key)),
                        )
                    )
            return out
        for i in self._intersecting_candidates(inner):
            o = patterns[i]
            if intersects(o, inner):
                out.append((i, covers(o, inner)))
        return out

    def intersecting(self, inner: Pattern) -> list[Pattern]:
        """All patterns sharing some URL with `inner`, in input order."""
        patterns = self._patterns
        return [patterns[i] for i in self._intersecting_candidates(inner) if intersects(patterns[i], inner)]

    def union_covers(self, inner: Pattern) -> bool:
        """covered_by_union(inner, all indexed patterns), using the index."""
        if self.first_covering(inner) is not None:
            return True
        cands = self.intersecting(inner)
        if not cands:
            return False
        return _union_exact(inner, tuple(dict.fromkeys(cands)))
