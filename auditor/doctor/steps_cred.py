"""Credential steps: the secret's shape and header, and for OAuth tokens where they came
from, which sites they reach and with which scopes."""

from __future__ import annotations

from ..mcpclient import HttpStatusError, McpClientError, accessible_resources, mask_email
from .context import Out, Run
from .facts import endpoints, shapes
from .model import StepResult
from .tokens import judge

AGENT_SUFFIX = ":agent-interface"


def shape(run: Run, out: Out) -> StepResult:
    creds = run.options.credentials
    guess = run.shape
    if creds.scheme == "none" or guess is None:
        return out.skipped("no credential given (--email/--api-token or --bearer): only public discovery was checked")
    sent = "Basic" if creds.scheme == "basic" else "Bearer"
    seen = f"{guess.title}, sent as {sent}"
    details = [f"heuristic: auditor/data/credential_shapes.yaml ({shapes().as_of})"]
    if creds.scheme == "basic":
        details.insert(0, f"account: {mask_email(creds.email or '')}")
        if guess.kind == "oauth":
            return out.failed(seen, causes=["oauth-token-as-basic"], details=details)
        if guess.legacy:
            return out.warning(
                f"{seen}: legacy tokens see only Teamwork Graph tools",
                causes=["classic-or-legacy-token"],
                details=details,
            )
        if guess.kind == "unknown":
            return out.warning(f"{seen}: not recognised as an Atlassian API token", details=details)
        return out.passed(seen, details=details)
    if guess.kind == "api_token":
        return out.failed(
            f"{seen}: a user's API token must be sent as Basic with the account's email",
            causes=["user-token-as-bearer", "classic-or-legacy-token"],
            details=details,
        )
    return out.passed(seen, details=details)


def issuer(run: Run, out: Out) -> StepResult:
    """Who issued the OAuth token, for which resource, until when: read from a JWT's own
    claims (no signature check), so this step also judges offline (tokens.py)."""
    online = "" if run.options.offline else "; DOC-CRED-003 asks accessible-resources"
    if run.credential_kind != "oauth":
        shape = run.shape
        if run.options.credentials.scheme == "bearer" and shape is not None and shape.id is None:
            return out.skipped(
                "an opaque bearer (a service-account key or an opaque OAuth token): no claims to read offline"
            )
        return out.skipped("not an OAuth access token")
    claims = run.options.credentials.jwt_claims()
    if claims is None:
        return out.skipped(
            "a JWT-shaped token whose payload cannot be read: its issuer, audience and expiry are unknown" + online
        )
    d = run.discovery
    resource = d.resource if d is not None and d.resource_matches else None
    verdict = judge(claims, run.options.url, run.options.as_of, _expected_issuers(run), resource)
    return out(verdict.status, verdict.summary, details=verdict.details, causes=verdict.causes)


def _expected_issuers(run: Run) -> tuple[str, ...]:
    """The issuers the live discovery chain found: the metadata's issuer, and the authorization
    server's URL the protected resource metadata named (they differ on atlassian-mcp-server#205)."""
    d = run.discovery
    if d is None:
        return ()
    named = (d.metadata.issuer if d.metadata else None, d.authorization_server_url)
    return tuple(dict.fromkeys(i for i in named if i))


def resources(run: Run, out: Out) -> StepResult:
    if run.credential_kind != "oauth":
        return out.skipped("not an OAuth access token")
    api = run.options.api_base
    try:
        found = accessible_resources(run.http, api)
    except HttpStatusError as e:
        if e.status == 401:
            return out.failed(
                f"{api} refused the token (HTTP 401)", causes=["oauth-token-invalid"], evidence=[e.exchange]
            )
        return out.warning(f"accessible-resources answered HTTP {e.status}", evidence=[e.exchange])
    except McpClientError as e:
        return out.warning(f"could not read accessible-resources at {api}: {e}", evidence=[e.exchange])
    if not found.resources:
        return out.failed("the token reaches no site", causes=["token-no-sites"], evidence=[found.exchange])
    sites = ", ".join(r.url or r.name or r.id for r in found.resources)
    scopes = found.scopes
    families = _families(scopes)
    described = "; ".join(f"{k}: {' '.join(v)}" for k, v in families.items() if v) or "no scopes"
    details = [f"sites: {sites}", f"scopes — {described}"]
    want = _endpoint_family(run.path)
    agent = bool(families["agent-interface"])
    other = bool(families["granular"] or families["classic"])
    if want == "agent-interface" and not agent:
        return out.failed(
            f"{run.path} expects agent-interface scopes; the token has none",
            details=details,
            causes=["scope-mismatch"],
            evidence=[found.exchange],
        )
    if want == "classic-granular" and agent and not other:
        return out.failed(
            f"{run.path} expects classic or granular scopes; the token has only agent-interface ones",
            details=details,
            causes=["scope-mismatch"],
            evidence=[found.exchange],
        )
    n = len(found.resources)
    return out.passed(
        f"{n} site{'s' if n != 1 else ''}, {len(scopes)} scopes fit for {run.path}",
        details=details,
        evidence=[found.exchange],
    )


def _families(scopes: tuple[str, ...]) -> dict[str, list[str]]:
    """Classic scopes have two colon-separated parts, granular three; agent-interface ends so."""
    out: dict[str, list[str]] = {"agent-interface": [], "granular": [], "classic": [], "other": []}
    for s in scopes:
        if s.endswith(AGENT_SUFFIX):
            out["agent-interface"].append(s)
        elif s.count(":") == 2:
            out["granular"].append(s)
        elif s.count(":") == 1:
            out["classic"].append(s)
        else:
            out["other"].append(s)
    return out


def _endpoint_family(path: str) -> str | None:
    known = endpoints().find(path)
    return known.scopes if known else None
