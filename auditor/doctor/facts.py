"""The dated facts the doctor reads: credential shapes and endpoint paths. (Tool groups come
from tool_groups.yaml through `auditor.collect.mcp_probe.tool_groups`, shared with collect.)"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..catalog import read_data


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- credential shapes (credential_shapes.yaml) ---------------------------------------------


class Shape(_Data):
    id: str
    kind: Literal["api_token", "oauth", "service_account_key"]
    pattern: str
    scheme: Literal["basic", "bearer"]
    title: str
    legacy: bool = False


class BearerDefault(_Data):
    kind: Literal["service_account_key", "oauth"]
    title: str


class Shapes(_Data):
    as_of: dt.date
    source: str
    shapes: tuple[Shape, ...]
    bearer_default: BearerDefault
    service_account_email_suffix: str


@cache
def shapes() -> Shapes:
    data = Shapes.model_validate(read_data("credential_shapes.yaml"))
    for s in data.shapes:
        re.compile(s.pattern)  # a bad pattern fails here, not at a user's first run
    return data


@dataclass(frozen=True, slots=True)
class ShapeGuess:
    id: str | None  # None: recognised by no shape
    kind: str  # api_token | oauth | service_account_key | unknown
    scheme: str | None  # the scheme this kind of secret must be sent with
    title: str
    legacy: bool = False


def guess_shape(secret: str, sent_as: str) -> ShapeGuess:
    data = shapes()
    for s in data.shapes:
        if re.fullmatch(s.pattern, secret):
            return ShapeGuess(s.id, s.kind, s.scheme, s.title, s.legacy)
    if sent_as == "bearer":
        return ShapeGuess(None, data.bearer_default.kind, "bearer", data.bearer_default.title)
    return ShapeGuess(None, "unknown", None, "a secret of no recognised shape")


# -- endpoints (mcp_endpoints.yaml) ---------------------------------------------------------


class Endpoint(_Data):
    path: str
    status: Literal["recommended", "supported", "deprecated"]
    scopes: Literal["agent-interface", "classic-granular"] | None = None
    unsupported_after: dt.date | None = None
    replacement: str | None = None
    note: str | None = None


class Endpoints(_Data):
    as_of: dt.date
    source: str
    source_url: str
    recommended: str
    endpoints: tuple[Endpoint, ...]

    def find(self, path: str) -> Endpoint | None:
        path = path.rstrip("/") or "/"
        return next((e for e in self.endpoints if e.path == path), None)


@cache
def endpoints() -> Endpoints:
    return Endpoints.model_validate(read_data("mcp_endpoints.yaml"))


READ_VERBS = ("read", "search")


def is_read_group(group: str) -> bool:
    """`read`, `search`, `read_teamwork_graph`, `search_atlassian`: groups whose tools only read."""
    return group.split("_", 1)[0] in READ_VERBS
