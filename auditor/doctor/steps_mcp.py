"""The MCP session: initialize, tools/list against --expect, and one read-only tool call."""

from __future__ import annotations

from ..catalog import permission_groups
from ..collect.tool_groups import tool_groups
from ..mcpclient import FailureKind, McpClientError, McpSession, RpcError, TransportError
from ..mcpclient.discovery import bearer_challenge
from .context import Out, Run
from .facts import is_read_group, known_bugs
from .knowledge import classify, normalise
from .model import StepResult

_TRANSPORT_CAUSE = {
    FailureKind.TLS: "tls-untrusted",
    FailureKind.REDIRECT: "endpoint-redirects",
    FailureKind.PROTOCOL: "not-an-mcp-endpoint",
}


def diagnose(run: Run, error: McpClientError) -> tuple[str, list[str]]:
    """A one-line description of a failed MCP call and its likely causes, best first."""
    ex = error.exchange
    if isinstance(error, TransportError):
        return str(error), [_TRANSPORT_CAUSE.get(error.failure.kind, "endpoint-unreachable")]
    if isinstance(error, RpcError):
        return str(error), [*classify(error.rpc_message), "server-fault"]
    _, params = bearer_challenge(ex.headers.get("www-authenticate", ""))
    known = list(classify(ex.body, params.get("error_description")))
    status = ex.status or 0
    kind = run.credential_kind
    if status == 401:
        if params.get("error") == "insufficient_scope":
            known.insert(0, "scope-mismatch")
        guesses = (
            ["api-token-auth-off", "api-token-invalid"]
            if kind in ("api_token", "service_account_key")
            else ["oauth-token-invalid", "client-not-registered", "custom-3lo-app"]
        )
        causes = known + guesses
    elif status == 403:
        causes = [
            *known,
            "ip-blocked",
            *(["origin-not-allowlisted"] if kind == "oauth" else []),
            "permission-group-blocked",
        ]
    elif status in (404, 405, 410):
        causes = [*known, "not-an-mcp-endpoint"]
    elif status == 429:
        causes = [*known, "rate-limited"]
    else:
        causes = [*known, "server-fault"]
    said = f": {ex.body[:200]}" if ex.body else ""
    return f"HTTP {status}{said}", _with_open_bugs(run, list(dict.fromkeys(causes)), ex.body or "")


def _with_open_bugs(run: Run, causes: list[str], text: str) -> list[str]:
    """Name an open Atlassian bug (known_bugs.yaml) right after the setting it undermines,
    when the server's text is the bug's symptom on an endpoint and auth mode it affects."""
    if run.credential_kind != "oauth":
        return causes
    said = normalise(text)
    for bug in known_bugs().open_for(endpoint=run.path, day=run.options.as_of.date()):
        if bug.cause in causes or bug.affects.auth != "oauth-dcr" or not bug.symptom:
            continue
        if normalise(bug.symptom) in said:
            # First when the recorded settings already allow this origin (DOC-SETTINGS-001).
            allowed = run.status("DOC-SETTINGS-001") == "passed"
            at = 0 if allowed else next((i + 1 for i, c in enumerate(causes) if c in bug.after), 0)
            causes.insert(at, bug.cause)
    return causes


def initialize(run: Run, out: Out) -> StepResult:
    if run.options.credentials.scheme == "none":
        return out.skipped("no credential given: the session was not tested")
    if not run.endpoint_ok:
        return out.skipped("the endpoint did not answer (DOC-ENDPOINT-002/003)")
    run.session = McpSession(run.http, tool_groups().listing_url(run.options.url))
    try:
        run.init = init = run.session.initialize()
    except McpClientError as e:
        summary, causes = diagnose(run, e)
        return out.failed(f"initialize failed: {summary}", causes=causes, evidence=[e.exchange])
    server = " ".join(x for x in (init.server_name, init.server_version) if x) or "unnamed server"
    session = "session id issued" if init.session_id else "no session id (stateless server)"
    return out.passed(f"{server}, protocol {init.protocol_version}, {session}", evidence=[init.exchange])


def tools(run: Run, out: Out) -> StepResult:
    if run.session is None or run.init is None:
        return out.skipped("no MCP session (DOC-MCP-001)")
    try:
        run.tools = listing = run.session.list_tools()
    except McpClientError as e:
        summary, causes = diagnose(run, e)
        return out.failed(f"tools/list failed: {summary}", causes=causes, evidence=[e.exchange])
    data = tool_groups()
    names = listing.names
    seen = data.analyse(names, run.options.url)
    seen_groups = sorted(".".join(pg) for pg in seen.seen)
    details = [f"groups seen: {', '.join(seen_groups) or 'none'} ({seen.era()})"]
    if seen.unknown:
        details.append(f"tools not in tool_groups.yaml ({data.as_of}): {', '.join(seen.unknown)}")
    if seen.capabilities is not None:
        details.append(f"the URL has {seen.capabilities.describe()}: other groups are not listed whatever the tab says")
    if seen.primary_only:
        details.append(f"primary tools only ({', '.join(seen.meta)} listed): the rest are reached through discover")
    legacy = set(data.legacy_token_products)
    expect = run.options.expect
    wants_more = not expect or any(e.split(".")[0] not in legacy for e in expect)
    count = f"{len(names)} tools in {listing.pages} page{'s' if listing.pages != 1 else ''}"
    if seen.legacy_only and wants_more:
        first = (
            "user-token-as-bearer"
            if run.credential_kind == "api_token" and run.options.credentials.scheme == "bearer"
            else None
        )
        causes = [
            c for c in (first, "classic-or-legacy-token", "user-token-as-bearer", "permission-group-blocked") if c
        ]
        return out.failed(f"{count}: only Teamwork Graph tools are listed", details=details, causes=causes)
    missing: list[str] = []
    unobserved: list[str] = []
    unknowable: list[str] = []
    for item in expect:
        if item in seen_groups:
            continue
        product, group = item.split(".", 1)
        why = seen.unobservable((product, group))
        if why is not None:
            unobserved.append(item)
            details.append(f"{item}: not observed, {why}")
        elif not data.knows_group(product, group):
            unknowable.append(item)
        else:
            missing.append(item)
    if unknowable:
        details.append(f"no tool of {', '.join(unknowable)} is known to tool_groups.yaml: not checked")
    if missing:
        return out.failed(
            f"{count}; no tool of {', '.join(missing)} is listed", details=details, causes=_missing_causes(run, missing)
        )
    if unknowable or unobserved:
        listed = [e for e in expect if e in seen_groups]
        return out.warning(
            count
            + (f"; expected groups listed: {', '.join(listed)}" if listed else "")
            + (f"; not observed here: {', '.join(unobserved)}" if unobserved else ""),
            details=details,
        )
    return out.passed(
        count + (f"; every expected group is listed ({', '.join(expect)})" if expect else ""), details=details
    )


def _missing_causes(run: Run, missing: list[str]) -> list[str]:
    kind = run.credential_kind
    catalog = permission_groups().products
    causes = []
    for item in missing:
        needs = catalog[item.split(".")[0]].requires
        if (needs == "api_token" and kind == "oauth") or (needs == "oauth" and kind != "oauth"):
            causes.append("product-auth-mode")
    return [*causes, "permission-group-blocked", "scope-mismatch"]


def call_tool(run: Run, out: Out) -> StepResult:
    name = run.options.call_tool
    if not name:
        return out.skipped("no --call-tool given (the doctor calls no tool unless asked)")
    if run.session is None or run.tools is None:
        return out.skipped("no tool listing (DOC-MCP-002)")
    tool = next((t for t in run.tools.tools if t.name == name), None)
    if tool is None:
        return out.failed(
            f"{name} is not among the listed tools", causes=["permission-group-blocked", "classic-or-legacy-token"]
        )
    found = tool_groups().group_of(name)
    read_only = (
        (is_read_group(found[1]) if found else tool.read_only is True)
        and tool.read_only is not False
        and tool.destructive is not True
    )
    if not read_only:
        group = ".".join(found) if found else "unknown"
        return out.skipped(
            f"refused: {name} is not known to be read-only (group {group}, "
            f"readOnlyHint {tool.read_only}); the doctor never calls such a tool"
        )
    try:
        result = run.session.call_tool(name, run.options.call_args)
    except McpClientError as e:
        summary, causes = diagnose(run, e)
        return out.failed(f"tools/call {name} failed: {summary}", causes=causes, evidence=[e.exchange])
    if result.is_error:
        return out.failed(
            f"{name} returned an error: {result.text[:300]}",
            causes=[*classify(result.text), "server-fault"],
            evidence=[result.exchange],
        )
    return out.passed(f"{name} answered ({len(result.text)} characters of text)", evidence=[result.exchange])
