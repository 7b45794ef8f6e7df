"""Charts drawn on the server as inline SVG: no script, no CDN, readable at phone width (they scale with
their viewBox), and each carries a <title> and a table next to it for screen readers and CSV export."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR = "#0b5c4a"
BAR_2 = "#0a5aa8"


def _text(x, y, text, *, anchor="start", size=12, weight="400", fill="#1b1f24") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def bar_chart(rows: list[tuple[str, float, float]], *, title: str, legend: tuple[str, str] = ("", "")):
    """Horizontal bars, one per row: (label, value, part of the value drawn darker, e.g. unique titles)."""
    label_w, bar_w, row_h, top = 150, 210, 22, 26
    width = label_w + bar_w + 60
    height = top + row_h * max(len(rows), 1) + 6
    peak = max((value for _label, value, _part in rows), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    if legend[0]:
        parts.append(f'<rect x="0" y="4" width="12" height="12" fill="{BAR_2}"/>')
        parts.append(_text(16, 14, legend[0], size=11))
    if legend[1]:
        parts.append(f'<rect x="{label_w}" y="4" width="12" height="12" fill="{BAR}"/>')
        parts.append(_text(label_w + 16, 14, legend[1], size=11))
    for index, (label, value, part) in enumerate(rows):
        y = top + index * row_h
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(_text(label_w - 6, y + 14, short, anchor="end", size=11))
        length = bar_w * value / peak
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 8}" fill="{BAR_2}"/>')
        if part:
            parts.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * part / peak:.1f}" height="{row_h - 8}" fill="{BAR}"/>'
            )
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(_text(label_w + length + 4, y + 14, shown, size=11))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _heat(value: int, peak: int) -> tuple[str, str]:
    """Light to dark green; the text flips to white on dark cells (contrast)."""
    share = value / peak if peak else 0
    light, dark = (232, 245, 239), (11, 92, 74)
    rgb = tuple(round(light[i] + (dark[i] - light[i]) * share) for i in range(3))
    return f"rgb{rgb}", "#ffffff" if share > 0.55 else "#1b1f24"


def heat_map(labels: list[str], matrix: list[list[int | None]], *, title: str):
    """A square matrix of schools: the darker a cell, the more titles the two schools share."""
    n = len(labels)
    cell, left, top = 34, 70, 70
    size_w, size_h = left + cell * n + 4, top + cell * n + 4
    peak = max((v for row in matrix for v in row if v is not None), default=0)
    parts = [
        f'<svg class="chart heat" role="img" viewBox="0 0 {size_w} {size_h}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, label in enumerate(labels):
        short = label[:10]
        parts.append(_text(left - 4, top + i * cell + cell / 2 + 4, short, anchor="end", size=10))
        x = left + i * cell + cell / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top - 4}" font-size="10" transform="rotate(-55 {x:.1f} {top - 4})" '
            f'fill="#1b1f24">{escape(short)}</text>'
        )
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            x, y = left + j * cell, top + i * cell
            if value is None:
                parts.append(f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="#d0d7de"/>')
                continue
            fill, ink = _heat(value, peak)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                f"<title>{escape(labels[i])} / {escape(labels[j])}: {value}</title></rect>"
            )
            parts.append(_text(x + cell / 2, y + cell / 2 + 4, str(value), anchor="middle", size=10, fill=ink))
    parts.append("</svg>")
    return mark_safe("".join(parts))
