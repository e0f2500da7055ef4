"""Credentials for the MCP endpoint: one place holds the secret and one method reveals it."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import SecretStr

Scheme = Literal["none", "basic", "bearer"]

# JWT claims that say who issued a token and to whom; never the signature or the token itself.
_SAFE_CLAIMS = ("iss", "aud", "client_id", "azp", "scope", "scp", "exp", "iat")


@dataclass(frozen=True, slots=True)
class Credentials:
    """How requests to the MCP endpoint authenticate.

    `basic`: `Authorization: Basic base64(email:api_token)` (a user's or service account's
    API token); `bearer`: `Authorization: Bearer <token>` (an OAuth access token or a
    service-account key); `none`: anonymous (the discovery chain only).
    """

    scheme: Scheme = "none"
    secret: SecretStr | None = None
    email: str | None = None

    @classmethod
    def none(cls) -> Credentials:
        return cls()

    @classmethod
    def basic(cls, email: str, api_token: SecretStr | str) -> Credentials:
        return cls("basic", _secret(api_token), email)

    @classmethod
    def bearer(cls, token: SecretStr | str) -> Credentials:
        return cls("bearer", _secret(token))

    def __repr__(self) -> str:
        return f"Credentials({self.label})"

    __str__ = __repr__

    @property
    def label(self) -> str:
        """A description safe to print: the scheme and a masked email, never the secret."""
        if self.scheme == "basic":
            return f"Basic ({mask_email(self.email or '')} + API token)"
        if self.scheme == "bearer":
            return "Bearer token"
        return "none (anonymous)"

    def authorization(self) -> str | None:
        """The Authorization header value. Only the transport calls this, for allowed origins."""
        if self.secret is None:
            return None
        raw = self.secret.get_secret_value()
        if self.scheme == "basic":
            return "Basic " + base64.b64encode(f"{self.email}:{raw}".encode()).decode("ascii")
        return f"Bearer {raw}"

    def secret_forms(self) -> tuple[str, ...]:
        """Every form in which the secret could reach text: raw, header value, base64 pair."""
        if self.secret is None:
            return ()
        header = self.authorization() or ""
        return tuple(dict.fromkeys((self.secret.get_secret_value(), header.split(" ", 1)[-1])))

    def redact(self, text: str) -> str:
        """`text` with every form of the secret replaced: server bodies may echo what we sent."""
        return Redactor(self.secret_forms())(text)

    def jwt_claims(self) -> TokenClaims | None:
        """What a JWT bearer token says of itself, read offline: base64url-decode the payload,
        NO signature check (the doctor never trusts these claims, it only reads who the token
        says issued it, for whom and until when). None for an opaque (non-JWT) token. Only
        the claims in _SAFE_CLAIMS are kept; the token itself never leaves this object."""
        if self.scheme != "bearer" or self.secret is None:
            return None
        return read_jwt_claims(self.secret.get_secret_value())


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """The readable claims of a JWT access token (unverified). `aud` is always a tuple
    (RFC 7519 §4.1.3 allows a string or an array); a claim of the wrong type is None."""

    iss: str | None
    aud: tuple[str, ...]
    exp: int | None
    client_id: str | None
    scopes: tuple[str, ...]

    @property
    def expires_at(self) -> dt.datetime | None:
        if self.exp is None:
            return None
        try:
            return dt.datetime.fromtimestamp(self.exp, dt.UTC)
        except (OverflowError, OSError, ValueError):  # far outside the calendar: no usable date
            return None


def read_jwt_claims(token: str) -> TokenClaims | None:
    """The claims of a compact JWS (three base64url parts), or None when `token` is not one."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    safe = {k: payload[k] for k in _SAFE_CLAIMS if k in payload}
    exp = safe.get("exp")  # NumericDate: seconds, possibly fractional (RFC 7519 §2)
    scope = safe.get("scope", safe.get("scp"))
    client = safe.get("client_id", safe.get("azp"))
    return TokenClaims(
        iss=safe["iss"] if isinstance(safe.get("iss"), str) else None,
        aud=_strings(safe.get("aud")),
        exp=int(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) and abs(exp) < 1e15 else None,
        client_id=client if isinstance(client, str) else None,
        scopes=tuple(scope.split()) if isinstance(scope, str) else _strings(scope),
    )


def _strings(value: Any) -> tuple[str, ...]:
    """A string claim, or the strings of an array claim, as a tuple."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


class Redactor:
    """Replaces every known secret in a text: a last guard before anything is printed or written."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret that contains another is replaced whole; shorter strings
        # would blank out ordinary words.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for s in self._secrets:
            text = text.replace(s, "[redacted]")
        if "\\" in text:  # a JSON string may carry any character as \uXXXX (and / as \/)
            for s in self._secrets:
                text = _json_escaped(s).sub("[redacted]", text)
        return text


def _json_escaped(secret: str) -> re.Pattern[str]:
    """`secret` as a JSON encoder may write it: any character as itself or `\\uXXXX` (hex in
    either case; a character beyond U+FFFF as its surrogate pair), `/` also as `\\/`."""

    def forms(ch: str) -> str:
        units = ch.encode("utf-16-be")
        escaped = "".join(
            "\\\\u"
            + "".join(
                f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{int.from_bytes(units[i : i + 2], 'big'):04x}"
            )
            for i in range(0, len(units), 2)
        )
        extra = "|\\\\/" if ch == "/" else ""
        return f"(?:{re.escape(ch)}|{escaped}{extra})"

    return re.compile("".join(forms(ch) for ch in secret))


def mask_email(email: str) -> str:
    """`a…@example.com`: enough to recognise the account, not to harvest it."""
    local, at, domain = email.partition("@")
    if not at:
        return "…"
    return f"{local[:1]}…@{domain}"


def _secret(value: SecretStr | str) -> SecretStr:
    return value if isinstance(value, SecretStr) else SecretStr(value)
