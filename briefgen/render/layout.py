"""Bounds on laying out one page: how deep its tree may nest, and nothing may overflow.

WeasyPrint builds and lays out boxes recursively, so a deeply nested page exhausts
Python's stack; and content wider than the text area is clipped at the page edge
without a warning. Both are checked here, around WeasyPrint, without recursion.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from briefgen.diagnostics import RenderError

# The deepest element tree a page may have. Measured with WeasyPrint 70 at Python's
# default recursion limit: nested <ul><li> fail at 140 elements, <blockquote> at 140,
# <span> between 200 and 400; the templates themselves nest about 10 deep.
MAX_PAGE_DEPTH = 100
# Rounding in layout leaves boxes a fraction of a point past the edge.
TOLERANCE_PT = 1.0
SHOWN = 40  # characters of overflowing text quoted in the message


def tree_depth(root: Element) -> int:
    """The depth of an element tree, counted without recursion."""
    deepest = 0
    stack: list[tuple[Element, int]] = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def check_depth(root: Element) -> None:
    """A page nested deeper than WeasyPrint can lay out is refused before layout."""
    depth = tree_depth(root)
    if depth > MAX_PAGE_DEPTH:
        raise RenderError(
            "render.too-deep",
            f"the page nests {depth} elements deep; the most that can be laid out "
            f"is {MAX_PAGE_DEPTH} (deeply nested template markup?)",
        )


def _walk(box: Any, stop: Any = None) -> Iterator[Any]:
    """A box and its descendants, without recursion, skipping page margin boxes and
    the subtrees for which ``stop(box)`` is true (after yielding them)."""
    from weasyprint.formatting_structure.boxes import MarginBox

    stack = [box]
    while stack:
        current = stack.pop()
        if isinstance(current, MarginBox):
            continue
        yield current
        if stop is None or not stop(current):
            stack.extend(reversed(getattr(current, "children", ())))


def _text(box: Any) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    pieces = [b.text for b in _walk(box) if isinstance(b, TextBox)]
    text = " ".join(" ".join(pieces).split())
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def overflows(pages: list[Any]) -> list[str]:
    """Text and tables wider than the page's text area (WeasyPrint clips them silently)."""
    from weasyprint.formatting_structure.boxes import TableBox, TextBox

    found: list[str] = []
    for number, page in enumerate(pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width

        def past(box: Any, right: float = right) -> float:
            if not isinstance(box, TextBox | TableBox):
                return 0.0
            return float(box.border_box_x() + box.border_width() - right)

        for box in _walk(page_box, stop=lambda b: past(b) > TOLERANCE_PT):
            over = past(box)
            if over > TOLERANCE_PT:
                kind = "a table" if isinstance(box, TableBox) else "text"
                found.append(
                    f"page {number}: {kind} runs {over:.0f} pt past the right edge of "
                    f"the text area and is cut off: '{_text(box)}'"
                )
    return found


def check_overflow(pages: list[Any]) -> None:
    """Content cut off at the page edge is an error, not a silent loss."""
    found = overflows(pages)
    if found:
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        raise RenderError("render.overflow", "; ".join(found[:3]) + more)
