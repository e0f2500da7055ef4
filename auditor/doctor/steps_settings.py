"""With `--settings`: what the org's recorded settings say about this connection.

An absent value was not collected: the step says so (warning), never passes.
"""

from __future__ import annotations

from ..catalog import permission_groups
from ..patterns import PatternSyntaxError, matches, parse_pattern, supported_domain_patterns, supported_domains_source
from .context import Out, Run
from .model import StepResult

API_KINDS = ("api_token", "service_account_key")


def origin(run: Run, out: Out) -> StepResult:
    org = run.options.settings
    if org is None:
        return out.skipped("no --settings given")
    url = run.options.origin
    if not url:
        return out.skipped("no --origin given (the client's origin or OAuth redirect URL)")
    if run.credential_kind in API_KINDS:
        return out.skipped("the domain allowlist applies to OAuth 2.1 clients only; this credential is an API token")
    mcp = org.rovo_mcp
    if mcp is None or mcp.domains is None:
        return out.warning(f"{run.options.settings_path} does not record the domain allowlist: cannot tell")
    details: list[str] = []
    for entry in mcp.domains:
        try:
            pattern = parse_pattern(entry)
        except PatternSyntaxError as e:
            details.append(f"ignored malformed entry {entry!r}: {e} (RMCP-DOM-006)")
            continue
        if matches(pattern, url):
            return out.passed(f"{url} is allowed by the org's entry {entry}", details=details)
    supported = next((p.text for p in supported_domain_patterns() if matches(p, url)), None)
    dated = f"supported domains list of {supported_domains_source()['as_of']}"
    if supported and mcp.atlassian_supported_domains:
        return out.passed(f"{url} is allowed by the Atlassian supported domain {supported} ({dated})", details=details)
    if supported and mcp.atlassian_supported_domains is None:
        return out.warning(
            f"{url} is on the {dated}, but the settings do not record whether that toggle is on", details=details
        )
    if supported:
        return out.failed(
            f"{url} is on the {dated}, but Allow Atlassian supported domains is off and no entry of "
            "the org's own allows it",
            details=details,
            causes=["supported-domains-off", "origin-not-allowlisted"],
        )
    own = len(mcp.domains)
    return out.failed(
        f"{url} is matched by none of the org's {own} domain entr{'y' if own == 1 else 'ies'}"
        + (" nor by the supported domains" if mcp.atlassian_supported_domains else ""),
        details=details,
        causes=["origin-not-allowlisted"],
    )


def auth_mode(run: Run, out: Out) -> StepResult:
    org = run.options.settings
    if org is None:
        return out.skipped("no --settings given")
    kind = run.credential_kind
    if kind == "none":
        return out.skipped("no credential given")
    mcp = org.rovo_mcp
    if kind in API_KINDS:
        value = mcp.api_token_auth if mcp else None
        if value is None:
            return out.warning("the settings do not record whether API token authentication is on")
        if value:
            return out.passed("API token authentication is on")
        return out.failed(
            "API token authentication is off, and this credential is an API token", causes=["api-token-auth-off"]
        )
    toggle = mcp.atlassian_supported_domains if mcp else None
    domains = mcp.domains if mcp else None
    if toggle or domains:
        return out.passed("OAuth 2.1 access is open (supported domains on, or the org lists domains of its own)")
    if toggle is None or domains is None:
        return out.warning("the settings do not record the supported-domains toggle and the domain list")
    return out.failed(
        "OAuth 2.1 access is closed: supported domains off and no domain of the org's own",
        causes=["oauth-access-closed"],
    )


def permissions(run: Run, out: Out) -> StepResult:
    org = run.options.settings
    if org is None:
        return out.skipped("no --settings given")
    if not run.options.expect:
        return out.skipped("no --expect given (e.g. --expect jira.read,confluence.search)")
    recorded = org.rovo_mcp.permissions if org.rovo_mcp else None
    if recorded is None:
        return out.warning("the settings do not record the Permissions tab")
    blocked: list[str] = []
    partial: list[str] = []
    unknown: list[str] = []
    fine: list[str] = []
    for item in run.options.expect:
        product, group = item.split(".", 1)
        value = recorded.get(product, {}).get(group)
        {"allowed": fine, "partial": partial, "blocked": blocked}.get(value or "", unknown).append(item)
    catalog = permission_groups().products
    details = [
        f"{item}: requires {requires.replace('_', ' ')} auth"
        for item in run.options.expect
        if (requires := catalog[item.split(".")[0]].requires)
    ]
    if blocked:
        return out.failed(
            f"blocked in the Permissions tab: {', '.join(blocked)}",
            details=details,
            causes=["permission-group-blocked"],
        )
    # The MCP probe records what a tool listing showed: `partial` there is a lower bound (some
    # of the group's tools were listed), not the tab's "Partially allowed".
    evidence = org.evidence.get("rovo_mcp")
    probed = evidence is not None and evidence.source == "mcp-probe"
    if partial and evidence is not None and probed:
        details.append(
            f"{', '.join(partial)}: recorded by the MCP probe ({evidence.detail or 'a tool listing'}), "
            "which saw some of the group's tools: at least partly allowed, not proof that the tab hides any"
        )
    if partial or unknown:
        label = "seen at least partly allowed (MCP probe)" if probed else "partially allowed (some tools hidden)"
        parts = ([f"{label}: {', '.join(partial)}"] if partial else []) + (
            [f"not recorded: {', '.join(unknown)}"] if unknown else []
        )
        blame = ["permission-group-blocked"] if partial and not probed else []
        return out.warning("; ".join(parts), details=details, causes=blame)
    return out.passed(f"allowed: {', '.join(fine)}", details=details)
