"""The running title and marking of printed pages, as literal CSS text.

Browsers do not support ``string()``/``string-set``, so the page margins would carry the
title and marking on page 1 only when the HTML is printed from a browser. The renderer
writes them into the ``@page`` margin boxes as CSS strings instead; WeasyPrint and
Chromium both show them on every page. They are the user's text inside ``<style>``,
where HTML escaping does not apply: every character that could end the string, the
rule or the element is escaped as a CSS code point.
"""

from __future__ import annotations

import unicodedata

# ASCII letters, digits and plain punctuation stay readable, and so do printable
# characters beyond ASCII (they cannot spell CSS syntax); the rest is escaped. Escapes
# are never letters or digits, which the page check relies on (render/safety.py).
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_!?'")


def _plain(character: str) -> bool:
    if character.isascii():
        return character in _PLAIN
    return unicodedata.category(character)[0] not in "CZ" or character == "\u00a0"


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot break out of the string or ``<style>``."""
    # "\\HHHHHH" with six hex digits needs no terminating space and cannot merge with
    # the next character.
    escaped = "".join(c if _plain(c) else f"\\{ord(c):06x}" for c in text)
    return f'"{escaped}"'


def running_heads(title: str, marking: str, rtl: bool = False, grade_key: str = "") -> str:
    """``@page`` rules putting ``title`` top left and ``marking`` top right and bottom
    centre; mirrored for a page written right to left (``rtl``): the title top right,
    the marking top left, the page number bottom left. ``grade_key`` goes bottom left
    (bottom right when mirrored) on the pages of parts that print grade codes (the named
    page ``graded``: brief.css puts those parts on it, so no other page carries the key)."""
    title_css, marking_css = css_string(title), css_string(marking)
    graded = ""
    if grade_key:
        corner = "bottom-right" if rtl else "bottom-left"
        graded = f"\n@page graded {{\n  @{corner} {{ content: {css_string(grade_key)}; }}\n}}"
    if not rtl:
        return (
            "@media print { @page {\n"
            f"  @top-left {{ content: {title_css}; }}\n"
            f"  @top-right {{ content: {marking_css}; }}\n"
            f"  @bottom-center {{ content: {marking_css}; }}\n"
            f"}}{graded} }}"
        )
    return (
        "@media print { @page {\n"
        f"  @top-right {{ content: {title_css}; font-weight: normal; color: #5b6475; }}\n"
        f"  @top-left {{ content: {marking_css}; font-weight: bold; color: inherit; }}\n"
        f"  @bottom-center {{ content: {marking_css}; }}\n"
        "  @bottom-right { content: none; }\n"
        '  @bottom-left { content: "page " counter(page) " of " counter(pages); '
        "font: 8pt 'Caladea'; }\n"
        f"}}{graded} }}"
    )
