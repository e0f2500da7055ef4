"""Component languages as small NFAs over a symbolic alphabet, plus regex translation.

Host and path alternatives are globs (see syntax.py): literal characters, `*` (host: one
or more of any character; path: one or more characters other than '/') and, in paths,
GLOBSTAR meaning `(/.*)?`. Inclusion and intersection are decided exactly by a subset
construction over an alphabet made of the literal characters that occur, '/', and one
OTHER_CHAR standing for the infinitely many characters no pattern mentions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from .syntax import ALT_SEP, GLOBSTAR

# Transition labels: a str is one literal character; these ints are character classes.
ANY = 1  # any character
NOTSLASH = 2  # any character but '/'

# Entries and URLs never reach the automata with control characters, so this one can
# stand for "a character no pattern mentions".
OTHER_CHAR = "\x1e"

Label = int | str
States = frozenset[int]
_STEP_MEMO_LIMIT = 1 << 15


class NFA:
    """Immutable NFA with epsilon closures folded into its transitions; start state 0."""

    __slots__ = ("_memo", "accept", "classes", "literal", "literals", "start")

    def __init__(self, edges: list[list[tuple[Label, int]]], eps: list[list[int]], accept: Sequence[int]) -> None:
        closure: list[frozenset[int]] = []
        for s in range(len(edges)):
            seen = {s}
            stack = [s]
            while stack:
                for t in eps[stack.pop()]:
                    if t not in seen:
                        seen.add(t)
                        stack.append(t)
            closure.append(frozenset(seen))
        # Per state: literal character -> closed targets, and (class, closed targets).
        literal: list[dict[str, frozenset[int]]] = []
        classes: list[tuple[tuple[int, frozenset[int]], ...]] = []
        for es in edges:
            lit: dict[str, frozenset[int]] = {}
            cls: list[tuple[int, frozenset[int]]] = []
            for label, t in es:
                if isinstance(label, str):
                    lit[label] = lit.get(label, frozenset()) | closure[t]
                else:
                    cls.append((label, closure[t]))
            literal.append(lit)
            classes.append(tuple(cls))
        self.literal = tuple(literal)
        self.classes = tuple(classes)
        self.start: States = closure[0]
        self.accept = frozenset(accept)
        self.literals = frozenset(c for lit in literal for c in lit)
        self._memo: dict[tuple[States, str], States] = {}

    def step(self, states: States, sym: str) -> States:
        key = (states, sym)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        out: set[int] = set()
        for s in states:
            t = self.literal[s].get(sym)
            if t:
                out |= t
            for label, targets in self.classes[s]:
                if label == ANY or sym != "/":
                    out |= targets
        result = frozenset(out)
        if len(self._memo) >= _STEP_MEMO_LIMIT:
            self._memo.clear()  # the NFAs are cached; keep their memo bounded
        self._memo[key] = result
        return result


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

    def build(self, accept: Sequence[int]) -> NFA:
        return NFA(self.edges, self.eps, accept)


def alphabet(nfas: Sequence[NFA]) -> tuple[str, ...]:
    """Symbols that distinguish every transition of `nfas` (sorted: deterministic)."""
    syms = {"/", OTHER_CHAR}
    for nfa in nfas:
        syms |= nfa.literals
    return tuple(sorted(syms))


def included(a: NFA, b: NFA, sigma: Sequence[str]) -> bool:
    """L(a) ⊆ L(b), ignoring the empty word (no host or path is empty)."""
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


def signatures(a: NFA, others: Sequence[NFA], sigma: Sequence[str]) -> set[frozenset[int]]:
    """For the non-empty words w of L(a): every distinct {i : w ∈ L(others[i])}."""
    start = (a.start, tuple(o.start for o in others))
    seen = {start}
    stack = [start]
    found: set[frozenset[int]] = set()
    while stack:
        sa, subs = stack.pop()
        for sym in sigma:
            na = a.step(sa, sym)
            if not na:
                continue
            nsubs = tuple(o.step(s, sym) for o, s in zip(others, subs, strict=True))
            if na & a.accept:
                found.add(frozenset(i for i, (o, s) in enumerate(zip(others, nsubs, strict=True)) if s & o.accept))
            key = (na, nsubs)
            if key not in seen:
                seen.add(key)
                stack.append(key)
    return found


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
def host_matcher(key: str) -> Callable[[str], bool]:
    """Whether one host matches a host component, without compiling a regex for the
    usual shapes (literal hosts, `*` + literal suffix): a policy of 400 patterns would
    spend more compiling them than an estate's audit spends matching."""
    literal: set[str] = set()
    suffixes: list[str] = []
    for alt in key.split(ALT_SEP):
        if "*" not in alt:
            literal.add(alt)
        elif alt[0] == "*" and "*" not in alt[1:]:
            suffixes.append(alt[1:])  # `*` stands for one character or more
        else:
            regex = host_regex(key)
            return lambda host: regex.fullmatch(host) is not None
    if not suffixes:
        return literal.__contains__
    ends = tuple(suffixes)
    shortest = min(map(len, ends))

    def match(host: str) -> bool:
        if host in literal:
            return True
        # endswith with a tuple finds whether any suffix fits; the `*` needs one more char
        return (
            len(host) > shortest and host.endswith(ends) and any(len(host) > len(x) and host.endswith(x) for x in ends)
        )

    return match


@lru_cache(maxsize=1 << 14)
def path_regex(key: str) -> re.Pattern[str]:
    return re.compile("|".join(_path_alt_regex(a) for a in key.split(ALT_SEP)), re.DOTALL)
