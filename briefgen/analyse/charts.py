"""Vector charts (inline SVG) drawn from the analysis data; identical in HTML and PDF."""

from __future__ import annotations

import textwrap
from html import escape

from briefgen.analyse.robustness import whole_points
from briefgen.text.markdown import Html, trusted_svg

WIDTH = 640
LABEL = 300
ROW = 24
FONT = 'font-family="Caladea, serif" font-size="11"'
MAX_LABEL = 52  # characters that fit left of the plot at this font size
LINE = 12  # the height of each further line of a wrapped label


def _lines(text: str) -> list[str]:
    """``text`` wrapped at spaces into lines of at most MAX_LABEL characters: a chart
    label is never cut short (a word longer than a line is a line of its own)."""
    return textwrap.wrap(text, MAX_LABEL, break_long_words=False) or [""]


def _label(text: str, y: int) -> str:
    """The label right-aligned left of the plot, its first baseline at ``y``."""
    spans = "".join(
        f'<tspan x="{LABEL - 8}" y="{y + LINE * index}">{escape(line)}</tspan>'
        for index, line in enumerate(_lines(text))
    )
    return f'<text x="{LABEL - 8}" y="{y}" {FONT} text-anchor="end">{spans}</text>'


def _rows(labels: list[str]) -> list[tuple[int, int]]:
    """Each row's top and height: ROW, and LINE more for each further label line."""
    rows, top = [], 0
    for label in labels:
        height = ROW + LINE * (len(_lines(label)) - 1)
        rows.append((top, height))
        top += height
    return rows


def _svg(height: int, title: str, body: list[str]) -> Html:
    head = (
        f'<svg viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>"
    )
    return trusted_svg(head + "".join(body) + "</svg>")


def _axis(top: int, bottom: int, span: int, unit: str) -> list[str]:
    """Ticks at 0, 25 … 100 labelled in ``unit`` ('%' for shares, ' pts' for points)."""
    parts = []
    for tick in range(0, 101, 25):
        x = LABEL + span * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" '
            'stroke="#c9ced8" stroke-width="0.5"/>'
            f'<text x="{x:.1f}" y="{bottom + 12}" {FONT} text-anchor="middle" '
            f'fill="#5b6475">{tick}{unit}</text>'
        )
    return parts


def totals_chart(rows: list[tuple[str, float, bool]]) -> Html:
    """Horizontal bars: (option title, weighted total 0–1, is top)."""
    span = WIDTH - LABEL - 50
    layout = _rows([label for label, _, _ in rows])
    bottom = sum(height for _, height in layout)
    body = _axis(0, bottom, span, " pts")
    for (label, total, top), (y, height) in zip(rows, layout, strict=True):
        colour = "#1f4e79" if top else "#8aa4c2"
        middle = y + height // 2  # the bar and its figure sit level with the label's middle
        body.append(
            _label(label, y + 16)
            + f'<rect x="{LABEL}" y="{middle - ROW // 2 + 4}" width="{span * total:.1f}" '
            f'height="{ROW - 8}" fill="{colour}"/>'
            f'<text x="{LABEL + span * total + 4:.1f}" y="{middle + 4}" {FONT}>'
            f"{whole_points(total)}</text>"
        )
    return _svg(bottom + 24, "Weighted total score by option, in points (0–100)", body)


def ranges_chart(rows: list[tuple[str, float, float, float]]) -> Html:
    """Per criterion: (name, base share, low, high) — the band where the top option holds."""
    span = WIDTH - LABEL - 50
    layout = _rows([label for label, _, _, _ in rows])
    bottom = sum(height for _, height in layout)
    body = _axis(0, bottom, span, "%")
    for (label, base, low, high), (y, height) in zip(rows, layout, strict=True):
        middle = y + height // 2
        body.append(
            _label(label, y + 16)
            + f'<rect x="{LABEL + span * low:.1f}" y="{middle - ROW // 2 + 7}" '
            f'width="{max(span * (high - low), 1):.1f}" height="{ROW - 14}" fill="#b7d3a8"/>'
            f'<circle cx="{LABEL + span * base:.1f}" cy="{middle}" r="4" '
            'fill="#1d2330"/>'
        )
    return _svg(
        bottom + 24, "Weight range of each criterion over which the top option stays on top", body
    )
