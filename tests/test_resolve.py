"""Validated is a type: a typed load report, one duplicate check, resolved links."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen import pipeline
from briefgen.diagnostics import Diagnostics
from briefgen.load.project import load_project
from briefgen.model.report import ContentKind
from briefgen.validate.content import validate
from briefgen.validate.resolve import Resolved
from tests.conftest import FIXTURES, MINIMAL, copy_project

BAD = FIXTURES / "bad-load"
SCORING = FIXTURES / "scoring"

# case → (the project it overlays, the exact diagnostics)
CASES: dict[str, tuple[Path, list[str]]] = {
    "empty-notes-file": (
        MINIMAL,
        [
            "content/briefs/one.md:23: error: citation of unknown note 'nowhere' "
            "[cite.unknown-note]",
            "content/notes/empty.yaml:1: error: the file is empty [content.empty]",
        ],
    ),
    "broken-notes-file": (
        MINIMAL,
        [
            # 'later-note' may be in the broken file: not reported again; 'nowhere' is.
            "content/briefs/one.md:23: error: citation of unknown note 'nowhere' "
            "[cite.unknown-note]",
            "content/notes/broken.yaml:5: error: expected ',' or ']', but got '<stream end>' "
            "(column 1) [yaml.syntax]",
        ],
    ),
    "broken-criteria": (
        SCORING,
        [
            "content/criteria.yaml:5: error: expected ',' or ']', but got '<stream end>' "
            "(column 1) [yaml.syntax]"
        ],
    ),
    "duplicate-criterion": (
        SCORING,
        [
            "content/criteria.yaml:19: error: criterion id 'value' is already used at "
            "content/criteria.yaml:7 [id.duplicate]",
        ],
    ),
}


def overlay(case: str, tmp_path: Path) -> Path:
    root = copy_project(CASES[case][0], tmp_path / case)
    shutil.copytree(BAD / case, root, dirs_exist_ok=True)
    return root


def test_every_bad_load_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_unreadable_files_hide_nothing_else(case: str, tmp_path: Path) -> None:
    result = pipeline.check(overlay(case, tmp_path))
    assert [d.format() for d in result.diagnostics.sorted()] == CASES[case][1]


def test_the_load_report_names_each_file_and_what_it_may_hold(tmp_path: Path) -> None:
    root = overlay("broken-notes-file", tmp_path)
    project, report = load_project(root, Diagnostics(root))
    assert project is not None
    assert [(f.path.name, f.kind, f.ids) for f in report.unreadable] == [
        ("broken.yaml", ContentKind.NOTES, frozenset({"later-note"}))
    ]
    assert report.may_hold(ContentKind.NOTES, "later-note")
    assert not report.may_hold(ContentKind.NOTES, "nowhere")


def test_validation_resolves_ids_into_typed_links(tmp_path: Path) -> None:
    root = copy_project(SCORING, tmp_path / "scoring")
    diagnostics = Diagnostics(root)
    project, report = load_project(root, diagnostics)
    assert project is not None
    resolved = validate(project, report, diagnostics)
    assert isinstance(resolved, Resolved) and not diagnostics.errors
    for note_id, linked in resolved.notes.items():
        assert linked.source is project.sources[project.notes[note_id].record.source]
    for brief_id, linked_brief in resolved.briefs.items():
        meta = project.briefs[brief_id].meta
        assert [o.id for o in linked_brief.options] == meta.options
        assert [j.id for j in linked_brief.judgments] == meta.judgments
        assert (linked_brief.recommended.id if linked_brief.recommended else None) == (
            meta.recommended
        )


def test_there_is_nothing_to_resolve_when_a_check_fails(tmp_path: Path) -> None:
    root = overlay("empty-notes-file", tmp_path)
    diagnostics = Diagnostics(root)
    project, report = load_project(root, diagnostics)
    assert project is not None
    assert validate(project, report, diagnostics) is None
