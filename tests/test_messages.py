"""Messages a newcomer can act on: each names the cause as the user would (CRLF, a BOM,
a first pin, a typo's likely intent, an unquoted colon, a section as written) and the
setting that changes a rule. One bad edit each to the real minimal fixture, checked
with the real loader and validators, at its exact path and line."""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

import pytest

import briefgen
from briefgen import pipeline
from briefgen.diagnostics import Diagnostics
from briefgen.load.project import load_project
from briefgen.validate.content import validate
from tests.conftest import FIXTURES, copy_project

SOURCE = "content/sources/test-source.yaml"
TEXT = "content/sources/test-source.txt"
NOTES = "content/notes/test-notes.yaml"
ISSUE = "content/briefs/issue.md"
MEMO = "content/briefs/memo.md"
ONE = "content/briefs/one.md"
SETTINGS = "briefgen.toml"


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _validated(root: Path) -> Diagnostics:
    """Loaded and validated as `check` does, without the analysis, whose citation
    processor start-up is most of a check's time on a project without errors."""
    diagnostics = Diagnostics(root)
    project, report = load_project(root, diagnostics)
    assert project is not None
    validate(project, report, diagnostics)
    return diagnostics


def _message(root: Path, path: str, line: int, code: str, *, analysed: bool = False) -> str:
    diagnostics = pipeline.check(root).diagnostics if analysed else _validated(root)
    found = [d for d in diagnostics.sorted() if d.code == code]
    where = [(d.path, d.line) for d in found]
    assert (path, line) in where, [d.format() for d in found]
    return next(d.message for d in found if (d.path, d.line) == (path, line))


def _pinned_text(root: Path) -> bytes:
    return (root / TEXT).read_bytes()


def test_crlf_is_named_with_its_fix(minimal: Path) -> None:
    (minimal / TEXT).write_bytes(_pinned_text(minimal).replace(b"\n", b"\r\n"))
    message = _message(minimal, SOURCE, 3, "source.checksum")
    assert "has Windows line endings (CRLF): convert them to LF" in message
    assert "its words are unchanged" in message
    assert "has changed" not in message


def test_a_bom_is_named_with_its_fix(minimal: Path) -> None:
    (minimal / TEXT).write_bytes(b"\xef\xbb\xbf" + _pinned_text(minimal))
    message = _message(minimal, SOURCE, 3, "source.checksum")
    assert "starts with a byte-order mark (BOM): save it as UTF-8 without a BOM" in message


def test_the_first_pin_says_pin_it(minimal: Path) -> None:
    digest = hashlib.sha256(_pinned_text(minimal)).hexdigest()
    _edit(minimal, SOURCE, digest, "0" * 64)
    message = _message(minimal, SOURCE, 3, "source.checksum")
    assert message == f"text 'test-source.txt' is not pinned yet: pin it: sha256: {digest}"


@pytest.mark.parametrize(
    ("fixture", "name", "old", "new", "code", "line", "hint"),
    [
        (
            "minimal",
            ISSUE,
            "[@share-2014]",
            "[@share-2041]",
            "cite.unknown-note",
            19,
            "did you mean 'share-2014'?",
        ),
        (
            "minimal",
            NOTES,
            "source: test-source\n    paragraph: 4",
            "source: test-sorce\n    paragraph: 4",
            "note.unknown-source",
            14,
            "did you mean 'test-source'?",
        ),
        (
            "minimal",
            ISSUE,
            "options: [do-more, do-nothing]",
            "options: [do-mor, do-nothing]",
            "brief.unknown-option",
            10,
            "did you mean 'do-more'?",
        ),
        (
            "minimal",
            ISSUE,
            "type: issue-brief",
            "type: issue-brif",
            "brief.unknown-type",
            2,
            "did you mean 'issue-brief'?",
        ),
        (
            "minimal",
            ISSUE,
            "## Recommendations",
            "## Recommendation",
            "brief.unknown-section",
            29,
            "did you mean '## Recommendations'?",
        ),
        (
            "scoring",
            "content/options/do-more.yaml",
            "  risk:",
            "  rsk:",
            "score.unknown-criterion",
            None,
            "did you mean 'risk'?",
        ),
    ],
    ids=["note", "source", "option", "type", "section", "criterion"],
)
def test_did_you_mean(
    tmp_path: Path,
    fixture: str,
    name: str,
    old: str,
    new: str,
    code: str,
    line: int | None,
    hint: str,
) -> None:
    root = copy_project(FIXTURES / fixture, tmp_path / fixture)
    _edit(root, name, old, new)
    if line is None:  # the line of the edit
        text = (root / name).read_text(encoding="utf-8")
        line = text[: text.index(new)].count("\n") + 1
    assert _message(root, name, line, code).endswith(hint)


def test_an_unquoted_colon_gets_the_hint_to_quote(minimal: Path) -> None:
    _edit(
        minimal,
        NOTES,
        "body: Officials called it a first step.",
        "body: Officials: it was a first step.",
    )
    message = _message(minimal, NOTES, 19, "yaml.syntax")
    assert "(column 20)" in message
    assert "a value that contains ': ' must be quoted" in message


def test_sections_and_types_print_as_the_user_writes_them(minimal: Path) -> None:
    _edit(minimal, ISSUE, "## What we don't know\n", "")
    message = _message(minimal, ISSUE, 12, "brief.missing-section")
    assert message == "an issue brief needs a '## What we don't know' section"


def test_unattributed_opinion_names_the_holders_table(minimal: Path) -> None:
    _edit(minimal, ONE, "- Officials said it was a [>@first-step].", "- It was a [>@first-step].")
    message = _message(minimal, ONE, 19, "brief.unattributed-opinion")
    assert 'briefgen.toml: [holders] "Officials" = ["…"]' in message


def test_too_many_citations_names_max_citations(minimal: Path) -> None:
    with (minimal / SETTINGS).open("a", encoding="utf-8") as settings:
        settings.write("\n[types.one-pager]\nmax_citations = 1\n")
    message = _message(minimal, ONE, 11, "brief.too-many-citations", analysed=True)
    assert "raise the limit in briefgen.toml ([types.one-pager] max_citations = 3)" in message


def test_a_notes_key_with_nothing_under_it(minimal: Path) -> None:
    (minimal / "content/notes/later.yaml").write_text("# to do\nnotes:\n", encoding="utf-8")
    message = _message(minimal, "content/notes/later.yaml", 2, "content.empty")
    assert message.startswith("no notes in this file")


def test_a_quote_across_a_line_wrap_says_so(minimal: Path) -> None:
    _edit(minimal, NOTES, "quote: good first step", "quote: in 2014. Officials said")
    message = _message(minimal, NOTES, 18, "quote.mismatch")
    assert "crosses a paragraph break in source 'test-source', from ¶3 into ¶4" in message


SEED_WORDS = re.compile(
    r"gsomia|klingner|japan|korea|\bmou\b|seoul|tokyo|east asia|trilateral|han min-koo",
    re.IGNORECASE,
)


# The seed project's own people and subjects, which no file briefgen writes may name.
SEED_NAMES = re.compile(
    r"gsomia|klingner|\bshear\b|han min-koo|moon sang-gyun|trilateral|hankyoreh", re.IGNORECASE
)


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant in a module but its docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_message_carries_the_seed_projects_vocabulary() -> None:
    package = Path(briefgen.__file__).parent
    found = [
        f"{path.relative_to(package)}:{line}: {text!r}"
        for path in sorted(package.rglob("*.py"))
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8")))
        if SEED_WORDS.search(text)
    ]
    # What a new project gets (briefgen init) and the fix of each code, too: the init
    # example's [holders] once named the seed's official (issue 21). (Its font comment
    # names languages, "Korean, Japanese", rightly: only the seed's own names count here.)
    written = [
        "rules.toml",
        "fixes.toml",
        *(f"assets/init/{p.name}" for p in sorted((package / "assets/init").iterdir())),
    ]
    found += [
        f"{name}: {line!r}"
        for name in written
        for line in (package / name).read_text(encoding="utf-8").splitlines()
        if SEED_NAMES.search(line) or (name.endswith("rules.toml") and SEED_WORDS.search(line))
    ]
    assert found == []


def test_a_template_no_brief_uses_names_the_setting(minimal: Path) -> None:
    templates = minimal / "templates"
    templates.mkdir()
    (templates / "one-pager.html.j2").write_text(
        '{% extends "base.html.j2" %}{% include "_card.html.j2" %}', encoding="utf-8"
    )
    (templates / "_card.html.j2").write_text("<p>card</p>", encoding="utf-8")
    (templates / "README.md").write_text("Notes on these templates.", encoding="utf-8")
    found = [d for d in _validated(minimal).warnings if d.code == "template.unused"]
    assert [(d.path, d.line, d.message) for d in found] == [
        (
            "templates/one-pager.html.j2",
            0,
            "no brief uses 'one-pager.html.j2': to render one-pager briefs with it, set "
            'template = "one-pager.html.j2" in [types.one-pager] in briefgen.toml',
        )
    ]  # _card.html.j2 is named by it; README.md is not a template
    with (minimal / SETTINGS).open("a", encoding="utf-8") as settings:
        settings.write('\n[types.one-pager]\ntemplate = "one-pager.html.j2"\n')
    assert [d for d in _validated(minimal).warnings if d.code == "template.unused"] == []
