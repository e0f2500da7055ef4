"""IP range coverage, exact, with the standard library's `ipaddress`."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
N = TypeVar("N", ipaddress.IPv4Network, ipaddress.IPv6Network)  # one IP version throughout


@lru_cache(maxsize=65536)
def parse_network(text: str) -> Network:
    """A CIDR range or a single address. Raises ValueError with a message fit for a user."""
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address or CIDR range (expected e.g. 203.0.113.0/24)") from None


def uncovered(required: Network, ranges: Iterable[Network]) -> list[Network]:
    """The parts of `required` that no range covers (empty when fully covered). Ranges of
    the other IP version cover nothing of it."""
    gaps: list[Network] = []
    if isinstance(required, ipaddress.IPv4Network):
        gaps.extend(_uncovered(required, [n for n in ranges if isinstance(n, ipaddress.IPv4Network)]))
    else:
        gaps.extend(_uncovered(required, [n for n in ranges if isinstance(n, ipaddress.IPv6Network)]))
    return gaps


def _uncovered(required: N, ranges: Iterable[N]) -> list[N]:
    """An interval sweep over the ranges that meet `required`, as integers: O(n log n). The
    subtraction it replaces split the remaining parts once per range (1,000 /32 ranges inside
    a /16 took 5.4 s; this, milliseconds). tests/unit/test_ipranges.py holds it to the old one."""
    lo, hi = int(required.network_address), int(required.broadcast_address)
    spans = sorted(
        (max(lo, int(n.network_address)), min(hi, int(n.broadcast_address)))
        for n in ranges
        if int(n.network_address) <= hi and int(n.broadcast_address) >= lo
    )
    gaps: list[tuple[int, int]] = []
    at = lo  # the first address not yet known to be covered
    for start, end in spans:
        if start > at:
            gaps.append((at, start - 1))
        at = max(at, end + 1)
        if at > hi:
            break
    if at <= hi:
        gaps.append((at, hi))
    if not gaps:
        return []
    address = type(required.network_address)
    parts = (net for a, b in gaps for net in ipaddress.summarize_address_range(address(a), address(b)))
    return list(ipaddress.collapse_addresses(parts))
