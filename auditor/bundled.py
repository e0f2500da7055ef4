"""Files that ship inside the package: the bundled policies and the demo org."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable

POLICY_PACKAGE = "auditor.policies"  # the top-level policies/ folder, mapped in pyproject.toml


def policy_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".yaml") for p in resources.files(POLICY_PACKAGE).iterdir() if p.name.endswith(".yaml")
    )


def policy_file(name: str) -> Traversable:
    return resources.files(POLICY_PACKAGE).joinpath(f"{name.removesuffix('.yaml')}.yaml")


def demo_settings() -> Traversable:
    return resources.files("auditor.data").joinpath("demo-org.settings.yaml")
