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
    remaining = [required]
    for net in ranges:
        nxt: list[N] = []
        for part in remaining:
            if part.subnet_of(net):
                continue
            if net.subnet_of(part):
                nxt.extend(part.address_exclude(net))
            else:
                nxt.append(part)
        remaining = nxt
        if not remaining:
            break
    return list(ipaddress.collapse_addresses(remaining)) if remaining else []
