"""Bar charts drawn on the server as SVG: no script, no library, every label escaped.

A label is wrapped onto as many lines as it needs (never cut with "…"), and each bar's
value is written right after it, so bars of different lengths never read the same.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from engine import Figure

WIDTH = 640
LABEL_WIDTH = 260
BAR_HEIGHT = 22
LINE_HEIGHT = 15
GAP = 10
VALUE_WIDTH = 110
# Characters of the label font that fit in LABEL_WIDTH (about 7 px each at 12 px).
LABEL_CHARACTERS = 34


def label_lines(label: str, width: int = LABEL_CHARACTERS) -> list[str]:
    """The label wrapped into lines of at most `width` characters (a longer word is broken,
    nothing is left out)."""
    return textwrap.wrap(label, width, break_long_words=True, break_on_hyphens=False) or [""]


def bar_chart(figures: Sequence[Figure], title: str,
              value_text: Callable[[Figure], str] = lambda f: f"{f.value:g}") -> Markup:
    """A horizontal bar chart of the figures, with its title for screen readers."""
    if not figures:
        return Markup("")
    top = max((f.value for f in figures), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    wrapped = [label_lines(f.label) for f in figures]
    rows = [max(BAR_HEIGHT, len(lines) * LINE_HEIGHT + 6) for lines in wrapped]
    height = sum(rows) + GAP * (len(figures) + 1)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    y = GAP
    for figure, lines, row in zip(figures, wrapped, rows, strict=True):
        width = max(figure.value / top * span, 0 if figure.value <= 0 else 1)
        bar_y = y + (row - BAR_HEIGHT) / 2
        middle = bar_y + BAR_HEIGHT * 0.7
        first = y + (row - len(lines) * LINE_HEIGHT) / 2 + LINE_HEIGHT * 0.8
        text = "".join(
            f'<tspan x="{LABEL_WIDTH - 8}" y="{first + index * LINE_HEIGHT:.1f}">'
            f'{escape(line)}</tspan>' for index, line in enumerate(lines))
        parts.append(
            f'<g class="bar" data-label="{escape(figure.label)}" data-value="{figure.value:g}">'
            f'<title>{escape(figure.label)}: {escape(value_text(figure))}</title>'
            f'<text class="chart-label" text-anchor="end">{text}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{bar_y:.1f}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}" rx="3"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6:.1f}" y="{middle:.1f}">'
            f'{escape(value_text(figure))}</text></g>')
        y += row + GAP
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
