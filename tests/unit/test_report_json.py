"""results.json's fast finding encoder must write exactly what the reference path writes."""

from __future__ import annotations

import datetime as dt
import json

from auditor.evaluate.engine import evaluate
from auditor.load.documents import load_text
from auditor.report.json_format import JsonFormat, dumps_results, results_dict
from tests.estate import make_estate

AS_OF = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)


def test_fast_encoder_is_byte_identical_to_the_reference() -> None:
    policy_text, settings_text = make_estate(orgs=5, entries_per_org=30, seed=11)
    settings = load_text(settings_text, "s.yaml")
    first = settings.model.orgs[0].id
    waivers = load_text(
        "apiVersion: rovo-audit/v1\nkind: Waivers\nwaivers:\n"
        f"  - {{control: RMCP-DOM-003, org: {first!r}, reason: \"known \\u00e9 \\\"quoted\\\"\", approved_by: a@b.c, expires: 2027-01-01}}\n",
        "w.yaml")
    results = evaluate([load_text(policy_text, "p.yaml")], settings, [waivers], as_of=AS_OF)
    statuses = {f.status for f in results.findings}
    assert {"pass", "fail", "waived"} <= statuses
    assert any(f.evidence.by for f in results.findings)  # the estate has attested sections
    fast = JsonFormat().render(results, None)  # type: ignore[arg-type]
    assert fast == dumps_results(results_dict(results))
    assert json.loads(fast)["findings"][0]["control"] == results.findings[0].control
