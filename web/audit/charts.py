"""Bar charts drawn on the server as SVG: no script, no library, every label escaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from engine import Figure

WIDTH = 640
LABEL_WIDTH = 260
BAR_HEIGHT = 22
GAP = 8
VALUE_WIDTH = 90


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def bar_chart(figures: Sequence[Figure], title: str,
              value_text: Callable[[Figure], str] = lambda f: f"{f.value:g}") -> Markup:
    """A horizontal bar chart of the figures, with its title for screen readers."""
    if not figures:
        return Markup("")
    top = max((f.value for f in figures), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(figures) * (BAR_HEIGHT + GAP) + GAP
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" preserveAspectRatio="xMinYMin meet" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for index, figure in enumerate(figures):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = max(figure.value / top * span, 0 if figure.value <= 0 else 1)
        middle = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<g class="bar" data-label="{escape(figure.label)}" data-value="{figure.value:g}">'
            f'<title>{escape(figure.label)}: {escape(value_text(figure))}</title>'
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{middle:.1f}" '
            f'text-anchor="end">{escape(_short(figure.label))}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}" rx="3"></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6:.1f}" y="{middle:.1f}">'
            f'{escape(value_text(figure))}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
