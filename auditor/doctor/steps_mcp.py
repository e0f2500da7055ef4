"""The MCP session in either protocol era (server/discover or initialize), tools/list
against --expect, and one read-only tool call."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import permission_groups
from ..collect.tool_groups import tool_groups
from ..mcpclient import (
    ERAS,
    Era,
    EraNotSpoken,
    FailureKind,
    InitializeResult,
    McpClientError,
    McpSession,
    RpcError,
    TransportError,
)
from ..mcpclient.challenge import bearer_challenge
from .context import Out, Run
from .facts import is_read_group, known_bugs
from .knowledge import classify, normalise
from .model import StepResult
from .tokens import shown

_TRANSPORT_CAUSE = {
    FailureKind.TLS: "tls-untrusted",
    FailureKind.REDIRECT: "endpoint-redirects",
    FailureKind.PROTOCOL: "not-an-mcp-endpoint",
}
ERA_LABEL: dict[Era, str] = {
    "modern": "2026-07-28, stateless (server/discover)",
    "legacy": "the initialize handshake",
}


@dataclass(frozen=True, slots=True)
class Diagnosis:
    summary: str  # one line: what the server answered
    causes: tuple[str, ...]  # most likely first
    details: tuple[str, ...] = ()  # what the challenge asked for, when to retry


def diagnose(run: Run, error: McpClientError) -> tuple[str, list[str]]:
    """A one-line description of a failed MCP call and its likely causes, best first."""
    d = diagnosis(run, error)
    return d.summary, list(d.causes)


def diagnosis(run: Run, error: McpClientError) -> Diagnosis:
    """What a failed MCP call says, its likely causes (best first), and the details that go
    with them: a 403's step-up scopes against the token's, a 429's Retry-After."""
    ex = error.exchange
    if isinstance(error, TransportError):
        return Diagnosis(str(error), (_TRANSPORT_CAUSE.get(error.failure.kind, "endpoint-unreachable"),))
    if isinstance(error, RpcError):
        return Diagnosis(str(error), (*classify(error.rpc_message), "server-fault"))
    _, params = bearer_challenge(ex.headers.get("www-authenticate", ""))
    known = list(classify(ex.body, params.get("error_description")))
    status = ex.status or 0
    kind = run.credential_kind
    details: list[str] = []
    said = f": {ex.body[:200]}" if ex.body else ""
    if status == 401:
        if params.get("error") == "insufficient_scope":
            known.insert(0, "scope-mismatch")
        guesses = (
            ["api-token-auth-off", "api-token-invalid"]
            if kind in ("api_token", "service_account_key")
            else ["oauth-token-invalid", "client-not-registered", "custom-3lo-app"]
        )
        # What DOC-CRED-002 read in the token itself (3LO app, another endpoint, expired) comes
        # before a generic invalid_token: it names why this token in particular is refused. Its
        # warning (an `aud` on another host) counts too: the 401 is the refusal it warned of.
        claims = run.results.get("DOC-CRED-002")
        read = [c.id for c in claims.causes] if claims is not None and claims.status in ("failed", "warning") else []
        causes = read + known + guesses
        if kind == "oauth":  # a bare invalid_token names both kinds (known_errors.yaml): not this one
            causes = [c for c in causes if c not in ("api-token-invalid", "api-token-auth-off")]
        if "token-wrong-endpoint" in read:
            said = f" (the token was issued for another resource: aud {_audience(run)}){said}"
    elif status == 403 and params.get("error") == "insufficient_scope":
        # Runtime scope step-up (MCP authorization 2026-07-28, "Scope Challenge Handling"): the
        # token is valid, the operation needs more. Never an IP or Origin question.
        wanted = _scopes(params.get("scope", ""))
        details = _step_up_details(run, wanted)
        causes = ["scope-step-up", *known]
        said = f": insufficient_scope, the challenge asks for {' '.join(wanted) or '(no scope named)'}"
    elif status == 403:
        causes = known or _unexplained_403(run)
    elif status in (404, 405, 410):
        causes = [*known, "not-an-mcp-endpoint"]
    elif status == 429:
        retry = _retry_after(ex.headers.get("retry-after"))
        details = [f"Retry-After: {retry}" if retry else "no Retry-After header: back off before retrying"]
        causes = ["rate-limited", *known]
        said = f" (rate limited{f'; retry after {retry}' if retry else ''}){said}"
    else:
        causes = [*known, "server-fault"]
    causes = _with_open_bugs(run, list(dict.fromkeys(causes)), ex.body or "")
    return Diagnosis(f"HTTP {status}{said}", tuple(causes), tuple(details))


def _audience(run: Run) -> str:
    claims = run.options.credentials.jwt_claims()
    return ", ".join(shown(claims).aud) if claims is not None and claims.aud else "(none)"


def _unexplained_403(run: Run) -> list[str]:
    """A 403 whose text the doctor does not recognise: say so first, then the candidates.
    An Origin refusal needs an Origin sent (streamable-http.mdx: 403 when the header "is
    present and invalid"), so without --origin it is not among them."""
    origin_sent = run.http.settings.origin is not None
    return [
        "forbidden-unexplained",
        *(["origin-refused"] if origin_sent else []),
        "ip-blocked",
        *(["origin-not-allowlisted"] if origin_sent and run.credential_kind == "oauth" else []),
        "permission-group-blocked",
    ]


def _scopes(challenged: str) -> list[str]:
    """The challenge's scopes, deduplicated and bounded (100 of 100 characters): a server's
    header is shown, not trusted; a real challenge names a handful."""
    return list(dict.fromkeys(s[:100] for s in challenged.split()))[:100]


def _step_up_details(run: Run, wanted: list[str]) -> list[str]:
    details = [f"the challenge asks for: {' '.join(wanted) or '(no scope named)'}"]
    held = _token_scopes(run)
    if held is None:
        details.append("the token's scopes are not readable (not a JWT): compare them with the challenge by hand")
    else:
        missing = [s for s in wanted if s not in held]
        details.append(f"the token has: {' '.join(held) or '(no scope)'}")
        if missing:
            details.append(f"missing from the token: {' '.join(missing)}")
        union = list(dict.fromkeys([*held, *wanted]))
        details.append(f"re-authorise with the union: {' '.join(union)}")
    return details


def _token_scopes(run: Run) -> tuple[str, ...] | None:
    """The JWT's `scope`/`scp`, as DOC-CRED-002 reads them (credentials.read_jwt_claims)."""
    claims = run.options.credentials.jwt_claims()
    return claims.scopes if claims is not None else None


def _retry_after(value: str | None) -> str | None:
    """Retry-After as RFC 9110 §10.2.3 has it: seconds, or an HTTP date (shown as sent)."""
    if not value:
        return None
    value = value.strip()[:40]
    return f"{value} s" if value.isdigit() else value


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


def handshake(run: Run, out: Out) -> StepResult:
    """Both eras, modern first (streamable-http.mdx 2026-07-28 lets a client detect the era by
    "attempting a modern request first"; the mcp 2.3.0 client probes server/discover first
    too). Both are tried, so the report can say which eras the server answers; the session
    goes on in the modern era when the server speaks it."""
    if run.options.credentials.scheme == "none":
        return out.skipped("no credential given: the session was not tested")
    if not run.endpoint_ok:
        return out.skipped("the endpoint did not answer (DOC-ENDPOINT-002/003)")
    url = tool_groups().listing_url(run.options.url)
    sessions = {era: McpSession(run.http, url) for era in ERAS}
    answers: dict[Era, InitializeResult] = {}
    refused: dict[Era, EraNotSpoken] = {}
    failed: dict[Era, McpClientError] = {}
    for era in ERAS:
        try:
            answers[era] = sessions[era].discover() if era == "modern" else sessions[era].initialize()
        except EraNotSpoken as e:
            refused[era] = e
        except McpClientError as e:
            failed[era] = e
            if not answers and _era_independent(e):
                break  # the other era would meet the same refusal (and a rate-limited server is not hit again)
    run.eras = tuple(e for e in ERAS if e in answers)
    chosen = run.eras[0] if run.eras else None
    for era, session in sessions.items():
        if era != chosen:
            session.close()
    if chosen is None:
        return _no_era(run, out, refused, failed)
    run.session, run.init = sessions[chosen], answers[chosen]
    return _answered(run, out, answers, refused, failed)


def _era_independent(error: McpClientError) -> bool:
    """A failure no other era would escape: the credential refused (401), a refusal of the
    request's origin, address or scope (403), a rate limit (429), or no usable connection.
    Anything else (a 5xx, an odd 4xx, a garbled answer to server/discover) may be how a
    server of the other era answers a method it does not know: the other era is tried."""
    if isinstance(error, TransportError):
        return error.failure.kind != FailureKind.PROTOCOL
    return (error.exchange.status or 0) in (401, 403, 429)


def _describe(init: InitializeResult) -> str:
    if init.era == "modern":
        extra = "; it issued a session id, which 2026-07-28 servers must not" if init.session_id else ""
        return f"2026-07-28 (server/discover lists {', '.join(init.supported_versions)}{extra})"
    session = "session id issued" if init.session_id else "no session id"
    return f"the initialize handshake (protocol {init.protocol_version}, {session})"


def _answered(
    run: Run,
    out: Out,
    answers: dict[Era, InitializeResult],
    refused: dict[Era, EraNotSpoken],
    failed: dict[Era, McpClientError],
) -> StepResult:
    init = answers[run.eras[0]]
    server = " ".join(x for x in (init.server_name, init.server_version) if x) or "unnamed server"
    spoken = " and ".join(_describe(answers[e]) for e in run.eras)
    details = [f"eras answered: {', '.join(run.eras)}; the doctor goes on in the {run.eras[0]} era"]
    evidence = [answers[e].exchange for e in run.eras]
    for era, e in refused.items():
        details.append(f"{era} era ({ERA_LABEL[era]}) not spoken: {e.detail}")
        evidence.append(e.exchange)
    for era, err in failed.items():
        d = diagnosis(run, err)
        details.append(f"{era} era ({ERA_LABEL[era]}) failed: {d.summary}")
        return out.warning(
            f"{server} speaks {spoken}; {ERA_LABEL[era]} failed: {d.summary}",
            details=[*details, *d.details],
            causes=d.causes,
            evidence=[*evidence, err.exchange],
        )
    if len(run.eras) == len(ERAS):
        return out.passed(f"{server} speaks both eras: {spoken}", details=details, evidence=evidence)
    other = "initialize handshake (2025-era clients)" if run.eras == ("modern",) else "2026-07-28 stateless protocol"
    return out.passed(
        f"{server} speaks {spoken} only: clients that speak only the {other} cannot connect",
        details=details,
        evidence=evidence,
    )


def _no_era(run: Run, out: Out, refused: dict[Era, EraNotSpoken], failed: dict[Era, McpClientError]) -> StepResult:
    details = [f"{era} era ({ERA_LABEL[era]}) not spoken: {e.detail}" for era, e in refused.items()]
    evidence = [e.exchange for e in refused.values()]
    if failed:
        (era, err), *others = failed.items()
        d = diagnosis(run, err)
        also = [f"{o} era ({ERA_LABEL[o]}) failed too: {diagnosis(run, e).summary}" for o, e in others]
        return out.failed(
            f"{ERA_LABEL[era]} failed ({era} era): {d.summary}",
            details=[*details, *also, *d.details],
            causes=d.causes,
            evidence=[*evidence, err.exchange, *(e.exchange for _, e in others)],
        )
    return out.failed(
        "the server speaks neither era: " + "; ".join(f"{era}: {e.detail}" for era, e in refused.items()),
        details=details,
        causes=["not-an-mcp-endpoint"],
        evidence=evidence,
    )


def _era_note(run: Run) -> str:
    era = run.session.era if run.session is not None else None
    return f" ({era} era)" if era else ""


def tools(run: Run, out: Out) -> StepResult:
    if run.session is None or run.init is None:
        return out.skipped("no MCP session (DOC-MCP-001)")
    try:
        run.tools = listing = run.session.list_tools()
    except McpClientError as e:
        d = diagnosis(run, e)
        return out.failed(
            f"tools/list failed{_era_note(run)}: {d.summary}", details=d.details, causes=d.causes, evidence=[e.exchange]
        )
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
        d = diagnosis(run, e)
        return out.failed(
            f"tools/call {name} failed{_era_note(run)}: {d.summary}",
            details=d.details,
            causes=d.causes,
            evidence=[e.exchange],
        )
    if result.is_error:
        return out.failed(
            f"{name} returned an error: {result.text[:300]}",
            causes=[*classify(result.text), "server-fault"],
            evidence=[result.exchange],
        )
    return out.passed(f"{name} answered ({len(result.text)} characters of text)", evidence=[result.exchange])
