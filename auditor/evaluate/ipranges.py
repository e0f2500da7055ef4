"""IP range coverage, exact, with the standard library's `ipaddress`."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=65536)
def parse_network(text: str) -> Network:
    """A CIDR range or a single address. Raises ValueError with a message fit for a user."""
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address or CIDR range (expected e.g. 203.0.113.0/24)") from None


def uncovered(required: Network, ranges: Iterable[Network]) -> list[Network]:
    """The parts of `required` that no range covers (empty when fully covered)."""
    remaining = [required]
    for net in ranges:
        if net.version != required.version:
            continue
        nxt: list[Network] = []
        for part in remaining:
            if part.subnet_of(net):  # type: ignore[arg-type]
                continue
            if net.subnet_of(part):  # type: ignore[arg-type]
                nxt.extend(part.address_exclude(net))  # type: ignore[arg-type]
            else:
                nxt.append(part)
        remaining = nxt
        if not remaining:
            break
    return list(ipaddress.collapse_addresses(remaining)) if remaining else []  # type: ignore[arg-type]
