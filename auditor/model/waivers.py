"""`kind: Waivers`: accepted exceptions, each with a reason, an approver and an expiry."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, field_validator

from .common import API_VERSION, Strict, expiry_date


class Waiver(Strict):
    control: str = Field(pattern=r"^RMCP-[A-Z]+-\d{3}$")
    subject: str | None = None
    org: str | None = None
    reason: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    # Kept as written: FORMATS.md says an unparsable date waives nothing (it is not an
    # input error), so the raw value must survive loading.
    expires: Any

    @field_validator("reason", "approved_by")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v

    @property
    def expiry(self) -> dt.date | None:
        """The expiry date, or None when it cannot be read as a date."""
        return expiry_date(self.expires)

    @property
    def expires_text(self) -> str:
        v = self.expires
        return v.isoformat() if isinstance(v, dt.date) else str(v)


class Waivers(Strict):
    apiVersion: Literal["rovo-audit/v1"] = API_VERSION
    kind: Literal["Waivers"]
    waivers: tuple[Waiver, ...] = ()
