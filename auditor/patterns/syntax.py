"""Parsing of domain allowlist entries (FORMATS.md §4) into immutable `Pattern` values.

An entry is `scheme://host[:port][path]`. Braces never span components, so a pattern's
language is the product scheme × host × port × path; each component is kept as the tuple
of its brace-expanded alternatives ("globs"), which is all the matching engine needs.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import NamedTuple

__all__ = [
    "ANY_PORT",
    "DEFAULT_PORTS",
    "GLOBSTAR",
    "NO_PORT",
    "Pattern",
    "PatternSyntaxError",
    "Violation",
    "parse_pattern",
]

DEFAULT_PORTS: dict[str, int] = {"https": 443, "http": 80}
# Effective port values: custom app schemes have no default port, so a URL written
# without one gets NO_PORT (port 0 is never a valid explicit port); `:*` is ANY_PORT.
NO_PORT = 0
ANY_PORT = -1
# Internal token for a whole `**` path segment; control characters are rejected in
# entries, so it can never collide with a literal path character.
GLOBSTAR = "\x00"
# Separator of alternatives inside a component key (also never a literal character).
ALT_SEP = "\n"
# Brace expansion multiplies; an entry expanding to more alternatives than this is
# certainly a mistake and would make the automata needlessly large.
MAX_ALTERNATIVES = 1024
# Wildcards make inclusion and intersection checks cost more than linearly (measured: one
# entry with 300 `*` took 1.3 s, 600 took 4.1 s, 1,200 took 26 s and 1.4 GB). Real entries
# hold one to four; past this many the entry is refused (RMCP-DOM-006 in settings, an input
# error in a policy) before the engine sees it.
MAX_WILDCARDS = 16
MAX_ENTRY_LENGTH = 2048
_WILDCARD_RUN = re.compile(r"\*+")

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
_SCHEME_FIRST = frozenset(_LOWER)
_SCHEME_REST = frozenset(_LOWER + _DIGITS + "+.-")
_WEB_HOST_CHARS = frozenset(_LOWER + _DIGITS + "-.")
# Hosts of custom app schemes are free text (`cursor.mcp`, `oauth`); RFC 3986
# unreserved characters are accepted there.
_APP_HOST_CHARS = _WEB_HOST_CHARS | frozenset("_~")
# RFC 3986 pchar (unreserved, sub-delims, ':' '@', '%') plus '/'; '*' '{' '}' are syntax.
_PATH_CHARS = frozenset(_LOWER + _LOWER.upper() + _DIGITS + "-._~!$&'()+,;=:@%/")


class PatternSyntaxError(ValueError):
    """An entry that cannot be parsed at all (FORMATS.md: control RMCP-DOM-006)."""

    def __init__(self, rule: str, message: str, column: int) -> None:
        super().__init__(f"{message} (column {column})")
        self.rule = rule
        self.message = message
        self.column = column

    def __reduce__(self) -> tuple[type[PatternSyntaxError], tuple[str, str, int]]:
        # Keeps the exception picklable despite the custom __init__ signature.
        return (PatternSyntaxError, (self.rule, self.message, self.column))


@dataclass(frozen=True, slots=True)
class Violation:
    """A parsed entry that breaks one of Atlassian's allowlist rules."""

    rule: str
    message: str
    column: int


class Pattern(NamedTuple):
    """A parsed entry. Everything is derived from `text`, so equality and hashing use it
    alone (cheap, and two parses of one text are interchangeable).

    A NamedTuple rather than a frozen dataclass: an estate's audit parses 10,000+
    distinct entries, and a tuple is built in a tenth of the time, still immutable."""

    text: str
    scheme: str
    host: str
    port: int | str | None
    path: str
    host_alts: tuple[str, ...]
    path_alts: tuple[str, ...]
    # ALT_SEP-joined alternatives: interned strings hash once, which keeps the
    # memoised component checks cheap.
    host_key: str
    path_key: str
    port_value: int
    host_column: int
    host_labels: tuple[tuple[str, ...], ...]

    def __eq__(self, other: object) -> bool:
        return type(other) is Pattern and other[0] == self[0]

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        # Patterns are dictionary keys on every hot path; the text says it all.
        return hash(self[0])

    def __repr__(self) -> str:
        return f"Pattern({self[0]!r})"

    def __str__(self) -> str:
        return self.text


# Patterns are built positionally with tuple.__new__: NamedTuple's own __new__ is
# Python-level, and 5x slower. Pattern's fields in order, so that mypy checks each position.
PatternFields = tuple[
    str,  # text
    str,  # scheme
    str,  # host
    int | str | None,  # port
    str,  # path
    tuple[str, ...],  # host_alts
    tuple[str, ...],  # path_alts
    str,  # host_key
    str,  # path_key
    int,  # port_value
    int,  # host_column
    tuple[tuple[str, ...], ...],  # host_labels
]
_new_pattern: Callable[[type[Pattern], PatternFields], Pattern] = tuple.__new__


def _fail(rule: str, message: str, column: int) -> PatternSyntaxError:
    return PatternSyntaxError(rule, message, column)


def _check_braces(text: str, start: int, end: int, what: str) -> None:
    """Flat `{a,b}` groups only: no nesting, balanced, no empty group, and never
    containing '/' or ':' (so a group stays inside one component / path segment)."""
    open_at = -1
    for i in range(start, end):
        ch = text[i]
        if ch in "/:" and open_at >= 0:
            raise _fail(
                "brace-spans-components", f"{ch!r} inside a brace group; braces cannot contain '/' or ':'", i + 1
            )
        if ch == "{":
            if open_at >= 0:
                raise _fail(
                    "nested-braces", f"nested '{{' in the {what}; brace groups cannot contain other brace groups", i + 1
                )
            open_at = i
        elif ch == "}":
            if open_at < 0:
                raise _fail("unbalanced-braces", f"'}}' in the {what} without a matching '{{'", i + 1)
            if i == open_at + 1:
                raise _fail("empty-braces", "empty brace group '{}'; expected {a,b}", open_at + 1)
            open_at = -1
        elif ch == "," and open_at < 0 and what == "host":
            raise _fail(
                "illegal-character", "',' in the host outside a brace group; alternatives are written {a,b}", i + 1
            )
    if open_at >= 0:
        raise _fail("unbalanced-braces", f"'{{' in the {what} is never closed", open_at + 1)


def _expand(s: str) -> list[str]:
    """Brace expansion of an already validated flat string."""
    parts: list[list[str]] = []
    i = 0
    while i < len(s):
        j = s.find("{", i)
        if j < 0:
            parts.append([s[i:]])
            break
        if j > i:
            parts.append([s[i:j]])
        k = s.index("}", j)
        parts.append(s[j + 1 : k].split(","))
        i = k + 1
    return ["".join(combo) for combo in product(*parts)]


def _count(s: str) -> int:
    """Number of alternatives `_expand` would produce, without producing them."""
    n = 1
    for group in s.split("{")[1:]:
        n *= group.split("}", 1)[0].count(",") + 1
    return n


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _parse_scheme(text: str) -> tuple[str, int]:
    sep = text.find("://")
    if sep < 0:
        hint = f"e.g. https://{text}" if "/" not in text and ":" not in text else "e.g. https://example.com/**"
        raise _fail("missing-scheme", f"no scheme: expected scheme://host[:port][path], {hint}", 1)
    if sep == 0:
        raise _fail("missing-scheme", "empty scheme before '://'; expected e.g. https://", 1)
    scheme = text[:sep].lower()
    for i, ch in enumerate(scheme):
        allowed = _SCHEME_FIRST if i == 0 else _SCHEME_REST
        if ch not in allowed:
            raise _fail(
                "bad-scheme",
                f"illegal character {ch!r} in the scheme; a scheme is a "
                "letter followed by letters, digits, '+', '.' or '-'",
                i + 1,
            )
    return scheme, sep + 3


def _parse_host(text: str, pos: int, scheme: str) -> tuple[str, tuple[str, ...], int]:
    """Returns (host, alternatives, end position)."""
    n = len(text)
    if pos < n and text[pos] == "[":
        end = text.find("]", pos)
        if end < 0:
            raise _fail("bad-host", "'[' opens an IPv6 address that is never closed", pos + 1)
        try:
            addr = ipaddress.IPv6Address(text[pos + 1 : end])
        except ValueError:
            raise _fail("bad-host", f"{text[pos : end + 1]!r} is not a valid IPv6 address", pos + 2) from None
        if end + 1 < n and text[end + 1] not in ":/":
            raise _fail("bad-host", "expected ':port' or a path after the IPv6 address", end + 2)
        host = f"[{addr.compressed}]"
        return host, (host,), end + 1
    allowed = _WEB_HOST_CHARS if scheme in DEFAULT_PORTS else _APP_HOST_CHARS
    in_brace = False
    i = pos
    while i < n:
        ch = text[i]
        if ch in "/:":
            if in_brace:
                raise _fail(
                    "brace-spans-components",
                    f"{ch!r} inside a brace group; braces cannot span the host, port and path",
                    i + 1,
                )
            break
        if ch == "{":
            in_brace = True
        elif ch == "}":
            in_brace = False
        elif ch in "?#":
            raise _fail(
                "query-or-fragment", "query strings and fragments ('?', '#') are not allowed in an entry", i + 1
            )
        elif ch == "@":
            raise _fail("userinfo", "user information ('user@') is not allowed in an entry", i + 1)
        elif ch not in allowed and ch not in "*," and not (ch.isascii() and ch.lower() in allowed):
            extra = "; write internationalised names in punycode (xn--)" if not ch.isascii() else ""
            raise _fail(
                "illegal-character",
                f"illegal character {ch!r} in the host; expected letters, digits, '-', '.', '*' or {{a,b}}" + extra,
                i + 1,
            )
        i += 1
    if i == pos:
        raise _fail("empty-host", "empty host; expected scheme://host, e.g. https://example.com", pos + 1)
    _check_braces(text, pos, i, "host")
    host = text[pos:i].lower()
    return host, _host_alternatives(host, pos), i


def _parse_port(text: str, pos: int) -> tuple[int | str | None, int]:
    if pos >= len(text) or text[pos] != ":":
        return None, pos
    end = text.find("/", pos)
    end = len(text) if end < 0 else end
    raw = text[pos + 1 : end]
    if raw == "*":
        return "*", end
    if raw and len(raw) <= 5 and all(c in _DIGITS for c in raw) and 1 <= int(raw) <= 65535:
        return int(raw), end
    raise _fail("bad-port", f"bad port {raw!r}; expected a number from 1 to 65535 or '*' for any port", pos + 2)


def _parse_path(text: str, pos: int) -> tuple[str, tuple[str, ...]]:
    if pos >= len(text):
        return "/", ("/",)
    # Validate everything first so errors carry the column of the offending character.
    for i in range(pos, len(text)):
        ch = text[i]
        if ch in "?#":
            raise _fail(
                "query-or-fragment", "query strings and fragments ('?', '#') are not allowed in an entry", i + 1
            )
        if ch not in _PATH_CHARS and ch not in "*{}":
            raise _fail("illegal-character", f"illegal character {ch!r} in the path; percent-encode it", i + 1)
    _check_braces(text, pos, len(text), "path")
    return text[pos:], _path_alternatives(text[pos:], pos)


def _path_alternatives(path: str, pos: int) -> tuple[str, ...]:
    """Alternatives of a validated path starting at index `pos` of the entry."""
    if path in ("", "/"):
        return ("/",)
    if path == "/**":
        return (GLOBSTAR,)
    if "*" not in path and "{" not in path:
        return (path,)
    segments: list[list[str]] = []
    total = 1
    col = pos + 2  # column of the first character of the current segment
    for seg in path[1:].split("/"):
        if seg == "**":
            segments.append([GLOBSTAR])
        elif "**" in seg:
            raise _fail(
                "bad-globstar",
                "'**' must be a whole path segment (e.g. /a/**); use '*' to match within a segment",
                col + seg.index("**"),
            )
        else:
            total *= _count(seg)
            if total > MAX_ALTERNATIVES:
                raise _fail("too-complex", f"the path expands to more than {MAX_ALTERNATIVES} alternatives", pos + 1)
            segments.append(["/" + alt for alt in _expand(seg)] if "{" in seg else ["/" + seg])
        col += len(seg) + 1
    alts: list[str] = []
    for combo in product(*segments):
        alt = "".join(combo)
        # `/**/**` means the same as `/**`; collapsing keeps the automata small.
        while GLOBSTAR * 2 in alt:
            alt = alt.replace(GLOBSTAR * 2, GLOBSTAR)
        alts.append(alt)
    return _dedupe(alts)


def _host_alternatives(host: str, pos: int) -> tuple[str, ...]:
    """Alternatives of a validated, lowercased host starting at index `pos`."""
    if "{" not in host:
        return (host,)
    if _count(host) > MAX_ALTERNATIVES:
        raise _fail("too-complex", f"the host expands to more than {MAX_ALTERNATIVES} alternatives", pos + 1)
    alts = _dedupe(_expand(host))
    if "" in alts:
        raise _fail("empty-host", "a brace alternative leaves the host empty", pos + 1)
    return alts


def host_label_keys(alts: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Per host alternative: its trailing labels that are wholly literal, reversed.

    Every host an alternative matches ends with these labels (PatternIndex relies on
    it): `*.example.com` -> ("com", "example"); `*example.com` -> ("com",); `a.*` -> ()."""
    keys = []
    for alt in alts:
        star = alt.rfind("*")
        labels = alt.split(".") if star < 0 else alt[star + 1 :].split(".")[1:]
        keys.append(tuple(reversed(labels)))
    return tuple(keys)


# Common well-formed entries in one C-level match; anything else (and every error) goes
# through the character-by-character parser, which reports precise columns.
_WEB_RUN = r"[A-Za-z0-9.*\-]"
_SEG_RUN = r"[A-Za-z0-9\-._~!$&'()+;=@%*]"
_FAST = re.compile(
    r"(https?)://"
    rf"((?:{_WEB_RUN}|\{{{_WEB_RUN}+(?:,{_WEB_RUN}+)*\}})+)"
    r"(?::(\*|[0-9]{1,5}))?"
    rf"((?:/(?:{_SEG_RUN}|\{{{_SEG_RUN}*(?:,{_SEG_RUN}*)*\}})*)*)",
    re.IGNORECASE,
)


def _make(
    text: str,
    scheme: str,
    host: str,
    host_alts: tuple[str, ...],
    port: int | str | None,
    path: str,
    path_alts: tuple[str, ...],
    host_column: int,
) -> Pattern:
    if port is None:
        port_value = DEFAULT_PORTS.get(scheme, NO_PORT)
    elif port == "*":
        port_value = ANY_PORT
    else:
        assert isinstance(port, int)
        port_value = port
    return _new_pattern(
        Pattern,
        (
            text,
            scheme,
            host,
            port,
            path,
            host_alts,
            path_alts,
            ALT_SEP.join(host_alts),
            ALT_SEP.join(path_alts),
            port_value,
            host_column,
            host_label_keys(host_alts),
        ),
    )


def _parse_fast(text: str) -> Pattern | None:
    m = _FAST.fullmatch(text)
    if m is None or "{}" in text:  # `{}` is an error the full parser reports
        return None
    scheme, host, port_text, path = m.groups()
    port: int | str | None = None
    if port_text == "*":
        port = "*"
    elif port_text is not None:
        port = int(port_text)
        if not 1 <= port <= 65535:
            return None
    scheme, host = scheme.lower(), host.lower()
    host_column = len(scheme) + 4
    host_alts = _host_alternatives(host, host_column - 1)
    path_pos = len(text) - len(path)
    return _make(text, scheme, host, host_alts, port, path or "/", _path_alternatives(path, path_pos), host_column)


@lru_cache(maxsize=1 << 16)
def parse_pattern(text: str) -> Pattern:
    """Parse one allowlist entry; raises PatternSyntaxError with a 1-based column."""
    if not isinstance(text, str):
        raise TypeError(f"pattern must be a str, not {type(text).__name__}")
    if len(text) > MAX_ENTRY_LENGTH:
        raise _fail("too-complex", f"the entry is longer than {MAX_ENTRY_LENGTH} characters", MAX_ENTRY_LENGTH + 1)
    if text.count("*") > MAX_WILDCARDS:
        runs = [m.start() for m in _WILDCARD_RUN.finditer(text)]  # `**` is one wildcard
        if len(runs) > MAX_WILDCARDS:
            raise _fail(
                "too-complex", f"more than {MAX_WILDCARDS} wildcards ('*') in one entry", runs[MAX_WILDCARDS] + 1
            )
    return _parse_fast(text) or _parse_full(text)


def _parse_full(text: str) -> Pattern:
    """Character-by-character parser: any entry, precise errors."""
    if not text:
        raise _fail("empty", "empty entry; expected scheme://host[:port][path]", 1)
    for i, ch in enumerate(text):
        if ch.isspace() or ord(ch) < 32 or ord(ch) == 127:
            raise _fail("illegal-character", f"whitespace or control character {ch!r} in the entry", i + 1)
    scheme, pos = _parse_scheme(text)
    host_column = pos + 1
    host, host_alts, pos = _parse_host(text, pos, scheme)
    port, pos = _parse_port(text, pos)
    path, path_alts = _parse_path(text, pos)
    return _make(text, scheme, host, host_alts, port, path, path_alts, host_column)
