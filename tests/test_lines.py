"""Source records mark their non-body lines; ¶ count body paragraphs (model/lines.py).

Fixture tests/fixtures/unmigrated: title on line 1, byline on line 2, a blank line 3,
body on 4, the heading "Reactions" on 5, body on 6, blank 7, body on 8.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.migrate import migrate_locators
from briefgen.text.quotes import find_in
from tests.conftest import FIXTURES, REPO, copy_project

RECORD = "content/sources/test-source.yaml"
Edit = Callable[[Path, str, str, str], None]
NOTES = "content/notes/test-notes.yaml"


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    """The unmigrated fixture, migrated: its notes count body paragraphs."""
    root = copy_project(FIXTURES / "unmigrated", tmp_path / "marked")
    assert migrate_locators(root, dry_run=False, waiting=lambda: None).written
    return root


def errors(root: Path) -> list[str]:
    return [d.format() for d in pipeline.check(root).diagnostics.sorted()]


def test_a29_paragraph_pinpoints_count_body_paragraphs() -> None:
    """Review (a) 29: ¶ counted the title, byline and four subheads of seed 002, so
    "¶9" was the 7th paragraph of the article as published."""
    project = pipeline.check(REPO).project
    assert project is not None
    klingner = project.sources["klingner-gsomia"]
    assert len(klingner.paragraphs) == 35  # 41 non-empty lines less 6 marked ones
    assert sorted(klingner.roles) == [1, 2, 7, 19, 26, 37]
    note = project.notes["gsomia-2012-cancelled-at-signing"].record
    assert note.paragraph == 6  # line 9: the 6th body paragraph of the article
    assert klingner.paragraphs[5].startswith("In June 2012, South Korea and Japan")
    assert klingner.heading_of(6) == "History Impeded Progress"
    assert klingner.heading_of(1) is None
    assert klingner.heading_of(35) == "A Necessity"


def test_seed_quotes_are_in_their_body_paragraphs() -> None:
    """Every seed note's quote is found in the body paragraph it cites."""
    project = pipeline.check(REPO).project
    assert project is not None
    quoted = [note.record for note in project.notes.values() if note.record.quote]
    assert len(quoted) > 40
    for note in quoted:
        source = project.sources[note.source]
        assert source.line_of(note.paragraph) not in source.roles, note.id
        assert note.quote is not None
        assert find_in(note.quote, source.paragraphs[note.paragraph - 1]), note.id


def test_unmarked_source_counts_every_non_empty_line() -> None:
    project = pipeline.check(FIXTURES / "minimal").project
    assert project is not None
    source = project.sources["test-source"]
    assert source.paragraphs[0] == "A Test Title"
    assert source.heading_of(3) is None


def test_unmigrated_source_is_an_error_until_migrated() -> None:
    assert errors(FIXTURES / "unmigrated") == [
        "content/sources/test-source.yaml:6: error: source 'test-source' marks its non-body "
        "lines, but its notes' ¶ still count every non-empty line: run 'briefgen "
        "migrate-locators' to renumber them (or add 'numbering: body' if they already "
        "count body paragraphs only) [source.numbering-unmigrated]"
    ]


def test_lines_split_at_line_feeds_and_a_final_break_starts_no_line(marked: Path) -> None:
    project = pipeline.check(marked).project
    assert project is not None
    source = dataclasses.replace(
        project.sources["test-source"], text="T\r\nB\n\nbody\u2028one\nH\nbody two\n"
    )
    assert source.lines == ["T", "B", "", "body\u2028one", "H", "body two"]
    assert source.paragraphs == ["body\u2028one", "body two"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  headings: [5]\n",
            "  headings: [5, 9]\n",
            "content/sources/test-source.yaml:9: error: lines.headings: line 9 does not "
            "exist (the text has 8 lines) [source.line-range]",
        ),
        (
            "  headings: [5]\n",
            "  headings:\n    - 5\n    - 3\n",
            "content/sources/test-source.yaml:11: error: lines.headings: line 3 is blank "
            "[source.line-blank]",
        ),
        (
            "  headings: [5]\n",
            "  headings: [5]\n  other: [1]\n",
            "content/sources/test-source.yaml:10: error: lines.other: line 1 is already "
            "marked in lines.title [source.line-marked-twice]",
        ),
        (
            "  line: 2  # the byline\n",
            "  line: 12\n",
            "content/sources/test-source.yaml:18: error: author: line 12 does not exist "
            "(the text has 8 lines) [source.line-range]",
        ),
        (
            "  value: Jane Roe\n",
            "  value: Jane Doe\n",
            "content/sources/test-source.yaml:17: error: author 'Jane Doe' is marked stated "
            "but line 2 does not contain it [source.stated-not-found]",
        ),
        (
            "  line: 1\n",
            "  paragraph: 1\n",
            "content/sources/test-source.yaml:13: error: title 'A Test Title' is marked "
            "stated but ¶1 does not contain it; it is on line 1, the title: say 'line: 1' "
            "[source.stated-not-found]",
        ),
        (
            "  line: 1\n",
            "  line: 1\n  paragraph: 1\n",
            "content/sources/test-source.yaml:11: error: title: a stated value needs the "
            "'paragraph' or the 'line' that states it [schema.invalid]",
        ),
    ],
)
def test_line_mark_mistakes_are_located(
    marked: Path, edit: Edit, old: str, new: str, expected: str
) -> None:
    edit(marked, RECORD, old, new)
    assert errors(marked) == [expected]


def test_note_on_a_marked_line_says_what_the_line_is(tmp_path: Path, edit: Edit) -> None:
    root = copy_project(FIXTURES / "unmigrated", tmp_path / "p")
    edit(root, NOTES, "    paragraph: 3  # the agreement\n", "    paragraph: 2\n")
    assert errors(root)[0] == (
        "content/notes/test-notes.yaml:5: error: ¶2 of source 'test-source' is line 2, the "
        "byline (“By Jane Roe”), not a body paragraph: point note 'share-2014' at the body "
        "paragraph it means [note.paragraph-not-body]"
    )


def test_reader_text_prints_body_numbers(marked: Path) -> None:
    result = pipeline.build(marked, formats=("html",))
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    one = (marked / "output/one.html").read_text(encoding="utf-8")
    cited = re.findall(r"para\. (\d+)", one)  # the one-pager's references in the text
    assert cited == ["1", "2", "3"]  # was ¶3, ¶5, ¶6: lines 4, 6 and 8
    issue = (marked / "output/annex/issue.html").read_text(encoding="utf-8")
    assert "(id test-source; article; 3 body paragraphs)" in issue
    stated = re.findall(r"stated in [^<]*", issue)
    assert stated == ["stated in the title (line 1)", "stated in the byline (line 2)"]
