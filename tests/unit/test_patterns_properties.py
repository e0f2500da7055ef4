"""Property tests: the pattern engine against brute-force enumeration.

Patterns are drawn from a tiny alphabet (host `a b .`, path `a b /`), and their
languages are enumerated over every URL up to a bound, using a regex translation written
here independently of the engine (`oracle`). The bounds are chosen so that a witness of
intersection (at most the two patterns' texts merged, each wildcard taking one
character) and a counterexample to inclusion (the inner text with each wildcard taking
one or two characters) fit within them: free-form hosts have at most MAX_TEXT
characters, the common shapes (literal, or one leading `*`) at most four, paths at most
four literal characters. The extra letter `c`, which no pattern contains, plays the
part of "any character no pattern mentions".
"""

from __future__ import annotations

import itertools
import random
import re
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.patterns import (
    PatternIndex,
    PatternSyntaxError,
    covered_by_union,
    covers,
    intersects,
    matches,
    parse_pattern,
    syntax,
)

HOST_ALPHABET = "ab.c"
PATH_ALPHABET = "ab/c"
MAX_HOST = 7
MAX_TEXT = 3  # characters (a wildcard counting as one) in a generated host alternative
MAX_PATH = 6  # including the leading '/'
URL_PORTS = (None, 1, 8, 80, 443)
DEFAULTS = {"https": 443, "http": 80}

HOSTS = tuple("".join(t) for n in range(1, MAX_HOST + 1) for t in itertools.product(HOST_ALPHABET, repeat=n))
PATHS = tuple("/" + "".join(t) for n in range(MAX_PATH) for t in itertools.product(PATH_ALPHABET, repeat=n))

HOST_PIECES = ("a", "b", ".", "*", "a.", ".a", "*.", "{a,b.a}", "{*.a,b}", "{a,*}")
PATHS_SHAPES = (
    "",
    "/",
    "/**",
    "/a",
    "/*",
    "/a/**",
    "/*/b",
    "/{a,b}/**",
    "/a*",
    "/**/b",
    "/b/a",
    "/a/**/b",
    "/{a,*}",
    "/*/**",
    "//**",
    "/b/**",
    "/a/*",
    "/ab/**",
)
PORTS = ("", ":*", ":1", ":443", ":80")
SCHEMES = ("https", "https", "https", "http", "cursor")

PROFILE = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


# ------------------------------------------------------------------ independent oracle


def _expansions(s: str) -> list[str]:
    parts = re.split(r"(\{[^}]*\})", s)
    choices = [p[1:-1].split(",") if p.startswith("{") else [p] for p in parts]
    return ["".join(c) for c in itertools.product(*choices)]


def _glob_to_regex(s: str, star: str) -> str:
    out = []
    for ch in s:
        out.append({"*": star, "{": "(?:", "}": ")", ",": "|"}.get(ch) or re.escape(ch))
    return "".join(out)


def _path_regex(path: str) -> str:
    if path in ("", "/"):
        return "/"
    segs = path[1:].split("/")
    if all(s == "**" for s in segs):
        return "/.*"
    return "".join("(?:/.*)?" if s == "**" else "/" + _glob_to_regex(s, "[^/]+") for s in segs)


@cache
def _host_set(host: str) -> frozenset[str]:
    return frozenset(filter(re.compile(_glob_to_regex(host, ".+")).fullmatch, HOSTS))


@cache
def _path_set(path: str) -> frozenset[str]:
    return frozenset(filter(re.compile(_path_regex(path)).fullmatch, PATHS))


@cache
def oracle(text: str) -> tuple[str, frozenset[str], frozenset[int | None], frozenset[str]]:
    """(scheme, hosts, effective ports, paths) the entry matches within the bounds."""
    m = re.fullmatch(r"([a-z]+)://([^/:]+)(?::(\*|\d+))?(/.*)?", text)
    assert m, text
    scheme, host, port, path = m.group(1), m.group(2), m.group(3), m.group(4) or ""
    if port == "*":
        ports = frozenset(DEFAULTS.get(scheme) if p is None else p for p in URL_PORTS)
    else:
        ports = frozenset({DEFAULTS.get(scheme) if port is None else int(port)})
    return scheme, _host_set(host), ports, _path_set(path)


def url(scheme: str, host: str, port: int | None, path: str) -> str:
    return f"{scheme}://{host}{'' if port is None else f':{port}'}{path}"


def brute_covers(outer: str, inner: str) -> bool:
    so, ho, po, qo = oracle(outer)
    si, hi, pi, qi = oracle(inner)
    return so == si and hi <= ho and pi <= po and qi <= qo


def brute_intersects(a: str, b: str) -> bool:
    sa, ha, pa, qa = oracle(a)
    sb, hb, pb, qb = oracle(b)
    return sa == sb and bool(ha & hb) and bool(pa & pb) and bool(qa & qb)


def brute_union(inner: str, outers: list[str]) -> bool:
    si, hi, pi, qi = oracle(inner)
    outs = [oracle(o) for o in outers if oracle(o)[0] == si]
    for port in pi:
        rel = [o for o in outs if port in o[2]]
        # Split the inner paths by which outers contain them; each group of paths must
        # then have all inner hosts covered by those outers' hosts.
        parts: list[tuple[frozenset[str], frozenset[str]]] = [(qi, frozenset())]
        for _, ho, _, qo in rel:
            refined = []
            for paths, hosts in parts:
                if paths & qo:
                    refined.append((paths & qo, hosts | ho))
                if paths - qo:
                    refined.append((paths - qo, hosts))
            parts = refined
        if not all(hi <= hosts for _, hosts in parts):
            return False
    return True


# ------------------------------------------------------------------------- strategies


def _text_len(host: str) -> int:
    return max(len(e) for e in _expansions(host))


# Half free-form, half the shapes real allowlists are made of (the engine's fast paths:
# literal, or one leading `*`; for those a witness never needs more than the longer one).
COMMON_HOSTS = ("*.a", "*a", "*.ba", "*b.a", "*a.a", "a.a", "b.a", "a.b", "*")
hosts = st.one_of(
    st.lists(st.sampled_from(HOST_PIECES), min_size=1, max_size=3)
    .map("".join)
    .filter(lambda h: _text_len(h) <= MAX_TEXT),
    st.sampled_from(COMMON_HOSTS),
)
patterns = st.builds(
    lambda s, h, p, q: f"{s}://{h}{p}{q}",
    st.sampled_from(SCHEMES),
    hosts,
    st.sampled_from(PORTS),
    st.sampled_from(PATHS_SHAPES),
)


# ----------------------------------------------------------------------------- tests


@PROFILE
@given(patterns, st.integers(0, 2**32))
def test_matches_agrees_with_oracle(text: str, seed: int) -> None:
    rnd = random.Random(seed)  # a seed keeps hypothesis' input small
    p = parse_pattern(text)
    scheme, hs, ps, qs = oracle(text)
    hosts_in = sorted(hs)
    paths_in = sorted(qs)
    for _ in range(150):
        s = scheme if rnd.random() < 0.9 else rnd.choice(("https", "http", "cursor"))
        h = rnd.choice(hosts_in) if hosts_in and rnd.random() < 0.6 else rnd.choice(HOSTS)
        q = rnd.choice(paths_in) if paths_in and rnd.random() < 0.6 else rnd.choice(PATHS)
        port = rnd.choice(URL_PORTS)
        eff = DEFAULTS.get(s) if port is None else port
        expected = s == scheme and h in hs and eff in ps and q in qs
        u = url(s, h, port, q)
        assert matches(p, u) == expected, u
        # Query and fragment never matter; neither does the case of scheme and host.
        assert matches(p, url(s.upper(), h.upper(), port, q) + "?x=1#f") == expected, u


@PROFILE
@given(st.lists(patterns, min_size=2, max_size=4))
def test_covers_and_intersects_agree_with_bruteforce(texts: list[str]) -> None:
    for a, b in itertools.product(texts, repeat=2):
        pa, pb = parse_pattern(a), parse_pattern(b)
        # The bounds are meant to hold members of every generated component.
        assert all(oracle(a)[1:]) and all(oracle(b)[1:])
        assert covers(pa, pb) == brute_covers(a, b), (a, b)
        assert intersects(pa, pb) == brute_intersects(a, b), (a, b)


# Exact decompositions of some path shapes into several patterns.
PATH_SPLITS = {
    "/**": ("/", "/*/**", "//**"),
    "/a/**": ("/a", "/a/", "/a/*/**", "/a//**"),
    "/{a,b}/**": ("/a/**", "/b/**"),
    "/*/**": ("/*", "/*/", "/*/*/**", "/*//**"),
    "/{a,*}": ("/a", "/*"),
}


wild_splittable = st.builds(
    lambda s, h, p, q: f"{s}://{h}{p}{q}",
    st.sampled_from(SCHEMES),
    st.sampled_from(("*.a", "*a", "*b.a", "{a,*}", "*", "a*")),
    st.sampled_from(PORTS),
    st.sampled_from(tuple(PATH_SPLITS)),
)


def _components(text: str) -> tuple[str, str, str, str]:
    m = re.fullmatch(r"([a-z]+)://([^/:]+)(:[^/]*)?(/.*)?", text)
    assert m
    return m.group(1), m.group(2), m.group(3) or "", m.group(4) or ""


@st.composite
def variant_cases(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Outers that each vary one or two components of the inner entry."""
    inner = draw(patterns)
    scheme, host, port, path = _components(inner)
    host_variant = st.one_of(st.sampled_from(_expansions(host)), hosts)
    variant = st.one_of(
        host_variant.map(lambda h: f"{scheme}://{h}{port}{path}"),
        st.sampled_from(PORTS).map(lambda p: f"{scheme}://{host}{p}{path}"),
        st.sampled_from(PATHS_SHAPES).map(lambda q: f"{scheme}://{host}{port}{q}"),
        st.builds(lambda h, q: f"{scheme}://{h}{port}{q}", host_variant, st.sampled_from(PATHS_SHAPES)),
    )
    outers = draw(st.lists(st.one_of(variant, variant, patterns), min_size=1, max_size=6))
    return inner, outers


@st.composite
def split_cases(draw: st.DrawFn) -> tuple[str, list[str]]:
    """The inner entry cut into pieces (host alternatives × path pieces), some of them
    possibly dropped: unions that cover without any single outer covering, and near
    misses. Half the time both host and path have wildcards, the hardest case."""
    inner = draw(st.one_of(patterns, wild_splittable))
    scheme, host, port, path = _components(inner)
    pieces = [f"{scheme}://{h}{port}{q}" for h in _expansions(host) for q in PATH_SPLITS.get(path, (path,))]
    keep = draw(st.lists(st.booleans(), min_size=len(pieces), max_size=len(pieces)))
    outers = [pc for pc, k in zip(pieces, keep, strict=True) if k or draw(st.booleans())]
    outers += draw(st.lists(patterns, max_size=2))
    return inner, draw(st.permutations(outers or pieces[:1]))


union_cases = st.one_of(variant_cases(), split_cases(), split_cases())


@PROFILE
@given(union_cases)
def test_covered_by_union_agrees_with_bruteforce(case: tuple[str, list[str]]) -> None:
    inner, outers = case
    expected = brute_union(inner, outers)
    parsed = [parse_pattern(o) for o in outers]
    assert covered_by_union(parse_pattern(inner), parsed) == expected
    assert PatternIndex(parsed).union_covers(parse_pattern(inner)) == expected


@PROFILE
@given(st.lists(patterns, min_size=1, max_size=8), st.lists(patterns, min_size=1, max_size=4))
def test_index_agrees_with_bruteforce(indexed: list[str], queries: list[str]) -> None:
    index = PatternIndex([parse_pattern(t) for t in indexed])
    for q in queries + indexed[:2]:
        pq = parse_pattern(q)
        first = next((t for t in indexed if brute_covers(t, q)), None)
        got = index.first_covering(pq)
        assert (got.text if got else None) == first
        assert index.first_covering(pq) is got  # cached answer is the same
        hits = [t for t in indexed if brute_intersects(t, q)]
        assert [p.text for p in index.intersecting(pq)] == hits
        assert [(indexed[i], c) for i, c in index.relations(pq)] == [
            (t, brute_covers(t, q)) for t in indexed if brute_intersects(t, q)
        ]
        assert index.union_covers(pq) == brute_union(q, indexed)


# A union example no single pattern covers, to be sure the generators reach such cases.
def test_union_needs_several_patterns() -> None:
    inner = parse_pattern("https://*.a/**")
    outers = [
        parse_pattern(t) for t in ("https://*a.a/**", "https://*b.a/**", "https://*..a/**", "https://{*c,c}.a/**")
    ]
    assert not any(covers(o, inner) for o in outers)
    # `c` stands for every other character only inside brute force, not in the engine:
    # the engine must see that e.g. `x.a` is left uncovered.
    assert not covered_by_union(inner, outers)
    assert covered_by_union(inner, [*outers, parse_pattern("https://*/**")])


# The fast parser (one regex for common entries) must agree with the full one.
@PROFILE
@given(
    st.sampled_from(("https://", "HTTP://", "http://")),
    st.one_of(
        st.text(alphabet="aZ9.-*{},:/_%", max_size=14),
        st.lists(
            st.sampled_from(
                (
                    "a",
                    "Z",
                    ".",
                    "*",
                    "{a,b}",
                    "{a,}",
                    "{}",
                    ":8",
                    ":*",
                    ":0",
                    ":99999",
                    "/",
                    "/**",
                    "**",
                    "/{x,*}",
                    ",",
                    "_",
                )
            ),
            max_size=8,
        ).map("".join),
    ),
)
def test_fast_parser_agrees_with_full_parser(prefix: str, rest: str) -> None:
    text = prefix + rest
    try:
        fast = syntax._parse_fast(text)
    except PatternSyntaxError as err:
        try:
            syntax._parse_full(text)
        except PatternSyntaxError as full_err:
            assert (err.rule, err.column) == (full_err.rule, full_err.column)
        else:
            raise AssertionError(f"only the fast parser rejects {text!r}") from err
        return
    if fast is not None:
        assert tuple(fast) == tuple(syntax._parse_full(text))  # every field, not only the text


@PROFILE
@given(st.lists(st.text("ab.*", min_size=1, max_size=5), min_size=1, max_size=3), st.text("ab.", max_size=6))
def test_host_matcher_agrees_with_the_regex(alts: list[str], host: str) -> None:
    from auditor.patterns import automata as fa
    from auditor.patterns.syntax import ALT_SEP

    key = ALT_SEP.join(alts)
    assert fa.host_matcher(key)(host) == (fa.host_regex(key).fullmatch(host) is not None)
