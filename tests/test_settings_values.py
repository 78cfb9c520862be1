"""Setting values WeasyPrint would drop at render time are errors in ``check``, at the
line of briefgen.toml that sets them; and the error count is the count of lines printed."""

from __future__ import annotations

from pathlib import Path

import pytest
import tinycss2
from weasyprint.css.computed_values import PAGE_SIZES
from weasyprint.css.validation.properties import size as weasyprint_size

from briefgen import pipeline
from briefgen.cli.common import report
from briefgen.diagnostics import Diagnostics
from briefgen.model.pagesize import NAMED, page_size_problem

ACCEPTED = [
    "A4",
    "a4",
    "letter",
    "Letter landscape",
    "portrait legal",
    "JIS-B5",
    "landscape",
    "210mm 297mm",
    "8.5in 11in",
    "21cm",
    "612pt 792pt",
]
REFUSED = ["US Letter", "letter-size", "8.5 11", "210 297", "A4 sideways", "A11", "2em 3em"]


def _weasyprint_reads(value: str) -> bool:
    tokens = [t for t in tinycss2.parse_component_value_list(value) if t.type != "whitespace"]
    return weasyprint_size(tokens) is not None


def test_the_named_sizes_are_weasyprints() -> None:
    assert set(PAGE_SIZES) == NAMED


@pytest.mark.parametrize("value", ACCEPTED)
def test_a_size_accepted_here_is_one_weasyprint_lays_out(value: str) -> None:
    assert page_size_problem(value) is None
    assert _weasyprint_reads(value)


@pytest.mark.parametrize("value", REFUSED)
def test_a_size_refused_here(value: str) -> None:
    assert page_size_problem(value) is not None


def _set(root: Path, old: str, new: str) -> None:
    path = root / "briefgen.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_us_letter_is_an_error_where_it_is_written(minimal: Path) -> None:
    _set(minimal, 'page_size = "A4"', 'page_size = "US Letter"')
    errors = pipeline.check(minimal).diagnostics.errors
    assert [(d.path, d.line, d.code) for d in errors] == [("briefgen.toml", 6, "schema.invalid")]
    assert "did you mean 'letter'?" in errors[0].message
    assert not _weasyprint_reads("US Letter")


def test_a_page_side_with_no_unit_names_the_units(minimal: Path) -> None:
    _set(minimal, 'page_size = "A4"', 'page_size = "2100mm 10m"')
    errors = pipeline.check(minimal).diagnostics.errors
    assert [(d.path, d.line, d.code) for d in errors] == [("briefgen.toml", 6, "schema.invalid")]
    assert "'10m' is not an absolute length" in errors[0].message


def test_a_language_that_is_not_a_tag(minimal: Path) -> None:
    _set(minimal, 'language = "en"', 'language = "English"')
    errors = pipeline.check(minimal).diagnostics.errors
    assert [(d.path, d.line, d.code) for d in errors] == [("briefgen.toml", 3, "schema.invalid")]
    assert "'English' is not a language tag" in errors[0].message


def test_the_count_is_of_the_lines_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same problem found in both editions of a brief prints once and counts once."""
    diagnostics = Diagnostics(tmp_path)
    for _edition in range(2):
        diagnostics.error(tmp_path / "content/briefs/one.md", 1, "render.failed", "same problem")
    diagnostics.warning(tmp_path / "content/briefs/one.md", 2, "brief.unsourced", "a warning")
    assert report(diagnostics, strict=False) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "1 error(s), 1 warning(s)"
    assert len(lines) == 3
