"""Atlassian's allowlist rules (ROVO-MCP.md "Domain allowlist rules") for parsed entries.

A pattern that breaks one of these is still a full pattern that the other controls
evaluate; only RMCP-DOM-006 reports the violation.
"""

from __future__ import annotations

import ipaddress
import re

from .syntax import DEFAULT_PORTS, Pattern, Violation

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1"})
# Schemes that are neither https, loopback http nor a native app's redirect scheme:
# browser-internal or other network protocols that no OAuth client redirects to.
NON_APP_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "blob", "about", "ftp", "ws", "wss"})
_MAX_LABEL = 63
_MAX_HOST = 253


# Digits, dots and wildcards only: an IPv4 address or a wildcard over one.
_IP_LIKE = re.compile(r"[0-9.*]*[0-9][0-9.*]*")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# The usual shape, `[*.]label.label...tld` with a TLD that is not all digits: known
# clean without the label-by-label analysis below.
_CLEAN_HOST = re.compile(rf"(?:\*\.)?(?:{_LABEL}\.)+(?=[a-z0-9-]*[a-z])(?:{_LABEL})")


def _host_problem(alt: str) -> tuple[str, str] | None:
    """(rule, message) for the first problem of one host alternative of a web scheme."""
    if alt in LOOPBACK_HOSTS or alt.startswith("["):
        return None
    if len(alt) <= _MAX_HOST and _CLEAN_HOST.fullmatch(alt):
        return None
    if _IP_LIKE.fullmatch(alt):
        if "*" in alt:
            return None
        try:
            ipaddress.IPv4Address(alt)
        except ValueError:
            return "bad-host", f"`{alt}` is not a valid IPv4 address"
        return None
    if len(alt) > _MAX_HOST:
        return "bad-host", f"host `{alt[:40]}…` is longer than {_MAX_HOST} characters"
    labels = alt.split(".")
    if "" in labels:
        return "bad-host", (
            f"host `{alt}` has an empty label (leading, trailing or "
            "doubled '.'); expected labels separated by single dots"
        )
    for label in labels:
        if "*" in label:
            continue
        if label.startswith("-") or label.endswith("-"):
            return "bad-host", f"label `{label}` of host `{alt}` starts or ends with '-'"
        if len(label) > _MAX_LABEL:
            return "bad-host", f"label `{label[:20]}…` is longer than {_MAX_LABEL} characters"
    if len(labels) == 1:
        return "no-tld", (
            f"host `{alt}` has no top-level domain; expected a fully "
            f"qualified domain such as {alt}.example.com (only localhost "
            "and IP addresses may go without one)"
        )
    tld = labels[-1]
    if "*" not in tld and tld.isdigit():
        return "no-tld", f"host `{alt}` ends in the numeric label `{tld}`, not a top-level domain"
    return None


def rule_violations(p: Pattern) -> tuple[Violation, ...]:
    """Atlassian rule violations of a parsed entry, at most one per rule code."""
    if p.scheme == "https" and all(len(alt) <= _MAX_HOST and _CLEAN_HOST.fullmatch(alt) for alt in p.host_alts):
        return ()  # the usual entry: skip the detailed analysis
    out: dict[str, Violation] = {}
    rest = p.text[len(p.scheme) + 3 :]
    if p.scheme == "http" and any(alt not in LOOPBACK_HOSTS for alt in p.host_alts):
        out["http-not-loopback"] = Violation(
            "http-not-loopback", f"`http://` is allowed only for localhost and 127.0.0.1; use https://{rest}", 1
        )
    elif p.scheme in NON_APP_SCHEMES:
        out["scheme-not-allowed"] = Violation(
            "scheme-not-allowed",
            f"`{p.scheme}://` is not allowed; expected https://, http:// for localhost or "
            "127.0.0.1, or a native app's own scheme such as cursor://",
            1,
        )
    if p.scheme in DEFAULT_PORTS:
        for alt in p.host_alts:
            problem = _host_problem(alt)
            if problem is not None and problem[0] not in out:
                rule, message = problem
                out[rule] = Violation(rule, message, p.host_column)
    return tuple(out.values())
