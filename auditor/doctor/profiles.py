"""Client profiles (auditor/data/client_profiles.yaml) and the pure comparison of one profile
with what the doctor saw: its redirects against the domain allowlist, the registration
methods the authorization server offers, the protocol eras the server answers, and the
issuer and resource checks the client applies. Read by steps_client.py (DOC-CLIENT-001)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from ..catalog import mcp_clients, read_data
from ..patterns import Pattern, covered_by_union, intersects, matches, parse_pattern
from .tokens import TokenFact

Tri = Literal["yes", "no", "unknown"]
Verdict = Literal["works", "fails", "unknown"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Claim(_Data):
    value: str
    sources: tuple[str, ...]


class Registration(_Data):
    dcr: Claim
    cimd: Claim
    pre_registered: Claim


class Eras(_Data):
    """By the spec's era names, as mcpclient.session.Era and doctor.json's `eras`."""

    legacy: Claim
    modern: Claim


class Profile(_Data):
    title: str
    redirects_of: str | None = None
    redirects: tuple[str, ...] | None = None
    redirect_sources: tuple[str, ...] = ()
    registration: Registration
    eras: Eras
    discovery_fallback: Claim
    issuer_check: Claim
    resource_check: Claim
    clear_cache: str

    def claims(self) -> tuple[Claim, ...]:
        r, e = self.registration, self.eras
        return (
            r.dcr,
            r.cimd,
            r.pre_registered,
            e.legacy,
            e.modern,
            self.discovery_fallback,
            self.issuer_check,
            self.resource_check,
        )

    def redirect_patterns(self) -> tuple[str, ...]:
        if self.redirects is not None:
            return self.redirects
        client = mcp_clients().clients[self.redirects_of or ""]
        return tuple(r.uri for r in client.redirects)


_VALUES = {
    "tri": {"yes", "no", "unknown"},
    "issuer_check": {"strict", "lenient", "unknown"},
    "resource_check": {"exact", "lenient", "unknown"},
}


class Profiles(_Data):
    as_of: dt.date
    source: str
    facts: dict[str, TokenFact]
    profiles: dict[str, Profile]

    @model_validator(mode="after")
    def _check(self) -> Profiles:
        known_clients = mcp_clients().clients
        for name, p in self.profiles.items():
            if (p.redirects_of is None) == (p.redirects is None):
                raise ValueError(f"profile {name}: give exactly one of redirects_of and redirects")
            if p.redirects_of is not None and p.redirects_of not in known_clients:
                raise ValueError(f"profile {name}: redirects_of names no client of mcp_clients.yaml")
            for uri in p.redirects or ():
                parse_pattern(uri)  # a bad pattern fails when the data loads
            named = [s for c in p.claims() for s in c.sources] + list(p.redirect_sources)
            missing = sorted(set(named) - set(self.facts))
            if missing:
                raise ValueError(f"profile {name} names unknown facts {missing}")
            r, e = p.registration, p.eras
            for c in (r.dcr, r.cimd, r.pre_registered, e.legacy, e.modern, p.discovery_fallback):
                if c.value not in _VALUES["tri"]:
                    raise ValueError(f"profile {name}: {c.value!r} is not yes, no or unknown")
            if p.issuer_check.value not in _VALUES["issuer_check"]:
                raise ValueError(f"profile {name}: issuer_check {p.issuer_check.value!r}")
            if p.resource_check.value not in _VALUES["resource_check"]:
                raise ValueError(f"profile {name}: resource_check {p.resource_check.value!r}")
        return self

    def certainty(self, claim: Claim) -> str:
        """The weakest certainty among a claim's facts (confirmed > assumed > judgement)."""
        order = ("judgement", "assumed", "confirmed")
        levels = [self.facts[s].certainty for s in claim.sources]
        return min(levels, key=order.index) if levels else "assumed"


@cache
def profiles() -> Profiles:
    return Profiles.model_validate(read_data("client_profiles.yaml"))


# -- what the doctor saw, and the comparison --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seen:
    """What the earlier steps saw; None: not seen (offline, or an earlier step stopped)."""

    allowlist: tuple[Pattern, ...] | None  # the org's domains and, when on, the supported ones
    origin: str | None  # --origin: the redirect of a client with none fixed (generic)
    discovery: str | None  # prm | legacy (the 2025-03-26 layout) | none: how the server was found
    registration: frozenset[str] | None  # of dcr, cimd: what the authorization server offers
    eras: frozenset[str] | None  # of legacy, modern (session.Era): what the server answered
    issuer_differs: bool | None
    resource: str | None  # identical | parent (a parent URL of the endpoint) | other: the PRM's resource


@dataclass(frozen=True, slots=True)
class Check:
    aspect: str  # redirect | discovery | registration | eras | issuer | resource
    verdict: Verdict
    text: str


def compare(name: str, seen: Seen) -> tuple[Check, ...]:
    """Each aspect of profile `name` against what was seen, in the order a client meets them."""
    p = profiles().profiles[name]
    return (
        _redirect(p, seen),
        _discovery(p, seen),
        _registration(p, seen),
        _eras(p, seen),
        _issuer(p.issuer_check, seen.issuer_differs),
        _resource(p.resource_check, seen.resource),
    )


ERA_LABEL = {"legacy": "legacy (initialize)", "modern": "modern (2026-07-28)"}


def cite(claim: Claim) -> str:
    """` [certainty: first source]`: what a verdict on this claim rests on."""
    data = profiles()
    first = data.facts[claim.sources[0]].source if claim.sources else "no source"
    return f" [{data.certainty(claim)}: {first}]"


def _redirect(p: Profile, seen: Seen) -> Check:
    patterns = p.redirect_patterns()
    if seen.allowlist is None:
        return Check("redirect", "unknown", "the domain allowlist was not given (--settings)")
    if not patterns:
        if seen.origin is None:
            return Check("redirect", "unknown", "no fixed redirect for this client, and no --origin given")
        if any(matches(a, seen.origin) for a in seen.allowlist):
            return Check("redirect", "works", f"the allowlist admits its redirect {seen.origin} (--origin)")
        return Check("redirect", "fails", f"the allowlist does not admit its redirect {seen.origin} (--origin)")
    parsed = [parse_pattern(u) for u in patterns]
    covered = [u for u, pat in zip(patterns, parsed, strict=True) if covered_by_union(pat, seen.allowlist)]
    if covered:
        return Check("redirect", "works", f"the allowlist admits its redirect {covered[0]}")
    partly = [u for u, pat in zip(patterns, parsed, strict=True) if any(intersects(pat, a) for a in seen.allowlist)]
    if partly:
        return Check(
            "redirect", "unknown", f"the allowlist admits its redirect {partly[0]} only for some ports or paths"
        )
    return Check("redirect", "fails", f"the allowlist admits none of its redirects ({', '.join(patterns)})")


def _discovery(p: Profile, seen: Seen) -> Check:
    if seen.discovery is None:
        return Check("discovery", "unknown", "the OAuth discovery chain was not seen")
    if seen.discovery == "prm":
        return Check("discovery", "works", "the protected resource metadata names the authorization server (RFC 9728)")
    if seen.discovery == "none":
        return Check(
            "discovery", "fails", "neither protected resource metadata nor an authorization server at the origin"
        )
    said = "no protected resource metadata: the authorization server is found only the 2025-03-26 way"
    claim = p.discovery_fallback
    if claim.value == "yes":
        return Check("discovery", "works", f"{said}, which this client still does{cite(claim)}")
    if claim.value == "no":
        return Check("discovery", "fails", f"{said}, which this client does not do{cite(claim)}")
    return Check("discovery", "unknown", f"{said}; whether this client still does is not known{cite(claim)}")


def _registration(p: Profile, seen: Seen) -> Check:
    if seen.registration is None:
        return Check("registration", "unknown", "the authorization server's registration methods were not seen")
    r = p.registration
    offered = sorted(seen.registration)
    said = ", ".join(offered) or "neither DCR nor client ID metadata documents"
    usable = [m for m, c in (("cimd", r.cimd), ("dcr", r.dcr)) if m in seen.registration and c.value == "yes"]
    if usable:
        how = r.cimd if usable[0] == "cimd" else r.dcr
        return Check("registration", "works", f"it can register by {usable[0]} (offered: {said}){cite(how)}")
    maybe = [m for m, c in (("cimd", r.cimd), ("dcr", r.dcr)) if m in seen.registration and c.value == "unknown"]
    if maybe:
        how = r.cimd if maybe[0] == "cimd" else r.dcr
        return Check(
            "registration", "unknown", f"offered: {said}; whether it supports {maybe[0]} is not known{cite(how)}"
        )
    if r.pre_registered.value == "yes":
        return Check(
            "registration",
            "unknown",
            f"offered: {said}; only with a client id registered by hand (pre-registered){cite(r.pre_registered)}",
        )
    if r.pre_registered.value == "unknown":
        return Check(
            "registration",
            "unknown",
            f"offered: {said}; whether it takes a client id registered by hand is not known{cite(r.pre_registered)}",
        )
    return Check("registration", "fails", f"offered: {said}, which it cannot use, and it takes no pre-registered id")


def _eras(p: Profile, seen: Seen) -> Check:
    if not seen.eras:
        return Check("eras", "unknown", "which protocol eras the server answers was not seen")
    claims = {"legacy": p.eras.legacy, "modern": p.eras.modern}
    answered = sorted(seen.eras)
    said = ", ".join(ERA_LABEL[e] for e in answered)
    common = [e for e in answered if claims[e].value == "yes"]
    if common:
        return Check("eras", "works", f"both speak the {ERA_LABEL[common[0]]} era{cite(claims[common[0]])}")
    open_ = [e for e in answered if claims[e].value == "unknown"]
    if open_:
        return Check(
            "eras", "unknown", f"the server answers only {said}; not known for this client{cite(claims[open_[0]])}"
        )
    return Check(
        "eras", "fails", f"the server answers only {said}, which this client does not speak{cite(claims[answered[0]])}"
    )


def _issuer(claim: Claim, differs: bool | None) -> Check:
    name = "issuer (RFC 8414 §3.3)"
    if differs is None:
        return Check("issuer", "unknown", f"the {name} was not compared")
    if not differs:
        return Check("issuer", "works", f"the {name} matches")
    if claim.value == "strict":
        return Check("issuer", "fails", f"the metadata's {name} differs, and this client refuses that{cite(claim)}")
    if claim.value == "lenient":
        return Check(
            "issuer", "works", f"the metadata's {name} differs; this client is reported to connect anyway{cite(claim)}"
        )
    return Check(
        "issuer",
        "unknown",
        f"the metadata's {name} differs; whether this client refuses that is not known{cite(claim)}",
    )


def _resource(claim: Claim, seen: str | None) -> Check:
    name = "resource (RFC 9728 §3.3)"
    if seen is None:
        return Check("resource", "unknown", f"the {name} was not compared")
    if seen == "identical":
        return Check("resource", "works", f"the {name} is the endpoint itself")
    what = "names a parent of the endpoint" if seen == "parent" else "names another resource"
    if claim.value == "exact" or (seen == "other" and claim.value == "lenient"):
        return Check("resource", "fails", f"the metadata's {name} {what}, and this client refuses that{cite(claim)}")
    if claim.value == "lenient":
        return Check("resource", "works", f"the metadata's {name} {what}; this client accepts a parent{cite(claim)}")
    return Check(
        "resource",
        "unknown",
        f"the metadata's {name} {what}; whether this client refuses that is not known{cite(claim)}",
    )


def overall(checks: tuple[Check, ...]) -> Verdict:
    if any(c.verdict == "fails" for c in checks):
        return "fails"
    if all(c.verdict == "works" for c in checks):
        return "works"
    return "unknown"
