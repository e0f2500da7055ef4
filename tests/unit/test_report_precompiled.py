"""The templates compiled ahead of time (auditor/report/precompiled.py): the shipped modules are
those the templates compile to now, each is used, anything that differs falls back to compiling
from the source, and either way the pages are the same bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
import pytest

from auditor import pipeline
from auditor.evaluate.engine import evaluate
from auditor.plan import make_plan
from auditor.report import html as html_format
from auditor.report import precompiled, templating
from auditor.report.interface import ReportContext
from tests.estate import make_estate

AS_OF = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)


def test_the_shipped_modules_are_what_the_templates_compile_to_now():
    want = precompiled.generate(templating.make_environment())
    shipped = {p.name: p.read_text(encoding="utf-8") for p in precompiled.FOLDER.iterdir() if p.is_file()}
    stale = sorted(name for name in want.keys() | shipped.keys() if want.get(name) != shipped.get(name))
    assert not stale, f"stale compiled templates {stale}: run `python -m auditor.report.precompiled`"
    assert set(precompiled.manifest()["templates"]) == set(templating.environment().list_templates())


def test_each_template_is_taken_from_its_module():
    env = templating.make_environment()
    for name in env.list_templates():
        source, filename, _ = env.loader.get_source(env, name)
        code = precompiled.code(env, name, source, filename)
        assert code is not None, name
        assert code.co_filename == filename  # tracebacks name the template, as when compiled here
    compiled: list[str] = []
    env.compile = lambda *a, **k: compiled.append(a[1])  # type: ignore[method-assign]
    for name in env.list_templates():
        assert env.get_template(name).filename == env.loader.get_source(env, name)[1]
    assert compiled == []  # nothing compiled here


def _manifest(**change: Any) -> dict[str, Any]:
    doc = dict(precompiled.manifest() or {})
    doc.update(change)
    return doc


@pytest.mark.parametrize(
    "change",
    [
        {"templates": {**_manifest()["templates"], "report.html.j2": "0" * 64}},  # a developer edited it
        {"versions": {"jinja2": "0.0", "markupsafe": "0.0"}},  # another jinja2 installed
        {"environment": "0" * 64},  # the environment set up otherwise
    ],
    ids=["template", "versions", "environment"],
)
def test_anything_that_differs_is_compiled_from_the_source(monkeypatch: pytest.MonkeyPatch, change: dict[str, Any]):
    doc = _manifest(**change)
    monkeypatch.setattr(precompiled, "manifest", lambda: doc)
    env = templating.make_environment()
    source, filename, _ = env.loader.get_source(env, "report.html.j2")
    assert precompiled.code(env, "report.html.j2", source, filename) is None
    compiled: list[str] = []
    compile_here = env.compile
    monkeypatch.setattr(
        env, "compile", lambda source, name, *a, **k: compiled.append(name) or compile_here(source, name, *a, **k)
    )
    assert env.get_template("report.html.j2").root_render_func.__code__.co_filename == filename
    assert "report.html.j2" in compiled


def test_no_manifest_no_module(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    precompiled.manifest.cache_clear()
    monkeypatch.setattr(precompiled, "FOLDER", tmp_path)
    try:
        env = templating.make_environment()
        source, filename, _ = env.loader.get_source(env, "report.html.j2")
        assert precompiled.code(env, "report.html.j2", source, filename) is None
    finally:
        precompiled.manifest.cache_clear()


def test_an_environment_set_up_otherwise_has_another_fingerprint():
    env = templating.make_environment()
    other = templating.make_environment()
    other.trim_blocks = False
    assert precompiled.fingerprint(env) == precompiled.fingerprint(templating.make_environment())
    assert precompiled.fingerprint(other) != precompiled.fingerprint(env)
    other = templating.make_environment()
    other.filters["ticks"] = jinja2.pass_context(lambda ctx, text: text)  # called with a context now
    assert precompiled.fingerprint(other) != precompiled.fingerprint(env)


def test_a_template_the_optimiser_would_fold_a_filter_into_is_left_out():
    env = templating.make_environment()
    assert precompiled._folds(env, env.parse('{{ "a b"|upper }}'))
    assert not precompiled._folds(env, env.parse("{{ x|upper }}{% filter collapse %}<p>\n</p>{% endfilter %}"))


def test_the_report_is_the_same_bytes_compiled_here_or_ahead(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    policy, settings = make_estate(4, 30, seed=7, ip_ranges=5)
    (tmp_path / "p.yaml").write_text(policy)
    (tmp_path / "s.yaml").write_text(settings)
    inputs = pipeline.AuditInputs.from_paths([str(tmp_path / "p.yaml")], str(tmp_path / "s.yaml"))
    results = evaluate(inputs.policies, inputs.settings, inputs.waivers, as_of=AS_OF, generated_at=AS_OF)
    context = ReportContext(plan=make_plan(inputs.policies, inputs.settings, inputs.waivers, as_of=AS_OF))

    def page(env: jinja2.Environment) -> str:
        monkeypatch.setattr(html_format, "environment", lambda: env)
        return html_format.HtmlFormat().render(results, context)

    ahead = page(templating.make_environment())
    monkeypatch.setattr(precompiled, "code", lambda *_: None)
    here = page(templating.make_environment())
    assert "<article" in ahead and ahead == here
