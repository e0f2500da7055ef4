"""Issuer identifiers compared the way RFC 8414 §3.3 and RFC 9207 §2.4 ask: as identical
strings (RFC 3986 §6.2.1 simple string comparison), with the difference said in words when
they are not, since "differs only by a trailing slash" is the usual fault and the hardest to
see in two long URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from .transport import origin_of


def issuer_difference(issuer: str | None, expected: str) -> str | None:
    """None when `issuer` is exactly `expected`; otherwise how it differs, as a predicate
    ("differs only by a trailing slash ...") to follow "the issuer"."""
    if issuer == expected:
        return None
    if issuer is None:
        return "is missing"
    if issuer.rstrip("/") == expected.rstrip("/"):
        extra = "has" if issuer.endswith("/") else "lacks"
        return f"differs only by a trailing slash (the metadata's {extra} one)"
    if issuer.lower() == expected.lower():
        return "differs only in letter case"
    try:
        same_origin = origin_of(issuer) == origin_of(expected)
        got_path, want_path = urlsplit(issuer).path or "/", urlsplit(expected).path or "/"
    except ValueError:
        return "is not a URL"
    if same_origin and got_path != want_path:
        return f"has the same host but another path ({got_path} instead of {want_path})"
    if same_origin:
        return "has the same host and path, written differently (port, scheme case, query or fragment)"
    return f"is on another host ({origin_of(issuer)} instead of {origin_of(expected)})"


def same_root_origin(issuer: str | None, origin: str) -> bool:
    """`https://h` and `https://h/` name the same origin: the 2025-03-26 fallback derives the
    issuer from the MCP server's origin, which has no canonical spelling of its empty path (the
    mcp SDK accepts either there: mcp/client/auth/utils.py `issuers_match`)."""
    return issuer is not None and issuer.rstrip("/") == origin and urlsplit(issuer).path in ("", "/")
