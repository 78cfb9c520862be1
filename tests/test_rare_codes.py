"""Codes no other test raised (the registry's session check found them): each on the
minimal project, through the real loader, checks, renderer or command, with its exact
code and location."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import pipeline
from briefgen.cli import main

Edit = Callable[[Path, str, str, str], None]
NOTES = "content/notes/test-notes.yaml"


def _located(result: pipeline.Result) -> list[tuple[str, int, str]]:
    return [(d.path, d.line, d.code) for d in result.diagnostics.errors]


def test_a_fifo_among_the_notes_is_not_a_file(minimal: Path) -> None:
    os.mkfifo(minimal / "content" / "notes" / "pipe.yaml")
    assert ("content/notes/pipe.yaml", 0, "content.not-a-file") in _located(pipeline.check(minimal))


def test_sic_on_a_note_without_a_quote(minimal: Path, edit: Edit) -> None:
    edit(
        minimal,
        NOTES,
        "    body: The alliance agreed in 2014 to share data.\n",
        "    body: The alliance agreed in 2014 to share data.\n    sic: [alliance]\n",
    )
    edit(minimal, NOTES, '    quote: The "alliance" agreed to share data in 2014.\n', "")
    lines = (minimal / NOTES).read_text(encoding="utf-8").splitlines()
    sic_line = lines.index("    sic: [alliance]") + 1
    assert _located(pipeline.check(minimal)) == [(NOTES, sic_line, "note.sic-without-quote")]


def test_a_decision_wanted_before_the_memo_is_dated(minimal: Path, edit: Edit) -> None:
    edit(
        minimal,
        "content/briefs/memo.md",
        "date: 2016-01-03\n",
        "date: 2016-01-03\ndecide_by: 2016-01-01\n",
    )
    assert _located(pipeline.check(minimal)) == [("content/briefs/memo.md", 6, "memo.decide-by")]


@pytest.mark.parametrize(
    ("make", "where", "code"),
    [
        (
            lambda t: os.mkfifo(t / "brief.html.j2"),
            "templates/brief.html.j2",
            "template.not-a-file",
        ),
        (
            lambda t: (t / "brief.html.j2").write_bytes(b"{# \xff #}"),
            "templates/brief.html.j2",
            "template.encoding",
        ),
        (
            lambda t: (t / "brief.html.j2").write_bytes(b" " * 1_000_001),
            "templates/brief.html.j2",
            "template.too-large",
        ),
    ],
)
def test_a_project_template_that_cannot_be_read(
    minimal: Path, make: Callable[[Path], object], where: str, code: str
) -> None:
    templates = minimal / "templates"
    templates.mkdir()
    make(templates)
    result = pipeline.build(minimal, formats=["html"])
    assert not result.written
    assert {(d.path, d.code) for d in result.diagnostics.errors} == {(where, code)}


def test_a_templates_file_in_place_of_the_folder_is_unreadable(minimal: Path) -> None:
    (minimal / "templates").write_text("not a folder", encoding="utf-8")
    result = pipeline.build(minimal, formats=["html"])
    assert not result.written
    codes = {(d.path, d.code) for d in result.diagnostics.errors}
    assert codes and all(code == "template.unreadable" for _, code in codes), codes


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stderr


def test_source_add_of_a_missing_file(minimal: Path) -> None:
    missing = minimal.parent / "nowhere.pdf"
    code, err = _run("source", "add", "--root", str(minimal), str(missing))
    assert code == 1
    assert "nowhere.pdf: error: no such file [import.not-a-file]" in err


def test_source_verify_of_an_unknown_id_and_of_a_source_never_imported(minimal: Path) -> None:
    code, err = _run("source", "verify", "--root", str(minimal), "nope")
    assert code == 1
    assert "[source.unknown]" in err
    code, err = _run("source", "verify", "--root", str(minimal), "test-source")
    assert code == 1
    assert "content/sources/test-source.yaml" in err
    assert "[source.no-original]" in err
