"""A trend (auditor.history.trend) drawn as a small inline SVG.

The SVG is built here, not in a template, so it can be tested on its own and stays the
same bytes for the same runs. Every text in it is escaped; it makes no external request
(the report's Content-Security-Policy allows none).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from ..history.trend import SERIES as STATUSES
from ..history.trend import OrgTrend

STYLE: dict[str, tuple[str, str]] = {
    # status: colour, dash pattern for colour-blind readers. One colour serves both schemes (the
    # SVG can carry no media query under the report's CSP): the palette's hues at a mid lightness,
    # >= 3:1 (WCAG 1.4.11) against the light and dark backgrounds and panels (#fff, #f7f8f9,
    # #1d2125, #22272b): fail 3.75-4.03, unknown 3.74-4.03, waived 3.73-4.04. The palette's own
    # light colours were 2.4:1 against the dark background.
    "fail": ("#d75349", ""),
    "unknown": ("#8072cd", "6 3"),
    "waived": ("#737f94", "2 3"),
}
# Axes in the text colour at this opacity: >= 3.9:1 on every background above (0.4 was 2.3:1).
AXIS_OPACITY = ".6"
SERIES: tuple[tuple[str, str, str], ...] = tuple((s, *STYLE[s]) for s in STATUSES)
WIDTH, HEIGHT = 480, 160
LEFT, RIGHT, TOP, BOTTOM = 36, 120, 12, 28


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def render_svg(trend: OrgTrend) -> Markup:
    pts = trend.points
    top = max([1, *(p.counts[s] for p in pts for s, _, _ in SERIES)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(pts)

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: int) -> float:
        return TOP + plot_h - plot_h * v / top

    name = trend.name or trend.org
    latest = pts[-1].counts if pts else dict.fromkeys(("fail", "unknown", "waived"), 0)
    label = (
        f"Trend for {name} over {n} run{'s' if n != 1 else ''}: {trend.direction}; latest "
        f"{latest['fail']} fail, {latest['unknown']} unknown, {latest['waived']} waived"
    )
    parts = [
        f'<svg class="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        # axes and the scale's top value
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="currentColor" stroke-opacity="{AXIS_OPACITY}"/>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="currentColor" stroke-opacity="{AXIS_OPACITY}"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" font-size="10" fill="currentColor">{top}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" font-size="10" fill="currentColor">0</text>',
    ]
    if pts:
        parts.append(
            f'<text x="{_fmt(x(0))}" y="{HEIGHT - 8}" text-anchor="{"start" if n > 1 else "middle"}" '
            f'font-size="10" fill="currentColor">{escape(pts[0].label)}</text>'
        )
        if n > 1:
            parts.append(
                f'<text x="{_fmt(x(n - 1))}" y="{HEIGHT - 8}" text-anchor="end" font-size="10" '
                f'fill="currentColor">{escape(pts[-1].label)}</text>'
            )
    for row, (status, colour, dash) in enumerate(SERIES):
        coords = " ".join(f"{_fmt(x(i))},{_fmt(y(p.counts[status]))}" for i, p in enumerate(pts))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if n > 1:
            parts.append(
                f'<polyline class="series-{status}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr} '
                f'points="{coords}"/>'
            )
        for i, p in enumerate(pts):
            parts.append(
                f'<circle class="point-{status}" cx="{_fmt(x(i))}" cy="{_fmt(y(p.counts[status]))}" r="2.5" '
                f'fill="{colour}"><title>{escape(p.label)}: {p.counts[status]} {status}</title></circle>'
            )
        ly = TOP + 10 + row * 16
        lx = LEFT + plot_w + 12
        parts.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 16}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        parts.append(
            f'<text x="{lx + 20}" y="{ly}" font-size="11" fill="currentColor">{status} {latest[status]}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
