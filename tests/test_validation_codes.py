"""Validation codes that no other test raised: one bad edit each to a real fixture
project, checked with the real loader and validators; each gives its exact code and
location (path and line), and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen import pipeline
from tests.conftest import FIXTURES, copy_project

NOTES = "content/notes/test-notes.yaml"
ISSUE = "content/briefs/issue.md"
MEMO = "content/briefs/memo.md"
DO_MORE = "content/options/do-more.yaml"
SOURCE = "content/sources/test-source.yaml"

# (fixture, file, old, new, code, path, line)
CASES = [
    (
        "minimal",
        ISSUE,
        "Data sharing was agreed [@share-2014].",
        "Agreed [@Share 2014].",
        "cite.malformed",
        ISSUE,
        19,
    ),
    (
        "minimal",
        ISSUE,
        "Data sharing was agreed [@share-2014].",
        "Agreed [>@share-2014x].",
        "cite.unknown-note",
        ISSUE,
        19,
    ),
    (
        "minimal",
        NOTES,
        "    holder: Critics\n",
        "    holder: Critics\n    conflicts_with: [nobody]\n",
        "note.unknown-conflict",
        NOTES,
        29,
    ),
    (
        "minimal",
        NOTES,
        "    holder: Critics\n",
        "    holder: Critics\n    conflicts_with: [first-step]\n",
        "note.conflict-one-sided",
        NOTES,
        29,
    ),
    (
        "minimal",
        NOTES,
        "    paragraph: 5\n",
        "    paragraph: 50\n",
        "note.paragraph-range",
        NOTES,
        23,
    ),
    (
        "minimal",
        MEMO,
        "recommended: do-more\n",
        "recommended: do-less\n",
        "brief.unknown-recommended",
        MEMO,
        10,
    ),
    ("minimal", MEMO, "recommended: do-more\n", "", "brief.missing-recommended", MEMO, 2),
    (
        "minimal",
        ISSUE,
        "## Key points\n",
        "## Key points\n\nx\n\n## Key points\n",
        "brief.duplicate-section",
        ISSUE,
        21,
    ),
    (
        "minimal",
        ISSUE,
        "---\n\n## Bottom line up front",
        "---\n\nStray text.\n\n## Bottom line up front",
        "brief.text-outside-section",
        ISSUE,
        13,
    ),
    (
        "minimal",
        DO_MORE,
        "compare:\n  cost: Low [@share-2014]\n",
        "compare: {}\n",
        "option.compare-missing",
        DO_MORE,
        10,
    ),
    (
        "minimal",
        DO_MORE,
        "  cost: Low [@share-2014]\n",
        "  cost: Low [@share-2014]\n  speed: Fast\n",
        "option.compare-unknown",
        DO_MORE,
        12,
    ),
    (
        "minimal",
        NOTES,
        "    holder: Critics\n",
        "    holder: Critics\n    marking: SECRET\n",
        "marking.unknown",
        NOTES,
        29,
    ),
    (
        "scoring",
        "content/criteria.yaml",
        "    weight: 3\n    scale: five\n",
        "    weight: 3\n    scale: seven\n",
        "criteria.unknown-scale",
        "content/criteria.yaml",
        11,
    ),
    (
        "scoring",
        "content/options/do-more.yaml",
        "  value:\n",
        "  valu:\n",
        "score.unknown-criterion",
        "content/options/do-more.yaml",
        13,
    ),
    (
        "scoring",
        "content/judgments.yaml",
        "    notes: [critics]\n",
        "    notes: [critic]\n",
        "judgment.unknown-note",
        "content/judgments.yaml",
        12,
    ),
]


@pytest.mark.parametrize(
    ("fixture", "name", "old", "new", "code", "path", "line"),
    CASES,
    ids=[case[4] for case in CASES],
)
def test_a_bad_edit_gives_its_code_at_its_line(
    tmp_path: Path, fixture: str, name: str, old: str, new: str, code: str, path: str, line: int
) -> None:
    root = copy_project(FIXTURES / fixture, tmp_path / fixture)
    target = root / name
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    target.write_text(text.replace(old, new), encoding="utf-8")
    found = {(d.path, d.line, d.code) for d in pipeline.check(root).diagnostics.sorted()}
    assert (path, line, code) in found, sorted(found)


def test_scores_without_criteria(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "scoring", tmp_path / "scoring")
    (root / "content" / "criteria.yaml").unlink()
    found = {(d.path, d.code) for d in pipeline.check(root).diagnostics.errors}
    assert ("content/options/do-more.yaml", "score.no-criteria") in found, sorted(found)


def test_a_source_whose_text_is_missing(minimal: Path) -> None:
    (minimal / "content" / "sources" / "test-source.txt").unlink()
    found = {(d.path, d.line, d.code) for d in pipeline.check(minimal).diagnostics.errors}
    assert (SOURCE, 2, "source.text-missing") in found, sorted(found)


def test_a_stated_value_on_a_paragraph_the_text_lacks(minimal: Path) -> None:
    path = minimal / SOURCE
    text = path.read_text(encoding="utf-8").replace(
        "  value: A Test Title\n  paragraph: 1", "  value: A Test Title\n  paragraph: 99"
    )
    path.write_text(text, encoding="utf-8")
    found = {(d.path, d.line, d.code) for d in pipeline.check(minimal).diagnostics.errors}
    assert (SOURCE, 7, "source.paragraph-range") in found, sorted(found)


def test_a_notes_file_that_is_not_utf8(minimal: Path) -> None:
    (minimal / "content" / "notes" / "latin.yaml").write_bytes(b"notes: []\n# caf\xe9\n")
    found = {(d.path, d.line, d.code) for d in pipeline.check(minimal).diagnostics.errors}
    assert ("content/notes/latin.yaml", 1, "content.encoding") in found, sorted(found)


def test_a_quote_citation_of_a_note_without_a_quote(minimal: Path) -> None:
    notes = minimal / NOTES
    notes.write_text(
        notes.read_text(encoding="utf-8").replace(
            '    quote: The "alliance" agreed to share data in 2014.\n', ""
        ),
        encoding="utf-8",
    )
    issue = minimal / ISSUE
    issue.write_text(
        issue.read_text(encoding="utf-8").replace("[@share-2014]", "[>@share-2014]"),
        encoding="utf-8",
    )
    result = pipeline.check(minimal)
    assert [d.format() for d in result.diagnostics.sorted()] == [
        f"{ISSUE}:19: error: [>@share-2014] prints the note's quote, but note 'share-2014' "
        "has none: cite it as [@share-2014], or give the note a quote [cite.no-quote]"
    ]
