"""Dates as texts write them: a stated date is found in any common English form, a day
and month without the year need the year's reason, and a brief's front matter takes the
forms a person types. Real fixture projects, checked with the real loader and validators."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.diagnostics import Diagnostics
from briefgen.load.project import load_project
from briefgen.model.project import Project
from briefgen.model.written_dates import WrittenDate, find_date, read_date, written_dates
from tests.conftest import MINIMAL, copy_project

DATED = "content/sources/dated.yaml"
ISSUE = "content/briefs/issue.md"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("August 2, 2024", WrittenDate("August 2, 2024", 2024, 8, 2)),
        ("on 2 August 2024,", WrittenDate("2 August 2024", 2024, 8, 2)),
        ("Released Sept. 27.", WrittenDate("Sept. 27", None, 9, 27)),
        ("Updated January 16, 2024", WrittenDate("January 16, 2024", 2024, 1, 16)),
        ("as of 2022-09-13", WrittenDate("2022-09-13", 2022, 9, 13)),
        ("in September 2022", WrittenDate("September 2022", 2022, 9, None)),
    ],
)
def test_common_english_forms(text: str, expected: WrittenDate) -> None:
    assert written_dates(text)[0] == expected


def test_a_date_matches_part_by_part() -> None:
    assert find_date("2024-08-02", "On August 2, 2024 the") is not None
    assert find_date("2024-08-03", "On August 2, 2024 the") is None
    assert find_date("2023-08-02", "On August 2, 2024 the") is None
    assert find_date("2024-08", "On August 2, 2024 the") is not None


def _source(root: Path, line: str, date: str, extra: str = "") -> None:
    text = f"A Dated Report\n{line}\nThe body of the report.\n"
    sources = root / "content" / "sources"
    (sources / "dated.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (sources / "dated.yaml").write_text(
        "kind: report\ntext: dated.txt\n"
        f"sha256: {digest}\n"
        "title: {status: stated, value: A Dated Report, paragraph: 1}\n"
        "author: {status: unknown}\noutlet: {status: unknown}\n"
        f'date:\n  status: stated\n  value: "{date}"\n  paragraph: 2\n{extra}'
        "reliability: {grade: C, reason: A test report.}\n",
        encoding="utf-8",
    )


def _validated(root: Path) -> tuple[Diagnostics, Project]:
    """Loaded and validated as `check` does, without the analysis (the citation
    processor's start-up is the slow part of a check, and dates don't reach it)."""
    from briefgen.validate.content import validate

    diagnostics = Diagnostics(root)
    project, report = load_project(root, diagnostics)
    assert project is not None
    validate(project, report, diagnostics)
    return diagnostics, project


def _errors(root: Path, path: str) -> list[tuple[int, str, str]]:
    diagnostics, _ = _validated(root)
    return [(d.line, d.code, d.message) for d in diagnostics.errors if d.path == path]


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Updated January 16, 2024", "2024-01-16"),
        ("Published 2 August 2024.", "2024-08-02"),
        ("Published 2 August 2024.", "2024-08"),
    ],
)
def test_a_date_the_text_writes_in_words_is_stated(minimal: Path, line: str, date: str) -> None:
    _source(minimal, line, date)
    assert _errors(minimal, DATED) == []


def test_a_date_the_text_does_not_write_is_not_stated(minimal: Path) -> None:
    _source(minimal, "Updated January 16, 2024", "2024-01-17")
    assert [code for _, code, _ in _errors(minimal, DATED)] == ["source.stated-not-found"]


def test_day_and_month_without_the_year_need_the_years_reason(minimal: Path) -> None:
    _source(minimal, "Released Sept. 27.", "2024-09-27")
    assert _errors(minimal, DATED) == [
        (
            9,
            "source.date-year-unstated",
            "date '2024-09-27': the text writes 'Sept. 27', without the year: add "
            "`year_reason:` saying why the year is 2024 (the day and month stay stated, the "
            "year is inferred)",
        )
    ]
    _source(
        minimal, "Released Sept. 27.", "2024-09-27", "  year_reason: The report cites a 2024 law.\n"
    )
    assert _errors(minimal, DATED) == []


def _brief_date(root: Path, value: str) -> None:
    path = root / ISSUE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("date: 2016-01-04", f"date: {value}"), encoding="utf-8")


@pytest.mark.parametrize("value", ["January 4, 2016", "4 January 2016", "Jan. 4, 2016"])
def test_front_matter_takes_a_date_as_typed(minimal: Path, value: str) -> None:
    _brief_date(minimal, value)
    diagnostics, project = _validated(minimal)
    assert [d.format() for d in diagnostics.errors] == []
    assert str(project.briefs["issue"].meta.date) == "2016-01-04"
    assert read_date(value) is not None


def test_front_matter_refuses_an_ambiguous_date(minimal: Path) -> None:
    _brief_date(minimal, "01/04/2016")
    errors = [(d.path, d.line, d.code) for d in _validated(minimal)[0].errors]
    assert errors == [(ISSUE, 6, "schema.invalid")]


def test_front_matter_says_which_date_it_read(minimal: Path) -> None:
    """Issue 21: a date typed in words gets a note naming the date it became; a note
    never fails a run, --strict included; an ISO date gets none."""
    _brief_date(minimal, "Jan 4 2016")
    result = CliRunner().invoke(main, ["check", "--strict", "--root", str(minimal)])
    assert result.exit_code == 0, result.output
    assert (
        "content/briefs/issue.md:6: note: read date 'Jan 4 2016' as 2016-01-04 [brief.date-read]"
    ) in result.output.splitlines()
    path = minimal / ISSUE
    text = path.read_text(encoding="utf-8").replace("date: Jan 4 2016", "date: 2016-01-04")
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--strict", "--root", str(minimal)])
    assert "brief.date-read" not in result.output


NOTES = "content/notes/test-notes.yaml"


def _event(root: Path, date: str, basis: str = "") -> list[str]:
    path = root / NOTES
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('      date: "2014"\n', f'      date: "{date}"\n{basis}'), "utf-8")
    diagnostics, _ = _validated(root)
    return [d.format() for d in diagnostics.sorted() if d.code == "note.event-date-unstated"]


def test_an_event_date_taken_as_stated_is_in_its_paragraph(minimal: Path) -> None:
    """new-user-3 row 26: an event date without `basis` printed as stated though its
    paragraph never wrote it; ¶3 of the minimal source writes "2014" only."""
    assert _event(minimal, "2014-01-15") == [
        f"{NOTES}:11: warning: event date '2014-01-15' of note 'share-2014' is taken as "
        "stated, but ¶3 of source 'test-source' does not write it: add `basis:` saying how "
        "the date is known (the timeline then says it is inferred), or point the note at "
        "the paragraph that states it (a warning until briefgen 0.4.0, an error from then "
        "on) [note.event-date-unstated]"
    ]


def test_an_event_date_with_a_basis_or_written_passes(minimal: Path, tmp_path: Path) -> None:
    assert _event(minimal, "2014-01-15", "      basis: A later report gives the day.\n") == []
    other = copy_project(MINIMAL, tmp_path / "other")
    assert _event(other, "2014") == []


def _wrapped_title(root: Path, line: str) -> list[tuple[int, str, str]]:
    text = "Undersea Cables:\nTechnology and Issues\nJune 3, 2022\nThe body.\n"
    sources = root / "content" / "sources"
    (sources / "wrapped.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (sources / "wrapped.yaml").write_text(
        "kind: report\ntext: wrapped.txt\n"
        f"sha256: {digest}\n"
        "title:\n  status: stated\n  value: 'Undersea Cables: Technology and Issues'\n"
        f"  line: {line}\n"
        "author: {status: unknown}\noutlet: {status: unknown}\n"
        'date: {status: stated, value: "2022-06-03", line: 3}\n'
        "reliability: {grade: C, reason: A test report.}\n",
        encoding="utf-8",
    )
    return _errors(root, "content/sources/wrapped.yaml")


def test_a_title_may_span_lines(minimal: Path) -> None:
    """new-user-3 row 11: a title wrapped over two lines of a PDF's text can be stated."""
    assert _wrapped_title(minimal, "[1, 2]") == []
    assert _wrapped_title(minimal, "1") == [
        (
            6,
            "source.stated-not-found",
            "title 'Undersea Cables: Technology and Issues' is marked stated but line 1 does "
            "not contain it",
        )
    ]
    assert _wrapped_title(minimal, "[1, 3]") == [
        (
            7,  # the `line:` key's line
            "source.line-range",
            "title: [1, 3] are not consecutive lines: name each line a wrapped value spans, "
            "in order, e.g. [1, 2]",
        )
    ]
    assert _wrapped_title(minimal, "[4, 5]")[0][1:] == (
        "source.line-range",
        "title: line 5 does not exist (the text has 4 lines)",
    )
