"""briefgen/ingest/reflow.py on runs made by hand: the layouts the PDF fixture lacks."""

from __future__ import annotations

from briefgen.ingest import Block, Join
from briefgen.ingest.reflow import Run, paragraphs

HEIGHT = 800.0


def column(x: float, top: float, texts: list[str], size: float = 10.0) -> list[Run]:
    """Lines 14 pt apart from ``top`` down, each a run at ``x``."""
    return [Run(text, x, top - 14 * n, size, False) for n, text in enumerate(texts)]


FULL = "a line of body text long enough to count as a full line of the column"


def test_two_columns_in_reading_order_continue_a_paragraph() -> None:
    left = column(
        50,
        700,
        [FULL, FULL, "and the paragraph goes on and on at the foot of the first column to the"],
    )
    right = column(320, 700, ["next column, then ends here.", "A new paragraph" + FULL[1:], FULL])
    right[1].x += 12  # indented first line
    blocks, _ = paragraphs([left + right], [HEIGHT])
    assert blocks == [
        Block(
            f"{FULL} {FULL} and the paragraph goes on and on at the foot of the first column "
            "to the next column, then ends here.",
            "body",
            1,
        ),
        Block(f"A new paragraph{FULL[1:]} {FULL}", "body", 1),
    ]


def test_capital_after_a_line_end_hyphen_keeps_it_and_soft_hyphen_goes() -> None:
    runs = column(
        50,
        700,
        [
            FULL + " Franco-",
            "German talks, long and fruitless, then a year of careful coop\u00ad",
            "eration " + FULL,
        ],
    )
    blocks, joins = paragraphs([runs], [HEIGHT])
    assert blocks == [
        Block(
            f"{FULL} Franco-German talks, long and fruitless, then a year of careful "
            f"cooperation {FULL}",
            "body",
            1,
        )
    ]
    assert joins == [
        Join(page=1, joined="Franco-German", kept_hyphen=True),
        Join(page=1, joined="cooperation", kept_hyphen=False),
    ]


def test_bare_page_numbers_go_on_a_single_page() -> None:
    runs = [
        Run("vii", 300, 770, 10, False),
        *column(50, 700, [FULL]),
        Run("- 7 -", 300, 30, 10, False),
    ]
    blocks, _ = paragraphs([runs], [HEIGHT])
    assert blocks == [Block(FULL, "body", 1)]


def test_no_text_gives_no_blocks() -> None:
    assert paragraphs([[Run("   ", 50, 700, 10, False)]], [HEIGHT]) == ([], [])
