"""The OAuth token collector: what a user's or integration's OAuth token can reach
(`accessible-resources`: sites and the scopes granted on each) and whose it is (`/me`),
recorded as one credential of kind `oauth`."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..mcpclient.oauth import parse_resources
from ..model.common import Source
from ..model.settings import Credential, Site
from .admin_api import ShapeError, catalog
from .http import AuthHeader, HttpError, HttpSession
from .interface import Collector, CouldNotCollect, Observed, SourceResult, evidence

SOURCE: Source = "oauth"


def sites_and_scopes(body: Any) -> tuple[tuple[Site, ...], tuple[str, ...]]:
    """Sites (each must have a url: it is what policies name) and the union of the scopes
    granted on them, from an accessible-resources answer."""
    try:
        resources = parse_resources(body)
    except ValueError as e:
        raise ShapeError(str(e)) from None
    sites = []
    for r in resources:
        if r.url is None:
            raise ShapeError("a resource without url")
        sites.append(Site(url=r.url, cloud_id=r.id or None, name=r.name))
    scopes = {s for r in resources for s in r.scopes}
    return tuple(sorted(sites, key=lambda s: s.url)), tuple(sorted(scopes))


def parse_me(body: Any) -> tuple[str | None, str | None]:
    """(account id, email or name) of the token's owner."""
    if not isinstance(body, Mapping):
        raise ShapeError("expected an object")
    acct = body.get("account_id") or body.get("accountId")
    who = body.get("email") or body.get("name")
    return (acct if isinstance(acct, str) else None), (who if isinstance(who, str) else None)


class OAuthCollector(Collector):
    source = SOURCE
    label = "OAuth token"
    sections = ("credentials",)

    def __init__(self, session: HttpSession, base_url: str, token: AuthHeader, *, as_of: dt.datetime) -> None:
        self.session, self.base, self.token, self.as_of = session, base_url.rstrip("/"), token, as_of

    def _url(self, name: str) -> str:
        return self.base + catalog().endpoints[name].path

    async def collect(self, org_id: str) -> SourceResult:
        # Declared: mypy cannot infer gather(return_exceptions=True) of Any results ("Cannot
        # determine type"); each is a decoded JSON body or the exception it raised.
        res: object
        me: object
        res, me = await asyncio.gather(
            self.session.get_json(self._url("accessible_resources"), endpoint="accessible_resources", auth=self.token),
            self.session.get_json(self._url("me"), endpoint="me", auth=self.token),
            return_exceptions=True,
        )
        failures = []
        for got in (res, me):
            if isinstance(got, BaseException) and not isinstance(got, HttpError):
                raise got
            if isinstance(got, HttpError):
                failures.append(CouldNotCollect("credentials", SOURCE, got.message, got.endpoint))
        if failures:
            return SourceResult(SOURCE, org_id, (), tuple(failures))
        try:
            sites, scopes = sites_and_scopes(res)
            account, who = parse_me(me)
        except ShapeError as e:
            return SourceResult(
                SOURCE, org_id, (), (CouldNotCollect("credentials", SOURCE, f"unexpected response shape: {e}"),)
            )
        label = f"oauth:{who or account or 'token'}"
        cred = Credential(label=label, kind="oauth", owner=who, scopes=scopes, sites=tuple(s.url for s in sites))
        ev = evidence(SOURCE, self.as_of, "accessible-resources and /me of the configured OAuth token")
        obs = (Observed("credentials", (cred,), ev, complete=False), Observed("sites", sites, ev))
        return SourceResult(
            SOURCE,
            org_id,
            obs,
            (),
            (f"OAuth token of {who or account or 'an unknown account'}: {len(sites)} site(s), {len(scopes)} scope(s)",),
        )
