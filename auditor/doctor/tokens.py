"""What a JWT access token's own claims say, judged without the network (DOC-CRED-002).

The claims come from `Credentials.jwt_claims()`: the payload base64url-decoded, the signature
NOT checked. That is enough to say who the token claims issued it (`iss`), for which resource
(`aud`) and until when (`exp`), which is all the doctor needs to name a custom 3LO app's
token, a token for another endpoint or an expired one; it never makes a token trusted.
The facts (the 3LO issuer and audience, the Rovo MCP authorization servers and their
endpoints) are auditor/data/mcp_tokens.yaml. Pure: no I/O beyond loading that file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, model_validator

from ..catalog import Fact, read_data
from ..mcpclient.credentials import TokenClaims

Certainty = Literal["confirmed", "assumed", "judgement"]
Level = Literal["passed", "failed", "warning", "skipped"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TokenFact(Fact):
    certainty: Certainty


class CustomApp(_Data):
    issuer: str
    audiences: tuple[str, ...]
    sources: tuple[str, ...]


class AuthServer(_Data):
    id: str
    title: str
    issuers: tuple[str, ...]
    endpoints: tuple[str, ...]
    sources: tuple[str, ...]


class AudienceRule(_Data):
    rule: str
    sources: tuple[str, ...]


class TokenFacts(_Data):
    as_of: dt.date
    source: str
    facts: dict[str, TokenFact]
    custom_app: CustomApp
    authorization_servers: tuple[AuthServer, ...]
    audience: AudienceRule

    @model_validator(mode="after")
    def _sources(self) -> TokenFacts:
        named = [*self.custom_app.sources, *self.audience.sources]
        named += [s for a in self.authorization_servers for s in a.sources]
        missing = sorted(set(named) - set(self.facts))
        if missing:
            raise ValueError(f"mcp_tokens.yaml names unknown facts {missing}")
        return self

    def server_for(self, url: str) -> AuthServer | None:
        """The authorization server known to mint tokens for `url`."""
        here = canonical(url)
        return next((a for a in self.authorization_servers if here in {canonical(e) for e in a.endpoints}), None)

    def server_of_issuer(self, iss: str) -> AuthServer | None:
        return next((a for a in self.authorization_servers if any(same_issuer(iss, i) for i in a.issuers)), None)


@cache
def token_facts() -> TokenFacts:
    return TokenFacts.model_validate(read_data("mcp_tokens.yaml"))


def canonical(url: str) -> str:
    """A resource URI as RFC 8707 / the MCP spec compare it: scheme and host lower case, the
    default port dropped, no query or fragment, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, 443 if parts.scheme == "https" else 80) else None
    netloc = f"{host}:{port}" if port else host
    if not parts.scheme or not host:
        return url.strip().rstrip("/")
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"


def same_issuer(a: str | None, b: str) -> bool:
    # Issuers are compared as RFC 8414 §3.3 strings, but a trailing slash is forgiven here:
    # the token's issuer is being placed, not the metadata validated (DOC-AUTH-004 does that).
    return a is not None and a.rstrip("/") == b.rstrip("/")


@dataclass(frozen=True, slots=True)
class TokenVerdict:
    status: Level
    summary: str
    details: tuple[str, ...]
    causes: tuple[str, ...]


@dataclass
class _Findings:
    problems: list[tuple[Level, str, tuple[str, ...]]]
    details: list[str]

    def add(self, level: Level, text: str, *causes: str) -> None:
        self.problems.append((level, text, causes))


def judge(
    claims: TokenClaims, url: str, as_of: dt.datetime, expected: tuple[str, ...], resource: str | None
) -> TokenVerdict:
    """DOC-CRED-002's verdict. `expected`: the issuers the live discovery chain found for `url`
    (empty offline, or when discovery found none: then mcp_tokens.yaml's are used). `resource`:
    the protected resource metadata's `resource` when it covers `url` (a client asks for a token
    for it: the mcp SDK's get_resource_url uses a parent resource the metadata names)."""
    data = token_facts()
    claims = shown(claims)
    f = _Findings([], [])
    f.details.append(f"claims read without the network, not verified (no signature check): {_described(claims)}")
    app = data.custom_app
    if same_issuer(claims.iss, app.issuer) and set(claims.aud) & set(app.audiences):
        f.add(
            "failed",
            f"a custom OAuth 2.0 (3LO) app's token: issued by {claims.iss} for {', '.join(claims.aud)}",
            "custom-3lo-app",
            "client-not-registered",
        )
        f.details.append(
            "the 3LO flow asks auth.atlassian.com for the audience api.atlassian.com (the REST APIs); "
            f"the MCP server refuses such tokens (mcp_tokens.yaml, as of {data.as_of})"
        )
        placed: bool | None = True
    else:
        placed = _issuer(claims, url, expected, f)
        _audience(claims, url, f, resource)
    _expiry(claims, as_of, f)
    client = f"; client_id {claims.client_id}" if claims.client_id else ""
    failed = [p for p in f.problems if p[0] == "failed"]
    warned = [p for p in f.problems if p[0] == "warning"]
    causes = tuple(dict.fromkeys(c for p in (*failed, *warned) for c in p[2]))
    if failed:
        return TokenVerdict("failed", failed[0][1] + client, tuple(f.details), causes)
    if warned:
        return TokenVerdict("warning", warned[0][1] + client, tuple(f.details), causes)
    if placed is None:
        return TokenVerdict(
            "skipped", f"the token's issuer {claims.iss or '(none)'} cannot be checked here", tuple(f.details), ()
        )
    how = "the MCP server's authorization server" if expected else "the authorization server known for this endpoint"
    return TokenVerdict("passed", f"issued by {how} {claims.iss}{client}", tuple(f.details), ())


def _issuer(claims: TokenClaims, url: str, expected: tuple[str, ...], f: _Findings) -> bool | None:
    """True: issued by the endpoint's authorization server; False: not; None: cannot tell."""
    data = token_facts()
    iss = claims.iss
    if iss is None:
        f.details.append("no iss claim: the issuer cannot be checked")
        return None
    known = data.server_for(url)
    if expected:
        accepted, where = expected, f"the MCP server's authorization server {expected[0]}"
    elif known is not None:
        accepted = known.issuers
        where = f"{known.title} ({' or '.join(known.issuers)}; offline, from mcp_tokens.yaml as of {data.as_of})"
    else:
        f.details.append(f"no authorization server is known for {url} without the network (DOC-AUTH-002/003)")
        return None
    if any(same_issuer(iss, a) for a in accepted):
        if known is not None and not expected:
            f.details.append(f"issuer matches {where}")
        return True
    other = data.server_of_issuer(iss)
    # The bare https://auth.atlassian.com names both the 3LO flow and, in its metadata, the
    # Rovo MCP authorization server (#205): a mismatch on it reads first as a custom app's token.
    if other is not None and other is not known and not same_issuer(iss, data.custom_app.issuer):
        f.add(
            "failed",
            f"issued by {iss} ({other.title}), not by {where}",
            "token-wrong-endpoint",
        )
        f.details.append(
            "a token for another endpoint: reconnect (sign in again) against this URL; the issuer changed, "
            "so clear the client's cached client id / registration first"
        )
        return False
    also = ("token-wrong-endpoint",) if other is not None and other is not known else ()
    f.add("failed", f"issued by {iss}, not by {where}", "custom-3lo-app", "client-not-registered", *also)
    f.details.append(
        "a token minted for another client (e.g. a Developer Console 3LO app) works on the "
        "REST APIs but not on the MCP server (claims read, not verified)"
    )
    return False


def _audience(claims: TokenClaims, url: str, f: _Findings, resource: str | None) -> None:
    data = token_facts()
    here = canonical(url)
    if not claims.aud:
        f.details.append("no aud claim: the audience cannot be checked")
        return
    auds = [canonical(a) for a in claims.aud]
    if here in auds:
        f.details.append(f"audience: this endpoint ({here})")
        return
    if resource is not None and canonical(resource) in auds:
        f.details.append(
            f"audience: the protected resource metadata's resource ({canonical(resource)}), which covers {here}"
        )
        return
    mine = data.server_for(url)
    for aud in auds:
        other = data.server_for(aud)
        if other is not None or _another_path(aud, here):
            f.add("failed", f"issued for another endpoint ({aud}), not for {here}", "token-wrong-endpoint")
            changed = other is not None and mine is not None and other is not mine
            f.details.append(
                f"reconnect (sign in again) against {here}"
                + (
                    f"; the issuer changed ({other.title} → {mine.title}): clear the client's cached client id first"
                    if changed and other and mine
                    else "; clear cached client ids if the issuer changed"
                )
            )
            return
    f.add(
        "warning",
        f"issued for {', '.join(claims.aud)}, not for this endpoint ({here})",
        "token-wrong-endpoint",
    )
    f.details.append(f"audience rule: {data.audience.rule} (MCP authorization spec; assumed for this server)")


def _expiry(claims: TokenClaims, as_of: dt.datetime, f: _Findings) -> None:
    at = claims.expires_at
    if at is None:
        f.details.append("no usable exp claim: the expiry cannot be checked")
        return
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    now = as_of.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if at <= as_of:
        f.add("failed", f"expired at {stamp} (as of {now})", "oauth-token-expired")
    else:
        f.details.append(f"expires at {stamp}")


def _another_path(a: str, b: str) -> bool:
    """`a` is another path on `b`'s origin (a bare origin names no endpoint: only a warning)."""
    pa, pb = urlsplit(a), urlsplit(b)
    same = bool(pa.scheme and pa.netloc) and (pa.scheme, pa.netloc) == (pb.scheme, pb.netloc)
    return same and pa.path.strip("/") != ""


def _described(claims: TokenClaims) -> str:
    parts = [f"iss {claims.iss or '(none)'}", f"aud {', '.join(claims.aud) or '(none)'}"]
    if claims.client_id:
        parts.append(f"client_id {claims.client_id}")
    return "; ".join(parts)


CLAIM_SHOWN = 200  # characters of one claim shown back: a token is the sender's text, of any size


def shown(claims: TokenClaims) -> TokenClaims:
    """`claims` with every string cut to CLAIM_SHOWN characters, for the messages built from them."""

    def cut(text: str) -> str:
        return text if len(text) <= CLAIM_SHOWN else text[: CLAIM_SHOWN - 1] + "…"

    return TokenClaims(
        iss=cut(claims.iss) if claims.iss is not None else None,
        aud=tuple(cut(a) for a in claims.aud[:10]),
        exp=claims.exp,
        client_id=cut(claims.client_id) if claims.client_id is not None else None,
        scopes=claims.scopes,
    )
