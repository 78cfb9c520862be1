"""Markdown → sanitized HTML with citations; the only place HTML is marked safe."""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import cache

import markdown
import nh3
from markupsafe import Markup

from briefgen.blocks import analysis_chunks
from briefgen.citations import find_citations

ALLOWED_TAGS = {
    "p",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "br",
    "hr",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "h3",
    "h4",
    "sup",
    "sub",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}}
_TOKEN = "BRIEFGENCITE{}X"

# Turns one citation (note ids, whether to print the quote) into trusted HTML.
CiteRenderer = Callable[[tuple[str, ...], bool], str]


@cache
def _converter() -> markdown.Markdown:
    # Building a Markdown instance costs more than most conversions: make one, reset it.
    return markdown.Markdown(extensions=["tables", "sane_lists", "smarty"], output_format="html")


def _markdown(text: str) -> str:
    return str(_converter().reset().convert(text))


def _sanitize(raw: str) -> str:
    return str(
        nh3.clean(
            raw,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
            filter_style_properties={"text-align"},
        )
    )


def render_inline(text: str, cite: CiteRenderer) -> Markup:
    """Render a short text (an option's point) without a wrapping paragraph."""
    rendered = render(text, cite)
    inner = str(rendered).strip()
    if inner.startswith("<p>") and inner.endswith("</p>") and inner.count("<p>") == 1:
        inner = inner[3:-4]
    return Markup(inner)


def render(text: str, cite: CiteRenderer) -> Markup:
    """Render Markdown with citations; ``::: analysis`` blocks become marked divs."""
    replacements: list[str] = []
    pieces: list[str] = []
    position = 0
    for citation in find_citations(text):
        pieces.append(text[position : citation.start])
        pieces.append(_TOKEN.format(len(replacements)))
        replacements.append(cite(citation.ids, citation.quote))
        position = citation.end
    pieces.append(text[position:])
    out: list[str] = []
    chunks, _ = analysis_chunks("".join(pieces))
    for chunk in chunks:
        body = _sanitize(_markdown(chunk.text))
        if chunk.analysis:
            body = (
                '<div class="analysis" role="note" aria-label="Analysis">'
                '<p class="analysis-label">Analysis</p>' + body + "</div>"
            )
        out.append(body)
    result = "\n".join(out)
    for index, replacement in enumerate(replacements):
        result = result.replace(_TOKEN.format(index), replacement)
    return Markup(result)


def quote_html(source_text: str) -> str:
    """A quotation printed with the source's own characters."""
    return f'<span class="quote">“{html.escape(source_text, quote=False)}”</span>'
