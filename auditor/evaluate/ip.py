"""RMCP-IP-001 (IP allowlist on/off), RMCP-IP-002 (required client ranges covered) and
RMCP-IP-003 (an IP allowlist that the policy's vendor-hosted clients cannot pass)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

from ..catalog import McpClient, mcp_clients
from ..load.merge import Rule
from ..model.common import Status
from ..model.results import Finding
from ..patterns import Pattern, intersects, parse_pattern
from .factory import OrgView
from .ipranges import gaps


def check(view: OrgView) -> Iterator[Finding]:
    yield from _vendor_hosted(view)
    rules = view.policy.ip
    if rules is None:
        return
    ipa = view.org.ip_allowlist
    enabled = ipa.enabled if ipa else None
    if rules.enabled is not None:
        want = rules.enabled.value == "require"
        expected = f"IP allowlist {'on' if want else 'off'}"
        action = "Turn on" if want else "Turn off"
        if enabled is None:
            yield view.finding(
                "RMCP-IP-001",
                "unknown",
                None,
                expected=expected,
                actual=view.missing("ip_allowlist.enabled", "ip_allowlist"),
                rule=rules.enabled,
                action=action,
            )
        else:
            yield view.finding(
                "RMCP-IP-001",
                "pass" if enabled == want else "fail",
                None,
                expected=expected,
                actual=f"IP allowlist {'on' if enabled else 'off'}",
                rule=rules.enabled,
                action=action,
            )
    ranges = ipa.ranges if ipa else None
    for rule in rules.required_ranges:
        expected = f"{rule.value} covered by the IP allowlist"
        if enabled is False:
            # An allowlist that is off blocks nobody: the range can connect.
            yield view.finding(
                "RMCP-IP-002",
                "pass",
                rule.value,
                expected=expected,
                actual="IP allowlist off: no address is blocked",
                rule=rule,
                value=rule.value,
                detail=rule.value,
            )
            continue
        if ranges is None:
            yield view.finding(
                "RMCP-IP-002",
                "unknown",
                rule.value,
                expected=expected,
                actual=view.missing("ip_allowlist.ranges", "ip_allowlist"),
                rule=rule,
                value=rule.value,
                detail=rule.value,
            )
            continue
        missing_parts = gaps(rule.value, ranges)
        if not missing_parts:
            yield view.finding(
                "RMCP-IP-002",
                "pass",
                rule.value,
                expected=expected,
                actual="covered",
                rule=rule,
                value=rule.value,
                detail=rule.value,
            )
        elif enabled is None:
            yield view.finding(
                "RMCP-IP-002",
                "unknown",
                rule.value,
                expected=expected,
                actual=f"not covered ({', '.join(map(str, missing_parts))} missing) if the allowlist is on, and its state was not collected",
                rule=rule,
                value=rule.value,
                detail=", ".join(map(str, missing_parts)),
            )
        else:
            missing = ", ".join(map(str, missing_parts))
            yield view.finding(
                "RMCP-IP-002",
                "fail",
                rule.value,
                expected=expected,
                actual=f"not covered: {missing}",
                rule=rule,
                value=rule.value,
                detail=missing,
            )


@cache
def _hosted_clients() -> tuple[tuple[str, McpClient, tuple[Pattern, ...]], ...]:
    """The vendor-hosted clients of the dated data, with their redirects parsed once."""
    return tuple(
        (cid, c, tuple(parse_pattern(r.uri) for r in c.redirects)) for cid, c in mcp_clients().vendor_hosted().items()
    )


def _gaps(ranges: Sequence[str], by: Sequence[str]) -> list[str]:
    """The parts of `ranges` that `by` does not cover, as text."""
    return [str(g) for r in ranges for g in gaps(r, by)]


def _vendor_hosted(view: OrgView) -> Iterator[Finding]:
    """RMCP-IP-003, for each vendor-hosted client (mcp_clients.yaml) that some required origin
    of the policy reaches: those clients call from the vendor's cloud egress, so an IP
    allowlist that is on refuses them unless it admits the vendor's published ranges. Passes
    when the policy's `ip_allowlist.required_ranges` cover those ranges (RMCP-IP-002 then
    checks the allowlist), when the allowlist is off, or when its collected ranges cover them."""
    domains = view.policy.domains
    if domains is None or not domains.required:
        return
    required = [(rule, parse_pattern(rule.value)) for rule in domains.required]
    ip_rules = view.policy.ip
    policy_ranges = [r.value for r in ip_rules.required_ranges] if ip_rules else []
    for cid, client, redirects in _hosted_clients():
        rule = next((rule for rule, p in required if any(intersects(p, r) for r in redirects)), None)
        if rule is not None:
            yield _judge_hosted(view, cid, client, rule, policy_ranges)


def _judge_hosted(view: OrgView, cid: str, client: McpClient, rule: Rule[str], policy_ranges: Sequence[str]) -> Finding:
    egress = client.egress
    assert egress is not None  # the catalog guarantees it for vendor-hosted clients
    vendor = client.vendor
    ipa = view.org.ip_allowlist
    enabled = ipa.enabled if ipa else None
    ranges = ipa.ranges if ipa else None
    published = ", ".join(egress.ranges)
    if egress.published == "listed":
        expected = f"{vendor}'s egress ({published}) let through the IP allowlist, or the allowlist off"
    elif egress.published == "file":
        expected = f"{vendor}'s current egress (published only as a changing file) let through the IP allowlist, or the allowlist off"
    else:
        expected = f"the IP allowlist off ({vendor} publishes no egress ranges to allow)"
    shown = published
    status: Status
    collect = True  # an unknown is settled by collecting the IP allowlist (remediation)
    if egress.published == "listed" and not _gaps(egress.ranges, policy_ranges):
        status, actual = "pass", f"the policy requires {vendor}'s egress ranges (RMCP-IP-002 checks the allowlist)"
    elif enabled is False:
        status, actual = "pass", "IP allowlist off: no address is blocked"
    elif enabled is None:
        status, actual = "unknown", view.missing("ip_allowlist.enabled", "ip_allowlist")
    elif egress.published == "none":
        status, actual = "fail", f"IP allowlist on, and {vendor} publishes no egress ranges for its calls"
    elif egress.published == "file":
        status, collect = "unknown", False  # collecting again would not tell: the vendor's file would
        actual = (
            f"IP allowlist on; {vendor} publishes its egress ranges only as a changing file "
            f"({egress.source}), so whether the allowlist admits them cannot be judged here"
        )
    elif ranges is None:
        status, actual = "unknown", view.missing("ip_allowlist.ranges", "ip_allowlist")
    elif missing := _gaps(egress.ranges, ranges):
        shown = ", ".join(missing)
        status = "fail"
        actual = f"IP allowlist on, without {vendor}'s egress {shown}; the policy's ip_allowlist.required_ranges do not list it"
    else:
        status, actual = "pass", f"IP allowlist on, and it covers {vendor}'s egress ranges"
    return view.finding(
        "RMCP-IP-003",
        status,
        cid,
        expected=expected,
        actual=actual,
        rule=rule,
        collect=collect,
        client=client.title,
        vendor=vendor,
        egress=_egress_text(client, shown),
    )


def _egress_text(client: McpClient, ranges: str) -> str:
    """What the vendor publishes about its egress, for the remediation."""
    egress = client.egress
    assert egress is not None
    if egress.published == "listed":
        return f"{client.vendor} publishes its egress ranges, {ranges} ({egress.source})"
    if egress.published == "file":
        return f"{client.vendor} publishes its egress ranges only as a file that changes, {egress.source}: fetch it for the current ones"
    return f"no published egress ranges were found ({egress.source})"
