"""Targeted examples for auditor.patterns: semantics, rules, syntax errors, PSL, data."""

from __future__ import annotations

import pytest

from auditor.patterns import (
    Pattern,
    PatternIndex,
    PatternSyntaxError,
    covered_by_union,
    covers,
    intersects,
    matches,
    parse_pattern,
    public_suffix_wildcard,
    rule_violations,
    supported_domain_patterns,
    supported_domains_source,
    syntax,
)

P = parse_pattern


# ------------------------------------------------------------------------ matching


@pytest.mark.parametrize(
    ("pattern", "url", "expected"),
    [
        # `*` crosses dots but needs at least one character
        ("https://*.example.com/**", "https://a.b.example.com/x", True),
        ("https://*.example.com/**", "https://a.example.com", True),
        ("https://*.example.com/**", "https://example.com/", False),
        ("https://*.example.com/**", "https://.example.com/", False),
        ("https://*.example.com/**", "https://badexample.com/", False),
        # default port only, unless `:*`
        ("https://a.com/**", "https://a.com:443/x", True),
        ("https://a.com/**", "https://a.com:8443/x", False),
        ("https://a.com:*/**", "https://a.com:8443/x", True),
        ("https://a.com:*/**", "https://a.com/x", True),
        ("https://a.com:8443/**", "https://a.com/x", False),
        ("https://a.com:443/", "https://a.com", True),
        ("http://localhost:*/**", "http://localhost:33418/callback?code=1", True),
        ("http://localhost/**", "http://localhost:80/", True),
        # paths: absent or `/` is the root only; `/**` anything; `*` one segment
        ("https://a.com", "https://a.com/", True),
        ("https://a.com", "https://a.com", True),
        ("https://a.com", "https://a.com/x", False),
        ("https://a.com/", "https://a.com/x", False),
        ("https://a.com/**", "https://a.com", True),
        ("https://a.com/a/**", "https://a.com/a", True),
        ("https://a.com/a/**", "https://a.com/a/b/c", True),
        ("https://a.com/a/**", "https://a.com/ab", False),
        ("https://a.com/a/**/z", "https://a.com/a/z", True),
        ("https://a.com/a/**/z", "https://a.com/a/b/c/z", True),
        ("https://a.com/a/**/z", "https://a.com/a/bz", False),
        ("https://a.com/*/cb", "https://a.com/x/cb", True),
        ("https://a.com/*/cb", "https://a.com/x/y/cb", False),
        ("https://a.com/*/cb", "https://a.com//cb", False),
        ("https://a.com/Callback", "https://a.com/callback", False),  # paths are case-sensitive
        ("https://A.COM/x", "HTTPS://a.Com/x#frag", True),  # scheme and host are not
        # braces
        ("https://{dev,prod}.a.com/**", "https://prod.a.com/", True),
        ("https://{dev,prod}.a.com/**", "https://staging.a.com/", False),
        ("https://{dev,prod}.a.com/**", "https://{dev,prod}.a.com/", False),
        ("https://a.com/{x,y}/cb", "https://a.com/y/cb", True),
        ("https://{*.a,b}.com/**", "https://q.a.com/", True),
        ("https://{*.a,b}.com/**", "https://a.com/", False),
        # app schemes, IPs, user info
        ("cursor://cursor.mcp/**", "cursor://cursor.mcp/oauth/callback", True),
        ("cursor://cursor.mcp/**", "cursor://cursor.mcp:1/oauth/callback", False),
        ("raycast://oauth/**", "raycast://oauth?package=x", True),
        ("http://127.0.0.1:*/**", "http://127.0.0.1:9/x", True),
        ("https://[::1]:*/**", "https://[0:0::1]:9/x", True),
        ("https://a.com/**", "https://user@a.com/", True),
        ("https://a.com/**", "not a url", False),
        ("https://a.com/**", "https://a.com:99999/", False),
    ],
)
def test_matches(pattern: str, url: str, expected: bool) -> None:
    assert matches(P(pattern), url) is expected


# ------------------------------------------------------------- inclusion, intersection


def test_wildcard_path_entry_is_not_covered_by_a_single_url() -> None:
    broad, narrow = P("https://app.example.com/**"), P("https://app.example.com/oauth/callback")
    assert not covers(narrow, broad)
    assert covers(broad, narrow)
    assert not covered_by_union(broad, [narrow])
    assert PatternIndex([narrow]).first_covering(broad) is None
    assert PatternIndex([broad, narrow]).first_covering(narrow) is broad


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("https://*.example.com/**", "https://a.b.example.com/x", True),  # `*` crosses dots
        ("https://*.example.com/**", "https://*.b.example.com/**", True),
        ("https://*.example.com/**", "https://example.com/**", False),
        ("https://*.b.example.com/**", "https://*.example.com/**", False),
        ("https://*example.com/**", "https://*.example.com/**", True),
        ("https://a.com/**", "https://a.com:*/**", False),  # `:*` is more than the default
        ("https://a.com:*/**", "https://a.com:8080/x", True),
        ("https://a.com:*/**", "https://a.com/x", True),
        ("https://a.com/**", "https://a.com:443/x", True),
        ("https://a.com:443/**", "https://a.com/x", True),
        ("https://{a,b}.com/**", "https://a.com/**", True),
        ("https://{a,b}.com/**", "https://{b,a}.com/**", True),
        ("https://{a,b}.com/**", "https://{a,c}.com/**", False),
        ("https://*.com/**", "https://{a,*.b}.com/**", True),
        ("https://a.com/a/**", "https://a.com/a/b/**", True),
        ("https://a.com/a/**", "https://a.com/**", False),
        ("https://a.com/a/**", "https://a.com/ab/**", False),  # whole segments only
        ("https://a.com/*/**", "https://a.com/x/y", True),
        ("https://a.com/*/**", "https://a.com/**", False),  # the root `/` is left out
        ("https://a.com/**/cb", "https://a.com/*/cb", True),
        ("https://a.com", "https://a.com/", True),
        ("http://a.com/**", "https://a.com/**", False),
    ],
)
def test_covers(outer: str, inner: str, expected: bool) -> None:
    assert covers(P(outer), P(inner)) is expected
    assert PatternIndex([P(outer)]).first_covering(P(inner)) == (P(outer) if expected else None)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("https://*.example.com/**", "https://x.example.com/cb", True),
        ("https://*.vercel.app/**", "https://*app/**", True),
        ("https://*.example.com/**", "https://*.example.org/**", False),
        ("https://a.com/**", "https://a.com:8080/**", False),
        ("https://a.com:*/**", "https://a.com:8080/**", True),
        ("https://a.com/x", "https://a.com/y", False),
        ("https://a.com/a/**", "https://a.com/ab/**", False),
        ("https://a.com/a/**", "https://a.com/a/b/**", True),
        ("https://a.com/*/y", "https://a.com/x/*", True),
        ("https://{a,b}.com/**", "https://{c,b}.com/**", True),
        ("https://{a,b}.com/**", "https://{c,d}.com/**", False),
        ("http://dev.example.com/**", "http://*:*/**", True),
        ("cursor://cursor.mcp/**", "https://cursor.mcp/**", False),
    ],
)
def test_intersects(a: str, b: str, expected: bool) -> None:
    assert intersects(P(a), P(b)) is expected
    assert intersects(P(b), P(a)) is expected
    assert (P(a) in PatternIndex([P(b), P(a)]).intersecting(P(b))) is expected
    assert PatternIndex([P(a)]).intersecting(P(b)) == ([P(a)] if expected else [])


def test_union_is_exact() -> None:
    inner = P("https://{dev,prod}.a.com/**")
    parts = [P("https://dev.a.com/**"), P("https://prod.a.com/**")]
    assert not any(covers(o, inner) for o in parts)
    assert covered_by_union(inner, parts)
    assert PatternIndex(parts).union_covers(inner)
    assert not covered_by_union(inner, parts[:1])
    # the root plus every deeper path is all of `/**`
    paths = [P("https://a.com/"), P("https://a.com/*/**"), P("https://a.com//**")]
    assert covered_by_union(P("https://a.com/**"), paths)
    assert not covered_by_union(P("https://a.com/**"), paths[:2])
    wild = [P(t.replace("a.com", "*.a.com")) for t in (p.text for p in paths)]
    assert covered_by_union(P("https://*.a.com/**"), wild)
    assert not covered_by_union(P("https://*.a.com/**"), wild[:2])
    assert not covered_by_union(P("https://*.a.com/**"), [*wild[:2], P("https://x.a.com//**")])
    assert covered_by_union(P("https://a.com:*/**"), [P("https://a.com:*/{x,y}/**"), P("https://a.com:*/**")])
    # a finite set of ports never covers `:*`
    assert not covered_by_union(P("https://a.com:*/"), [P("https://a.com/"), P("https://a.com:8080/")])


# ------------------------------------------------------------------------------ rules


@pytest.mark.parametrize(
    ("pattern", "rules"),
    [
        ("http://dev.example.com/**", ["http-not-loopback"]),
        ("https://intranet/**", ["no-tld"]),
        ("http://intranet/**", ["http-not-loopback", "no-tld"]),
        ("http://{localhost,evil.com}:*/**", ["http-not-loopback"]),
        ("https://a..example.com/**", ["bad-host"]),
        ("https://-a.example.com/**", ["bad-host"]),
        ("https://999.1.1.1/**", ["bad-host"]),
        ("https://a.123/**", ["no-tld"]),
        ("javascript://x.com/**", ["scheme-not-allowed"]),
        ("http://localhost:*/**", []),
        ("http://127.0.0.1:*/**", []),
        ("http://{localhost,127.0.0.1}:*/**", []),
        ("cursor://cursor.mcp/**", []),
        ("raycast://oauth/**", []),
        ("https://{dev,staging,prod}.platform-demo.com/**", []),
        ("https://*.example.com/**", []),
        ("https://10.0.0.1/**", []),
        ("https://[::1]/**", []),
        ("https://vscode.dev/redirect", []),
        ("https://aiagent.mydomain.com", []),
    ],
)
def test_rule_violations(pattern: str, rules: list[str]) -> None:
    assert [v.rule for v in rule_violations(P(pattern))] == rules


def test_violation_messages_name_the_rule_and_the_fix() -> None:
    (http,) = rule_violations(P("http://dev.example.com/**"))
    assert http.column == 1
    assert http.message == ("`http://` is allowed only for localhost and 127.0.0.1; use https://dev.example.com/**")
    (tld,) = rule_violations(P("https://intranet/**"))
    assert tld.column == 9 and "`intranet` has no top-level domain" in tld.message


# ---------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "rule", "column"),
    [
        ("", "empty", 1),
        ("example.com/**", "missing-scheme", 1),
        ("://example.com", "missing-scheme", 1),
        ("ht_tp://example.com", "bad-scheme", 3),
        ("https://", "empty-host", 9),
        ("https:///x", "empty-host", 9),
        ("https://a.com:0/x", "bad-port", 15),
        ("https://a.com:65536", "bad-port", 15),
        ("https://a.com:/x", "bad-port", 15),
        ("https://a.com:8o", "bad-port", 15),
        ("https://{a,b.com", "unbalanced-braces", 9),
        ("https://a}.com", "unbalanced-braces", 10),
        ("https://{a,{b,c}}.com", "nested-braces", 12),
        ("https://{}.a.com", "empty-braces", 9),
        ("https://{a/b}.com", "brace-spans-components", 11),
        ("https://{a:b}.com", "brace-spans-components", 11),
        ("https://a.com/{x/y}", "brace-spans-components", 17),
        ("https://a.com/x/{y:z}", "brace-spans-components", 19),
        ("https://a.com/x/{y", "unbalanced-braces", 17),
        ("https://a,b.com", "illegal-character", 10),
        ("https://a_b.com", "illegal-character", 10),
        ("https://bücher.de", "illegal-character", 10),
        ("https://a.com/a b", "illegal-character", 16),
        ("https://a.com/x?y=1", "query-or-fragment", 16),
        ("https://a.com#x", "query-or-fragment", 14),
        ("https://u@a.com", "userinfo", 10),
        ("https://a.com/a**", "bad-globstar", 16),
        ("https://a.com/**b/c", "bad-globstar", 15),
        ("https://{a,}", "empty-host", 9),
        ("https://[::g]/", "bad-host", 10),
    ],
)
def test_syntax_errors(text: str, rule: str, column: int) -> None:
    with pytest.raises(PatternSyntaxError) as err:
        P(text)
    assert (err.value.rule, err.value.column) == (rule, column), err.value.message
    assert isinstance(err.value, ValueError) and err.value.message


def test_parse_fields() -> None:
    p = P("HTTPS://App.Example.com:*/A/**")
    assert isinstance(p, Pattern)
    assert (p.scheme, p.host, p.port, p.path) == ("https", "app.example.com", "*", "/A/**")
    assert P("https://a.com").path == "/" and P("https://a.com").port is None
    assert P("https://a.com:8443/x").port == 8443
    assert P("https://a.com") is P("https://a.com")  # cached
    # Two parses of one text (the cached fast path, and a fresh full parse) are distinct
    # objects that are interchangeable: equal fields, equal, same hash, one dict key.
    for text in ("https://a.com", "HTTPS://App.Example.com:*/A/**", "https://{a,b}.example.com/x/**"):
        fresh = syntax._parse_full(text)
        assert fresh is not P(text) and tuple(fresh) == tuple(P(text))
        assert fresh == P(text) and (fresh != P(text)) is False and hash(fresh) == hash(P(text))
        assert len({fresh: 1, P(text): 2}) == 1
    # Equality is the text's: another text differs, even one with the same fields but its spelling.
    assert syntax._parse_full("https://a.com") != P("https://b.com")
    upper = syntax._parse_full("HTTPS://A.com")
    assert tuple(upper)[1:] == tuple(P("https://a.com"))[1:] and upper != P("https://a.com")
    assert P("https://a.com") != ("https://a.com",) and P("https://a.com") != "https://a.com"
    assert P("https://a.com") != P("https://a.com/")  # distinct entries, same language
    assert covers(P("https://a.com"), P("https://a.com/"))


# -------------------------------------------------------------------------------- PSL


@pytest.mark.parametrize(
    ("pattern", "fixed"),
    [
        ("https://*.vercel.app/**", "vercel.app"),
        ("https://*.github.io/**", "github.io"),
        ("https://*.com/**", "com"),
        ("https://*.co.uk/**", "co.uk"),
        ("https://*/**", ""),
        ("https://example.*/**", ""),
        ("https://*vercel.app/**", "vercel.app"),
        ("https://{a.example.com,*.vercel.app}/**", "vercel.app"),
        ("https://*.example.com/**", None),
        ("https://*.apps.dynatrace.com/**", None),
        ("https://app.vercel.app/**", None),  # no wildcard at all
        ("https://a.*.example.com/**", None),  # fixed part is after the *last* wildcard
    ],
)
def test_public_suffix_wildcard(pattern: str, fixed: str | None) -> None:
    assert public_suffix_wildcard(P(pattern)) == fixed


# ---------------------------------------------------------------- supported domains


def test_supported_domains() -> None:
    pats = supported_domain_patterns()
    texts = {p.text for p in pats}
    assert len(pats) == 25
    assert {
        "http://127.0.0.1:*/**",
        "http://localhost:*/**",
        "cursor://cursor.mcp/**",
        "raycast://oauth/**",
        "https://*.databricks.com/**",
        "https://vscode.dev/**",
    } <= texts
    assert all(rule_violations(p) == () for p in pats)
    assert supported_domain_patterns() is pats
    index = PatternIndex(pats)
    assert index.union_covers(P("https://vscode.dev/redirect"))
    assert index.union_covers(P("http://127.0.0.1:*/callback"))
    assert index.union_covers(P("https://acme.cloud.databricks.com/**"))
    assert not index.union_covers(P("https://vscode.dev:8443/redirect"))
    assert not index.union_covers(P("http://dev.example.com/**"))
    src = supported_domains_source()
    assert src["as_of"] == "2026-05-01"
    assert src["source_url"].startswith("https://support.atlassian.com/")
    assert "ROVO-MCP.md" in src["source"]


def test_shared_example_is_still_a_full_pattern() -> None:
    # FORMATS.md: breaks a rule, yet hits a forbidden pattern and is evaluated as usual.
    entry = P("http://dev.example.com/**")
    assert rule_violations(entry)
    assert intersects(entry, P("http://*:*/**"))
    assert not covered_by_union(entry, [P("https://*.tools.example.com/**")])


def test_ascii_only_psl_agrees_with_the_whole_list() -> None:
    # psl.py loads only the ASCII rules for names without IDN labels: for every ASCII
    # rule of the list (punycoded ones included), its parent and a child, it must give
    # the whole list's answer.
    from publicsuffixlist import PublicSuffixList

    from auditor.patterns import psl

    whole = PublicSuffixList(only_icann=False)
    names = set()
    for rule in whole._publicsuffix:
        if rule.isascii():
            name = rule.lstrip("!").removeprefix("*.")
            names.update({name, f"x.{name}", name.partition(".")[2] or name})
    assert len(names) > 10_000
    assert [n for n in sorted(names) if whole.is_public(n) != psl._is_public(n)] == []
    assert psl._is_public("xn--p1ai") and psl._is_public("vercel.app") and not psl._is_public("corp.com")
