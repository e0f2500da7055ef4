"""RMCP-IP-001 (IP allowlist on/off) and RMCP-IP-002 (required client ranges covered)."""

from __future__ import annotations

from collections.abc import Iterator

from ..model.results import Finding
from .factory import OrgView
from .ipranges import parse_network, uncovered


def check(view: OrgView) -> Iterator[Finding]:
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
    nets = [parse_network(r) for r in ranges or ()]
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
        gaps = uncovered(parse_network(rule.value), nets)
        if not gaps:
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
                actual=f"not covered ({', '.join(map(str, gaps))} missing) if the allowlist is on, and its state was not collected",
                rule=rule,
                value=rule.value,
                detail=", ".join(map(str, gaps)),
            )
        else:
            missing = ", ".join(map(str, gaps))
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
