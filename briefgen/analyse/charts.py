"""Vector charts (inline SVG) drawn from the analysis data; identical in HTML and PDF."""

from __future__ import annotations

from html import escape

from briefgen.analyse.robustness import whole_points
from briefgen.text.markdown import Html, trusted_svg

WIDTH = 640
LABEL = 300
ROW = 24
FONT = 'font-family="Caladea, serif" font-size="11"'
MAX_LABEL = 52  # characters that fit left of the plot at this font size


def _label(text: str) -> str:
    return escape(text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…")


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
    height = ROW * len(rows) + 24
    body = _axis(0, ROW * len(rows), span, " pts")
    for index, (label, total, top) in enumerate(rows):
        y = index * ROW
        colour = "#1f4e79" if top else "#8aa4c2"
        body.append(
            f'<text x="{LABEL - 8}" y="{y + 16}" {FONT} text-anchor="end">{_label(label)}</text>'
            f'<rect x="{LABEL}" y="{y + 4}" width="{span * total:.1f}" height="{ROW - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{LABEL + span * total + 4:.1f}" y="{y + 16}" {FONT}>'
            f"{whole_points(total)}</text>"
        )
    return _svg(height, "Weighted total score by option, in points (0–100)", body)


def ranges_chart(rows: list[tuple[str, float, float, float]]) -> Html:
    """Per criterion: (name, base share, low, high) — the band where the top option holds."""
    span = WIDTH - LABEL - 50
    height = ROW * len(rows) + 24
    body = _axis(0, ROW * len(rows), span, "%")
    for index, (label, base, low, high) in enumerate(rows):
        y = index * ROW
        body.append(
            f'<text x="{LABEL - 8}" y="{y + 16}" {FONT} text-anchor="end">{_label(label)}</text>'
            f'<rect x="{LABEL + span * low:.1f}" y="{y + 7}" '
            f'width="{max(span * (high - low), 1):.1f}" height="{ROW - 14}" fill="#b7d3a8"/>'
            f'<circle cx="{LABEL + span * base:.1f}" cy="{y + ROW / 2:.1f}" r="4" '
            'fill="#1d2330"/>'
        )
    return _svg(
        height, "Weight range of each criterion over which the top option stays on top", body
    )
