"""`rovo-audit doctor --explain`: the known causes of a pasted error message, as terminal text.

Imports nothing but the knowledge file's model: explaining offline loads neither the HTTP
client nor the HTML templates (tests/doctor/test_review_fixes.py checks).
"""

from __future__ import annotations

from ..doctor.knowledge import BlockVerdict, Cause, Match, source, strong
from .safe import cut


def render_explain(message: str, matches: list[Match]) -> str:
    if not matches:
        return (
            f"Not recognised: {message!r}\n"
            "  No known message matches. Run `rovo-audit doctor --url ...` against the endpoint to find the cause live."
        )
    lines: list[str] = []
    for m in strong(matches):  # weaker matches than the best are noise
        lines.append(f'Recognised: "{m.message.text}" (match {m.score:.0%}, known message {m.message.id})')
        lines.append("  Likely causes, most likely first:")
        for i, c in enumerate(m.causes, 1):
            lines.extend(_cause(i, c))
    k = source()
    lines.append(f"Knowledge: {k['file']} (as of {k['as_of']})")
    return "\n".join(lines)


def _cause(i: int, c: Cause, extra: str = "") -> list[str]:
    out = [
        f"  {i}. {c.title}  [{c.id}; fixed by: {c.who}" + (f"; audit control {c.control}" if c.control else "") + "]"
    ]
    if extra:
        out.append(f"     {extra}")
    out.append(f"     Fix: {c.fix.summary}")
    out.extend(f"       - {s}" for s in c.fix.steps)
    out.extend(f"       see {link}" for link in c.fix.links)
    if c.checked_by:
        out.append(f"     Checked live by: {', '.join(c.checked_by)} (rovo-audit doctor)")
    return out


FIXES_SHOWN = 3  # the fix in full for the best causes; the rest by title (a long paste names many)
LINE_SHOWN = 160  # characters of a pasted line shown back (a stack trace's line can be long)


def _quoted(text: str) -> str:
    shown = cut(text, LINE_SHOWN)
    return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_block(block: BlockVerdict, *, next_command: str) -> str:
    """One verdict for a pasted block: the causes ranked across its lines, each line's match,
    the lines no known message matches, and the command to run next."""
    n, bad = len(block.lines), len(block.unrecognised)
    out = [f"Combined verdict for {n} pasted lines: {n - bad} recognised, {bad} not"]
    if block.causes:
        out.append("Likely causes, ranked across all lines (a cause several lines point to ranks higher):")
        for i, r in enumerate(block.causes, 1):
            where = ", ".join(str(x) for x in r.lines)
            said = f"score {r.score:.2f} from line{'s' if len(r.lines) > 1 else ''} {where}"
            if i <= FIXES_SHOWN:
                out.extend(_cause(i, r.cause, said))
            else:
                out.append(f"  {i}. {r.cause.title}  [{r.cause.id}; fixed by: {r.cause.who}; {said}]")
    else:
        out.append("No known message matches any line.")
    out.append("Each line:")
    for line in block.lines:
        if not line.matches:
            out.append(f"  line {line.number}: not recognised: {_quoted(line.text)}")
            continue
        for j, m in enumerate(line.matches):
            lead = f"  line {line.number}: {_quoted(line.text)}" if j == 0 else "         also"
            out.append(f'{lead} → known message {m.message.id} "{m.message.text}" (match {m.score:.0%})')
    if block.unrecognised:
        out.append(
            f"Unrecognised lines ({bad}): "
            + ", ".join(str(line.number) for line in block.unrecognised)
            + " — no known message matches them; the doctor's live run may still name their cause"
        )
    out.append(f"Next: {next_command}")
    k = source()
    out.append(f"Knowledge: {k['file']} (as of {k['as_of']})")
    return "\n".join(out)
