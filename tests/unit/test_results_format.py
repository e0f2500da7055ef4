"""results.json's lean shape (docs/FORMATS-EXTENSIONS.md A.2) and its writer: the fast lines are
the general path's bytes, one C encoder writes the file, streaming gives what render gives,
and the reader gives back every finding whole."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.atomic import write_set
from auditor.errors import InputError
from auditor.load.results import fill, read_text, templated
from auditor.model.results import AppliedWaiver, EvidenceRef, Finding, Remediation, Results, complete_orgs
from auditor.report import json_format
from auditor.report.interface import ReportContext
from tests.estate import AS_OF, make_estate
from tests.results_doc import whole

T0 = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Results:
    from auditor.evaluate.engine import evaluate
    from auditor.load.documents import load_text

    policy, settings_text = make_estate(8, 30, seed=7)
    as_of = dt.datetime.fromisoformat(AS_OF.replace("Z", "+00:00"))
    return evaluate(
        (load_text(policy, "p.yaml", expect="Policy"),),
        load_text(settings_text, "s.yaml", expect="OrgSettings"),
        (),
        as_of=as_of,
        generated_at=None,
    )


def _general(results: Results) -> list[str]:
    """Each finding's line by the general path: its dict through the one encoder."""
    table, forms = json_format._controls(results.findings)
    it = iter(forms)
    return [
        json_format.encode(json_format.finding_dict(f, table[f.control], None if f.remediation is None else next(it)))
        for f in results.findings
    ]


def _fast(results: Results) -> list[str]:
    table, forms = json_format._controls(results.findings)
    return [line for batch in json_format._findings(results, table, forms) for line in batch]


def test_the_fast_lines_are_the_general_paths_bytes_on_an_estate(estate: Results) -> None:
    assert len(estate.findings) > 900 and {f.status for f in estate.findings} >= {"pass", "fail", "warn", "unknown"}
    assert _fast(estate) == _general(estate)
    for line in _fast(estate):  # and the general path is plain JSON of the documented shape
        json.loads(line)


text = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(["", "{value}", "`", '"\\\n\u2028'])
opt = st.none() | text


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    status = draw(st.sampled_from(["pass", "fail", "warn", "unknown", "waived"]))
    value = draw(opt)
    rem = None
    if status != "pass":
        steps = tuple(draw(st.lists(text.map(lambda s: s + "{value}") | text, max_size=3)))
        rem = Remediation(draw(text), steps, tuple(draw(st.lists(text, max_size=2))), value, None, None)
    waiver = AppliedWaiver(draw(text), draw(text), "2027-01-01", "w.yaml:3") if draw(st.booleans()) else None
    return Finding(
        control=draw(st.sampled_from(["RMCP-DOM-001", "RMCP-IP-002"])),
        status=status,  # type: ignore[arg-type]
        severity="high",
        org=draw(st.sampled_from(["o1", "o2"])),
        org_name=draw(opt),
        subject=draw(opt),
        title=draw(st.sampled_from(["A title", "Another title"])),
        expected=draw(text),
        actual=draw(text),
        evidence=EvidenceRef(
            draw(st.sampled_from([None, "file", "attested"])),
            draw(st.sampled_from([None, T0])),
            draw(st.none() | text.filter(bool)),
        ),
        policy_ref=draw(opt),
        remediation=rem,
        area=draw(st.sampled_from(["domains", "ip_allowlist", ""])),
        original_status="fail" if status == "waived" else None,
        waiver=waiver,
    )


def _results(fs: list[Finding]) -> Results:
    fs = sorted(fs, key=lambda f: f.sort_key)
    return Results(T0, T0, (), tuple(fs), orgs=complete_orgs((), fs), summary=Results.count(fs))


@settings(max_examples=200, deadline=None)
@given(st.lists(findings(), max_size=8))
def test_fast_lines_and_read_back_agree_with_the_general_path(fs: list[Finding]) -> None:
    results = _results(fs)
    assert _fast(results) == _general(results)
    out = json_format.JsonFormat().render(results, ReportContext())
    back = read_text(out, "r.json")
    # the reader gives each finding back whole, and its file is the same bytes again
    assert back.findings == tuple(dataclasses_free(f) for f in results.findings)
    assert json_format.JsonFormat().render(back, ReportContext()) == out


def dataclasses_free(f: Finding) -> Finding:
    """A finding as the reader rebuilds it: a Remediation without `action` (never written)."""
    r = f.remediation
    if r is None:
        return f
    return f._replace(remediation=Remediation(r.summary, tuple(r.steps), tuple(r.links), r.value, None, r.collect))


def test_a_step_that_says_value_itself_is_written_out() -> None:
    rem = Remediation("Fix it", ("Type {value} into the box for `x`.",), ("https://example.com",), "x")
    f = Finding("RMCP-DOM-001", "fail", "high", "o", None, "s", "T", "e", "a", EvidenceRef(None, None), None, rem, "d")
    doc = json.loads(json_format.JsonFormat().render(_results([f]), ReportContext()))
    (line,) = doc["findings"]
    assert (
        line["remediation"]["steps"] == ["Type {value} into the box for `x`."] and "template" not in line["remediation"]
    )
    assert read_text(json.dumps(doc), "r.json").findings[0].remediation == rem


def test_passes_carry_no_per_control_text_and_failures_a_template(estate: Results) -> None:
    doc = json.loads(json_format.JsonFormat().render(estate, ReportContext()))
    assert set(doc["controls"]) == {f.control for f in estate.findings}
    for f in doc["findings"]:
        assert "title" not in f and "area" not in f
        if f["status"] == "pass":
            assert "remediation" not in f
        else:
            assert set(f["remediation"]) <= {"summary", "value", "collect", "template"}
    # the documented rule alone (tests/results_doc.py) gives back each finding's own text
    for line, f in zip(whole(doc), estate.findings, strict=True):
        assert (line["title"], line["area"]) == (f.title, f.area)
        if f.remediation is not None:
            assert (line["remediation"]["steps"], line["remediation"]["links"]) == (
                list(f.remediation.steps),
                list(f.remediation.links),
            )


def test_one_c_encoder_writes_the_file(estate: Results, monkeypatch: pytest.MonkeyPatch) -> None:
    import json.encoder

    assert json_format.C_ENCODER

    def python_encoder(*args: object, **kw: object) -> None:
        raise AssertionError("the pure-Python encoder was used")

    monkeypatch.setattr(json.encoder, "_make_iterencode", python_encoder)
    made: list[object] = []
    real = json.encoder.c_make_encoder  # type: ignore[attr-defined]
    monkeypatch.setattr(json.encoder, "c_make_encoder", lambda *a: made.append(a) or real(*a))
    assert json_format.JsonFormat().render(estate, ReportContext())
    assert made == []  # built once, at import, and reused


def test_streamed_in_small_chunks_is_what_render_gives_and_deterministic(estate: Results) -> None:
    rendered = json_format.JsonFormat().render(estate, ReportContext())
    for chunk in (1, 4096):
        buf = io.BytesIO()
        json_format.stream(estate, buf, chunk=chunk)
        assert buf.getvalue() == rendered.encode("utf-8")
    assert json_format.JsonFormat().render(estate, ReportContext()) == rendered


def test_a_writer_that_fails_leaves_the_set_as_it_was(tmp_path: Path) -> None:
    write_set(tmp_path, {"a.txt": "old a", "results.json": "old"})

    def broken(fh: object) -> None:
        fh.write(b'{"half": ')  # type: ignore[attr-defined]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_set(tmp_path, {"a.txt": "new a", "results.json": broken})
    assert (tmp_path / "a.txt").read_text() == "old a" and (tmp_path / "results.json").read_text() == "old"
    assert not list((tmp_path / ".rovo-audit").glob("staging-*"))
    write_set(tmp_path, {"results.json": lambda fh: fh.write(b"streamed")})
    assert (tmp_path / "results.json").read_bytes() == b"streamed"
    manifest = json.loads((tmp_path / ".rovo-audit" / "outputs.json").read_text())
    import hashlib

    assert manifest["files"] == {"results.json": hashlib.sha256(b"streamed").hexdigest()}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["controls"]["RMCP-DOM-001"].update(remediation=[]), "has no remediation template 0"),
        (lambda d: d["controls"].pop("RMCP-DOM-001"), "missing key 'title'"),
        (lambda d: d["controls"]["RMCP-DOM-001"].update(title=7), "title: expected a string"),
    ],
)
def test_a_broken_controls_table_is_a_located_input_error(edit, message) -> None:  # type: ignore[no-untyped-def]
    rem = Remediation("Add it", ("Add `x`.",), (), "x")
    f = Finding("RMCP-DOM-001", "fail", "high", "o", None, "x", "T", "e", "a", EvidenceRef(None, None), None, rem, "d")
    doc = json.loads(json_format.JsonFormat().render(_results([f]), ReportContext()))
    edit(doc)
    with pytest.raises(InputError) as e:
        read_text(json.dumps(doc, indent=1), "r.json")
    where, line = str(e.value).split(":")[:2]
    assert message in str(e.value) and where == "r.json" and int(line) > 1  # at the broken value


def test_data_files_read_through_libyaml_are_what_the_python_parser_gives() -> None:
    """catalog.read_data parses with libyaml (13x faster at start-up): the same data."""
    from importlib import resources

    import yaml

    from auditor.catalog import read_data

    names = [p.name for p in resources.files("auditor.data").iterdir() if p.name.endswith(".yaml")]
    assert len(names) >= 10 and hasattr(yaml, "CSafeLoader")
    for name in names:
        text = resources.files("auditor.data").joinpath(name).read_text(encoding="utf-8")
        assert read_data(name) == yaml.safe_load(text), name


def test_the_line_by_line_read_is_the_whole_file_read(estate: Results) -> None:
    from auditor.load.results import _by_lines, results_from_dict

    text = json_format.JsonFormat().render(estate, ReportContext())
    by_lines = _by_lines(text)
    assert by_lines is not None and by_lines == results_from_dict(json.loads(text)) == read_text(text, "r.json")
    # any other layout is read whole: compact, re-indented, a comma moved, a second "findings"
    doc = json.loads(text)
    moved = text.replace("},\n    {", "}\n    ,{", 1)
    for other in (
        json.dumps(doc),
        json.dumps(doc, indent=4),
        moved,
        text.replace('\n  "settings": ', '\n  "findings": [],\n  "settings": '),
        text.replace('\n  "settings": {', '\n  "settings": {"x": 1, "x": 2, '),
        text.replace('\n  "orgs": [', '\n  "orgs": [], "findings": [], "z": ['),
    ):
        assert _by_lines(other) is None
    assert read_text(json.dumps(doc), "r.json") == by_lines == read_text(moved, "r.json")
    # a bad value on a finding's line is an error at that line, as the whole-file read says it
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if '"status": "fail"' in line)
    lines[i] = lines[i].replace('"status": "fail"', '"status": 7', 1)
    with pytest.raises(InputError) as e:
        read_text("\n".join(lines), "r.json")
    assert str(e.value).startswith(f"r.json:{i + 1}:") and "status: expected a string" in str(e.value)


_PIECES = st.sampled_from(["{value}", "`", "{", "}", "value", "x", " ", "`x`", "{val", "ue}"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_PIECES).map("".join), max_size=3), st.lists(_PIECES, max_size=3).map("".join))
def test_templated_is_what_fill_turns_back_into_the_steps(steps: list[str], value: str) -> None:
    """The shortcut (no `{value}` in the steps: no check) gives what the definition does."""
    got = templated(tuple(steps), value)
    if not value:
        assert got == tuple(steps)
        return
    out = tuple(s.replace(f"`{value}`", "{value}") for s in steps)
    assert got == (out if fill(out, value) == tuple(steps) else None)
