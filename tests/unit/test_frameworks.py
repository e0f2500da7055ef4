"""frameworks.yaml is validated when read, and the roll-up is worst-status, never pass unseen."""

from __future__ import annotations

import pytest

from auditor import catalog
from auditor.catalog import FrameworkCatalog, controls, frameworks
from auditor.evaluate import frameworks as fw
from auditor.model.results import EvidenceRef, Finding


def _finding(control: str, status: str, org: str = "o1", subject: str | None = None) -> Finding:
    return Finding(
        control, status, "high", org, None, subject, "t", "e", "a", EvidenceRef("observed", None), None, None, "x"
    )  # type: ignore[arg-type]


def test_every_control_is_mapped_with_a_reason_and_known_ids() -> None:
    data = frameworks()
    assert set(data.mappings) == set(controls().controls)
    for cid in data.mappings:
        assert data.why(cid).strip()
        assert data.of(cid), cid  # at least one framework
    assert set(data.frameworks) == {"nist-800-53", "iso-27001", "cis-v8.1", "soc2", "owasp-mcp-top10"}
    assert all(f.source.startswith("https://") for f in data.frameworks.values())


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d["mappings"]["RMCP-DOM-001"].update({"nist-800-53": ["ZZ-9"]}), "not in nist-800-53"),
        (lambda d: d["mappings"].pop("RMCP-IP-001"), "without a mapping"),
        (lambda d: d["mappings"]["RMCP-DOM-001"].update({"why": " "}), "no `why`"),
        (lambda d: d["mappings"]["RMCP-DOM-001"].update({"pci": ["1"]}), "unknown framework"),
        (lambda d: d["frameworks"]["soc2"]["requirements"].update({"CC1.1": "x"}), "no control maps to"),
    ],
)
def test_a_broken_mapping_fails_when_read(monkeypatch: pytest.MonkeyPatch, edit, message: str) -> None:
    import copy

    raw = copy.deepcopy(catalog.read_data("frameworks.yaml"))
    edit(raw)
    real = catalog.read_data
    monkeypatch.setattr(catalog, "read_data", lambda name: raw if name == "frameworks.yaml" else real(name))
    frameworks.cache_clear()
    try:
        with pytest.raises(ValueError, match=message):
            frameworks()
    finally:
        frameworks.cache_clear()


def test_rollup_takes_the_worst_status_and_lists_what_blocks() -> None:
    data = frameworks()
    # SC-7 is behind RMCP-DOM-002, DOM-004 and the IP controls.
    findings = [
        _finding("RMCP-IP-001", "pass"),
        _finding("RMCP-DOM-004", "unknown", org="o2"),
        _finding("RMCP-DOM-002", "fail", subject="https://x.example"),
        _finding("RMCP-DOM-002", "waived", subject="https://y.example"),
    ]
    (nist,) = fw.rollup(findings, only=("nist-800-53",))
    sc7 = next(r for r in nist.requirements if r.id == "SC-7")
    assert sc7.status == "fail"
    assert dict(sc7.counts) == {"fail": 1, "unknown": 1, "waived": 1, "pass": 1}
    assert sc7.blocking == (("o1", "RMCP-DOM-002", "https://x.example"), ("o2", "RMCP-DOM-004", None))
    assert sc7.blocked == 2
    # `behind` names the first n in order and still counts them all; 0 names none
    (few,) = fw.rollup(findings, only=("nist-800-53",), behind=1)
    first = next(r for r in few.requirements if r.id == "SC-7")
    assert first.blocking == (("o1", "RMCP-DOM-002", "https://x.example"),) and first.blocked == 2
    (none,) = fw.rollup(findings, only=("nist-800-53",), behind=0)
    assert all(r.blocking == () for r in none.requirements)
    assert next(r for r in none.requirements if r.id == "SC-7").status == "fail"
    assert next(r for r in none.requirements if r.id == "SC-7").blocked == 2  # counted though none is named
    assert set(sc7.controls) >= {"RMCP-DOM-002", "RMCP-DOM-004", "RMCP-IP-001"}
    # A requirement whose controls produced no finding is not assessed, never pass.
    ca7 = next(r for r in nist.requirements if r.id == "CA-7")
    assert ca7.status == "not assessed" and ca7.counts == ()
    assert [f.id for f in fw.rollup([])] == list(data.frameworks)
    assert all(r.status == "not assessed" for f in fw.rollup([]) for r in f.requirements)


def test_only_passes_roll_up_to_pass() -> None:
    (iso,) = fw.rollup([_finding("RMCP-IP-001", "pass")], only=("iso-27001",))
    net = next(r for r in iso.requirements if r.id == "8.20")
    assert net.status == "pass" and net.blocking == ()
    assert isinstance(frameworks(), FrameworkCatalog)
