"""`rovo-audit collect`'s terminal summary: per org, what was collected, what failed, what contradicts."""

from __future__ import annotations

from ..collect.run import CollectOutcome


def collect_summary(outcome: CollectOutcome) -> str:
    orgs = outcome.settings.orgs
    problems = sum(len(o.collection_errors) for o in orgs)
    state = "complete" if outcome.complete else f"PARTIAL ({problems} problem{'s' if problems != 1 else ''})"
    s = outcome.stats
    lines = [
        f"collect: {len(orgs)} org{'s' if len(orgs) != 1 else ''}, {state}  "
        f"({s.requests} requests, {s.retries} retries, {s.rate_limited} rate-limited, {outcome.elapsed:.1f}s)"
    ]
    for o in orgs:
        have = [
            f"{sec} [{o.evidence[sec].source}]"
            for sec in ("rovo_mcp", "ip_allowlist", "credentials")
            if getattr(o, sec) is not None and sec in o.evidence
        ]
        missing = [sec for sec in ("rovo_mcp", "ip_allowlist", "credentials") if getattr(o, sec) is None]
        lines.append(
            f"  {o.display_name} ({o.id}): "
            + (", ".join(have) or "nothing collected")
            + (f"; absent: {', '.join(missing)}" if missing else "")
        )
        for e in o.collection_errors:
            lines.append(f"    FAILED  {e.section}: {e.source}{' ' + e.endpoint if e.endpoint else ''}: {e.error}")
        for c in o.contradictions:
            lines.append(
                f"    CONTRADICTION  {c.field}: observed {c.observed} ({c.observed_source}), "
                f"attested {c.attested}{' by ' + c.attested_by if c.attested_by else ''}; kept the observed value"
            )
    for note in outcome.notes:
        lines.append(f"  note: {note}")
    if outcome.not_configured:
        lines.append(f"  not configured: {'; '.join(outcome.not_configured)}")
    return "\n".join(lines)
