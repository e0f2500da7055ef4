"""Where a notification goes: `--notify URL`, its kind, and the rules a URL must meet.

The kind comes from a prefix, else from the host:
- `slack:URL`, `teams:URL`, `json:URL` say it;
- hooks.slack.com → Slack (an incoming webhook);
- *.webhook.office.com, *.logic.azure.com, *.powerplatform.com, *.powerautomate.com → Teams
  (a Workflows webhook: "Post to a channel when a webhook request is received"; the Office 365
  connectors at webhook.office.com are being retired, their URLs are still recognised);
- anything else → generic JSON.
`env:NAME` reads the URL (with or without a prefix) from the environment variable NAME, so it
need not be on the command line. A webhook URL is a secret (whoever holds it can post): it is
never printed; messages name its kind and host only. https only; plain http for loopback.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import idna
from pydantic import SecretStr

from ..config import is_loopback
from ..errors import UsageError
from .model import Kind

_PREFIXES: tuple[Kind, ...] = ("slack", "teams", "json")
_TEAMS_HOSTS = (".webhook.office.com", ".logic.azure.com", ".powerplatform.com", ".powerautomate.com")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Target:
    kind: Kind
    url: SecretStr
    host: str

    @property
    def label(self) -> str:
        """Safe to print: the kind and the host, never the path or query (the secret part)."""
        return f"{self.kind} ({self.host})"

    def secret_forms(self) -> tuple[str, ...]:
        parts = urlsplit(self.url.get_secret_value())
        tail = parts.path + (f"?{parts.query}" if parts.query else "")
        return tuple(s for s in (self.url.get_secret_value(), tail, parts.query) if len(s) >= 8)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def kind_of(host: str) -> Kind:
    host = host.lower()
    if host == "hooks.slack.com":
        return "slack"
    if host.endswith(_TEAMS_HOSTS) or host in {h[1:] for h in _TEAMS_HOSTS}:
        return "teams"
    return "json"


def parse_target(text: str, environ: Mapping[str, str] | None = None) -> Target:
    """A `--notify` value → a Target; a usage error naming the flag (never the URL) otherwise."""
    env = os.environ if environ is None else environ
    value = text.strip()
    where = "--notify"
    if value.startswith("env:"):
        name = value[4:]
        if not _ENV_NAME.fullmatch(name):
            raise UsageError("--notify env:NAME: expected the name of an environment variable")
        if not env.get(name, "").strip():
            raise UsageError(f"--notify env:{name}: that environment variable is not set")
        value, where = env[name].strip(), f"--notify env:{name}"
    kind: Kind | None = None
    head, colon, rest = value.partition(":")
    if colon and head in _PREFIXES and not rest.startswith("//"):
        kind, value = head, rest
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise UsageError(f"{where}: not a valid URL") from None
    try:  # what the HTTP client would refuse when posting (a bad IDNA label, a control character)
        httpx.URL(value)
        if not _is_ip(host):
            idna.encode(host, uts46=True)
    except (httpx.InvalidURL, UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError
        raise UsageError(f"{where}: not a valid URL") from None
    if parts.scheme not in ("https", "http") or not host:
        raise UsageError(f"{where}: expected an https:// webhook URL (optionally prefixed slack:, teams: or json:)")
    if parts.scheme == "http" and not is_loopback(host):
        raise UsageError(f"{where}: plain http is only accepted for localhost/127.0.0.1; use https")
    if parts.username or parts.password:
        raise UsageError(f"{where}: credentials do not belong in the URL")
    return Target(kind or kind_of(host), SecretStr(value), host)
