"""Brief types are data (briefgen/types.toml + a project's [types.*]), defined once."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pypdf
import pytest

from briefgen import pipeline
from briefgen.model.layouts import GENERATED_PARTS, merge, packaged_tables
from tests.conftest import FIXTURES, MINIMAL, REPO, copy_project

BAD = FIXTURES / "bad-types"

CASES: dict[str, list[str]] = {
    # Renamed tables still work until 0.3.0 (test_renames.py has the error from then on).
    "renamed-tables": [
        "briefgen.toml:9: warning: [budgets] issue-brief = 6 is now [types.issue-brief] "
        "budget = 6; run 'briefgen upgrade' (the old form is an error from briefgen 0.3.0) "
        "[settings.deprecated]",
        "briefgen.toml:12: warning: [analysis] samples = 100 is now [sensitivity] "
        "samples = 100; run 'briefgen upgrade' (the old form is an error from briefgen 0.3.0) "
        "[settings.deprecated]",
    ],
    "bad-type": [
        "briefgen.toml:18: error: brief type 'fact-sheet': part 'outlook' is neither a "
        "generated part (" + ", ".join(GENERATED_PARTS) + ") nor a section listed in "
        "`required` or `optional`; part 'glossary' is neither a "
        "generated part (" + ", ".join(GENERATED_PARTS) + ") nor a section listed in "
        "`required` or `optional`; section 'facts' is not in `parts`, so it is never shown; "
        "`analysis` names 'conclusion', which is not a section of this type; part 'outlook' "
        "is listed twice; `budget` (a page budget) is missing; `max_age` (months a brief may "
        "postdate its information) is missing [type.invalid]",
    ],
    "unknown-type": [
        "content/briefs/one.md:2: error: unknown brief type 'fact-sheet' (known: "
        "decision-memo, issue-brief, one-pager, options-paper; a project adds one as "
        "[types.<id>] in briefgen.toml) [brief.unknown-type]",
    ],
}


def overlay(source: Path, tmp_path: Path) -> Path:
    root = copy_project(MINIMAL, tmp_path / source.name)
    shutil.copytree(source, root, dirs_exist_ok=True)
    return root


def test_every_bad_types_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_type_definitions_report_exact_diagnostics(case: str, tmp_path: Path) -> None:
    result = pipeline.check(overlay(BAD / case, tmp_path))
    assert [d.format() for d in result.diagnostics.sorted()] == CASES[case]


def test_the_shipped_types_come_from_the_packaged_file() -> None:
    layouts, problems = merge({})
    assert problems == {}
    assert sorted(layouts) == sorted(packaged_tables())
    one_pager = layouts["one-pager"]
    assert one_pager.citations == "inline" and "endnotes" not in one_pager.parts
    assert one_pager.max_citations == 5


def test_a_project_table_merges_key_by_key(tmp_path: Path) -> None:
    root = overlay(FIXTURES / "types", tmp_path)
    settings = pipeline.check(root).project
    assert settings is not None
    layouts = settings.settings.layouts
    assert layouts["one-pager"].budget == 3  # changed by the project
    assert layouts["one-pager"].parts == merge({})[0]["one-pager"].parts  # kept
    assert layouts["fact-sheet"].label == "Fact sheet"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.mark.build
def test_a_project_type_builds_with_no_python_change(types_build: pipeline.Result) -> None:
    """A new type from briefgen.toml: once with the generic layout, once with its template.
    (``types_build``: the session's build of the types fixture over the minimal project.)"""
    result = types_build
    root = result.diagnostics.root
    assert result.written, [d.format() for d in result.diagnostics.sorted()]
    sheet = pdf_text(root / "output" / "facts.pdf")
    assert "FACT SHEET · TEST PROJECT" in sheet  # the masthead label, in small caps
    order = [sheet.index(h) for h in ("Summary", "Facts", "Outlook", "Notes", "Sources")]
    assert order == sorted(order)
    assert sheet[sheet.index("Outlook") :].startswith("Outlook ANALYSIS")
    card = pdf_text(root / "output" / "card.pdf")
    # No `sources` part: only the evidence-base line under the title names the source.
    assert "Fact card layout" in card and card.count("Sources") == 1
    assert "Sources: A Test Title (Jane Roe, c. 2015)." in " ".join(card.split())
    assert "Fact card layout" not in sheet


def first_citations(html: str) -> list[int]:
    """Endnote numbers in the order each is first cited in the text."""
    return [int(n) for n in re.findall(r'id="ref-(\d+)"', html)]


@pytest.mark.build
def test_endnotes_are_numbered_in_reading_order(seed_build: pipeline.Result) -> None:
    pages = [
        a.path for a in seed_build.artifacts if a.format == "html" and "annex" not in a.path.parts
    ]
    assert len(pages) == 4
    for page in pages:
        numbers = first_citations(page.read_text(encoding="utf-8"))
        assert numbers == list(range(1, len(numbers) + 1)), page.name


def test_the_seed_fits_the_packaged_types_or_tighter() -> None:
    """The showcase uses the formats as shipped, or tighter: no raised budget, no loosened
    limit. (Its issue brief is cut to a think-tank brief's 5 pages, issue 24.)"""
    settings = tomllib.loads((REPO / "briefgen.toml").read_text(encoding="utf-8"))
    shipped = packaged_tables()
    limits = ("budget", "summary_pages", "max_citations")
    for kind, table in settings.get("types", {}).items():
        assert kind in shipped, kind
        assert set(table) <= {*limits, "parts", "compact_options"}, kind
        for key in limits:
            limit = getattr(shipped[kind], key)
            if key in table and limit is not None:
                assert table[key] <= limit, (kind, key)
        # parts may only be dropped, never added or reordered
        packaged = list(shipped[kind].parts)
        parts = table.get("parts", packaged)
        assert parts == [p for p in packaged if p in parts], kind
