"""Configuration for the commands that talk to Atlassian: `ROVO_AUDIT_*` environment
variables, a `.env` file, and command-line flags over both (pydantic-settings).

Secrets are `SecretStr` from the moment they are read. Nothing here ever formats a secret
into a message: validation errors name the variable, never its value.
"""

from __future__ import annotations

import base64
import difflib
import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import InputError, Location, Problem, UsageError

ENV_PREFIX = "ROVO_AUDIT_"
DEFAULT_API_BASE_URL = "https://api.atlassian.com"
DEFAULT_MCP_URL = "https://mcp.atlassian.com/v1/mcp"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("expected an http(s) URL such as https://api.atlassian.com")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        # Credentials would cross the network in clear text; plain HTTP is for local test servers.
        raise ValueError("plain http is only accepted for localhost/127.0.0.1; use https")
    if parts.username or parts.password:
        raise ValueError("credentials do not belong in the URL; use the ROVO_AUDIT_* secret settings")
    return value.strip().rstrip("/") if parts.path in ("", "/") else value.strip()


class CollectConfig(BaseSettings):
    """Everything `collect` needs. Field `x` is read from `ROVO_AUDIT_X` or the `.env` file."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore", frozen=True, case_sensitive=False)

    org_id: str | None = None  # one id, or several separated by commas or spaces
    admin_api_key: SecretStr | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    mcp_url: str = DEFAULT_MCP_URL
    mcp_email: str | None = None
    mcp_api_token: SecretStr | None = None
    mcp_bearer: SecretStr | None = None
    mcp_bearer_kind: Literal["oauth", "service_account_key"] = "oauth"
    oauth_token: SecretStr | None = None
    probe_org: str | None = None  # which org the OAuth token and MCP credential belong to
    timeout_seconds: float = Field(30.0, gt=0, le=600)
    concurrency: int = Field(16, ge=1, le=64)
    max_retries: int = Field(4, ge=0, le=10)
    retry_base_seconds: float = Field(0.5, gt=0, le=30)
    max_retry_wait_seconds: float = Field(60.0, ge=0, le=3600)
    events_days: int = Field(30, ge=0, le=366)  # 0: do not read the audit log

    @field_validator("api_base_url", "mcp_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return _check_url(v)

    @field_validator("mcp_email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and "@" not in v:
            raise ValueError("expected the email address of the account that owns the API token")
        return v

    @model_validator(mode="after")
    def _one_mcp_credential(self) -> CollectConfig:
        basic = (self.mcp_email is not None, self.mcp_api_token is not None)
        if any(basic) and not all(basic):
            raise ValueError("mcp_api_token: an API token needs ROVO_AUDIT_MCP_EMAIL and ROVO_AUDIT_MCP_API_TOKEN together")
        if all(basic) and self.mcp_bearer is not None:
            raise ValueError("mcp_bearer: set either ROVO_AUDIT_MCP_EMAIL + ROVO_AUDIT_MCP_API_TOKEN or ROVO_AUDIT_MCP_BEARER, not both")
        return self

    @property
    def org_ids(self) -> tuple[str, ...]:
        raw = (self.org_id or "").replace(",", " ").split()
        return tuple(dict.fromkeys(raw))

    @property
    def mcp_auth(self) -> tuple[str, SecretStr] | None:
        """The MCP probe's Authorization header as (scheme, secret), or None for discovery only."""
        if self.mcp_api_token is not None and self.mcp_email:
            raw = f"{self.mcp_email}:{self.mcp_api_token.get_secret_value()}".encode()
            return "Basic", SecretStr(base64.b64encode(raw).decode("ascii"))
        if self.mcp_bearer is not None:
            return "Bearer", self.mcp_bearer
        return None

    @property
    def mcp_credential_kind(self) -> Literal["api_token", "service_account_key", "oauth"] | None:
        if self.mcp_api_token is not None and self.mcp_email:
            return "api_token"
        if self.mcp_bearer is not None:
            return self.mcp_bearer_kind
        return None

    def secret_values(self) -> tuple[str, ...]:
        """Every secret string (and derived header value), for redaction and for tests."""
        out: list[str] = []
        for s in (self.admin_api_key, self.mcp_api_token, self.mcp_bearer, self.oauth_token):
            if s is not None and s.get_secret_value():
                out.append(s.get_secret_value())
        auth = self.mcp_auth
        if auth is not None:
            out.append(auth[1].get_secret_value())
        return tuple(dict.fromkeys(out))


FIELD_FLAGS: dict[str, str] = {
    "org_id": "--org", "api_base_url": "--api-base-url", "mcp_url": "--mcp-url", "probe_org": "--probe-org",
    "timeout_seconds": "--timeout", "concurrency": "--concurrency", "events_days": "--events-days",
}


def load_config(overrides: Mapping[str, Any] | None = None, env_file: str | Path | None = None) -> CollectConfig:
    """Read the configuration; flags (`overrides`, None values dropped) win over env and `.env`.

    Bad values raise UsageError/InputError naming the variable (and the `.env` line), never the value.
    """
    flags = {k: v for k, v in (overrides or {}).items() if v is not None}
    path = Path(env_file) if env_file is not None else Path(".env")
    if env_file is not None and not path.is_file():
        raise InputError(Problem(Location(str(path), 1, 1), "no such .env file"))
    dotenv = path if path.is_file() else None
    try:
        return CollectConfig(_env_file=dotenv, **flags)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        msg = err["msg"].removeprefix("Value error, ")
        if not err["loc"]:  # a rule across settings: its message names them
            raise UsageError(f"configuration: {msg.split(': ', 1)[-1]}") from None
        raise _config_problem(str(err["loc"][0]), msg, flags, os.environ, dotenv) from None


def _config_problem(name: str, msg: str, flags: Mapping[str, Any], env: Mapping[str, str],
                    env_file: Path | None) -> Exception:
    var = ENV_PREFIX + name.upper()
    if name in flags:
        return UsageError(f"{FIELD_FLAGS.get(name, name)}: {msg}")
    if any(k.upper() == var for k in env):
        return UsageError(f"{var} (environment): {msg}")
    if env_file is not None:
        for i, line in enumerate(env_file.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            key = line.strip().removeprefix("export ").split("=", 1)[0].strip()
            if key.upper() == var:
                return InputError(Problem(Location(str(env_file), i, 1), f"{var}: {msg}"))
    return UsageError(f"{var}: {msg}")


def unknown_settings(env_file: str | Path | None = None) -> list[str]:
    """`ROVO_AUDIT_*` names that no setting reads (a misspelling is worth a warning)."""
    known = {ENV_PREFIX + f.upper() for f in CollectConfig.model_fields}
    names = {k.upper() for k in os.environ if k.upper().startswith(ENV_PREFIX)}
    path = Path(env_file) if env_file is not None else Path(".env")
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            key = line.strip().removeprefix("export ").split("=", 1)[0].strip().upper()
            if key.startswith(ENV_PREFIX):
                names.add(key)
    out = []
    for n in sorted(names - known):
        close = difflib.get_close_matches(n, sorted(known), n=1)
        out.append(f"{n} is not a rovo-audit collect setting" + (f"; did you mean {close[0]}?" if close else ""))
    return out


class Redactor:
    """Replaces every known secret in a text: a last guard before anything is printed or written."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for s in self._secrets:
            if s in text:
                text = text.replace(s, "[redacted]")
        return text
