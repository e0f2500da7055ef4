"""Credentials for the MCP endpoint: one place holds the secret and one method reveals it."""

from __future__ import annotations

import base64
import binascii
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

    def token_claims(self) -> dict[str, Any] | None:
        """The issuer/client claims of a JWT-shaped bearer token (read, not verified), or None.

        Used to tell which authorization server minted an OAuth token; the signature is never
        checked because the doctor only reads where the token came from.
        """
        if self.scheme != "bearer" or self.secret is None:
            return None
        parts = self.secret.get_secret_value().split(".")
        if len(parts) != 3:
            return None
        try:
            padded = parts[1] + "=" * (-len(parts[1]) % 4)
            payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        except (ValueError, binascii.Error, UnicodeError):
            return None
        if not isinstance(payload, dict):
            return None
        return {k: payload[k] for k in _SAFE_CLAIMS if k in payload}


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
