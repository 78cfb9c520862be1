"""``[project] date_style``: every date briefgen's own text prints takes one form
(issue 21; new-user-3 row 18: "three date formats in one brief")."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.render.page import page_context
from briefgen.text.dates import date_text, month_year
from tests.conftest import MINIMAL, copy_project


@pytest.mark.parametrize(
    ("value", "style", "shown"),
    [
        ("2016-10-14", "us", "October 14, 2016"),
        ("2016-10-14", "day-month", "14 October 2016"),
        ("2016-10-14", "iso", "2016-10-14"),
        ("2016-10", "us", "October 2016"),
        ("2016-10", "day-month", "October 2016"),
        ("2016-10", "iso", "2016-10"),
        ("2016", "us", "2016"),
        ("2016", "iso", "2016"),
    ],
)
def test_one_function_prints_every_style(value: str, style: str, shown: str) -> None:
    assert date_text(value, style) == shown  # type: ignore[arg-type]


def test_dates_and_month_years() -> None:
    assert date_text(datetime.date(2024, 9, 3), "us") == "September 3, 2024"
    assert month_year(datetime.date(2024, 9, 3), "iso") == "2024-09"


def _project(tmp_path: Path, project_lines: str) -> Path:
    root = copy_project(MINIMAL, tmp_path / "project")
    settings = root / "briefgen.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('language = "en"\n', project_lines), encoding="utf-8")
    notes = root / "content/notes/test-notes.yaml"
    text = notes.read_text(encoding="utf-8")
    # A full-date event and source date: the timeline and the annex print a day.
    dated = '      date: "2014-10-14"\n      basis: the text says so\n'
    notes.write_text(text.replace('      date: "2014"\n', dated), encoding="utf-8")
    source = root / "content/sources/test-source.yaml"
    text = source.read_text(encoding="utf-8")
    text = text.replace('  value: "2015"\n  precision: year\n', '  value: "2015-12-02"\n')
    source.write_text(text, encoding="utf-8")
    memo = root / "content/briefs/memo.md"
    text = memo.read_text(encoding="utf-8")
    memo.write_text(text.replace("date: 2016-01-03\n", "date: 2016-01-03\ndecide_by: 2016-02-05\n"))
    return root


def _printed(root: Path) -> list[str]:
    result = pipeline.check(root)
    assert [d.format() for d in result.diagnostics.errors] == []
    context = page_context(result.views["memo"], stylesheet="")
    meta, view = context["meta"], context["view"]
    assert meta["date"] == "2016-01-03"  # <time datetime> and the PDF's metadata: ISO
    sources = view["annex_sources"]
    return [
        meta["date_shown"],
        meta["decide_by_shown"],
        view["framing"]["information_as_of"],
        # the memo type prints none
        *[t["date"] for t in result.views["issue"].values["view"]["timeline"]],
        *[f["value"] for s in sources for f in s["fields"] if f["name"] == "date"],
        view["framing"]["evidence_base"].split(";")[0],
    ]


US = ["January 3, 2016", "February 5, 2016", "December 2, 2015 (inferred)", "October 14, 2014"]
DAY_MONTH = ["3 January 2016", "5 February 2016", "2 December 2015 (inferred)", "14 October 2014"]
ISO = ["2016-01-03", "2016-02-05", "2015-12-02 (inferred)", "2014-10-14"]


@pytest.mark.parametrize(
    ("project_lines", "expected"),
    [
        # No date_style and language "en": US style.
        ('language = "en"\n', [*US, "December 2, 2015", "1 source, c. December 2015"]),
        # Another English: day-month unless said otherwise.
        ('language = "en-GB"\n', [*DAY_MONTH, "2 December 2015", "1 source, c. December 2015"]),
        ('language = "en"\ndate_style = "iso"\n', [*ISO, "2015-12-02", "1 source, c. 2015-12"]),
    ],
)
def test_masthead_information_date_timeline_and_annex_share_the_style(
    tmp_path: Path, project_lines: str, expected: list[str]
) -> None:
    assert _printed(_project(tmp_path, project_lines)) == expected


def test_an_unknown_date_style_is_located(tmp_path: Path) -> None:
    root = _project(tmp_path, 'language = "en"\ndate_style = "british"\n')
    found = [d.format() for d in pipeline.check(root).diagnostics.sorted()]
    assert found == [
        "briefgen.toml:4: error: project.date_style: Input should be 'us', 'day-month' or "
        "'iso' [schema.invalid]"
    ]


def test_a_brief_with_no_dated_events_has_no_timeline(tmp_path: Path) -> None:
    """new-user.md C14 (turn 2): a timeline heading with no events under it."""
    root = copy_project(MINIMAL, tmp_path / "project")
    notes = root / "content/notes/test-notes.yaml"
    text = notes.read_text(encoding="utf-8")
    notes.write_text(
        text.replace('    event:\n      date: "2014"\n      label: Data-sharing agreed\n', ""),
        encoding="utf-8",
    )
    result = pipeline.check(root)
    assert [d.format() for d in result.diagnostics.errors] == []
    view = result.views["issue"].values["view"]
    assert "timeline" in view["layout"]["parts"]
    assert view["timeline"] == () and "timeline" not in [p["kind"] for p in view["parts"]]
