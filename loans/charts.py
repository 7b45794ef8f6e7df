"""Small charts drawn on the server as inline SVG: no JavaScript, no CDN, allowed by the Content-Security-Policy
(no style attributes; colours come from app.css classes, with presentation attributes as a fallback)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 22, 46
MAX_X_LABELS = 8  # more would overlap: every n-th label is written, all values stay in the <title>s

Point = tuple[str, float | None]


def _nice_ceiling(value: float) -> float:
    """The axis top: `value` rounded up to 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    # Localised like the table beside the chart (2,5 in Indonesian).
    return number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


def chart_svg(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    desc: str,
    kind: str = "bar",
    top: float | None = None,
    unit: str = "",
) -> SafeString:
    """An SVG bar or line chart of `points`, (label, value) pairs in order; a None value is a gap.

    `top` fixes the value axis (100 for percentages); by default it is the largest value rounded up.
    Every text is escaped. `title` and `desc` name the chart for screen readers (role="img").
    """
    if kind not in ("bar", "line"):
        raise ValueError(kind)
    chart_id = escape(chart_id)
    values = [value for _, value in points if value is not None]
    top = top or _nice_ceiling(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h - plot_h * min(value, top) / top, 1)

    def x(index: int) -> float:
        return round(LEFT + slot * index + slot / 2, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-kind-{kind}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" data-testid="chart-{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for fraction in (0, 0.5, 1):
        level, tick = y(top * fraction), escape(_number(top * fraction) + unit)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" y1="{level}" x2="{WIDTH - RIGHT}" y2="{level}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{level + 4}" text-anchor="end">{tick}</text>'
        )
    every = math.ceil(len(points) / MAX_X_LABELS) if points else 1
    for index, (label, _) in enumerate(points):
        if index % every == 0:
            parts.append(f'<text x="{x(index)}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>')
    if kind == "bar":
        bar_w = round(max(slot * 0.7, 1), 1)
        for index, (label, value) in enumerate(points):
            if value is None:
                continue
            text = f"{label}: {_number(value)}{unit}"
            parts.append(
                f'<rect class="chart-bar" x="{round(x(index) - bar_w / 2, 1)}" y="{y(value)}" width="{bar_w}" '
                f'height="{round(TOP + plot_h - y(value), 1)}" fill="#1f5f8b"><title>{escape(text)}</title></rect>'
            )
    else:
        # The line breaks where a value is missing (no request that month), rather than inventing one.
        runs: list[list[str]] = [[]]
        dots = []
        for index, (label, value) in enumerate(points):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(index)},{y(value)}")
            text = f"{label}: {_number(value)}{unit}"
            dots.append(
                f'<circle class="chart-dot" cx="{x(index)}" cy="{y(value)}" r="3.5" fill="#1f5f8b">'
                f"<title>{escape(text)}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline class="chart-line" points="{" ".join(run)}" fill="none" stroke="#1f5f8b" '
                    'stroke-width="2.5"/>'
                )
        parts.extend(dots)  # over the line, so each point's <title> can be hovered
    base = TOP + plot_h
    parts.append(f'<line class="chart-axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#666"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()
