"""Bad-input fixtures: each is the minimal project with one file replaced.

Every case asserts the exact diagnostics — code, file and line — and nothing else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
from pathlib import Path

import pytest

from briefgen import pipeline
from tests.conftest import FIXTURES, MINIMAL, copy_project

CASES: dict[str, list[str]] = {
    "unknown-key": [
        "content/notes/test-notes.yaml:7: error: unknown key 'topcs' in 'notes[0]' "
        "[schema.unknown-key]",
    ],
    "missing-source": [
        "content/notes/test-notes.yaml:3: error: note 'share-2014' cites unknown source "
        "'no-such-source'; did you mean 'test-source'? [note.unknown-source]",
    ],
    "misquote": [
        "content/notes/test-notes.yaml:18: error: quote of note 'first-step' not found in "
        "source 'test-source'; closest passage is in ¶4: a “good first step” [quote.mismatch]",
    ],
    "sic-not-in-quote": [
        "content/notes/test-notes.yaml:19: error: sic word 'frist' is not a word of the quote "
        "of note 'first-step' [note.sic-not-in-quote]",
    ],
    "wrong-paragraph": [
        "content/notes/test-notes.yaml:26: error: quote of note 'critics' is in ¶4 of source "
        "'test-source', not ¶5 [quote.wrong-paragraph]",
    ],
    "dangling-citation": [
        "content/briefs/issue.md:27: error: citation of unknown note 'no-such-note' "
        "[cite.unknown-note]",
    ],
    "malformed-yaml": [
        "content/notes/test-notes.yaml:25: error: expected <block end>, but found "
        "'<block mapping start>' (column 4) [yaml.syntax]",
    ],
    "malformed-front-matter": [
        "content/briefs/memo.md:1: error: front matter has no closing '---' "
        "[front-matter.unclosed]",
    ],
    "unknown-marking": [
        "content/briefs/memo.md:7: error: marking 'SECRET' is not in briefgen.toml's "
        "vocabulary (PUBLIC, INTERNAL) [brief.unknown-marking]",
    ],
    "missing-section": [
        "content/briefs/memo.md:13: error: a decision memo needs a '## Recommendation' "
        "section [brief.missing-section]",
        "content/briefs/memo.md:18: error: section 'Recomendation' is not part of a "
        "decision memo (allowed: 'Issue', 'Recommendation', 'Other views', 'Background', "
        "'What we don't know'); did you mean '## Recommendation'? [brief.unknown-section]",
        "content/briefs/memo.md:20: warning: this passage cites no note; cite one or mark it "
        "'::: analysis' [brief.unsourced]",
    ],
    "stated-not-found": [
        "content/sources/test-source.yaml:10: error: author 'John Doe' is marked stated but "
        "¶2 does not contain it [source.stated-not-found]",
    ],
    "edited-source": [
        "content/sources/test-source.yaml:3: error: text 'test-source.txt' has changed: sha256 "
        "is b2230340c53d17ff3ba8c49c651b0814c6b2e82ffba522eaae04da73dcfc0e7b; a source text "
        "must stay verbatim [source.checksum]",
    ],
    "uncited-point": [
        "content/options/do-more.yaml:9: error: this point cites no note [option.uncited]",
    ],
    "unsourced-passage": [
        "content/briefs/issue.md:20: warning: this passage cites no note; cite one or mark it "
        "'::: analysis' [brief.unsourced]",
    ],
    "bad-note-values": [
        "content/notes/more.yaml:2: error: notes[0]: expected a mapping of keys to values "
        "[schema.invalid]",
        "content/notes/more.yaml:3: error: notes[1].id: 'Bad Id' is not an id (lowercase "
        "letters, digits, single hyphens) [schema.invalid]",
        "content/notes/more.yaml:3: error: missing required key 'credibility' in 'notes[1]' "
        "[schema.missing-key]",
        "content/notes/more.yaml:5: error: notes[1].paragraph: Input should be greater than "
        "or equal to 1 [schema.invalid]",
        "content/notes/more.yaml:6: error: notes[1].kind: Input should be 'fact', 'quote', "
        "'claim', 'assessment' or 'recommendation' [schema.invalid]",
        "content/notes/more.yaml:7: error: notes[1].body: String should have at least 1 "
        "character [schema.invalid]",
    ],
    "unclosed-analysis": [
        "content/briefs/issue.md:21: error: '::: analysis' is never closed with ':::' "
        "[brief.unclosed-analysis]",
    ],
    "duplicate-note": [
        *(
            f"{where}: error: citation of unknown note 'critics' [cite.unknown-note]"
            for where in ("content/briefs/issue.md:27", "content/briefs/one.md:23")
        ),
        "content/notes/test-notes.yaml:21: error: note id 'first-step' is already used at "
        "content/notes/test-notes.yaml:13 [id.duplicate]",
        *(
            f"{where}: error: citation of unknown note 'critics' [cite.unknown-note]"
            for where in (
                "content/options/do-more.yaml:7",
                "content/options/do-more.yaml:9",
                "content/options/do-nothing.yaml:7",
                "content/options/do-nothing.yaml:9",
            )
        ),
    ],
}


def overlay(case: str, tmp_path: Path) -> Path:
    root = copy_project(MINIMAL, tmp_path / case)
    shutil.copytree(FIXTURES / "bad" / case, root, dirs_exist_ok=True)
    return root


def test_every_bad_fixture_has_a_case() -> None:
    on_disk = {p.name for p in (FIXTURES / "bad").iterdir()} - {"one-pager-too-long"}
    assert on_disk == set(CASES)


def test_minimal_fixture_is_clean() -> None:
    result = pipeline.check(MINIMAL)
    assert [d.format() for d in result.diagnostics.sorted()] == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_reports_exact_diagnostics(case: str, tmp_path: Path) -> None:
    result = pipeline.check(overlay(case, tmp_path))
    assert [d.format() for d in result.diagnostics.sorted()] == CASES[case]


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    root = overlay("unknown-marking", tmp_path)
    shutil.copytree(FIXTURES / "bad" / "misquote", root, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "bad" / "uncited-point", root, dirs_exist_ok=True)
    codes = [d.code for d in pipeline.check(root).diagnostics.sorted()]
    assert codes == ["brief.unknown-marking", "quote.mismatch", "option.uncited"]


def test_unused_note_is_a_warning(minimal: Path) -> None:
    notes = minimal / "content" / "notes" / "test-notes.yaml"
    notes.write_text(
        notes.read_text(encoding="utf-8")
        + "  - id: spare\n    source: test-source\n    paragraph: 1\n    kind: fact\n"
        "    credibility: 3\n    body: Unused.\n",
        encoding="utf-8",
    )
    result = pipeline.check(minimal)
    assert [d.format() for d in result.diagnostics.sorted()] == [
        "content/notes/test-notes.yaml:29: warning: note 'spare' is cited by no brief [note.unused]"
    ]
    assert not result.diagnostics.failed()
    assert result.diagnostics.failed(strict=True)


def test_source_paragraph_numbering_vs_lines(minimal: Path) -> None:
    """Review case source-paragraph-numbering-vs-lines: ¶N is the N-th non-empty line.

    A U+2028 (and the other breaks ``str.splitlines`` knows) stays inside its line, so
    the quote on line 4 is in ¶4, as in an editor or ``sed -n 4p``.
    """
    text = minimal / "content/sources/test-source.txt"
    body = text.read_text(encoding="utf-8").replace("in 2014.", "in\u20282014.\x0c\x85\x1c")
    text.write_text(body, encoding="utf-8")
    record = minimal / "content/sources/test-source.yaml"
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    record.write_text(
        re.sub(r"sha256: \w+", f"sha256: {digest}", record.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    # The quote of note share-2014 (¶3) still matches: U+2028 is whitespace.
    assert [d.format() for d in pipeline.check(minimal).diagnostics.sorted()] == []


def test_paragraphs_split_on_line_feeds_only(minimal: Path) -> None:
    project = pipeline.check(minimal).project
    assert project is not None
    source = project.sources["test-source"]
    odd = dataclasses.replace(source, text="one\r\n\r\ntwo\u2028still two\n \nthree\x0cthree\n")
    assert odd.paragraphs == ["one", "two\u2028still two", "three\x0cthree"]
