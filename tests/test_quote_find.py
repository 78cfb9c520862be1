"""briefgen source show and quote find (briefgen/lookup.py, briefgen/text/search.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from briefgen.diagnostics import Diagnostics
from briefgen.load.project import load_project
from briefgen.text.search import find_passages
from tests.conftest import MINIMAL, copy_project

# A source of our own, with the characters a pasted quote gets wrong: an en dash, an em
# dash between spaces, curly quotes and apostrophes, a heading and a byline to mark.
DASHES_TEXT = (
    "Talks resume\n"
    "By A. Writer\n"
    "\n"
    "The 2014–2015 round ended without a text.\n"
    "Overview\n"
    "Negotiators said the gap was “narrow — but real” and would close.\n"
    "Officials’ view: the door isn’t shut.\n"
)
DASHES_RECORD = """\
kind: article
text: dashes.txt
sha256: {sha}
title:
  status: stated
  value: Talks resume
  line: 1
author:
  status: stated
  value: A. Writer
  line: 2
outlet:
  status: unknown
date:
  status: unknown
reliability:
  grade: F
  reason: A test text.
lines:
  title: 1
  byline: 2
  headings: [5]
numbering: body
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The minimal project with the dashes source added."""
    root = copy_project(MINIMAL, tmp_path / "project")
    sources = root / "content" / "sources"
    (sources / "dashes.txt").write_bytes(DASHES_TEXT.encode())
    sha = hashlib.sha256(DASHES_TEXT.encode()).hexdigest()
    (sources / "dashes.yaml").write_text(DASHES_RECORD.format(sha=sha), encoding="utf-8")
    return root


def find(root: Path, *args: str) -> tuple[int, list[str]]:
    code, out, err = run("quote", "find", "--root", str(root), *args)
    assert err == ""
    return code, out.splitlines()


def test_source_show_numbers_paragraphs_as_the_checks_do() -> None:
    code, out, err = run("source", "show", "test-source", "--root", str(MINIMAL))
    diagnostics = Diagnostics(MINIMAL)
    project, _ = load_project(MINIMAL, diagnostics)
    assert project is not None and (code, err) == (0, "")
    paragraphs = project.sources["test-source"].paragraphs
    assert out.splitlines() == [
        "content/sources/test-source.txt:",
        *(f"¶{n}  {text}" for n, text in enumerate(paragraphs, start=1)),
    ]
    assert out.splitlines()[4] == "¶4  Officials said it was a “good first step” toward more."


def test_source_show_labels_marked_lines_apart(project: Path) -> None:
    code, out, _ = run("source", "show", "dashes", "--root", str(project))
    assert code == 0
    assert out.splitlines() == [
        "content/sources/dashes.txt:",
        "  [title, line 1]  Talks resume",
        "  [byline, line 2]  By A. Writer",
        "¶1  The 2014–2015 round ended without a text.",
        "  [heading, line 5]  Overview",
        "¶2  Negotiators said the gap was “narrow — but real” and would close.",
        "¶3  Officials’ view: the door isn’t shut.",
    ]


def test_source_show_before_migration_counts_marked_lines_and_says_so(project: Path) -> None:
    record = project / "content" / "sources" / "dashes.yaml"
    record.write_text(record.read_text().replace("numbering: body\n", ""), encoding="utf-8")
    code, out, _ = run("source", "show", "dashes", "--root", str(project))
    assert code == 0
    assert out.splitlines()[1:4] == [
        "¶1 [title]  Talks resume",
        "¶2 [byline]  By A. Writer",
        "¶3  The 2014–2015 round ended without a text.",
    ]
    assert out.splitlines()[-1] == (
        "(¶ still counts every non-empty line, marked ones too: run "
        "'briefgen migrate-locators' to count body paragraphs only)"
    )


def test_source_show_unknown_id() -> None:
    code, out, err = run("source", "show", "nope", "--root", str(MINIMAL))
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        "content/sources: error: no source 'nope' (known: test-source) [cli.unknown-source]"
    )


def test_quote_find_across_a_line_wrap(project: Path) -> None:
    code, lines = find(project, "agreed to\n   share\tdata")
    assert code == 0
    assert lines[0] == "content/sources/test-source.txt:3: ¶3: …agreed to share data…"
    assert lines[8].startswith('    quote: "agreed to share data"  #')


def test_quote_find_ignores_quote_styles_and_gives_the_source_characters(project: Path) -> None:
    code, lines = find(project, 'it was a "good first step"')
    assert code == 0
    assert lines[0] == "content/sources/test-source.txt:4: ¶4: …it was a “good first step”…"
    assert lines[4:12] == [
        "  - id: test-source-it-was-a-good",
        "    source: test-source",
        "    paragraph: 4",
        "    kind: quote",
        '    quote: "it was a “good first step”"  # the source\'s own characters: keep them '
        "as they are",
        '    holder: "TODO"  # the person or outlet the source names as speaking these words',
        "    credibility: TODO  # 1 confirmed (needs corroborated_by) … 5 improbable, 6 "
        "cannot be judged",
        "    body: TODO  # what the passage says, in your own words",
    ]


def test_quote_find_en_dash_as_hyphen_and_em_dash_without_spaces(project: Path) -> None:
    code, lines = find(project, "The 2014-2015 round")
    assert (code, lines[0]) == (0, "content/sources/dashes.txt:4: ¶1: The 2014–2015 round…")
    code, lines = find(project, "'narrow--but real'")
    assert (code, lines[0]) == (0, "content/sources/dashes.txt:6: ¶2: …“narrow — but real”…")


def test_quote_find_a_word_hyphenated_at_a_line_end(project: Path) -> None:
    code, lines = find(project, "Negoti-\nators said")
    assert (code, lines[0]) == (0, "content/sources/dashes.txt:6: ¶2: Negotiators said…")


def test_quote_find_ignore_case_only_when_asked(project: Path) -> None:
    assert find(project, "OFFICIALS' VIEW")[0] == 1
    code, lines = find(project, "OFFICIALS' VIEW", "--ignore-case")
    assert (code, lines[0]) == (0, "content/sources/dashes.txt:7: ¶3: Officials’ view…")


def test_quote_find_across_two_paragraphs_is_reported_as_such(project: Path) -> None:
    code, lines = find(project, "toward more. Critics' view")
    assert code == 1
    assert lines == [
        "content/sources/test-source.txt:4: ¶4: crosses ¶4–¶5: a quote must sit in one "
        "paragraph: …toward more."
    ]


def test_quote_find_nothing_shows_the_closest_passage(project: Path) -> None:
    code, lines = find(project, "a great first step", "--source", "test-source")
    assert (code, lines) == (
        1,
        [
            "not found in test-source; closest passage is content/sources/test-source.txt:4: "
            "¶4: …a “good first step”…"
        ],
    )


def test_quote_find_keeps_to_word_boundaries() -> None:
    assert find_passages("lliance", ["The “alliance” agreed."]) == []
    assert [f.text for f in find_passages("alliance", ["The “alliance” agreed."])] == ["alliance"]


def test_quote_find_unknown_source(project: Path) -> None:
    code, out, err = run("quote", "find", "x", "--source", "nope", "--root", str(project))
    assert (code, out) == (1, "")
    assert "[cli.unknown-source]" in err


def test_a_pasted_skeleton_passes_check_once_filled(project: Path) -> None:
    code, lines = find(project, "the door isn't shut")
    assert code == 0
    start = lines.index("A note to paste under 'notes:' (fill in each TODO):")
    skeleton = "\n".join(lines[start + 2 :])
    filled = (
        skeleton.replace('"TODO"', "Officials")
        .replace("credibility: TODO", "credibility: 3")
        .replace("body: TODO", "body: Officials held that talks could still resume.")
    )
    assert "TODO" not in filled
    notes = project / "content" / "notes" / "test-notes.yaml"
    notes.write_text(notes.read_text(encoding="utf-8") + filled + "\n", encoding="utf-8")
    code, out, err = run("check", "--root", str(project))
    assert code == 0
    assert out == "ok: 2 sources, 4 notes, 2 options, 3 briefs\n"
    # No brief cites it yet, and that is all check says of it.
    assert err.splitlines() == [
        "content/notes/test-notes.yaml:29: warning: note 'dashes-the-door-isn-t' is cited by "
        "no brief [note.unused]",
        "0 error(s), 1 warning(s)",
    ]
