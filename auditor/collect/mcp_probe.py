"""The MCP probe: ask the Rovo MCP server itself.

Without a credential: the discovery chain only (what an OAuth 2.1 client would find), as
notes; it says nothing about the org's settings. With one: `initialize` (or, on a server that
speaks only the 2026-07-28 stateless protocol, `server/discover`) and `tools/list`.
A session that initializes with an API token (Basic) or a service-account key shows API
token authentication is on; each listed tool shows its permission group is at least partly
allowed, every tool of a group's list in one vocabulary (v1 or v2) that it is allowed
(`data/tool_groups.yaml`, read by `tool_groups.py`). Nothing else is concluded: a refused
session may be a bad token as well as a disabled toggle, and an unlisted tool may be hidden
by scopes or by a `capabilities=` filter in the URL.

Uses the MCP-over-HTTP client in `auditor.mcpclient` (synchronous; run in a thread).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Literal

from ..mcpclient import (
    Credentials,
    Discovery,
    EraNotSpoken,
    Http,
    HttpSettings,
    HttpStatusError,
    McpClientError,
    McpSession,
    discover,
)
from ..model.common import Source
from .interface import Collector, CouldNotCollect, Observed, SourceResult, evidence
from .tool_groups import tool_groups

__all__ = ["McpProbe", "describe_discovery", "permissions_from_tools", "tool_groups"]

SOURCE: Source = "mcp-probe"
CredentialKind = Literal["api_token", "service_account_key", "oauth"]


def permissions_from_tools(
    names: tuple[str, ...], url: str = ""
) -> tuple[dict[tuple[str, str], str], list[str], list[str]]:
    """({(product, group): allowed|partial}, unknown tool names, notes) for a tools/list on `url`."""
    data = tool_groups()
    seen = data.analyse(names, url)
    notes = []
    if seen.seen and seen.legacy_only:
        notes.append(
            "only Teamwork Graph tools are listed: the credential looks legacy or classic-scoped, "
            "so the other permission groups could not be observed"
        )
    if seen.capabilities is not None:
        notes.append(f"the MCP URL has {seen.capabilities.describe()}: permission groups outside it were not observed")
    if seen.primary_only:
        notes.append(
            f"the server listed only its primary tools ({', '.join(seen.meta)} listed): "
            "no permission group could be seen as wholly allowed"
        )
    return dict(seen.values), list(seen.unknown), notes


def _open(session: McpSession) -> str:
    """The initialize handshake, as before; a server that refuses it as a 2026-07-28-only
    server does (session.py: EraNotSpoken) is asked `server/discover` instead. Says which."""
    try:
        session.initialize()
        return "initialized"
    except EraNotSpoken:
        session.discover()
        return "answered server/discover (2026-07-28, stateless)"


def describe_discovery(d: Discovery) -> list[str]:
    """The discovery chain in a few lines, for the summary (nothing here is a secret)."""
    if not d.reachable:
        failure = d.challenge.exchange.failure
        return [f"MCP endpoint {d.endpoint}: not reachable ({failure.kind if failure else '?'})"]
    lines = [
        f"MCP endpoint {d.endpoint}: anonymous initialize answered HTTP {d.challenge.status}"
        + (" with a Bearer challenge" if d.challenge.scheme else " without a Bearer challenge")
    ]
    if d.resource_metadata is None or d.resource_metadata.found is None:
        lines.append("  protected resource metadata: not found")
        return lines
    lines.append(f"  protected resource metadata: {d.resource_metadata.found.url}")
    meta = d.metadata
    if meta is None:
        lines.append("  authorization server metadata: not found")
        return lines
    lines.append(
        f"  authorization server: {meta.issuer or '?'} (issuer {'matches' if d.issuer_matches else 'does not match'})"
    )
    lines.append(
        f"  registration endpoint: {meta.registration_endpoint or 'none'}; PKCE S256: "
        f"{'yes' if 'S256' in meta.code_challenge_methods else 'no'}"
    )
    return lines


class McpProbe(Collector):
    source = SOURCE
    label = "MCP probe"
    sections = ("rovo_mcp.api_token_auth", "rovo_mcp.permissions")

    def __init__(
        self,
        url: str,
        credentials: Credentials,
        kind: CredentialKind | None,
        *,
        as_of: dt.datetime,
        timeout: float = 30.0,
    ) -> None:
        self.url, self.credentials, self.kind, self.as_of, self.timeout = url, credentials, kind, as_of, timeout

    async def collect(self, org_id: str) -> SourceResult:
        return await asyncio.to_thread(self._run, org_id)

    def _run(self, org_id: str) -> SourceResult:
        # No TLS context for a plain-HTTP (loopback) endpoint: no TLS can happen there (redirects
        # are never followed), and building one holds the GIL ~50 ms, stalling the other sources.
        settings = HttpSettings(timeout=self.timeout, verify=self.url.startswith("https://"))
        with Http(settings, self.credentials, credential_origins=frozenset({self.url})) as http:
            if self.kind is None:
                return SourceResult(SOURCE, org_id, notes=tuple(describe_discovery(discover(http, self.url))))
            return self._session(http, org_id)

    def _fail(self, org_id: str, sections: tuple[str, ...], error: str) -> SourceResult:
        return SourceResult(
            SOURCE, org_id, failures=tuple(CouldNotCollect(s, SOURCE, error, self.url) for s in sections)
        )

    def _session(self, http: Http, org_id: str) -> SourceResult:
        token_kind = self.kind in ("api_token", "service_account_key")
        url = tool_groups().listing_url(self.url)
        sections = (("rovo_mcp.api_token_auth",) if token_kind else ()) + ("rovo_mcp.permissions",)
        with McpSession(http, url) as session:
            try:
                opened = _open(session)
            except HttpStatusError as e:
                why = (
                    " (API token authentication off, or a wrong, revoked or classic token: the probe cannot tell)"
                    if token_kind and e.status in (401, 403)
                    else ""
                )
                return self._fail(org_id, sections, f"initialize refused: HTTP {e.status}{why}")
            except McpClientError as e:  # TransportError, RpcError: the message names the kind
                return self._fail(org_id, sections, f"initialize failed: {str(e)[:200]}")
            obs: list[Observed] = []
            if token_kind:
                how = "Basic API-token" if self.kind == "api_token" else "service-account key"
                obs.append(
                    Observed(
                        "rovo_mcp.api_token_auth",
                        True,
                        evidence(SOURCE, self.as_of, f"a {how} session {opened} on {self.url}"),
                    )
                )
            try:
                listing = session.list_tools()
            except McpClientError as e:
                res = self._fail(org_id, ("rovo_mcp.permissions",), f"tools/list failed: {str(e)[:200]}")
                return SourceResult(SOURCE, org_id, tuple(obs), res.failures)
        values, unknown, notes = permissions_from_tools(listing.names, url)
        era = tool_groups().analyse(listing.names).era()
        detail = f"tools/list on {url} listed {len(listing.names)} tools ({era})"
        for (product, group), value in values.items():
            obs.append(
                Observed(
                    f"rovo_mcp.permissions.{product}.{group}",
                    value,
                    evidence(SOURCE, self.as_of, detail),
                    certainty="at_least",
                )
            )
        notes.append(
            f"MCP probe ({self.credentials.label}): {len(listing.names)} tools listed, "
            f"{len(values)} permission group(s) seen at least partly allowed"
        )
        if unknown:
            notes.append(
                f"tools not in tool_groups.yaml ({tool_groups().as_of}): {', '.join(unknown[:10])}"
                + (" ..." if len(unknown) > 10 else "")
            )
        return SourceResult(SOURCE, org_id, tuple(obs), (), tuple(notes))
