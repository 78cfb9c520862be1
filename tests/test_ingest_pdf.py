"""briefgen/ingest/pdf.py: the wrapped fixture's exact paragraphs, and each hostile PDF's code.

The fixtures are made by tests/fixtures/import/make_fixtures.py and committed.
"""

from __future__ import annotations

import random
import time
from functools import cache

import pytest

from briefgen.ingest import Block, Extracted, ImportFailure, Join, Limits, Recorded, extract
from tests.conftest import FIXTURES

IMPORT = FIXTURES / "import"

EXPECTED = [
    Block("Intelligence Sharing in Northeast Asia", "title", 1),
    Block("By Jane Example and Min-jun Sample", "byline", 1),
    Block(
        "Seoul and Tokyo signed their military information agreement in 2016 after years "
        "of quiet talks, and the text binds both governments to protect what the other "
        "shares. Officials on both sides describe the first years of their joint "
        "intelligence cooperation as cautious but steady.",
        "body",
        1,
    ),
    Block(
        "Washington encouraged the deal from the start, seeing it as the missing link in "
        "a long-term plan.",
        "body",
        1,
    ),
    Block("Why the agreement matters", "heading", 1),
    Block(
        "Without a bilateral channel, warnings about missile launches had to pass through "
        "American hands, which cost minutes that neither capital could spare in a crisis. "
        "A direct link gives each side a long-term stake in the other's early warning and "
        "makes the partnership harder to abandon when domestic politics turn sour, as they "
        "did in 2019 when Seoul announced that it would let the agreement lapse and then "
        "reversed itself at the last moment under heavy pressure from its allies and its "
        "own defence establishment, which had come to rely on the Japanese data.",
        "body",
        1,
    ),
    Block("1 Ministry of National Defense, press release, 23 November 2016.", "footnote", 1),
    Block(
        "Critics in both capitals still question whether the arrangement survives a "
        "change of government.",
        "body",
        2,
    ),
]


@cache
def wrapped() -> Extracted:
    """The wrapped fixture, extracted once for the tests that only read the result."""
    return extract(".pdf", (IMPORT / "wrapped.pdf").read_bytes(), Limits())


def failure(name: str, limits: Limits | None = None) -> ImportFailure:
    # Processor time, as the import's own limit: under load the clock ran past 3 s
    # (3.5 s for stream-bomb.pdf with two test suites at once) for a quick refusal.
    started = time.process_time()
    with pytest.raises(ImportFailure) as raised:
        extract(".pdf", (IMPORT / name).read_bytes(), limits or Limits())
    assert time.process_time() - started < 3, f"{name} took too long to refuse"
    return raised.value


def test_wrapped_pdf_gives_exact_paragraphs_and_roles() -> None:
    assert wrapped().blocks == EXPECTED


def test_running_head_and_page_numbers_are_gone() -> None:
    text = " ".join(block.text for block in wrapped().blocks)
    assert "Trilateral Review" not in text
    assert "Page 1 of 2" not in text and "Page 2 of 2" not in text


def test_footnote_call_left_out_of_the_body() -> None:
    body = wrapped().blocks[2].text
    assert "other shares. Officials" in body  # not "shares.1 Officials"


def test_hyphen_joins_are_recorded_by_the_rule() -> None:
    # "coop-" + "eration": the hyphenated form occurs nowhere else, so it is joined;
    # "long-" + "term": "long-term" occurs within a line elsewhere, so the hyphen stays.
    assert wrapped().joins == [
        Join(page=1, joined="cooperation", kept_hyphen=False),
        Join(page=1, joined="long-term", kept_hyphen=True),
    ]


def test_metadata_from_the_info_dictionary() -> None:
    origin = "PDF info dictionary"
    assert wrapped().metadata == {
        "title": Recorded("Intelligence Sharing in Northeast Asia", origin),
        "author": Recorded("Jane Example", origin),
        "date": Recorded("2024-03-05", origin),
    }


def test_extractor_and_original_characters() -> None:
    result = wrapped()
    assert result.extractor.startswith("pypdf ")
    kept = sum(len(block.text) for block in result.blocks)
    # The running heads, page numbers and line-end hyphens were in the original.
    assert result.original_chars == 1268
    assert kept < result.original_chars


def test_extraction_is_repeatable() -> None:
    again = extract(".pdf", (IMPORT / "wrapped.pdf").read_bytes(), Limits())
    assert again == wrapped()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("no-text.pdf", "import.no-text-layer"),
        ("encrypted.pdf", "import.encrypted"),
        ("many-pages.pdf", "import.too-many-pages"),
        ("kids-loop.pdf", "import.unreadable"),
        ("stream-bomb.pdf", "import.unreadable"),
    ],
)
def test_hostile_pdf_is_refused_with_its_code(name: str, code: str) -> None:
    assert failure(name).code == code


def test_no_text_layer_says_what_to_do() -> None:
    assert failure("no-text.pdf").message == (
        "the PDF has no text layer (scanned pages?); OCR is not supported: export the text "
        "from the original, or type it"
    )


def test_page_limit_is_the_callers() -> None:
    error = failure("wrapped.pdf", Limits(max_pages=1))
    assert (error.code, error.message) == (
        "import.too-many-pages",
        "the PDF has 2 pages; briefgen imports at most 1: split it, or import the part you quote",
    )


def test_time_limit() -> None:
    assert failure("wrapped.pdf", Limits(seconds=1e-6)).code == "import.timeout"


def test_not_a_pdf() -> None:
    with pytest.raises(ImportFailure) as raised:
        extract(".pdf", b"<html>not a pdf</html>", Limits())
    assert raised.value.code == "import.unreadable"


def test_damaged_pdfs_never_give_a_traceback() -> None:
    original = (IMPORT / "wrapped.pdf").read_bytes()
    damaged = [original[: len(original) // 2], original.replace(b"xref", b"xfer")]
    rng = random.Random(20)
    for _ in range(12):
        data = bytearray(original)
        for _ in range(40):
            data[rng.randrange(len(data))] = rng.randrange(256)
        damaged.append(bytes(data))
    for data in damaged:
        try:
            extract(".pdf", data, Limits(seconds=5))
        except ImportFailure as error:
            assert error.code in {"import.unreadable", "import.no-text-layer"}


def test_pypdf_repairs_are_warnings_not_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    original = (IMPORT / "wrapped.pdf").read_bytes()
    # A wrong startxref offset: pypdf rebuilds the cross-reference table and says so.
    damaged = original.replace(b"startxref\n", b"startxref\n9")
    result = extract(".pdf", damaged, Limits())
    assert result.blocks == EXPECTED
    assert result.warnings
    assert not caplog.records
