"""IP coverage by interval sweep: the same answers as plain subtraction, and fast at scale."""

from __future__ import annotations

import ipaddress
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.evaluate.ipranges import gaps, uncovered
from auditor.model.common import ip_span


def subtraction(required, ranges):  # the reference: what the sweep replaced
    remaining = [required]
    for net in ranges:
        if net.version != required.version:
            continue
        nxt = []
        for part in remaining:
            if part.subnet_of(net):
                continue
            nxt.extend(part.address_exclude(net) if net.subnet_of(part) else [part])
        remaining = nxt
    return list(ipaddress.collapse_addresses(remaining)) if remaining else []


v4 = st.builds(
    lambda a, p: ipaddress.ip_network((a, p), strict=False),
    st.integers(0xC0000200, 0xC00002FF),  # inside 192.0.2.0/24, so ranges overlap often
    st.integers(22, 32),
)
v6 = st.builds(lambda a, p: ipaddress.ip_network((a, p), strict=False), st.integers(0, 2**16), st.integers(112, 128))


@settings(max_examples=400, deadline=None)
@given(required=st.one_of(v4, v6), ranges=st.lists(st.one_of(v4, v6), max_size=12))
def test_the_sweep_agrees_with_subtraction(required, ranges) -> None:
    assert uncovered(required, ranges) == subtraction(required, ranges)


def test_a_thousand_host_ranges_inside_a_slash_16_take_milliseconds() -> None:
    required = ipaddress.ip_network("10.20.0.0/16")
    ranges = [ipaddress.ip_network(f"10.20.{i // 250}.{i % 250}/32") for i in range(1000)]
    started = time.perf_counter()
    gaps = uncovered(required, ranges)
    assert time.perf_counter() - started < 0.5
    assert sum(g.num_addresses for g in gaps) == 65536 - 1000


_TEXT_PARTS = st.sampled_from(
    [
        "0",
        "1",
        "01",
        "10",
        "25",
        "255",
        "256",
        "300",
        "999",
        "3",
        ".",
        "/",
        "/8",
        "/32",
        "/33",
        "/024",
        "::",
        "a",
        " ",
        "٣",
    ]
)


def _reference(text: str) -> tuple[int, int, int] | None:
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    return net.version, int(net.network_address), int(net.broadcast_address)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.lists(_TEXT_PARTS, max_size=9).map("".join), v4.map(str), v6.map(str)))
def test_ip_span_reads_what_ipaddress_reads(text: str) -> None:
    """The plain-IPv4 fast path and the fallback: the same answer, or the same refusal."""
    expected = _reference(text)
    if expected is None:
        with pytest.raises(ValueError):
            ip_span(text)
    else:
        assert ip_span(text) == expected


def test_ip_span_on_the_forms_admins_write() -> None:
    for text in [
        "10.0.0.5/24",
        "0.0.0.0/0",
        "255.255.255.255",
        "192.0.2.7/32",
        "10.1.2.3/255.255.0.0",
        "2001:db8::/32",
    ]:
        assert ip_span(text) == _reference(text), text
    for text in ["010.0.0.1", "1.2.3.256", "1.2.3.4/33", "1.2.3", "٣.1.1.1"]:
        with pytest.raises(ValueError):
            ip_span(text)


@settings(max_examples=300, deadline=None)
@given(required=st.one_of(v4, v6), ranges=st.lists(st.one_of(v4, v6), max_size=12))
def test_gaps_from_text_are_uncovered_from_networks(required, ranges) -> None:
    assert gaps(str(required), [str(r) for r in ranges]) == uncovered(required, ranges)
