"""Data in summary.md, the diff's Markdown and the GitHub step summary renders verbatim under
GitHub's own renderer (cmark-gfm): no emphasis, link, image, autolink or HTML from data, and
a newline never breaks a table. The step summary stays under GitHub's 1 MiB limit."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.conftest import run_cli, unavailable
from tests.estate import AS_OF, make_estate

EVIL = [
    "https://*.example.com/*",  # emphasis, were it raw
    "[click](https://evil.example/x)",
    "![pixel](https://evil.example/p.png)",
    "<details><summary>x</summary>hidden</details>",
    "<!-- hidden -->",
    "a|b\nc",
    "``code`` `x`",
    "https://evil.example/autolink",
]


def gfm(markdown: str) -> str:
    if shutil.which("cmark-gfm") is None:
        unavailable("no cmark-gfm (apt-get install cmark-gfm), GitHub's Markdown renderer")
    p = subprocess.run(["cmark-gfm", "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough", "-e", "tagfilter"],
                       input=markdown, capture_output=True, text=True, check=True)  # fmt: skip
    return p.stdout


def hostile(tmp: Path) -> Path:
    org = {
        "id": "org-1",
        "name": EVIL[1] + " " + EVIL[3],
        "rovo_mcp": {"atlassian_supported_domains": False, "domains": EVIL, "api_token_auth": True},
        "credentials": [{"label": label, "kind": "api_token", "scopes": ["read:jira-work"]} for label in EVIL[2:6]],
        "evidence": {"rovo_mcp": {"source": "attested", "by": EVIL[4], "at": "2026-11-20T00:00:00Z"}},
    }
    doc = {"apiVersion": "rovo-audit/v1", "kind": "OrgSettings", "collected_at": "2026-11-20T00:00:00Z", "orgs": [org]}
    path = tmp / "s.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def assert_inert(rendered: str) -> None:
    for tag in ("<img", "<a ", "<details", "<summary", "<!--", "<em>", "<strong>"):
        assert tag not in rendered, (tag, rendered[:2000])


def test_summary_md_renders_data_verbatim(tmp_path: Path) -> None:
    r = run_cli("audit", "--policy", "baseline", "--settings", hostile(tmp_path), "--out", tmp_path / "out",
                "--format", "md", "--no-history", "--as-of", "2026-11-26")  # fmt: skip
    assert r.code == 1, r.err
    md = (tmp_path / "out" / "summary.md").read_text()
    rendered = gfm(md)
    assert_inert(rendered)
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert "[click](https://evil.example/x)" in text and "![pixel](https://evil.example/p.png)" in text
    # every table row has the header's number of cells: no newline or | from data broke one
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        widths = {len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.S)}
        assert len(widths) == 1, widths


def test_the_diffs_markdown_renders_data_verbatim(tmp_path: Path) -> None:
    settings = hostile(tmp_path)
    out = tmp_path / "out"
    for day, domains in (("2026-11-26", EVIL), ("2026-12-01", EVIL[:3])):  # two runs, a diff between
        doc = yaml.safe_load(settings.read_text())
        doc["orgs"][0]["rovo_mcp"]["domains"] = domains
        settings.write_text(yaml.safe_dump(doc, allow_unicode=True))
        audit = ("audit", "--policy", "baseline", "--settings", settings, "--out", out, "--format", "json")
        run_cli(*audit, "--as-of", day)
    old, new = sorted((out / "history").glob("*.json"))
    r = run_cli("diff", old, new, "--format", "md")
    assert r.code in (0, 1), r.err
    assert_inert(gfm(r.out))


def test_the_step_summary_stays_under_githubs_limit(tmp_path: Path) -> None:
    policy, settings = make_estate(120, 120, 3)
    (tmp_path / "p.yaml").write_text(policy)
    (tmp_path / "s.yaml").write_text(settings)
    summary = tmp_path / "step-summary.md"
    r = run_cli("audit", "--policy", tmp_path / "p.yaml", "--settings", tmp_path / "s.yaml", "--out", tmp_path / "out",
                "--format", "json", "--no-history", "--as-of", AS_OF, "-q",
                env={"GITHUB_STEP_SUMMARY": str(summary)})  # fmt: skip
    assert r.code == 1, r.err
    size = summary.stat().st_size
    assert 900_000 < size < 1024 * 1024, size
    assert summary.read_text().rstrip().endswith("(keep them as artifacts).")
