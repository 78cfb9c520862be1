"""The finished-page check: templates are untrusted too, so every page is checked against
an allowlist of what the package templates, ``charts.py`` and the Markdown sanitizer
emit (plus inert text elements of the same families). Anything else is refused, so a
page can neither run nor load anything in a reader's browser.

URLs: ``<a href>`` is the only URL attribute; it may hold a fragment (``#note-3``), an
``http:``/``https:`` link or a ``mailto:`` address (what the sanitizer lets through).
``<style>`` may load nothing but ``data:`` URLs (the embedded fonts).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from briefgen.diagnostics import RenderError

HTML_ELEMENTS = frozenset(
    {
        # document (base.html.j2)
        *("html", "head", "title", "meta", "style", "body", "header", "main", "nav"),
        *("section", "article", "aside", "footer", "figure", "figcaption", "div", "time"),
        # text (templates and the sanitizer)
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "pre", "blockquote", "span"),
        *("a", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "code", "cite"),
        *("abbr", "q", "mark", "del", "ins", "dfn", "kbd", "samp", "var", "bdi"),
        # lists and tables
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
    }
)
# charts.py: shapes and text only; no <use>, <image>, <foreignObject>, <animate>, <set>.
SVG_ELEMENTS = frozenset(
    {"svg", "g", "title", "desc", "text", "tspan", "rect", "circle", "line", "path"}
    | {"polyline", "polygon", "ellipse"}
)
ELEMENTS = HTML_ELEMENTS | SVG_ELEMENTS
# tabindex: the focusable scrolling wrappers of wide tables and charts (keyboard users).
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "role", "title", "lang", "dir", "tabindex"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "rel"}),
    "meta": frozenset({"charset", "name", "content"}),
    "time": frozenset({"datetime"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "th": frozenset({"scope", "colspan", "rowspan", "headers", "abbr", "style"}),
    "td": frozenset({"colspan", "rowspan", "headers", "style"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
}
SVG_ATTRIBUTES = frozenset(
    {"viewbox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx"}
    | {"ry", "d", "points", "fill", "stroke", "stroke-width", "stroke-dasharray", "opacity"}
    | {"fill-opacity", "transform", "font-family", "font-size", "font-weight", "text-anchor"}
    | {"dominant-baseline", "xmlns"}
)
SAFE_HREF = re.compile(r"#[^\s]*|https?://[^\s]+|mailto:[^\s]+", re.IGNORECASE)
# The only inline style the sanitizer keeps: table cell alignment.
SAFE_STYLE = re.compile(r"\s*text-align:\s*(left|right|center)\s*;?\s*", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*([^'\")\s]*)", re.IGNORECASE)
# The one CSS escape a page may hold (render/running.py writes the running title and
# marking so): six hex digits. Other escapes could spell url( or @import.
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{6})")


def _allowed_attribute(tag: str, name: str) -> bool:
    if name in GLOBAL_ATTRIBUTES or name.startswith(("aria-", "data-")):
        return not name.startswith("data-") or name[5:].replace("-", "").isalnum()
    if tag in SVG_ELEMENTS:
        return name in SVG_ATTRIBUTES
    return name in ATTRIBUTES.get(tag, frozenset())


def _bad_value(tag: str, name: str, value: str) -> bool:
    if name == "href":
        return SAFE_HREF.fullmatch(value) is None
    if name == "style":
        return SAFE_STYLE.fullmatch(value) is None
    # e.g. SVG fill="url(http://…)": only references inside the page
    return any(not url.startswith("#") for _, url in CSS_URL.findall(value))


def _bad_css(css: str) -> list[str]:
    """What a <style> sheet would load: only data: URLs (the fonts) are allowed."""
    found = []
    if "@import" in css.lower() or "\\" in CSS_ESCAPE.sub(_punctuation, css):
        found.append("@import or a CSS escape in <style>")
    for _, url in CSS_URL.findall(css):
        if not url.lower().startswith("data:"):
            found.append(f"url({url[:200]}) in <style>")
    return found


def _punctuation(escape: re.Match[str]) -> str:
    """An escaped character that cannot be part of a keyword or function name: dropped."""
    character = chr(int(escape.group(1), 16))
    spells = character.isascii() and (character.isalnum() or character in "-_\\")
    return escape.group(0) if spells else ""


class _ActiveContent(HTMLParser):
    """Finds anything in a finished page outside the allowlist."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ELEMENTS:
            self.found.append(f"<{tag}>")
            return
        self._in_style = tag == "style"
        for name, value in attrs:
            if not _allowed_attribute(tag, name):
                self.found.append(f"{name}= on <{tag}>")
            elif _bad_value(tag, name, value or ""):
                self.found.append(f"{name}={(value or '')[:200]!r} on <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(_bad_css(data))


def check_page(html_text: str) -> None:
    """Templates are untrusted too: a page with anything outside the allowlist is refused."""
    parser = _ActiveContent()
    parser.feed(html_text)
    parser.close()
    if parser.found:
        raise RenderError(
            "render.active-content",
            "the page would contain active content: " + ", ".join(parser.found[:5]),
        )
