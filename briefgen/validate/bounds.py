"""Bounds on Markdown input, checked before Python-Markdown or WeasyPrint sees it.

**Nesting depth**, measured in one pass without recursion.

Python-Markdown parses nested lists and quotes recursively, and WeasyPrint lays out
nested boxes recursively: a few hundred bytes of ``- - - …`` or ``*****…`` exhaust
Python's stack. So the depth is bounded *before* either sees the text. The measure is
an upper bound of what the text can build, counted per line:

* block levels: each ``>``, each list marker and each 4 columns of indentation;
* inline levels within a paragraph: emphasis runs that open (``*``/``_`` before a
  word; a run of n opens (n + 1) // 2 levels) less those that close, plus raw HTML
  start tags less end tags. Blank lines end a paragraph and reset the count.

**Table width**: a table wider than the page is cut off, and laying out hundreds of
columns takes minutes, so a table row may have at most ``[limits] table_columns`` cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.diagnostics import Diagnostics
    from briefgen.model.project import Origin
    from briefgen.model.settings import LimitSettings

TAB = 4
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*?(/?)>")
_EMPHASIS = re.compile(r"(?<!\\)([*_])\1*")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
VOID = frozenset({"br", "hr", "img", "wbr", "input", "meta", "link", "area", "col", "source"})


@dataclass(frozen=True)
class TooDeep:
    """Nesting past the limit: where it starts and how deep it gets."""

    line: int  # 0-based line within the text where the too-deep nesting starts
    depth: int


def _block_depth(line: str) -> tuple[int, int]:
    """(block levels, offset where the line's inline text starts)."""
    depth, position, column = 0, 0, 0
    while position < len(line):
        char = line[position]
        if char in " \t":
            column = (column // TAB + 1) * TAB if char == "\t" else column + 1
            position += 1
            continue
        depth += column // TAB
        column = 0
        marker = _LIST_MARKER.match(line, position)
        if char == ">":
            depth, position = depth + 1, position + 1
        elif marker:
            depth, position = depth + 1, marker.end()
        else:
            return depth, position
    return depth + column // TAB, position


def _inline_steps(text: str) -> Iterator[int]:
    """The change in inline depth at each emphasis run or raw tag, in order."""
    events: list[tuple[int, int]] = []
    for match in _EMPHASIS.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        levels = (len(match[0]) + 1) // 2
        if not before.isspace() and not after.isalnum():  # `word*`, `word*.`: closes
            events.append((match.start(), -levels))
        elif not after.isspace() and not before.isalnum():  # ` *word`, `(*word`: opens
            events.append((match.start(), levels))
    for match in _TAG.finditer(text):
        name = match[2].lower()
        if name in VOID or match[3]:
            continue
        events.append((match.start(), -1 if match[1] else 1))
    events.sort()
    yield from (step for _, step in events)


def too_deep(text: str, limit: int) -> Iterator[TooDeep]:
    """Each place where ``text`` nests deeper than ``limit`` levels (once per paragraph)."""
    inline, start, reported = 0, 0, False
    for number, line in enumerate(text.split("\n")):
        if not line.strip():
            inline, start, reported = 0, number + 1, False
            continue
        block, offset = _block_depth(line)
        if block <= 1 and inline == 0:
            start = number
        deepest = block + inline
        for step in _inline_steps(line[offset:]):
            inline = max(0, inline + step)
            deepest = max(deepest, block + inline)
        if deepest > limit and not reported:
            reported = True
            yield TooDeep(start, deepest)


def too_wide(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """(0-based line, cells) of the first too-wide row of each table with rows of more
    than ``limit`` cells."""
    in_wide_table = False
    for number, line in enumerate(text.split("\n")):
        row = line.strip()
        cells = len(_CELL_SEPARATOR.findall(row.strip("|"))) + 1 if "|" in row else 0
        if cells > limit and not in_wide_table:
            yield number, cells
        in_wide_table = cells > limit or (in_wide_table and cells > 0)


def check_bounds(
    text: str, origin: Origin, first_line: int, limits: LimitSettings, diagnostics: Diagnostics
) -> None:
    """Report Markdown nested too deep or tables too wide, at the line where each starts."""
    for found in too_deep(text, limits.markdown_depth):
        diagnostics.error(
            origin.path,
            first_line + found.line,
            "markdown.too-deep",
            f"lists, quotes, emphasis or tags nested here go deeper than "
            f"{limits.markdown_depth} levels (the limit is [limits] markdown_depth)",
        )
    for line, cells in too_wide(text, limits.table_columns):
        diagnostics.error(
            origin.path,
            first_line + line,
            "markdown.wide-table",
            f"this table row has {cells} cells; at most {limits.table_columns} fit on a page "
            "(the limit is [limits] table_columns)",
        )
