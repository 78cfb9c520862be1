"""``briefgen migrate-locators`` on a copy of tests/fixtures/unmigrated.

The fixture's source marks its title (line 1), byline (line 2) and a heading (line 5);
line 3 and 7 are blank. Its notes still count every non-empty line: ¶3 is line 4 (body
¶1), ¶5 is line 6 (body ¶2), ¶6 is line 8 (body ¶3), ¶4 is the heading.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import pipeline
from briefgen.cli import main
from tests.conftest import FIXTURES, copy_project

Edit = Callable[[Path, str, str, str], None]
NOTES = "content/notes/test-notes.yaml"
RECORD = "content/sources/test-source.yaml"

# Every edit the migration makes: (file, old text, new text). Nothing else changes.
EXPECTED = [
    (NOTES, "    paragraph: 3  # the agreement\n", "    paragraph: 1  # the agreement\n"),
    (NOTES, "basis: ¶3 names the year; ¶5–6 react", "basis: ¶1 names the year; ¶2–3 react"),
    (NOTES, "    paragraph: 5\n", "    paragraph: 2\n"),
    (NOTES, "    paragraph:   6\n", "    paragraph:   3\n"),
    (NOTES, "too little (¶6).", "too little (¶3)."),
    (
        RECORD,
        "  headings: [5]\n",
        "  headings: [5]\nnumbering: body  # ¶ numbers in notes count body paragraphs only\n",
    ),
    (RECORD, "  paragraph: 1\n", "  line: 1\n"),
    (RECORD, "  paragraph: 2  # the byline\n", "  line: 2  # the byline\n"),
    (RECORD, "as past (¶3).", "as past (¶1)."),
    (RECORD, "officials (¶5) and critics (¶4–6)", "officials (¶2) and critics (¶2–3)"),
    (RECORD, "the agreement of ¶3.", "the agreement of ¶1."),
]

SUMMARY = """\
content/notes/test-notes.yaml:5: ¶3 → ¶1
content/notes/test-notes.yaml:14: ¶3 → ¶1
content/notes/test-notes.yaml:14: ¶5–6 → ¶2–3
content/notes/test-notes.yaml:17: ¶5 → ¶2
content/notes/test-notes.yaml:27: ¶6 → ¶3
content/notes/test-notes.yaml:31: ¶6 → ¶3
content/sources/test-source.yaml:10: numbering: body
content/sources/test-source.yaml:14: paragraph: 1 → line: 1 (the title)
content/sources/test-source.yaml:18: paragraph: 2 → line: 2 (the byline)
content/sources/test-source.yaml:25: ¶3 → ¶1
content/sources/test-source.yaml:29: ¶5 → ¶2
content/sources/test-source.yaml:29: ¶4–6 → ¶2–3
content/sources/test-source.yaml:30: ¶3 → ¶1
"""


@pytest.fixture
def unmigrated(tmp_path: Path) -> Path:
    return copy_project(FIXTURES / "unmigrated", tmp_path / "unmigrated")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["migrate-locators", *args])
    return result.exit_code, result.stdout, result.stderr


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted((root / "content").rglob("*"))
        if path.is_file()
    }


def test_migration_rewrites_exactly_the_locators_keeping_comments(unmigrated: Path) -> None:
    before = snapshot(unmigrated)
    status, out, err = run(str(unmigrated))
    assert (status, err) == (0, "")
    assert out == SUMMARY + "migrated test-source: 13 change(s) in 2 file(s)\n"
    expected = {name: text.decode("utf-8") for name, text in before.items()}
    for name, old, new in EXPECTED:
        assert expected[name].count(old) == 1, old
        expected[name] = expected[name].replace(old, new)
    after = snapshot(unmigrated)
    assert {name: text.decode("utf-8") for name, text in after.items()} == expected
    # The migrated project is valid: every quote is in its (body) paragraph.
    result = pipeline.check(unmigrated)
    assert [d.format() for d in result.diagnostics.sorted()] == []
    assert result.project is not None
    source = result.project.sources["test-source"]
    assert source.paragraphs == [
        "The “alliance” agreed to share data in 2014.",
        "Officials said it was a “good first step” toward more.",
        "Critics’ view: it was too little, too late.",
    ]
    assert [source.line_of(n) for n in (1, 2, 3)] == [4, 6, 8]
    assert [source.heading_of(n) for n in (1, 2, 3)] == [None, "Reactions", "Reactions"]


def test_migration_twice_is_a_no_op(unmigrated: Path) -> None:
    assert run(str(unmigrated))[0] == 0
    migrated = snapshot(unmigrated)
    status, out, err = run(str(unmigrated))
    assert (status, err) == (0, "")
    assert out == "nothing to migrate: no source marks its lines without 'numbering: body'\n"
    assert snapshot(unmigrated) == migrated
    assert run("--check", str(unmigrated))[0] == 0


def test_check_lists_the_changes_and_writes_nothing(unmigrated: Path) -> None:
    before = snapshot(unmigrated)
    status, out, _ = run("--check", str(unmigrated))
    assert status == 1
    assert out == SUMMARY + "would migrate test-source: 13 change(s); nothing written\n"
    assert snapshot(unmigrated) == before


def test_note_on_a_heading_is_reported_not_guessed(unmigrated: Path, edit: Edit) -> None:
    edit(unmigrated, NOTES, "    paragraph: 5\n", "    paragraph: 4\n")
    before = snapshot(unmigrated)
    status, out, err = run(str(unmigrated))
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "content/notes/test-notes.yaml:17: error: ¶4 of source 'test-source' is line 5, a "
        "heading (“Reactions”), not a body paragraph: point note 'first-step' at the body "
        "paragraph it means [note.paragraph-not-body]",
        "1 error(s), 0 warning(s)",
        "nothing written: fix the errors above, then run the command again",
    ]
    assert snapshot(unmigrated) == before
    # briefgen check says the same, with the reason the source is not yet valid.
    assert [d.format() for d in pipeline.check(unmigrated).diagnostics.sorted()] == [
        err.splitlines()[0],
        "content/sources/test-source.yaml:6: error: source 'test-source' marks its non-body "
        "lines, but its notes' ¶ still count every non-empty line: run 'briefgen "
        "migrate-locators' to renumber them (or add 'numbering: body' if they already "
        "count body paragraphs only) [source.numbering-unmigrated]",
    ]


def test_reference_to_the_byline_in_free_text_is_reported(unmigrated: Path, edit: Edit) -> None:
    edit(unmigrated, NOTES, "too little (¶6).", "too little (¶2, ¶6).")
    before = snapshot(unmigrated)
    status, out, err = run(str(unmigrated))
    assert (status, out) == (1, "")
    assert err.splitlines()[0] == (
        "content/notes/test-notes.yaml:31: error: '¶2' names no body paragraph of source "
        "'test-source' (line 2, the byline (“By Jane Roe”)): reword it by hand (for example "
        "'the byline'), then run the command again [migrate.reference-not-body]"
    )
    assert snapshot(unmigrated) == before


def test_reference_after_another_sources_id_is_that_sources(unmigrated: Path) -> None:
    """An unmarked source's record that cites the marked one by id: 'test-source (¶3)'."""
    sources = unmigrated / "content/sources"
    text = "Only one line.\n"
    (sources / "other.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (sources / "other.yaml").write_text(
        f"kind: article\ntext: other.txt\nsha256: {digest}\n"
        "title: {status: unknown}\nauthor: {status: unknown}\noutlet: {status: unknown}\n"
        "date:\n  status: inferred\n  value: '2016'\n"
        "  reason: Its ¶1 repeats test-source (¶3), of 2015.\n"
        "reliability: {grade: F, reason: Unknown.}\n",
        encoding="utf-8",
    )
    status, out, _ = run(str(unmigrated))
    assert status == 0
    assert "content/sources/other.yaml:10: ¶3 → ¶1\n" in out
    assert "other.yaml:10: ¶1" not in out  # its own ¶1: not a marked source's
    written = (sources / "other.yaml").read_text(encoding="utf-8")
    assert "  reason: Its ¶1 repeats test-source (¶1), of 2015.\n" in written


def test_paragraph_signs_in_brief_prose_are_reported(unmigrated: Path) -> None:
    brief = unmigrated / "content/briefs/one.md"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text + "\nAs ¶3 of the article says.\n", encoding="utf-8")
    line = text.count("\n") + 2
    status, out, err = run(str(unmigrated))
    assert status == 0
    assert err.splitlines() == [
        f"content/briefs/one.md:{line}: warning: '¶3' is not rewritten: if it means a "
        "paragraph of 'test-source', renumber it by hand [migrate.reference-unknown-source]",
        "0 error(s), 1 warning(s)",
    ]
    assert out.endswith("migrated test-source: 13 change(s) in 2 file(s)\n")


def test_flow_style_locator_cannot_be_edited_in_place(unmigrated: Path, edit: Edit) -> None:
    edit(
        unmigrated,
        NOTES,
        "  - id: first-step\n    source: test-source\n    paragraph: 5\n",
        "  - {id: first-step, source: test-source, paragraph: 5,\n"
        "     credibility: 2, kind: quote, quote: good first step,\n"
        "     body: Officials called it a first step., holder: Officials}\n"
        "  - id: unused\n    source: test-source\n    paragraph: 5\n",
    )
    before = snapshot(unmigrated)
    status, _, err = run(str(unmigrated))
    assert status == 1
    assert err.splitlines()[0] == (
        "content/notes/test-notes.yaml:15: error: cannot rewrite 'paragraph: 5' in place "
        "(flow style, or a ¶ split by a comment): write it in block style, then run the "
        "command again [migrate.cannot-edit]"
    )
    assert snapshot(unmigrated) == before
