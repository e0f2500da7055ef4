"""`doctor --as-of` against the same server gives byte-identical doctor.json and doctor.html."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.servers.rovo_sim import SCENARIOS, SIM_API_TOKEN, SIM_EMAIL, running_sim


@pytest.mark.parametrize("scenario", ["healthy", *[s for s in SCENARIOS if s != "healthy"][:3]])
def test_same_server_same_as_of_same_bytes(tmp_path: Path, scenario: str) -> None:
    with running_sim(SCENARIOS[scenario]) as sim:
        for name in ("a", "b"):
            r = run_cli("doctor", "--url", f"{sim}/v1/mcp", "--email", SIM_EMAIL, "--api-token", SIM_API_TOKEN,
                        "--as-of", "2026-11-26T10:00:00Z", "--out", tmp_path / name, "-q")  # fmt: skip
            assert r.code in (0, 1), r.err
    for f in ("doctor.json", "doctor.html"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
