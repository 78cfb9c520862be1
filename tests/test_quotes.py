import faulthandler
import random
import sys
import unicodedata
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from briefgen import pipeline
from briefgen.text import marks, quotes
from briefgen.text.quotes import closest, find_in, locate
from tests.sources import add_note, add_prose, append_source

# Only a hang guard, far above any machine's time (it once fired at 120 s under a load
# average of 8): the cost is asserted as a count of steps, which load does not change.
HANG_GUARD_SECONDS = 900

PARAGRAPH = "It was a “good first step,” to use the exact words of David Shear."


def test_typographic_and_straight_quotes_match_and_source_characters_are_returned() -> None:
    assert find_in('"good first step,"', PARAGRAPH) == "“good first step,”"


def test_whitespace_differences_are_ignored() -> None:
    assert find_in("the  exact\nwords", PARAGRAPH) == "the exact words"


def test_nothing_else_is_ignored() -> None:
    assert find_in("Good first step", PARAGRAPH) is None  # case
    assert find_in("good first step;", PARAGRAPH) is None  # punctuation
    assert find_in("good first-step", PARAGRAPH) is None  # hyphen vs space


def test_apostrophes_fold() -> None:
    assert find_in("Korea's nuclear", "North Korea’s nuclear and") == "Korea’s nuclear"


def test_locate_and_closest() -> None:
    paragraphs = ["Alpha beta gamma.", PARAGRAPH]
    match = locate("exact words", paragraphs)
    assert match is not None and (match.paragraph, match.text) == (2, "exact words")
    near = closest("the exakt words of", paragraphs)
    assert near is not None and near.paragraph == 2
    assert near.text == "the exact words of"


# --- word boundaries (review H3) --------------------------------------------------

FRAGMENTS = "The minister called the plan unworkable and insignificant."


@pytest.mark.parametrize("quote", ["workable and", "significant", "inister", "he plan", "plan u"])
def test_a_quote_never_matches_inside_a_word(quote: str) -> None:
    assert find_in(quote, FRAGMENTS) is None


@pytest.mark.parametrize(
    "quote",
    ["unworkable and", "insignificant.", "The minister", "plan  unworkable", "nt."],
)
def test_a_quote_may_start_and_end_at_a_boundary_or_at_punctuation(quote: str) -> None:
    found = find_in(quote, FRAGMENTS)
    if quote == "nt.":  # "nt" starts inside a word
        assert found is None
    else:
        assert found == " ".join(quote.split())


def test_punctuation_edges_need_no_boundary() -> None:
    assert find_in(",” to use", PARAGRAPH) == ",” to use"
    assert find_in("“good", PARAGRAPH) == "“good"


def test_combining_marks_are_part_of_a_word() -> None:
    decomposed = "le cafe\u0301 noir"
    assert find_in("cafe", decomposed) is None
    assert find_in("cafe\u0301", decomposed) == "cafe\u0301"


def test_the_table_of_combining_marks_is_this_unicode_databases() -> None:
    """The precomputed table (text/marks.py) is what a pass over every code point finds;
    regenerate it from ``marks.computed()`` when Python's Unicode database changes."""
    assert marks.marks() == marks.computed()
    if unicodedata.unidata_version == marks.UNIDATA_VERSION:
        assert marks.tabled() == marks.computed()


def test_quote_word_fragment_misquote(minimal: Path) -> None:
    """Review case quote-word-fragment-misquote: fragments of words are not quotes."""
    paragraph = append_source(minimal, FRAGMENTS)
    first = add_note(minimal, "minister", paragraph, "workable and")
    second = add_note(minimal, "minister-2", paragraph, "significant")
    add_prose(minimal, "The plan was [>@minister] and [>@minister-2].")
    got = [d.format() for d in pipeline.check(minimal).diagnostics.sorted()]
    assert got == [
        f"content/notes/test-notes.yaml:{line}: error: quote of note '{note}' not found in "
        f"source 'test-source'; closest passage is in ¶6: {passage} [quote.mismatch]"
        for line, note, passage in (
            (first, "minister", "unworkable and"),
            (second, "minister-2", "insignificant."),
        )
    ]


# --- strictness: everything but whitespace and quote style must match ------------

SOURCE = "it was a good first step, said café owners"


@pytest.mark.parametrize(
    "quote",
    [
        "good first\u200b step",  # zero-width space
        "good first\u200d step",  # zero-width joiner
        "good firѕt stеp",  # Cyrillic homoglyphs
        "cafe\u0301",  # NFD against an NFC source
        "good \u202epets tsrif\u202c",  # bidi override
        "good first st\u00adep",  # soft hyphen
        "it was a … step",  # ellipsis splice
        "it was a ... step",
    ],
)
def test_provenance_stays_strict(quote: str) -> None:
    assert find_in(quote, SOURCE) is None


def test_fast_path_agrees_with_the_occurrence_by_occurrence_reference() -> None:
    rng = random.Random(7)
    alphabet = ["a", "b", "ab", " ", "  ", "\n", ",", "’", "'", "é", "e\u0301", "-", "_"]
    for _ in range(3000):
        hay = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        needle = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        normalized = quotes._normalize(needle.strip())
        expected = quotes._find_reference(normalized, hay) if normalized else None
        assert find_in(needle, hay) == expected, (needle, hay)


def test_text_holding_the_boundary_mark_is_matched_strictly() -> None:
    assert find_in("b\x00c", "a b\x00c d") == "b\x00c"
    assert find_in("b", "ab\x00c") is None
    assert find_in("c", "ab\x00c") == "c"  # NUL is not a word character


# --- cost (review M3): linear, so the review's hang is gone ----------------------


class TooManySteps(Exception):
    pass


def count_steps(limit: int, work: Any, *args: object) -> int:
    """The Python lines ``work(*args)`` executes (in any module), stopping past ``limit``."""
    steps = 0

    def trace(frame: FrameType, event: str, _arg: object) -> Any:
        nonlocal steps
        if event == "line":
            steps += 1
            if steps > limit:
                raise TooManySteps
        return trace

    sys.settrace(trace)
    try:
        work(*args)
    finally:
        sys.settrace(None)
    return steps


def test_quote_closest_quadratic_hang(minimal: Path) -> None:
    """Review case quote-closest-quadratic-hang: two 20 kB quotes ∉ a 100 kB ¶.

    Before: difflib ran for over 30 s. The cost is asserted as a count of steps,
    linear in the words of the quote and the paragraph; a generous guard beside it
    catches a hang. The timing target is bench/bench_quotes.py.
    """
    rng = random.Random(3)
    words = ["alpha", "beta", "gamma", "delta", "sharing", "policy", "korea", "japan"]
    paragraph_text = " ".join(rng.choice(words) for _ in range(17_000))[:100_000].strip()
    quote = " ".join(rng.choice(words) for _ in range(3300))[:19_990].strip()
    size = len(paragraph_text.split()) + len(quote.split())
    closest("warm up", ["the patterns are compiled (in Python) on first use"])
    steps = count_steps(10 * size, closest, f"zz {quote}", [paragraph_text])
    assert size < steps <= 10 * size  # every word looked at, a few lines each

    paragraph = append_source(minimal, paragraph_text)
    lines = [add_note(minimal, f"long-{n}", paragraph, f"'zz {quote}'") for n in (1, 2)]
    add_prose(minimal, "Long [@long-1] [@long-2].")
    faulthandler.dump_traceback_later(HANG_GUARD_SECONDS, exit=True)
    try:
        result = pipeline.check(minimal)
    finally:
        faulthandler.cancel_dump_traceback_later()
    got = [(d.path, d.line, d.code) for d in result.diagnostics.sorted()]
    assert got == [("content/notes/test-notes.yaml", line, "quote.mismatch") for line in lines]
    hint = result.diagnostics.sorted()[0].message.split(": ", 1)[1]
    assert len(hint) == quotes.HINT_CHARS and hint.endswith("…")


def test_validation_time_is_limited_and_the_error_is_located(minimal: Path) -> None:
    """[limits] validate_seconds: past it, an error at the note being checked."""
    rng = random.Random(5)
    words = ["alpha", "beta", "gamma", "delta", "sharing", "policy", "korea", "japan"]
    paragraph_text = " ".join(rng.choice(words) for _ in range(160_000))[:900_000].strip()
    paragraph = append_source(minimal, paragraph_text)
    line = add_note(minimal, "slow", paragraph, "'zz not in the source'")
    with (minimal / "briefgen.toml").open("a", encoding="utf-8") as settings:
        settings.write("\n[limits]\nvalidate_seconds = 0.1\n")
    got = [d.format() for d in pipeline.check(minimal).diagnostics.sorted()]
    assert got == [
        f"content/notes/test-notes.yaml:{line}: error: checking the quote of note 'slow' took "
        "validation past its limit of 0.1 s of processor time ([limits] validate_seconds in "
        "briefgen.toml) "
        "[validate.timeout]"
    ]


def test_quote_lookup_misreported_as_markdown_timeout(minimal: Path) -> None:
    """Review case quote-lookup-misreported-as-markdown-timeout.

    30 ``[>@q]`` from a 900 kB paragraph with markdown_seconds = 2: the lookups are
    validation's work (done once), so Markdown conversion stays well inside its limit.
    """
    rng = random.Random(11)
    words = ["alpha", "beta", "gamma", "delta", "sharing", "policy", "korea", "japan"]
    paragraph_text = " ".join(rng.choice(words) for _ in range(160_000))[:900_000].strip()
    paragraph = append_source(minimal, paragraph_text)
    cites, expected = [], {}
    for n in range(30):
        start = paragraph_text.index(" ", 25_000 * n + 1) + 1
        quote = paragraph_text[start : paragraph_text.index(" ", start + 60)]
        add_note(minimal, f"q-{n}", paragraph, f"'{quote}'")
        cites.append(f"[>@q-{n}]")
        expected[f"q-{n}"] = quote
    add_prose(minimal, "They said " + ", ".join(cites) + ".")
    with (minimal / "briefgen.toml").open("a", encoding="utf-8") as settings:
        # a one-pager prints at most 5 references by default: this one may print them all
        settings.write(
            "\n[limits]\nmarkdown_seconds = 2\n\n[types.one-pager]\nmax_citations = 40\n"
        )
    result = pipeline.check(minimal)
    assert [d.format() for d in result.diagnostics.sorted()] == []
    endnotes = result.views["one"].values["view"]["endnotes"]
    printed = {e["note_id"]: e["quote_marked"] for e in endnotes}  # no [sic]: as stored
    assert {k: v for k, v in printed.items() if k.startswith("q-")} == expected
