"""Rebuild a CSL processor's HTML from an allowlist: the processor is not trusted.

citeproc-js escapes the text it prints, but it also passes a few tags written inside
fields (``<i>``, ``<b>``, ``<span style=…>``) through as markup. Its output is parsed
here and written out again: text is escaped anew, and only ``<i>``, ``<b>``, ``<sup>``,
``<sub>``, the processor's other formatting (small capitals, upright, normal weight,
underline, and their opposites) and ``http(s)`` links survive, each written by this
module (no attribute of the input is copied except a checked ``href``). That other
formatting becomes a ``csl-*`` class styled by ``CSS``, never an inline ``style=``: the
page safety check refuses inline styles from anywhere (render/safety.py).
``markdown.csl_html`` is what makes the result trusted ``Html``.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_PLAIN = frozenset({"i", "b", "sup", "sub"})
# citeproc-js's HTML output format (its "@font-variant/small-caps" and the like): each
# inline style it writes, the class it becomes, and that class's rule.
_CLASSES = {
    "font-variant:small-caps": ("csl-small-caps", "font-variant: small-caps"),
    "font-variant:normal": ("csl-no-small-caps", "font-variant: normal"),
    "font-style:normal": ("csl-upright", "font-style: normal"),
    "font-weight:normal": ("csl-normal-weight", "font-weight: normal"),
    "text-decoration:underline": ("csl-underline", "text-decoration: underline"),
    "text-decoration:none": ("csl-no-underline", "text-decoration: none"),
    "baseline": ("csl-baseline", "vertical-align: baseline"),
}
_STYLES = {style: f'<span class="{name}">' for style, (name, _) in _CLASSES.items()}
# The rules for those classes, inlined before brief.css in every page (a project's
# stylesheet may restyle them).
CSS = "\n".join(f"span.{name} {{ {rule}; }}" for name, rule in _CLASSES.values())
_URL = re.compile(r"^https?://[^\s<>\"'`]+$")


class _Rebuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []  # the closing tag each open element gets ('' if dropped)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        opening, closing = "", ""
        if tag in _PLAIN or tag == "em":  # "em": the processor's oblique, drawn as italic
            name = "i" if tag == "em" else tag
            opening, closing = f"<{name}>", f"</{name}>"
        elif tag == "span":
            style = re.sub(r"[\s;]+", "", values.get("style", "")).lower()
            if style in _STYLES:
                opening, closing = _STYLES[style], "</span>"
        elif tag == "a" and _URL.fullmatch(values.get("href", "")):
            href = html.escape(values["href"], quote=True)
            opening, closing = f'<a href="{href}">', "</a>"
        if tag in ("br", "img", "hr", "input", "meta", "link"):
            return  # void elements: never closed, never kept
        self.out.append(opening)
        self.open.append(closing)

    def handle_endtag(self, tag: str) -> None:
        if self.open:
            self.out.append(self.open.pop())

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))

    def close(self) -> None:
        super().close()
        while self.open:
            self.out.append(self.open.pop())


def rebuild_csl_html(fragment: str) -> str:
    """``fragment`` with only allowlisted markup left, as an HTML string."""
    parser = _Rebuilder()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out).strip()
