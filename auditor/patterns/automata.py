"""Component languages as small NFAs over a symbolic alphabet, plus regex translation.

Host and path alternatives are globs (see syntax.py): literal characters, `*` (host: one
or more of any character; path: one or more characters other than '/') and, in paths,
GLOBSTAR meaning `(/.*)?`. Inclusion and intersection are decided exactly by a subset
construction over an alphabet made of the literal symbols that occur, '/', and one
OTHER_CHAR standing for the infinitely many characters no pattern mentions.

Whole-URL automata (engine.py) reuse this with two more symbol kinds: SEP between
components and one symbol per port value (plus OTHER_PORT for the unmentioned ones).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .syntax import ALT_SEP, GLOBSTAR

# Transition labels: a str is one literal symbol; these ints are character classes.
ANY = 1  # any character (never SEP or a port symbol)
NOTSLASH = 2  # any character but '/'
ANYPORT = 3  # any port symbol

# Symbols that cannot be literal characters: entries and URLs never reach the automata
# with control characters or code points from plane 15.
OTHER_CHAR = "\x1e"
SEP = "\x1f"
OTHER_PORT = "\x1d"
PORT_BASE = 0xF0000

Label = int | str


def port_symbol(value: int) -> str:
    """Symbol of an effective port value (NO_PORT = 0 included)."""
    return chr(PORT_BASE + value)


def _is_port(sym: str) -> bool:
    return sym == OTHER_PORT or ord(sym) >= PORT_BASE


def _label_matches(label: Label, sym: str) -> bool:
    if isinstance(label, str):
        return label == sym
    if label == ANYPORT:
        return _is_port(sym)
    if sym == SEP or _is_port(sym):
        return False
    return label == ANY or sym != "/"


class NFA:
    """Immutable NFA with precomputed epsilon closures; the start state is 0."""

    __slots__ = ("accept", "closure", "edges", "literals", "start")

    def __init__(self, edges: list[list[tuple[Label, int]]], eps: list[list[int]],
                 accept: Iterable[int]) -> None:
        self.edges = tuple(tuple(e) for e in edges)
        closures: list[frozenset[int]] = []
        for s in range(len(edges)):
            seen = {s}
            stack = [s]
            while stack:
                for t in eps[stack.pop()]:
                    if t not in seen:
                        seen.add(t)
                        stack.append(t)
            closures.append(frozenset(seen))
        self.closure = tuple(closures)
        self.start = self.closure[0]
        self.accept = frozenset(accept)
        self.literals = frozenset(
            lab for es in edges for lab, _ in es if isinstance(lab, str))

    def step(self, states: frozenset[int], sym: str) -> frozenset[int]:
        out: set[int] = set()
        for s in states:
            for label, t in self.edges[s]:
                if _label_matches(label, sym):
                    out |= self.closure[t]
        return frozenset(out)


class Builder:
    """Incremental NFA construction; alternatives may share a start state because the
    constructions below only ever add loops and incoming edges to fresh states."""

    def __init__(self) -> None:
        self.edges: list[list[tuple[Label, int]]] = [[]]
        self.eps: list[list[int]] = [[]]

    def state(self) -> int:
        self.edges.append([])
        self.eps.append([])
        return len(self.edges) - 1

    def edge(self, a: int, label: Label, b: int | None = None) -> int:
        b = self.state() if b is None else b
        self.edges[a].append((label, b))
        return b

    def host_alt(self, start: int, alt: str) -> int:
        cur = start
        for ch in alt:
            if ch == "*":
                cur = self.edge(cur, ANY)
                self.edge(cur, ANY, cur)
            else:
                cur = self.edge(cur, ch)
        return cur

    def path_alt(self, start: int, alt: str) -> int:
        if alt.strip(GLOBSTAR) == "":
            # Only globstars: (/.*)? minus the empty string, which is no URL path.
            cur = self.edge(start, "/")
            self.edge(cur, ANY, cur)
            return cur
        cur = start
        for ch in alt:
            if ch == GLOBSTAR:
                inside = self.edge(cur, "/")
                self.edge(inside, ANY, inside)
                after = self.state()
                self.eps[cur].append(after)
                self.eps[inside].append(after)
                cur = after
            elif ch == "*":
                cur = self.edge(cur, NOTSLASH)
                self.edge(cur, NOTSLASH, cur)
            else:
                cur = self.edge(cur, ch)
        return cur

    def build(self, accept: Iterable[int]) -> NFA:
        return NFA(self.edges, self.eps, accept)


def alphabet(nfas: Sequence[NFA], other_port: bool = False) -> tuple[str, ...]:
    """Symbols that distinguish every transition of `nfas` (sorted: deterministic)."""
    syms = {"/", OTHER_CHAR}
    for nfa in nfas:
        syms |= nfa.literals
    if other_port:
        syms.add(OTHER_PORT)
    return tuple(sorted(syms))


def included(a: NFA, b: NFA, sigma: Sequence[str]) -> bool:
    """L(a) ⊆ L(b), ignoring the empty word (no component or URL is empty)."""
    start = (a.start, b.start)
    seen = {start}
    stack = [start]
    while stack:
        sa, sb = stack.pop()
        for sym in sigma:
            na = a.step(sa, sym)
            if not na:
                continue
            nb = b.step(sb, sym)
            if not (nb & b.accept) and na & a.accept:
                return False
            key = (na, nb)
            if key not in seen:
                seen.add(key)
                stack.append(key)
    return True


def intersects(a: NFA, b: NFA, sigma: Sequence[str]) -> bool:
    """L(a) ∩ L(b) contains a non-empty word."""
    start = (a.start, b.start)
    seen = {start}
    stack = [start]
    while stack:
        sa, sb = stack.pop()
        for sym in sigma:
            na = a.step(sa, sym)
            if not na:
                continue
            nb = b.step(sb, sym)
            if not nb:
                continue
            if na & a.accept and nb & b.accept:
                return True
            key = (na, nb)
            if key not in seen:
                seen.add(key)
                stack.append(key)
    return False


# --- component automata and regexes, memoised on the ALT_SEP-joined component key ----


@lru_cache(maxsize=1 << 14)
def host_nfa(key: str) -> NFA:
    b = Builder()
    return b.build([b.host_alt(0, alt) for alt in key.split(ALT_SEP)])


@lru_cache(maxsize=1 << 14)
def path_nfa(key: str) -> NFA:
    b = Builder()
    return b.build([b.path_alt(0, alt) for alt in key.split(ALT_SEP)])


def _host_alt_regex(alt: str) -> str:
    return "".join(".+" if ch == "*" else re.escape(ch) for ch in alt)


def _path_alt_regex(alt: str) -> str:
    if alt.strip(GLOBSTAR) == "":
        return "/.*"
    out = []
    for ch in alt:
        if ch == GLOBSTAR:
            out.append("(?:/.*)?")
        elif ch == "*":
            out.append("[^/]+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@lru_cache(maxsize=1 << 14)
def host_regex(key: str) -> re.Pattern[str]:
    return re.compile("|".join(_host_alt_regex(a) for a in key.split(ALT_SEP)), re.DOTALL)


@lru_cache(maxsize=1 << 14)
def path_regex(key: str) -> re.Pattern[str]:
    return re.compile("|".join(_path_alt_regex(a) for a in key.split(ALT_SEP)), re.DOTALL)
