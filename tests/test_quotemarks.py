"""Quotation marks typed in prose are checked against the notes cited (review L5)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefgen import pipeline
from tests.sources import add_prose

HINT = (
    "quote a note with [>@id], or write scare quotes and titles as &ldquo;…&rdquo; "
    "[quote.unchecked]"
)


def diagnostics(root: Path) -> list[str]:
    return [d.format() for d in pipeline.check(root).diagnostics.sorted()]


def test_quote_unverified_in_prose(minimal: Path) -> None:
    """Review case quote-unverified-in-prose: typed quotation marks are checked."""
    line = add_prose(minimal, 'Officials dismissed it as "a complete failure" [@first-step].')
    result = pipeline.check(minimal)
    assert [d.format() for d in result.diagnostics.sorted()] == [
        f"content/briefs/one.md:{line}: warning: “a complete failure” is in quotation marks "
        f"but is not in the notes it cites (first-step); {HINT}"
    ]
    assert result.diagnostics.failed(strict=True)


def test_a_quotation_found_in_a_cited_note_passes(minimal: Path) -> None:
    add_prose(
        minimal,
        "Officials called it a “good first step,” in 2014 [@share-2014; @first-step].\n\n"
        '- Critics: "too little, too late." [@critics]',
    )
    assert diagnostics(minimal) == []


def test_sentence_decides_which_notes_count(minimal: Path) -> None:
    line = add_prose(minimal, 'Officials: "too little" [@first-step]. Critics agreed [@critics].')
    assert diagnostics(minimal) == [
        f"content/briefs/one.md:{line}: warning: “too little” is in quotation marks but is "
        f"not in the notes it cites (first-step); {HINT}"
    ]


def test_uncited_quotation_and_word_fragments_warn(minimal: Path) -> None:
    line = add_prose(minimal, '::: analysis\nA "first ste" indeed.\n:::')
    assert diagnostics(minimal) == [
        f"content/briefs/one.md:{line + 1}: warning: “first ste” is in quotation marks but "
        f"is not in any cited note; {HINT}"
    ]


def test_scare_quotes_titles_code_and_attributes_are_not_quotations(minimal: Path) -> None:
    add_prose(
        minimal,
        "The critics' &ldquo;alliance&rdquo; and *The Art of War* [@critics].\n\n"
        'Critics: code `x = "y"` and <abbr title="an abbreviation">ABBR</abbr> [@critics].\n\n'
        '<script>document.write("x")</script> <style>q::before { content: "y" }</style>',
    )
    assert diagnostics(minimal) == []


def test_option_fields_are_checked(
    minimal: Path, edit: Callable[[Path, str, str, str], None]
) -> None:
    path = "content/options/do-more.yaml"
    text = (minimal / path).read_text(encoding="utf-8").split("\n")
    line = next(n for n, t in enumerate(text, 1) if "[@critics]" in t)
    old = text[line - 1].split("[@critics]")[0]
    edit(minimal, path, old + "[@critics]", old + '"entirely invented" [@critics]')
    assert diagnostics(minimal) == [
        f"{path}:{line}: warning: “entirely invented” is in quotation marks but is not in "
        f"the notes it cites (critics); {HINT}"
    ]
