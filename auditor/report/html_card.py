"""report.html's cards of findings to fix or waived (html_view.ControlCard), written in Python.

The page has a card per (org, control): 901 of them on the 100-org estate. Through the Jinja
macro they took 0.08 s of CPU, most of it in the template's own machinery (an escape() and
an attribute lookup through the environment per value, a macro call per evidence line);
here 0.025-0.034 s, each distinct text's `ticks` and each repeated value's escape() once.
The markup is exactly the macro's: the `card` macro in templates/_card.html.j2 (which the
page does not load) is kept as the reference, and tests/unit/test_report_html_card.py holds
the two to the same bytes for every card of a range of reports (waivers, lapsed waivers, one
finding or many, advice alike or not). Every value is escaped as Jinja's autoescape would.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from ..model.common import iso
from .html_data import StepOf
from .html_view import AREA_LABELS, VALUE_LABEL, Card, ControlCard, View, evidence_kind
from .templating import days, href, link_label, ticks

_DIFFERS = "differs per entry: see each entry"


class Ticks(dict[str | None, Markup]):
    """templating.ticks, each distinct text once: the 100-org page's cards ask for 6,800
    (expected and actual texts, advice, steps), 1,513 of them distinct."""

    def __missing__(self, text: str | None) -> Markup:
        shown = self[text] = ticks(text)
        return shown


def _evidence(card: Card) -> str:
    """The `evidence` macro: where the finding's evidence came from, when, and how old.
    (Built of str: Markup + str would escape the str.)"""
    ev = card.f.evidence
    if ev.source is None:
        return "not collected"
    if evidence_kind(ev.source) == "observed":
        out = f"observed via {escape(ev.source)}"
    elif ev.by:
        out = f"attested by {escape(ev.by)}"
        if ev.source != "attested":
            out += f" ({escape(ev.source)})"
    else:
        out = f"attested ({escape(ev.source)})"
    if ev.at:
        out += f", {escape(iso(ev.at))}"
    if card.after_as_of:
        out += ' (<strong class="after">dated after the as-of time</strong>)'
    elif card.age is not None:
        out += f" ({escape(days(card.age))} old)"
    return out


def _docs(links: tuple[str, ...]) -> str:
    """The `docs` macro: the control's documentation links (only http(s) ones as links)."""
    out = []
    for link in links:
        h = href(link)
        out.append(f'<a href="{escape(h)}">{escape(link_label(link))}</a>' if h else escape(link))
    return '<p class="meta docs">Docs: ' + " · ".join(out) + "</p>\n"


def _waiver_note(c: Card, named: bool) -> str:
    """The `waiver_note` macro: the waiver that covers the finding, or the one that lapsed."""
    f = c.f
    out = []
    named_code = f"<code>{escape(f.subject)}</code>: " if named and f.subject is not None else ""
    if f.waiver:
        w = f.waiver
        out.append(f'<p class="waiver{" soon" if c.waiver_soon else ""}">{named_code}')
        out.append(f"Waived (was {escape(f.original_status)}): {escape(w.reason)} · approved by ")
        out.append(f"{escape(w.approved_by)} · expires {escape(w.expires)}")
        d = c.waiver_days
        if d is not None:
            out.append(
                " (expired)" if d < 0 else " (today)" if d == 0 else f" (in {escape(d)} day{'s' if d != 1 else ''})"
            )
        if c.waiver_soon:
            out.append(": renew or fix before it lapses")
        out.append(f" · <code>{escape(w.ref)}</code></p>\n")
    lapsed = c.expired_waiver
    if lapsed:
        out.append(f'<p class="waiver lapsed">{named_code}')
        if lapsed.why == "expired":
            out.append(f"Waiver expired {escape(lapsed.expires)}")
        else:
            out.append(f"Waiver with an unreadable expiry ({escape(lapsed.expires)})")
        out.append(
            f", so it waives nothing: {escape(lapsed.reason)} · approved by {escape(lapsed.approved_by)} · "
            f"<code>{escape(lapsed.ref)}</code>. Fix the finding, or have {escape(lapsed.approved_by)} "
            "renew the waiver with a new expiry.</p>\n"
        )
    return "".join(out)


class Escaped(dict[object, str]):
    """escape() of each distinct plain str once, for the values cards repeat (a status, a title,
    a control, a label), and each evidence line by what it reads: 16,000 escape() calls on the
    100-org page's cards. Anything but a str is escaped each time: a Markup equal to a str held
    here would otherwise take the str's escaping."""

    def __missing__(self, value: object) -> str:
        shown = self[value] = str(escape(value))
        return shown

    def of(self, value: object) -> str:
        return self[value] if type(value) is str else str(escape(value))


def card(
    g: ControlCard,
    step_of: StepOf,
    same_steps: Mapping[int, tuple[int, str]],
    fw_of: Mapping[str, str],
    tk: Ticks | None = None,
    esc: Escaped | None = None,
) -> Markup:
    """The `card` macro of templates/_card.html.j2, for one card."""
    tk = Ticks() if tk is None else tk
    esc = Escaped() if esc is None else esc
    f = g.f
    r = f.remediation
    assert r is not None, "a card's findings have advice (a pass, which has none, is no card)"
    one = g.one
    status = esc.of(f.status)
    severity = esc.of(f.severity)
    out = [
        f'<article class="card {status}" id="c{g.k}" data-k="{g.k}">\n'
        f'<h4><span class="b {status}">{status}</span> <span class="b {severity}">{severity}</span> {esc.of(f.title)}'
    ]
    if one:
        if f.subject is not None:
            out.append(f": <code>{escape(f.subject)}</code>")
    else:
        out.append(f' (<span class="n">{len(g.items)}</span>)')
    exp, act = g.common("expected"), g.common("actual")
    out.append(
        "</h4>\n"
        f'<dl class="ea"><dt>Expected</dt><dd>{tk[exp] if exp is not None else _DIFFERS}</dd>'
        f"<dt>Actual</dt><dd>{tk[act] if act is not None else _DIFFERS}</dd></dl>\n"
    )
    out.extend(_waiver_note(c, not one) for c in g.noted)
    alike = one or g.alike
    if alike:
        out.append(f"<p><strong>{tk[g.generic(r.summary)]}</strong>")
    else:
        out.append(f"<p><strong>Each entry has its own advice, under How to fix. The first: {tk[r.summary]}</strong>")
    sn = step_of.get((f.org, f.control, f.subject))
    if sn:
        out.append(f' <a class="step" href="#s{escape(sn)}">Step {escape(sn)} of the plan</a>')
    out.append("</p>\n")
    label = esc.of(VALUE_LABEL.get(f.control, "Value"))
    if one:
        if r.value is not None:
            out.append(
                f'<p>{label}: <code class="v">{escape(r.value)}</code><button type="button" class="copy">Copy</button></p>'
            )
    elif g.values:
        out.append(
            f'<p>{label}, each of the {len(g.values)}, one a line: <code class="v vals" tabindex="0">'
            f'{escape(g.joined)}</code><button type="button" class="copy">Copy all</button></p>\n'
        )
    out.append(
        '<p class="more"><button type="button" class="how" aria-expanded="false">How to fix'
        f"{'' if one else ', each entry'}{', YAML' if g.snippet else ''}</button></p>\n"
        '<noscript><div class="how">\n'
    )
    if not alike:
        advice = "".join([f"<li>{tk[c.f.remediation.summary]}</li>" for c in g.items])  # type: ignore[union-attr]
        out.append(f'<ul class="todo">{advice}</ul>\n<p>Steps, for the first entry:</p>\n')
    same = same_steps.get(g.k)
    if same:
        out.append(
            f'<p class="same">Steps and docs: as on <a href="#c{escape(same[0])}">the card for {escape(same[1])}</a>.</p>\n'
        )
    else:
        out.append("<ol>" + "".join(f"<li>{tk[step]}</li>" for step in g.steps) + "</ol>\n" + _docs(r.links))
    ref = g.common("policy_ref")
    out.append(f'<p class="meta">{esc.of(f.control)} · {esc.of(AREA_LABELS.get(f.area, f.area))}')
    if ref:
        out.append(f" · rule <code>{esc.of(ref)}</code>")
    first = g.items[0]
    # What the line reads: an org's findings share a few evidence objects (by identity: an equal
    # one holding a Markup would be escaped otherwise; all are alive while the page is made).
    evidence = (id(first.f.evidence), first.age, first.after_as_of)
    if evidence not in esc:
        esc[evidence] = _evidence(first)  # already escaped
    out.append(f" · evidence {esc[evidence]}")
    if fw_of.get(f.control):
        out.append(f" · frameworks: {esc.of(fw_of[f.control])}")
    out.append("</p>\n")
    if not one:
        out.append(
            '<p class="meta">Each entry\'s details, and the YAML that would declare or accept them, need JavaScript.</p>'
        )
    out.append("</div></noscript>\n</article>\n")
    return Markup("".join(out))


def cards(view: View, step_of: StepOf, fw_of: Mapping[str, str]) -> dict[int, Markup]:
    """Every ControlCard of the page by its number (k)."""
    tk, esc = Ticks(), Escaped()
    return {
        g.k: card(g, step_of, view.same_steps, fw_of, tk, esc)
        for o in view.orgs
        for g in (*o.todo, *o.waived)
        if isinstance(g, ControlCard)
    }
