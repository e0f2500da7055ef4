"""The dated facts the audit relies on (controls, permission groups), validated when read.

Read lazily and cached: nothing happens at import time, and a bad data file fails with a
clear message the first time it is needed (and in the test suite, which loads them all).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from .model.common import PRODUCTS, Severity
from .model.results import Remediation

Area = Literal["domains", "auth", "scopes", "permissions", "ip_allowlist", "evidence"]
AREAS: tuple[str, ...] = ("domains", "auth", "scopes", "permissions", "ip_allowlist", "evidence")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RemediationTemplate(_Data):
    summary: str
    steps: tuple[str, ...]
    links: tuple[str, ...]


class ControlSpec(_Data):
    area: Area
    severity: Severity
    title: str
    risk: str
    remediation: RemediationTemplate


class ControlCatalog(_Data):
    as_of: dt.date
    source: str
    menu: dict[str, str]
    links: dict[str, str]
    controls: dict[str, ControlSpec]

    @field_validator("controls")
    @classmethod
    def _ids(cls, v: dict[str, ControlSpec]) -> dict[str, ControlSpec]:
        for key in v:
            if not re.fullmatch(r"RMCP-[A-Z]+-\d{3}", key):
                raise ValueError(f"bad control id {key!r}")
        return v

    def link(self, name: str) -> str:
        return self.links[name]


class ProductSpec(_Data):
    title: str
    groups: tuple[str, ...]
    requires: Literal["api_token", "oauth"] | None = None


class PermissionCatalog(_Data):
    as_of: dt.date
    source: str
    source_url: str
    products: dict[str, ProductSpec]

    @field_validator("products")
    @classmethod
    def _known(cls, v: dict[str, ProductSpec]) -> dict[str, ProductSpec]:
        unknown = set(v) - set(PRODUCTS)
        if unknown:
            raise ValueError(f"unknown products {sorted(unknown)}")
        return v


def read_data(name: str) -> Any:
    """A YAML data file shipped in `auditor/data/`."""
    return yaml.safe_load(resources.files("auditor.data").joinpath(name).read_text(encoding="utf-8"))


@cache
def controls() -> ControlCatalog:
    catalog = ControlCatalog.model_validate(read_data("controls.yaml"))
    for cid, spec in catalog.controls.items():
        for link in spec.remediation.links:
            if link not in catalog.links:
                raise ValueError(f"controls.yaml: {cid} names unknown link {link!r}")
    return catalog


@cache
def permission_groups() -> PermissionCatalog:
    return PermissionCatalog.model_validate(read_data("permission_groups.yaml"))


class _Fields(dict[str, object]):
    """str.format_map source: `{menu.x}` resolves through the catalog; missing keys stay visible."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _Menu:
    def __init__(self, menu: dict[str, str]) -> None:
        self._menu = menu

    def __getattr__(self, name: str) -> str:
        return self._menu[name]


class LazyRemediation:
    """A finding's remediation, rendered from its control's template when first read.

    Evaluation creates one per finding (passes included); most are never read on a large
    estate except by the output that needs them, so rendering waits until then.
    """

    __slots__ = ("_args", "_rendered")

    def __init__(
        self, control: str, value: str | None, action: str | None, fields: tuple[tuple[str, str], ...]
    ) -> None:
        self._args = (control, value, action, fields)
        self._rendered: Remediation | None = None

    def get(self) -> Remediation:
        if self._rendered is None:
            control, value, action, fields = self._args
            self._rendered = render_remediation(control, value=value, action=action, **dict(fields))
        return self._rendered

    @property
    def summary(self) -> str:
        return self.get().summary

    @property
    def steps(self) -> tuple[str, ...]:
        return self.get().steps

    @property
    def links(self) -> tuple[str, ...]:
        return self.get().links

    @property
    def value(self) -> str | None:
        return self._args[1]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRemediation):
            return self._args == other._args
        return self.get() == other

    def __hash__(self) -> int:
        # As the rendered Remediation's, since equal to it: rendering on hash is rare.
        return hash(self.get())

    def __repr__(self) -> str:
        return repr(self.get())


@lru_cache(maxsize=65536)
def render_remediation(control: str, *, value: str | None, action: str | None = None, **fields: str) -> Remediation:
    """Fill a control's remediation template for one finding."""
    catalog = controls()
    spec = catalog.controls[control]
    data = _Fields(value=f"`{value}`" if value else "it", menu=_Menu(catalog.menu), **fields)
    if action:
        data["action"] = action
        data["action_lower"] = action.lower()
    summary = spec.remediation.summary.format_map(data)
    steps = tuple(step.format_map(data) for step in spec.remediation.steps)
    links = tuple(catalog.link(name) for name in spec.remediation.links)
    return Remediation(summary, steps, links, value, action)
