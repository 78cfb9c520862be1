"""Markdown → sanitized HTML with citations: the one place where HTML becomes trusted.

Everything a template prints unescaped is an ``Html`` value made here: sanitized
Markdown, citation marks, quotations, escaped text and the charts' SVG (built from
escaped strings). No other module imports ``markupsafe`` (a test checks it), so one
grep of this file audits every promotion of a string to trusted HTML.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import markdown
import nh3
from markupsafe import Markup

from briefgen.text.blocks import analysis_chunks
from briefgen.text.citations import Citation, find_citations
from briefgen.text.citemarks import CiteMark as CiteMark  # re-exported: views build marks
from briefgen.text.citemarks import MarkGroup, mark_groups
from briefgen.text.csl_html import rebuild_csl_html
from briefgen.text.nesting import shown_quote

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
_TOKEN_RE = re.compile(r"BRIEFGENCITE(?P<index>\d+)X")
# nh3 (html5ever) quotes every attribute value with '"', so '>' ends a tag outside quotes.
_TAG_OR_TOKEN = re.compile(r'(?P<tag><(?:[^>"]|"[^"]*")*>)|' + _TOKEN_RE.pattern)
_CODE_TAG = re.compile(r"</?(?:code|pre)\b", re.IGNORECASE)

# The type of trusted HTML; values of it are made only in this module.
Html = Markup

# Turns one citation (note ids, whether to print the quote) into trusted HTML.
CiteRenderer = Callable[[tuple[str, ...], bool], Html]


# U+2060 WORD JOINER: no line break between the cited word (or quote) and its mark.
WORD_JOINER = "&#8288;"


def cite_html(
    marks: Sequence[CiteMark],
    quote: str | None = None,
    sic: Sequence[str] = (),
    language: str | None = None,
) -> Html:
    """A citation mark (superscript endnote numbers), after the quotation if any (in
    ``language``, when it is not the page's).

    Numbers are sorted and runs compressed ("2–4, 7"); a word joiner glues the mark
    to what it follows, so the number never starts a line.
    """
    links = [_group_html(group) for group in mark_groups(marks)]
    sup = '<sup class="cite">' + ", ".join(links) + "</sup>"
    quoted = quote_html(quote, sic, language) if quote is not None else ""
    return Markup(quoted + WORD_JOINER + sup)


def _group_html(group: MarkGroup) -> str:
    """One number or range as a link to its (first) endnote."""
    first, last = group.first, group.last
    grades = [html.escape(mark.grade) for mark in group.marks]
    graded = grades[0] if len(grades) == 1 else ", ".join(grades[:-1]) + " and " + grades[-1]
    kind, what, sign = ("noteref", "", "")
    if group.opinion:
        kind, what, sign = ("noteref opinion", ", opinion", "°")
    if group.is_range:
        text = f"{first.number}{sign}–{last.number}{sign}"
        label = f"Endnotes {first.number}–{last.number}"  # contains the visible text (axe)
    else:
        text, label = f"{first.number}{sign}", f"Endnote {first.number}"
    ref = f' id="ref-{first.number}"' if first.first else ""
    # Later numbers of a range that are cited here first: the endnote's back-link target.
    anchors = "".join(
        f'<span id="ref-{mark.number}"></span>' for mark in group.marks[1:] if mark.first
    )
    return (  # the anchors after the link, so the targets stay in reading order
        f'<a class="{kind}" href="#note-{first.number}"{ref} '
        f'title="graded {graded}{what}" aria-label="{label}, graded {graded}{what}">{text}</a>'
        f"{anchors}"
    )


def inline_reference(
    references: Sequence[Html],
    quote: str | None = None,
    sic: Sequence[str] = (),
    language: str | None = None,
) -> Html:
    """Compact references in the text, e.g. ``(Klingner, “US Security Benefits,” para.
    9; …)``, each a short note without its closing period, after a space; after the
    quotation, if any."""
    parts = [str(ref).strip().removesuffix(".") for ref in dict.fromkeys(references)]
    quoted = quote_html(quote, sic, language) if quote is not None else ""
    return Markup(quoted + ' <span class="inline-ref">(' + "; ".join(parts) + ")</span>")


def escaped(text: str, language: str | None = None) -> Html:
    """Plain text as HTML: every special character escaped; in a ``<span lang>`` when
    it has a ``language`` (a validated BCP 47 tag) other than the page's."""
    if language:
        return Markup(f'<span lang="{html.escape(language)}">{html.escape(text)}</span>')
    return Markup(html.escape(text, quote=True))


def csl_html(fragment: str) -> Html:
    """A CSL processor's HTML output rebuilt from an allowlist (``text/csl_html.py``)."""
    return Markup(rebuild_csl_html(fragment))


def trusted_svg(svg: str) -> Html:
    """A chart's SVG. Callers build it from numbers and ``html.escape``d text only."""
    return Markup(svg)


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


def render(text: str, cite: CiteRenderer, *, analysis: bool = False) -> Markup:
    """Render Markdown with citations; ``::: analysis`` blocks become marked divs.

    In a section that is analysis by nature (``analysis``: its heading carries the
    badge) a fenced block is already analysis: it prints as the rest, with no second
    label."""
    citations: list[Citation] = []
    pieces: list[str] = []
    position = 0
    for citation in find_citations(text):
        before = text[position : citation.start]
        kept = before if citation.quote else _join_mark(before)
        pieces.append(kept)
        pieces.append(_TOKEN.format(len(citations)))
        # Shown as written (in code, say), a citation brings back the space it took.
        citations.append(dataclasses.replace(citation, start=position + len(kept)))
        position = citation.end
    pieces.append(text[position:])
    out: list[str] = []
    chunks, _ = analysis_chunks("".join(pieces))
    for chunk in chunks:
        body = _sanitize(_markdown(chunk.text))
        if chunk.analysis and not analysis:
            body = (
                '<div class="analysis" role="note" aria-label="Analysis">'
                '<p class="analysis-label">Analysis</p>' + body + "</div>"
            )
        out.append(body)
    return Markup(_cite_in_text("\n".join(out), text, citations, cite))


# The space, or soft line break, between a word and its citation mark.
_SPACE_BEFORE_MARK = re.compile(r"(?<=\S)[ \t]*(?:\n[ \t]*)?\Z")
_BLOCK_LINE = re.compile(r"^\s*(?:#|\|)")  # a heading or table row keeps its own line


def _join_mark(before: str) -> str:
    """``before`` without the space or soft line break that would let the mark wrap away
    from its word: "scope [@x]." prints "scope¹.". Not across a heading or table row."""
    match = _SPACE_BEFORE_MARK.search(before)
    if match is None:
        return before
    line = before[: match.start()].rsplit("\n", 1)[-1]
    if "\n" in match[0] and _BLOCK_LINE.match(line):
        return before
    return before[: match.start()]


def _cite_in_text(sanitized: str, text: str, citations: list[Citation], cite: CiteRenderer) -> str:
    """Put each citation back: live (``cite``, in document order) in running text; as
    the characters written inside code, a tag or an attribute such as a link's URL or
    title, where citation HTML would break the markup or show as code."""
    out: list[str] = []
    position, code = 0, 0
    for match in _TAG_OR_TOKEN.finditer(sanitized):
        out.append(sanitized[position : match.start()])
        position = match.end()
        if match["tag"]:
            if _CODE_TAG.match(match["tag"]):
                code += -1 if match["tag"].startswith("</") else 1
            out.append(_TOKEN_RE.sub(lambda t: _literal(text, citations, t), match["tag"]))
        elif code > 0:
            out.append(_literal(text, citations, match))
        else:
            citation = citations[int(match["index"])]
            out.append(cite(citation.ids, citation.quote))
    out.append(sanitized[position:])
    return "".join(out)


def _literal(text: str, citations: list[Citation], token: re.Match[str]) -> str:
    citation = citations[int(token["index"])]
    return html.escape(text[citation.start : citation.end], quote=True)


def quote_html(source_text: str, sic: Sequence[str] = (), language: str | None = None) -> str:
    """A quotation in double quotes: the source's characters, its own quotes alternated;
    marked as ``language`` (a validated BCP 47 tag) when it is not the page's."""
    shown = shown_quote(source_text, sic)
    lang = f' lang="{html.escape(language)}"' if language else ""
    return f'<span class="quote"{lang}>“{html.escape(shown, quote=False)}”</span>'


# Filters templates use (render/sandbox.py registers them): trusted HTML is made here only.
TEMPLATE_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def isolate(value: Any, language: Any = None) -> Markup:
    """``{{ value | bdi }}``: a value set into running text, isolated from the text
    around it (``<bdi>``, direction from its own first strong character), so an Arabic
    or Hebrew title does not reorder the date or quotation mark after it.

    ``{{ value | bdi(lang) }}`` also says its language (a BCP 47 tag; anything else is
    left out), so Han characters take that language's glyph forms."""
    if isinstance(language, str) and TEMPLATE_LANGUAGE_TAG.match(language):
        return Markup('<bdi lang="{}">{}</bdi>').format(language, value)
    return Markup("<bdi>{}</bdi>").format(value)


def in_language(value: Any, language: Any = None, page: Any = None) -> Markup:
    """``{{ text | lang(language) }}``: text in a language of its own, as
    ``<span lang="ko">text</span>``, so Han characters take that language's glyph forms;
    the text unchanged when ``language`` is not a BCP 47 tag (None: not given) or is
    ``page``, the page's own language."""
    if isinstance(language, str) and TEMPLATE_LANGUAGE_TAG.match(language) and language != page:
        return Markup('<span lang="{}">{}</span>').format(language, value)
    return Markup("{}").format(value)
