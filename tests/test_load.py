"""Loading content: links are refused, ids and file names are checked (review M7, L8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen import pipeline
from tests.conftest import FIXTURES, copy_project
from tests.sources import add_note

LINK = "error: this is a symbolic link; content is never read through a link [content.symlink]"


def diagnostics(root: Path) -> list[str]:
    return [d.format() for d in pipeline.check(root).diagnostics.sorted()]


def link_elsewhere(root: Path, name: str, outside: Path) -> None:
    """Move ``name`` out of the project and leave a link to it in its place."""
    target = outside / name.replace("/", "-")
    outside.mkdir(parents=True, exist_ok=True)
    shutil.move(root / name, target)
    (root / name).symlink_to(target)


@pytest.mark.parametrize(
    ("fixture", "name"),
    [
        ("minimal", "briefgen.toml"),
        ("minimal", "content/notes/test-notes.yaml"),
        ("minimal", "content/options/do-more.yaml"),
        ("minimal", "content/sources/test-source.yaml"),
        ("minimal", "content/sources/test-source.txt"),
        ("minimal", "content/briefs/one.md"),
        ("minimal", "content/notes"),
        ("minimal", "content"),
        ("scoring", "content/criteria.yaml"),
        ("scoring", "content/judgments.yaml"),
    ],
)
def test_no_content_file_or_folder_is_read_through_a_link(
    fixture: str, name: str, tmp_path: Path
) -> None:
    root = copy_project(FIXTURES / fixture, tmp_path / "project")
    link_elsewhere(root, name, tmp_path / "outside")
    assert diagnostics(root) == [f"{name}: {LINK}"]


def test_a_dangling_link_is_reported_as_a_link(minimal: Path, tmp_path: Path) -> None:
    (minimal / "content/notes/gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert diagnostics(minimal) == [f"content/notes/gone.yaml: {LINK}"]


def test_source_text_symlink_leaks_via_diagnostics(minimal: Path, tmp_path: Path) -> None:
    """Review case source-text-symlink-leaks-via-diagnostics: nothing of the target shows."""
    secret = "BRIEFGEN-SECRET-" + "0123456789abcdef" * 30
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret + "\n", encoding="utf-8")
    text = minimal / "content/sources/test-source.txt"
    text.unlink()
    text.symlink_to(secret_file)
    add_note(minimal, "long-quote", 1, "'" + "q" * 400 + "'")
    got = diagnostics(minimal)
    assert got == [f"content/sources/test-source.txt: {LINK}"]
    assert not any("SECRET" in line or "0123456789" in line for line in got)


def test_id_trailing_newline_accepted(minimal: Path) -> None:
    """Review case id-trailing-newline-accepted: ``one\\n.md`` is not the id ``one``."""
    brief = minimal / "content/briefs/one.md"
    brief.rename(minimal / "content/briefs/one\n.md")
    assert diagnostics(minimal) == [
        "content/briefs/one\\n.md:1: error: file name 'one\\n' is not a valid id "
        "(a-z, 0-9, '-') [content.bad-id]"
    ]


def test_id_very_long(minimal: Path) -> None:
    """Review case id-very-long: a 251-character id would overflow ``<id>.html``."""
    long_id = "a" * 251
    (minimal / "content/briefs/one.md").rename(minimal / f"content/briefs/{long_id}.md")
    assert diagnostics(minimal) == [
        f"content/briefs/{long_id}.md: error: file name is 251 characters long; an id has "
        "at most 80 [content.bad-id]"
    ]


def test_an_id_of_the_longest_length_builds(minimal: Path) -> None:
    long_id = "a" * 80
    (minimal / "content/briefs/one.md").rename(minimal / f"content/briefs/{long_id}.md")
    result = pipeline.build(minimal, formats=("html",))
    assert result.written and (minimal / "output" / f"{long_id}.html").is_file()


def test_brief_extension_near_miss_ignored(minimal: Path) -> None:
    """Review case brief-extension-near-miss-ignored: ``one.MD`` is named, not skipped."""
    (minimal / "content/briefs/one.md").rename(minimal / "content/briefs/one.MD")
    assert diagnostics(minimal) == [
        "content/briefs/one.MD: error: 'one.MD' is not read: files in briefs/ end in '.md' "
        "[content.extension]"
    ]


@pytest.mark.parametrize(
    ("name", "renamed", "folder", "suffix"),
    [
        ("content/briefs/memo.md", "content/briefs/memo.markdown", "briefs", ".md"),
        ("content/notes/test-notes.yaml", "content/notes/test-notes.yml", "notes", ".yaml"),
        ("content/options/do-more.yaml", "content/options/do-more.YAML", "options", ".yaml"),
        ("content/sources/test-source.yaml", "content/sources/test-source.Yml", "sources", ".yaml"),
    ],
)
def test_near_miss_extensions_are_errors_naming_the_file(
    minimal: Path, name: str, renamed: str, folder: str, suffix: str
) -> None:
    (minimal / name).rename(minimal / renamed)
    file_name = Path(renamed).name
    assert diagnostics(minimal) == [
        f"{renamed}: error: '{file_name}' is not read: files in {folder}/ end in '{suffix}' "
        "[content.extension]"
    ]


def test_criteria_and_judgments_near_misses(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "scoring", tmp_path / "project")
    (root / "content/judgments.yaml").rename(root / "content/judgments.yml")
    (root / "content/criteria.yaml").rename(root / "content/criteria.YML")
    assert diagnostics(root) == [
        "content/criteria.YML: error: 'criteria.YML' is not read: use criteria.yaml "
        "[content.extension]",
        "content/judgments.yml: error: 'judgments.yml' is not read: use judgments.yaml "
        "[content.extension]",
    ]


def test_other_files_in_content_folders_are_left_alone(minimal: Path) -> None:
    (minimal / "content/briefs/chart.png").write_bytes(b"\x89PNG")
    (minimal / "content/notes/README.txt").write_text("notes", encoding="utf-8")
    assert diagnostics(minimal) == []
