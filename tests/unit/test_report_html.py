"""report.html without a browser: CSP, self-containment, escaping, snippets, verdicts, waivers."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from auditor.model.results import EvidenceRef, Finding, Remediation
from auditor.report import html as html_format
from auditor.report import html_view
from tests.conftest import EXAMPLE, run_cli
from tests.estate import make_estate

POLICY = EXAMPLE / "custom-webapp.policy.yaml"
SETTINGS = EXAMPLE / "example-corp.settings.yaml"
AS_OF = "2026-11-26T00:00:00Z"


class Scan(HTMLParser):
    """Every tag with its attributes, and the text of <script>/<style>/<pre> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style", "pre"):
            self._open, self._text = (tag, dict(attrs)), []

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            self.blocks.append((tag, self._open[1], "".join(self._text)))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)


def render(out: Path, *args: str | Path, policy: Path = POLICY, settings: Path = SETTINGS) -> str:
    r = run_cli(
        "audit",
        "--policy",
        policy,
        "--settings",
        settings,
        "--out",
        out,
        "--format",
        "html,json",
        "--as-of",
        AS_OF,
        *args,
    )
    assert r.code in (0, 1), r.err
    return (out / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> str:
    return render(tmp_path_factory.mktemp("html"))


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_csp_allows_exactly_the_inline_blocks(example: str):
    scan = Scan()
    scan.feed(example)
    metas = [a for t, a in scan.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    csp = dict(d.strip().split(" ", 1) for d in metas[0]["content"].split(";"))  # type: ignore[union-attr]
    assert csp["default-src"] == "'none'"
    scripts = [text for tag, attrs, text in scan.blocks if tag == "script" and attrs.get("type") != "application/json"]
    styles = [text for tag, _, text in scan.blocks if tag == "style"]
    assert len(scripts) == 1 and len(styles) == 1
    assert csp["script-src"] == _sha(scripts[0])
    assert csp["style-src"] == _sha(styles[0])
    assert "unsafe" not in metas[0]["content"]  # type: ignore[operator]
    # The script is the same for every report (no data in it), so its hash is too.
    assert _sha(scripts[0]) == html_format.csp_hash(
        html_format.environment().get_template("_script.js.j2").render().strip()
    )


def test_nothing_refers_to_another_host(example: str):
    scan = Scan()
    scan.feed(example)
    for tag, attrs in scan.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "form"), tag
        assert "src" not in attrs and "style" not in attrs, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name == "href":
                assert value and value.startswith(("#", "https://")), value
    styles = "".join(text for tag, _, text in scan.blocks if tag == "style")
    assert "url(" not in styles and "@import" not in styles


def test_json_block_cannot_close_its_element(tmp_path: Path):
    name = "</script><script>alert(1)</script> & <!-- \u2028"
    settings = tmp_path / "s.yaml"
    settings.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "rovo-audit/v1",
                "kind": "OrgSettings",
                "orgs": [{"id": "o1", "name": name, "rovo_mcp": {"api_token_auth": False}}],
            }
        )
    )
    policy = tmp_path / "p.yaml"
    policy.write_text("apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: p}\nauth: {api_token: forbid}\n")
    page = render(tmp_path / "out", policy=policy, settings=settings)
    block = re.search(r'<script type="application/json" id="facets">(.*?)</script>', page, re.S)
    assert block is not None
    raw = block.group(1)
    assert not set("<>&") & set(raw)
    assert json.loads(raw)["orgs"] == [[0, "o1", name]]
    assert "<script>alert(1)" not in page
    assert html.escape(name, quote=True).replace("&#x27;", "&#39;") in page or "&lt;/script&gt;" in page


def test_byte_identical_for_the_same_inputs(tmp_path: Path):
    a = render(tmp_path / "a")
    b = render(tmp_path / "b")
    assert a == b


def data_block(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="facets">(.*?)</script>', page, re.S)
    assert block is not None
    return json.loads(block.group(1))


def test_cards_carry_what_an_admin_needs(example: str):
    cards = re.findall(r'<article class="card (\w+)" id="c(\d+)" data-k="\2">.*?</article>', example, re.S)
    # One card per control in the org: 12 findings on 10 cards (two controls fail twice).
    assert len(cards) == 10 and {s for s, _ in cards} == {"fail"}
    data = data_block(example)
    assert sum(len(data["g"][int(k)]["x"]) for _, k in cards) == 12
    dom3 = re.search(r"<article[^>]*>(?:(?!</article>).)*?RMCP-DOM-003(?:(?!</article>).)*</article>", example, re.S)
    assert dom3 is not None
    card = dom3.group(0)
    assert 'An allowlist entry is not declared in the policy (<span class="n">2</span>)' in card
    assert "Atlassian Administration → Rovo → Rovo MCP server" in card  # the menu path
    assert "<dt>Expected</dt>" in card and "<dt>Actual</dt>" in card
    assert 'href="https://support.atlassian.com/' in card
    # Both values in one list, one Copy for all of them.
    values = html.unescape(re.search(r'<code class="v vals"[^>]*>(.*?)</code>', card, re.S).group(1)).split("\n")  # type: ignore[union-attr]
    assert len(values) == 2 and card.count('class="copy"') == 1
    # The YAML that declares them is built once per card, into the data block, not the page.
    assert "<pre>" not in card
    k = int(re.search(r'data-k="(\d+)"', card).group(1))  # type: ignore[union-attr]
    group = data["g"][k]
    assert group["yk"] == "policy"
    assert {k: {kk: [data["S"][i] for i in vv] for kk, vv in v.items()} for k, v in group["yd"].items()} == {
        "domains": {"allowed": values}
    }
    # Passes are counts per control, in a collapsed <details>: no element per pass.
    assert re.search(
        r'<details class="passes g" data-g="pass">\s*<summary>Passed checks \(<span class="n">23</span>\)', example
    )
    assert 'class="f"' not in example.split('<details class="passes')[1].split("</details>")[0]


def subjects(group: dict) -> list[int]:
    """A group's subjects as numbers in S (-1: none), from the steps the block stores."""
    out, cur = [], 0
    for d in group["x"]:
        cur += d
        out.append(cur - 1)
    return out


def test_every_finding_is_in_the_data_block_once(tmp_path: Path):
    """The page's size follows the cards, not the passes: each finding is in the data block once,
    by card (not pass) or count (pass), and nothing else on the page lists a pass."""
    policy, settings = make_estate(5, 40, seed=7)
    (tmp_path / "p.yaml").write_text(policy)
    (tmp_path / "s.yaml").write_text(settings)
    page = render(tmp_path / "out", policy=tmp_path / "p.yaml", settings=tmp_path / "s.yaml")
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    data = data_block(page)
    S, orgs = data["S"], {o[0]: o[1] for o in data["orgs"]}
    got = []
    for g in data["g"]:
        for j, x in enumerate(subjects(g)):
            s = g["s"] if isinstance(g["s"], int) else g["s"][j]
            got.append((orgs[g["o"]], g["c"], None if x < 0 else S[x], data["status"][s]))
    want = [(f["org"], f["control"], f["subject"], f["status"]) for f in results["findings"]]
    assert sorted(got, key=str) == sorted(want, key=str)
    # A card per (org, control) of what is not a pass (and not an unknown a section holds back).
    cards = {
        (f["org"], f["status"] == "waived", f["control"])
        for f in results["findings"]
        if f["status"] != "pass" and not (f["status"] == "unknown" and (f.get("remediation") or {}).get("collect"))
    }
    assert len(re.findall(r'<article class="card \w+" id="c\d+"', page)) == len(cards)
    passes = {(f["org"], f["control"]) for f in results["findings"] if f["status"] == "pass"}
    assert len(re.findall(r'<li id="c\d+" data-k="\d+">RMCP-[A-Z]+-\d+: \d+ passed</li>', page)) == len(passes)
    assert len(page) < 250 * len(results["findings"])  # 47 MB for 122k findings before: 390 bytes each


def test_plan_runs_of_like_steps_are_one_line(tmp_path: Path):
    policy, settings = make_estate(3, 40, seed=7)
    (tmp_path / "p.yaml").write_text(policy)
    (tmp_path / "s.yaml").write_text(settings)
    page = render(tmp_path / "out", policy=tmp_path / "p.yaml", settings=tmp_path / "s.yaml")
    plan = page[page.index('id="h-plan"') : page.index('id="h-summary"')]
    runs = re.findall(
        r'<li id="s(\d+)" value="\1">Delete these (\d+) entries \(steps (\d+)–(\d+)\) from Your domains: <code class="v vals"[^>]*>(.*?)</code>',
        plan,
        re.S,
    )
    assert runs
    for first, count, a, b, values in runs:
        assert a == first and int(b) - int(a) + 1 == int(count) == len(html.unescape(values).split("\n"))
    # A card's link goes to the run that holds its step.
    links = set(re.findall(r'<a class="step" href="#s(\d+)">', page))
    anchors = set(re.findall(r'<li id="s(\d+)"', plan))
    assert links and links <= anchors


def _finding(control: str, subject: str | None, status: str = "fail", **kw: object) -> Finding:
    return Finding(
        control=control,
        status=status,
        severity="high",
        org="o1",
        org_name="Org One",
        subject=subject,
        title="t",
        expected="e",
        actual="a",
        evidence=EvidenceRef("admin-api", None),
        policy_ref=None,
        remediation=Remediation("s", (), (), subject),
        area="domains",
        **kw,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("control", "subject", "kind", "want"),
    [
        ("RMCP-DOM-003", "https://*.vercel.app/**", "policy", {"domains": {"allowed": ["https://*.vercel.app/**"]}}),
        ("RMCP-PERM-002", "jira.write", "policy", {"permissions": {"jira": {"write": "allow"}}}),
        (
            "RMCP-SCOPE-002",
            "bot/write:jira-work",
            "waiver",
            {
                "waivers": [
                    {
                        "control": "RMCP-SCOPE-002",
                        "subject": "bot/write:jira-work",
                        "org": "Org One",
                        "reason": "<why this is accepted>",
                        "approved_by": "<approver>",
                        "expires": "2027-02-24",
                    }
                ]
            },
        ),
        ("RMCP-AUTH-001", None, None, None),
        ("RMCP-IP-002", "192.0.2.0/24", None, None),
    ],
)
def test_snippets_declare_or_accept_the_entry(control: str, subject: str | None, kind: str | None, want: object):
    got = html_view.snippet_doc(_finding(control, subject), dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
    assert (got[1] if got else None) == kind
    assert (got[0] if got else None) == want


def test_waivers_expiring_soon_unused_and_expired_are_called_out(tmp_path: Path):
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "rovo-audit/v1",
                "kind": "Waivers",
                "waivers": [
                    {
                        "control": "RMCP-DOM-004",
                        "subject": "https://*.vercel.app/**",
                        "reason": "Preview deploys until Jan",
                        "approved_by": "ciso@example.com",
                        "expires": "2026-12-20",
                    },
                    {
                        "control": "RMCP-AUTH-001",
                        "reason": "Rolling out tokens",
                        "approved_by": "ciso@example.com",
                        "expires": "2027-06-30",
                    },
                    {
                        "control": "RMCP-IP-001",
                        "reason": "Nothing to waive",
                        "approved_by": "ciso@example.com",
                        "expires": "2027-06-30",
                    },
                    {
                        "control": "RMCP-DOM-005",
                        "reason": "Lapsed",
                        "approved_by": "ciso@example.com",
                        "expires": "2026-01-31",
                    },
                ],
            }
        )
    )
    page = render(tmp_path / "out", "--waivers", waivers)
    section = page[page.index('id="h-waivers"') : page.index('<div id="filters">')]
    assert "expires in 24 days" in section and "Preview deploys until Jan" in section
    assert "unused: matches no finding" in section and "Nothing to waive" in section
    assert "expired: waives nothing" in section and "Lapsed" in section
    waived = re.findall(r'<article class="card waived".*?</article>', page, re.S)
    assert len(waived) == 2
    soon = next(c for c in waived if "Preview deploys" in c)
    assert 'class="waiver soon"' in soon and "(in 24 days)" in soon and "approved by ciso@example.com" in soon
    later = next(c for c in waived if "Rolling out tokens" in c)
    assert 'class="waiver"' in later and "(in 216 days)" in later


def test_a_waiver_expiring_at_a_timestamp_is_called_out_too(tmp_path: Path):
    # YAML reads an unquoted timestamp as a datetime; results.json then keeps it with its time.
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "apiVersion: rovo-audit/v1\nkind: Waivers\nwaivers:\n"
        "  - {control: RMCP-DOM-004, subject: 'https://*.vercel.app/**', reason: Preview deploys,\n"
        "     approved_by: ciso@example.com, expires: 2026-12-20T12:00:00Z}\n"
    )
    page = render(tmp_path / "out", "--waivers", waivers)
    section = page[page.index('id="h-waivers"') : page.index('<div id="filters">')]
    assert "expires in 24 days" in section and "Preview deploys" in section
    soon = next(c for c in re.findall(r'<article class="card waived".*?</article>', page, re.S) if "Preview" in c)
    assert 'class="waiver soon"' in soon and "(in 24 days)" in soon


def test_verdict_per_policy_and_per_org(tmp_path: Path):
    policy, settings = make_estate(3, 4, seed=11)
    (tmp_path / "p.yaml").write_text(policy)
    (tmp_path / "s.yaml").write_text(settings)
    (tmp_path / "ok.yaml").write_text(
        "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: lenient, title: Nothing much}\n"
        "auth: {oauth: allow}\n"
    )
    page = render(
        tmp_path / "out", "--policy", tmp_path / "ok.yaml", policy=tmp_path / "p.yaml", settings=tmp_path / "s.yaml"
    )
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    policies = page[page.index('id="h-policies"') : page.index('id="h-rollup"')]
    rows = re.findall(
        r"<tr><th scope=\"row\"><code>([\w-]+)</code>.*?<td class=\"verdict (\w+)\">(.*?)</td></tr>", policies
    )
    blocking = results["summary"]["fail"] + results["summary"]["unknown"]
    assert rows == [
        ("estate-rollout", "blocked", f"Blocked: {blocking} findings"),
        ("lenient", "ready", "Ready for rollout"),
    ]
    for o in results["orgs"]:
        n = o["summary"]["fail"] + o["summary"]["unknown"]
        assert f"Blocked: {n} finding" in page[page.index(f"<code>{o['id']}</code>") - 400 :][:600]


def test_what_no_policy_covers_is_not_ready(tmp_path: Path):
    settings = tmp_path / "s.yaml"
    settings.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "rovo-audit/v1",
                "kind": "OrgSettings",
                "orgs": [
                    {"id": "a", "name": "Org A", "rovo_mcp": {"api_token_auth": False}},
                    {"id": "b", "name": "Org B", "rovo_mcp": {"api_token_auth": False}},
                ],
            }
        )
    )
    (tmp_path / "a.yaml").write_text(
        "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: only-a}\norgs: [Org A]\nauth: {api_token: forbid}\n"
    )
    (tmp_path / "none.yaml").write_text(
        "apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: nobody}\norgs: [Org Z]\nauth: {api_token: forbid}\n"
    )
    page = render(tmp_path / "out", "--policy", tmp_path / "none.yaml", policy=tmp_path / "a.yaml", settings=settings)
    assert '<td class="verdict ready">Ready for rollout</td>' in page  # policy only-a, and Org A
    assert '<td class="verdict unchecked">Not checked: covers no org</td>' in page  # policy nobody
    assert '<td class="verdict unchecked">Not checked: no policy covers this org</td>' in page  # Org B
    assert '<h1 class="verdict ready">Ready for rollout</h1>' in page

    (tmp_path / "z.yaml").write_text("apiVersion: rovo-audit/v1\nkind: Policy\nmetadata: {name: z}\norgs: [Org Z]\n")
    page = render(tmp_path / "out2", policy=tmp_path / "z.yaml", settings=settings)
    assert '<h1 class="verdict unchecked">Not checked: nothing was evaluated</h1>' in page


def test_charts_count_every_finding():
    findings = [
        _finding("RMCP-DOM-003", f"https://e{i}.example/**", status=s)
        for i, s in enumerate(["fail", "fail", "pass", "warn", "waived"])
    ]
    status, area, severity = html_view.charts(findings)
    assert {b.label: b.total for b in status.bars} == {"fail": 2, "unknown": 0, "warn": 1, "waived": 1, "pass": 1}
    assert {b.label: b.total for b in area.bars}["Domains"] == 5
    domains = next(b for b in area.bars if b.label == "Domains")
    assert [s.status for s in domains.segments] == ["fail", "warn", "waived", "pass"]
    assert abs(sum(s.w for s in domains.segments) - area.bar_w) < 0.5  # the longest bar fills the width
    assert {b.label: b.total for b in severity.bars}["high"] == 5


def test_review_hook_is_in_place():
    source = Path(html_format.__file__).with_name("templates").joinpath("report.html.j2").read_text()
    assert '{% include "_review.html.j2" %}' in source  # no 'ignore missing': a lost file is an error


def test_the_page_charts_count_what_is_not_a_pass(example: str):
    """The charts as rendered (what a reader without JavaScript sees) count the 12 findings that
    are not passes, and say so; the 23 passes are in the summary table, not the bars."""
    assert "The charts count the 12 findings not passed." in example
    status = example[example.index('id="ch-status"') : example.index('id="ch-area"')]
    assert "<title>fail: 12 fail</title>" in status and " pass</title>" not in status
    severity = example[example.index('id="ch-sev"') :].split("</svg>")[0]
    bars = re.findall(r"<title>\w+: (\d+) \w+</title>", severity)
    assert sum(map(int, bars)) == 12
