"""Dates as texts write them: a stated date is found in any common English form, a day
and month without the year need the year's reason, and a brief's front matter takes the
forms a person types. Real fixture projects, checked with the real loader and validators."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from briefgen.diagnostics import Diagnostics
from briefgen.load.project import load_project
from briefgen.model.project import Project
from briefgen.model.written_dates import WrittenDate, find_date, read_date, written_dates

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
