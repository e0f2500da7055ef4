"""What one doctor step is handed: `Run` (what earlier steps saw) and `Out` (builds its result)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..mcpclient import Discovery, Era, Exchange, Http, InitializeResult, McpSession, Registration, ToolListing
from .facts import ShapeGuess, guess_shape
from .model import DoctorOptions, Status, StepResult, step


@dataclass(frozen=True, slots=True)
class Out:
    """Builds the result of one step."""

    code: str
    title: str

    def __call__(
        self,
        status: Status,
        summary: str,
        *,
        details: tuple[str, ...] | list[str] = (),
        causes: tuple[str, ...] | list[str] = (),
        evidence: tuple[Exchange, ...] | list[Exchange] = (),
    ) -> StepResult:
        return step(self.code, self.title, status, summary, details=details, causes=causes, evidence=evidence)

    def passed(self, summary: str, **kw: Any) -> StepResult:
        return self("passed", summary, **kw)

    def failed(self, summary: str, **kw: Any) -> StepResult:
        return self("failed", summary, **kw)

    def warning(self, summary: str, **kw: Any) -> StepResult:
        return self("warning", summary, **kw)

    def skipped(self, summary: str, **kw: Any) -> StepResult:
        return self("skipped", summary, **kw)


class Run:
    """What the steps of one run share; filled in as they go."""

    def __init__(self, options: DoctorOptions, http: Http) -> None:
        self.options = options
        self.http = http
        self.results: dict[str, StepResult] = {}
        self.discovery: Discovery | None = None  # its typed facts: legacy, fallback, registration_methods
        self.registration: Registration | None = None  # --try-register's answer (DOC-AUTH-006)
        self.session: McpSession | None = None
        self.init: InitializeResult | None = None  # server/discover's or initialize's answer
        # The protocol eras the server answered (DOC-MCP-001), modern first; () when untested.
        self.eras: tuple[Era, ...] = ()
        self.tools: ToolListing | None = None

    def status(self, code: str) -> Status | None:
        r = self.results.get(code)
        return r.status if r else None

    @property
    def shape(self) -> ShapeGuess | None:
        creds = self.options.credentials
        if creds.secret is None:
            return None
        return guess_shape(creds.secret.get_secret_value(), creds.scheme)

    @property
    def credential_kind(self) -> str:
        """none | api_token | service_account_key | oauth: what the server will take it for."""
        creds = self.options.credentials
        if creds.scheme == "none":
            return "none"
        if creds.scheme == "basic":
            return "api_token"
        shape = self.shape
        return shape.kind if shape and shape.kind != "unknown" else "oauth"

    @property
    def uses_oauth(self) -> bool:
        """Whether the OAuth discovery chain matters to this credential."""
        return self.credential_kind in ("none", "oauth")

    @property
    def discovery_failure(self) -> Status:
        # API-token connections never use the OAuth chain: its faults are worth a warning only.
        return "failed" if self.uses_oauth else "warning"

    @property
    def endpoint_ok(self) -> bool:
        return self.status("DOC-ENDPOINT-002") == "passed" and self.status("DOC-ENDPOINT-003") != "failed"

    @property
    def path(self) -> str:
        return urlsplit(self.options.url).path
