"""`WWW-Authenticate` challenges (RFC 9110 §11.6.1), as the 401 and 403 answers carry them."""

from __future__ import annotations

import re

_PARAM = re.compile(r'\s*([A-Za-z0-9_.\-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,"]*)\s*,?')
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~\-]*)(?=\s|$|,)\s*,?")


def parse_www_authenticate(value: str) -> list[tuple[str, dict[str, str]]]:
    """RFC 9110 §11.6.1 challenges: `[(scheme, {param: value})]`; token68 forms are skipped."""
    challenges: list[tuple[str, dict[str, str]]] = []
    pos = 0
    while pos < len(value):
        param = _PARAM.match(value, pos)
        if param and param.group(0).strip() and challenges:
            raw = param.group(2)
            challenges[-1][1][param.group(1).lower()] = (
                re.sub(r"\\(.)", r"\1", raw[1:-1]) if raw.startswith('"') else raw
            )
            pos = param.end()
            continue
        scheme = _SCHEME.match(value, pos)
        if scheme and scheme.group(0).strip():
            challenges.append((scheme.group(1), {}))
            pos = scheme.end()
            continue
        pos += 1  # unparseable character: skip rather than fail on a sloppy header
    return challenges


def bearer_challenge(value: str) -> tuple[str | None, dict[str, str]]:
    challenges = parse_www_authenticate(value)
    for scheme, params in challenges:
        if scheme.lower() == "bearer":
            return scheme, params
    return challenges[0] if challenges else (None, {})
