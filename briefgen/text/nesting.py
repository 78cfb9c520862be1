"""Quotes inside quotes, at render time only: “… ‘…’ …” and [sic] markers.

A quote is stored in the source's own characters and checked against the source as
stored. Printed inside double quotation marks, the quotation marks *it* contains must
alternate: double become single, single inside those become double, all curly.
Apostrophes stay apostrophes (’). ``sic`` words get "[sic]" after them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_DOUBLE = '"“”„‟'
_SINGLE = "'‘’‚‛"
_OPENERS = "“„‟‘‚‛"
_CLOSERS = "”’"
# A straight mark opens a quotation after these (or at the start of the text).
_BEFORE_OPENING = set(" \t\n([{—–-/") | set(_OPENERS)
_CURLY = {("double", True): "“", ("double", False): "”", ("single", True): "‘"}
_CURLY[("single", False)] = "’"
SIC = "[sic]"


def nested_quote(text: str, depth: int = 1) -> str:
    """``text`` printed inside ``depth`` levels of quotation marks (1: inside “…”)."""
    out: list[str] = []
    stack: list[str] = []  # the stored kind ("double"/"single") of each open quotation
    for index, char in enumerate(text):
        if char not in _DOUBLE and char not in _SINGLE:
            out.append(char)
            continue
        stored = "double" if char in _DOUBLE else "single"
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if char in _OPENERS:
            opening = True
        elif char in _CLOSERS:
            opening = False
        else:  # straight: it opens after a space or bracket, before a non-space
            opening = before in _BEFORE_OPENING and not after.isspace()
        if stored == "single" and not opening and "single" not in stack:
            out.append("’")  # an apostrophe (Seoul's, '90s' closing nothing)
            continue
        if stored == "single" and opening and before.isalnum():
            out.append("’")
            continue
        if opening:
            stack.append(stored)
            level = depth + len(stack)
        else:
            level = depth + len(stack)
            if stored in stack:
                while stack and stack.pop() != stored:
                    pass
        shown = "double" if level % 2 == 1 else "single"
        out.append(_CURLY[(shown, opening)])
    return "".join(out)


def _word_pattern(word: str) -> re.Pattern[str]:
    """``word`` as a whole word, straight and curly apostrophes alike."""
    body = "".join("['’‘]" if char in "'’‘" else re.escape(char) for char in word)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def missing_sic(quote: str, sic: Sequence[str]) -> list[str]:
    """The ``sic`` words that do not occur in ``quote`` as whole words."""
    return [word for word in sic if not _word_pattern(word).search(quote)]


def mark_sic(quote: str, sic: Sequence[str]) -> str:
    """``quote`` with " [sic]" after every occurrence of each ``sic`` word."""
    for word in sic:
        quote = _word_pattern(word).sub(lambda m: f"{m[0]} {SIC}", quote)
    return quote


def shown_quote(quote: str, sic: Sequence[str] = (), depth: int = 1) -> str:
    """A stored quote as printed inside ``depth`` levels of quotation marks."""
    return nested_quote(mark_sic(quote, sic), depth)
