"""report.html's cards are written in Python (auditor/report/html_card.py): each one is the
bytes the `card` macro of templates/_card.html.j2 writes for it, over reports that reach
every branch (waivers applied, soon to lapse and lapsed, an unreadable expiry, evidence
attested, not collected and dated after the run, one finding or many, advice alike or not)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
import yaml

from auditor import pipeline
from auditor.catalog import frameworks
from auditor.evaluate.engine import evaluate
from auditor.model.results import EvidenceRef, Finding
from auditor.plan import make_plan
from auditor.report import html as html_format
from auditor.report import html_card, html_view
from auditor.report.frameworks import mapping_line
from auditor.report.templating import environment
from tests.conftest import EXAMPLE
from tests.estate import make_estate

WAIVERS = [
    {"control": "RMCP-DOM-004", "subject": "https://*.vercel.app/**", "reason": "Preview <deploys> & co"},
    {"control": "RMCP-AUTH-001", "reason": "Rolling out tokens"},
    {"control": "RMCP-DOM-005", "reason": "Lapsed", "expires": "2026-01-31"},
    {"control": "RMCP-DOM-002", "reason": "Unreadable", "expires": "soon"},
    {"control": "RMCP-DOM-003", "reason": "Lapsed for one org", "expires": "2026-02-01", "org": "org-001"},
    {"control": "RMCP-SCOPE-002", "reason": "Today", "expires": "2026-11-26"},
    {"control": "RMCP-PERM-002", "reason": "Tomorrow", "expires": "2026-11-27"},
]


def _files(tmp_path: Path, name: str, policy: str, settings: str) -> tuple[Path, Path, Path]:
    folder = tmp_path / name
    folder.mkdir()
    waivers = [{"approved_by": "ciso@example.com", "expires": "2026-12-20", **w} for w in WAIVERS]
    doc = {"apiVersion": "rovo-audit/v1", "kind": "Waivers", "waivers": waivers}
    for file, text in (("p.yaml", policy), ("s.yaml", settings), ("w.yaml", yaml.safe_dump(doc))):
        (folder / file).write_text(text, encoding="utf-8")
    return folder / "p.yaml", folder / "s.yaml", folder / "w.yaml"


def _cases(tmp_path: Path) -> list[tuple[str, Path, Path, Path, dt.datetime]]:
    example = (EXAMPLE / "custom-webapp.policy.yaml").read_text(), (EXAMPLE / "example-corp.settings.yaml").read_text()
    as_of = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    return [
        ("example", *_files(tmp_path, "example", *example), as_of),
        ("example-before-its-evidence", *_files(tmp_path, "early", *example), dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        ("estate", *_files(tmp_path, "estate", *make_estate(6, 40, seed=7, ip_ranges=5)), as_of),
        ("estate-11", *_files(tmp_path, "estate11", *make_estate(4, 12, seed=11)), as_of),
    ]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, html_view.View, dict, dict]]:
    out = []
    for name, policy, settings, waivers, as_of in _cases(tmp_path_factory.mktemp("cards")):
        inputs = pipeline.AuditInputs.from_paths([str(policy)], str(settings), [str(waivers)])
        results = evaluate(inputs.policies, inputs.settings, inputs.waivers, as_of=as_of, generated_at=as_of)
        view = html_view.build(results)
        plan = html_format.plan_view(make_plan(inputs.policies, inputs.settings, inputs.waivers, as_of=as_of))
        step_of = plan.step_of if plan else {}
        fw_of = {cid: mapping_line(cid) for cid in sorted({*frameworks().mappings, *(c for c, *_ in view.controls)})}
        out.append((name, view, step_of, fw_of))
    return out


def test_every_card_is_the_macros_bytes(cases):
    seen: Counter[str] = Counter()
    for name, view, step_of, fw_of in cases:
        macros = (
            environment().get_template("_card.html.j2").make_module({"step_of": step_of, "v": view, "fw_of": fw_of})
        )
        # The page's own path: every card of the view, its ticks and escapes shared across cards.
        page = html_card.cards(view, step_of, fw_of)
        for o in view.orgs:
            for g in (*o.todo, *o.waived):
                if not isinstance(g, html_view.ControlCard):
                    continue
                assert html_card.card(g, step_of, view.same_steps, fw_of) == str(macros.card(g)), (name, g.k)
                assert page.pop(g.k) == str(macros.card(g)), (name, g.k)
                seen["one" if g.one else "many"] += 1
                seen["alike" if g.one or g.alike else "not alike"] += 1
                seen["same steps" if g.k in view.same_steps else "own steps"] += 1
                seen["step"] += bool(step_of.get((g.f.org, g.f.control, g.f.subject)))
                seen["snippet"] += g.snippet is not None
                for c in g.items:
                    f = c.f
                    seen["waived"] += f.waiver is not None
                    seen["soon"] += c.waiver_soon
                    if c.waiver_days is not None:
                        seen[f"days {min(max(c.waiver_days, -1), 2)}"] += 1
                    if c.expired_waiver is not None:
                        seen[f"lapsed {c.expired_waiver.why}"] += 1
                    seen["after as-of"] += c.after_as_of
                    seen[f"evidence {html_view.evidence_kind(f.evidence.source)}"] += 1
                    seen["attested by"] += f.evidence.by is not None
        assert page == {}, name  # no card but the view's
    # Every branch of the macro was taken at least once.
    want = ["one", "many", "alike", "not alike", "same steps", "own steps", "step", "snippet", "waived", "soon"]
    want += ["days 0", "days 1", "days 2", "lapsed expired", "lapsed unparsable-expiry", "after as-of"]
    want += ["evidence observed", "evidence attested", "attested by"]  # not collected: below
    assert [w for w in want if not seen[w]] == [], seen


@pytest.mark.parametrize("source", [None, "admin-api", "mcp-probe", "attested", "file", "<odd & source>"])
@pytest.mark.parametrize("by", [None, "", "admin@corp.example"])
@pytest.mark.parametrize("at", [None, dt.datetime(2026, 11, 17, 9, 30, tzinfo=dt.UTC)])
@pytest.mark.parametrize(("age", "after"), [(None, False), (1.0, False), (8.5, False), (None, True)])
def test_every_evidence_line_is_the_macros_bytes(source, by, at, age, after):
    f = Finding(
        "RMCP-DOM-002",
        "fail",
        "high",
        "o",
        None,
        "x",
        "t",
        "e",
        "a",
        EvidenceRef(source, at, by),
        None,
        None,
        "domains",
    )
    card = html_view.Card(0, f, age, None, False, None, after)
    macros = environment().get_template("_card.html.j2").make_module({"step_of": {}, "v": None, "fw_of": {}})
    assert html_card._evidence(card) == str(macros.evidence(f.evidence, age, after))


def test_a_markup_is_not_taken_for_an_equal_str_already_escaped():
    from markupsafe import Markup

    esc = html_card.Escaped()
    assert esc.of("<b>&") == "&lt;b&gt;&amp;"
    assert esc.of(Markup("<b>&")) == "<b>&"  # as escape() leaves it, though equal to the str held
    assert esc.of(3) == "3"
