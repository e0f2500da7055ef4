"""Configuration for the commands that talk to Atlassian: `ROVO_AUDIT_*` environment
variables, a `.env` file, and command-line flags over both (pydantic-settings).

Secrets are `SecretStr` from the moment they are read. Nothing here ever formats a secret
into a message: validation errors name the variable, never its value.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import InputError, Location, Problem, UsageError
from .mcpclient.credentials import Credentials
from .mcpclient.credentials import Redactor as Redactor  # re-exported: collect's last guard before output

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


# How every command's settings are read: `ROVO_AUDIT_<FIELD>` or the `.env` file, flags win.
_SETTINGS = SettingsConfigDict(
    env_prefix=ENV_PREFIX,
    env_file=".env",
    env_file_encoding="utf-8",
    extra="ignore",
    frozen=True,
    case_sensitive=False,
)


class CollectConfig(BaseSettings):
    """Everything `collect` needs. Field `x` is read from `ROVO_AUDIT_X` or the `.env` file."""

    model_config = _SETTINGS

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
    # The largest response read from any API, after decompression: a page of the admin API is
    # a few hundred KB; past this a response is refused (a collection error), never buffered.
    max_response_mib: int = Field(8, ge=1, le=1024)
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
        email, token = self.mcp_email is not None, self.mcp_api_token is not None
        if email != token:
            given, missing = ("mcp_email", "mcp_api_token") if email else ("mcp_api_token", "mcp_email")
            raise PydanticCustomError("mcp_pair", _PAIR, {"given": given, "missing": missing})
        if email and self.mcp_bearer is not None:
            raise PydanticCustomError("mcp_either", _EITHER.format(**_VARS))
        return self

    @property
    def org_ids(self) -> tuple[str, ...]:
        raw = (self.org_id or "").replace(",", " ").split()
        return tuple(dict.fromkeys(raw))

    def mcp_credentials(self) -> Credentials:
        """The MCP credential: Basic email:API token, else Bearer, else none (discovery only)."""
        if self.mcp_api_token is not None and self.mcp_email:
            return Credentials.basic(self.mcp_email, self.mcp_api_token)
        if self.mcp_bearer is not None:
            return Credentials.bearer(self.mcp_bearer)
        return Credentials.none()

    @property
    def mcp_credential_kind(self) -> Literal["api_token", "service_account_key", "oauth"] | None:
        scheme = self.mcp_credentials().scheme
        return "api_token" if scheme == "basic" else self.mcp_bearer_kind if scheme == "bearer" else None

    def secret_values(self) -> tuple[str, ...]:
        """Every secret string (and derived header value), for redaction and for tests."""
        out = [s.get_secret_value() for s in (self.admin_api_key, self.oauth_token) if s is not None]
        out.extend(self.mcp_credentials().secret_forms())
        return tuple(dict.fromkeys(s for s in out if s))


_VARS = {f: ENV_PREFIX + f.upper() for f in ("mcp_email", "mcp_api_token", "mcp_bearer")}
# The rules across the MCP credential settings; load_config names each setting as the user gave it.
_PAIR = "an API token needs ROVO_AUDIT_MCP_EMAIL and ROVO_AUDIT_MCP_API_TOKEN together (Basic auth is email:token)"
_EITHER = "give either {mcp_api_token} (with {mcp_email}) or {mcp_bearer}, not both"
# One MCP credential: a flag for one kind hides the other kind read from the environment or .env.
_MCP_KINDS: tuple[tuple[str, ...], ...] = (("mcp_email", "mcp_api_token"), ("mcp_bearer",))

FIELD_FLAGS: dict[str, str] = {
    "org_id": "--org",
    "api_base_url": "--api-base-url",
    "mcp_url": "--mcp-url",
    "probe_org": "--probe-org",
    "timeout_seconds": "--timeout",
    "concurrency": "--concurrency",
    "events_days": "--events-days",
}


def load_config(
    overrides: Mapping[str, Any] | None = None,
    env_file: str | Path | None = None,
    *,
    flag_names: Mapping[str, str] | None = None,
    only: Collection[str] | None = None,
) -> CollectConfig:
    """Read the configuration; flags (`overrides`, None values dropped) win over env and `.env`.

    `flag_names`: the calling command's flag for each field (default: collect's), so messages
    name what the user typed. `only`: the fields the command reads; the others keep their
    defaults whatever env or `.env` say, so another command's bad setting cannot stop it.
    Bad values raise UsageError/InputError naming the variable (and the `.env` line), never the value.
    """
    flags = {k: v for k, v in (overrides or {}).items() if v is not None}
    names = FIELD_FLAGS if flag_names is None else flag_names
    dotenv = _dotenv(env_file)
    init: dict[str, Any] = {}
    if only is not None:
        init.update({f: info.default for f, info in CollectConfig.model_fields.items() if f not in only})
    flagged = [kind for kind in _MCP_KINDS if any(f in flags for f in kind)]
    if len(flagged) == 1:
        init.update({f: None for kind in _MCP_KINDS if kind is not flagged[0] for f in kind})
    try:
        return CollectConfig(_env_file=dotenv, **{**init, **flags})
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        msg = err["msg"].removeprefix("Value error, ")
        if not err["loc"]:  # a rule across settings
            raise UsageError(
                f"configuration: {_rule_message(err['type'], err.get('ctx', {}), flags, names) or msg}"
            ) from None
        raise _config_problem(str(err["loc"][0]), msg, flags, names, dotenv) from None


def _rule_message(rule: str, ctx: Mapping[str, Any], flags: Mapping[str, Any], names: Mapping[str, str]) -> str | None:
    def name(field: str) -> str:
        return names.get(field, field) if field in flags else _VARS[field]

    if rule == "mcp_pair":
        given, missing = ctx["given"], ctx["missing"]
        if given not in flags:
            return _PAIR
        other = f"{names[missing]} (or {_VARS[missing]})" if missing in names else _VARS[missing]
        return f"{name(given)} needs {other}: Basic auth is email:token"
    if rule == "mcp_either":
        return _EITHER.format(**{f: name(f) for f in _VARS})
    return None


def _config_problem(
    name: str, msg: str, flags: Mapping[str, Any], names: Mapping[str, str], env_file: Path | None
) -> Exception:
    var = ENV_PREFIX + name.upper()
    if name in flags:
        return UsageError(f"{names.get(name, name)}: {msg}")
    if any(k.upper() == var for k in os.environ):
        return UsageError(f"{var} (environment): {msg}")
    if env_file is not None:
        for line, key in _dotenv_keys(env_file):
            if key == var:
                return InputError(Problem(Location(str(env_file), line, 1), f"{var}: {msg}"))
    return UsageError(f"{var}: {msg}")


def _dotenv_keys(path: Path) -> list[tuple[int, str]]:
    """(line number, upper-cased key) of each `KEY=value` line of a `.env` file."""
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        key = line.strip().removeprefix("export ").split("=", 1)[0].strip().upper()
        if key:
            out.append((i, key))
    return out


def unknown_settings(env_file: str | Path | None = None) -> list[str]:
    """`ROVO_AUDIT_*` names that no setting reads (a misspelling is worth a warning)."""
    # The Jira settings (`tickets`) live under the same prefix: not a misspelling of collect's.
    known = {ENV_PREFIX + f.upper() for f in (*CollectConfig.model_fields, *JiraConfig.model_fields)}
    names = {k.upper() for k in os.environ if k.upper().startswith(ENV_PREFIX)}
    path = Path(env_file) if env_file is not None else Path(".env")
    if path.is_file():
        names.update(key for _, key in _dotenv_keys(path) if key.startswith(ENV_PREFIX))
    out = []
    for n in sorted(names - known):
        close = difflib.get_close_matches(n, sorted(known), n=1)
        out.append(f"{n} is not a rovo-audit collect setting" + (f"; did you mean {close[0]}?" if close else ""))
    return out


class JiraConfig(BaseSettings):
    """What `tickets` (and `audit --tickets`) need: `ROVO_AUDIT_JIRA_*` or the `.env` file."""

    model_config = _SETTINGS

    jira_url: str | None = None  # the site, https://example.atlassian.net (or the OAuth gateway's URL)
    jira_email: str | None = None
    jira_api_token: SecretStr | None = None
    jira_bearer: SecretStr | None = None  # an OAuth 2.0 access token instead of email + API token
    jira_project: str | None = None
    jira_issue_type: str = "Task"
    jira_labels: str = ""  # extra labels for the items created, separated by commas or spaces
    jira_priorities: str = ""  # e.g. critical=Highest,high=High: severity → priority name; empty: none set
    jira_state_dir: str | None = None  # where the sync remembers what it wrote (tickets/state.py); default ~/.cache
    timeout_seconds: float = Field(30.0, gt=0, le=600)
    max_retries: int = Field(4, ge=0, le=10)
    max_retry_wait_seconds: float = Field(60.0, ge=0, le=3600)

    @field_validator("jira_url")
    @classmethod
    def _site(cls, v: str | None) -> str | None:
        if v is not None and ("?" in v or "#" in v):
            # the REST paths are appended to it: after a ? or # they would not be the path
            raise ValueError("expected the site's URL without ? or #, e.g. https://example.atlassian.net")
        return None if v is None else _check_url(v)

    @field_validator("jira_email")
    @classmethod
    def _jira_email(cls, v: str | None) -> str | None:
        if v is not None and "@" not in v:
            raise ValueError("expected the email address of the account that owns the API token")
        return v

    @field_validator("jira_project")
    @classmethod
    def _project(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[A-Z][A-Z0-9_]{0,254}", v):
            raise ValueError("expected a project key: capital letters, digits and _, starting with a letter")
        return v

    @field_validator("jira_issue_type")
    @classmethod
    def _issue_type(cls, v: str) -> str:
        if not v.strip() or len(v) > 255:
            raise ValueError("expected the name of a work type of the project, e.g. Task or Bug")
        return v.strip()

    @field_validator("jira_labels")
    @classmethod
    def _labels(cls, v: str) -> str:
        for label in v.replace(",", " ").split():
            if len(label) > 255:
                raise ValueError("a Jira label is at most 255 characters")
        return v

    @field_validator("jira_priorities")
    @classmethod
    def _priorities(cls, v: str) -> str:
        for pair in filter(None, (p.strip() for p in v.split(","))):
            severity, eq, name = pair.partition("=")
            if not eq or severity.strip() not in ("critical", "high", "medium", "low", "info") or not name.strip():
                raise ValueError("expected severity=Priority pairs, e.g. critical=Highest,high=High")
        return v

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.jira_labels.replace(",", " ").split()))

    @property
    def priorities(self) -> dict[str, str]:
        pairs = (p.partition("=") for p in self.jira_priorities.split(",") if p.strip())
        return {s.strip(): n.strip() for s, _, n in pairs}

    def credentials(self) -> Credentials:
        if self.jira_api_token is not None and self.jira_email:
            return Credentials.basic(self.jira_email, self.jira_api_token)
        if self.jira_bearer is not None:
            return Credentials.bearer(self.jira_bearer)
        return Credentials.none()

    def secret_values(self) -> tuple[str, ...]:
        return self.credentials().secret_forms()


JIRA_FLAGS: dict[str, str] = {
    "jira_url": "--jira-url",
    "jira_project": "--project",
    "jira_issue_type": "--issue-type",
    "jira_labels": "--labels",
    "jira_priorities": "--priorities",
    "timeout_seconds": "--timeout",
}


def _dotenv(env_file: str | Path | None) -> Path | None:
    """The `.env` file to read (the one named, which must exist, or ./.env if there is one),
    read once here with the input files' rules (a regular file, capped, strict UTF-8 with the
    place of a bad byte), so pydantic-settings never meets a file it would choke on."""
    path = Path(env_file) if env_file is not None else Path(".env")
    if env_file is not None and not path.is_file():
        raise InputError(Problem(Location(str(path), 1, 1), "no such .env file"))
    if not path.is_file():
        return None
    from .load.yamlpos import read_text_file

    read_text_file(path, str(path), max_bytes=1024 * 1024, expected="a .env file")
    return path


def load_jira_config(overrides: Mapping[str, Any] | None = None, env_file: str | Path | None = None) -> JiraConfig:
    """As `load_config`, for the Jira settings: flags over the environment over `.env`; a bad
    value names its variable (and `.env` line), never the value; the credential is checked whole."""
    flags = {k: v for k, v in (overrides or {}).items() if v is not None}
    dotenv = _dotenv(env_file)
    try:
        config = JiraConfig(_env_file=dotenv, **flags)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        msg = err["msg"].removeprefix("Value error, ")
        raise _config_problem(str(err["loc"][0]), msg, flags, JIRA_FLAGS, dotenv) from None
    if (config.jira_email is None) != (config.jira_api_token is None):
        raise UsageError(
            "configuration: an API token needs ROVO_AUDIT_JIRA_EMAIL and ROVO_AUDIT_JIRA_API_TOKEN together "
            "(Basic auth is email:token)"
        )
    if config.jira_api_token is not None and config.jira_bearer is not None:
        raise UsageError(
            "configuration: give either ROVO_AUDIT_JIRA_API_TOKEN (with ROVO_AUDIT_JIRA_EMAIL) or ROVO_AUDIT_JIRA_BEARER, not both"
        )
    return config
