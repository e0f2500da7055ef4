"""`rovo-audit doctor --explain`: the known causes of a pasted error message, as terminal text.

Imports nothing but the knowledge file's model: explaining offline loads neither the HTTP
client nor the HTML templates (tests/doctor/test_review_fixes.py checks).
"""

from __future__ import annotations

from ..doctor.knowledge import Match, source


def render_explain(message: str, matches: list[Match]) -> str:
    if not matches:
        return (
            f"Not recognised: {message!r}\n"
            "  No known message matches. Run `rovo-audit doctor --url ...` against the endpoint to find the cause live."
        )
    lines: list[str] = []
    best = matches[0].score
    for m in matches:
        if m.score < best * 0.75:
            break  # weaker matches than the best are noise
        lines.append(f'Recognised: "{m.message.text}" (match {m.score:.0%}, known message {m.message.id})')
        lines.append("  Likely causes, most likely first:")
        for i, c in enumerate(m.causes, 1):
            lines.append(
                f"  {i}. {c.title}  [{c.id}; fixed by: {c.who}"
                + (f"; audit control {c.control}" if c.control else "")
                + "]"
            )
            lines.append(f"     Fix: {c.fix.summary}")
            lines.extend(f"       - {s}" for s in c.fix.steps)
            lines.extend(f"       see {link}" for link in c.fix.links)
            if c.checked_by:
                lines.append(f"     Checked live by: {', '.join(c.checked_by)} (rovo-audit doctor)")
    k = source()
    lines.append(f"Knowledge: {k['file']} (as of {k['as_of']})")
    return "\n".join(lines)
