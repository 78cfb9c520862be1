"""One round: ``check`` reports every independent problem at once. A broken setting
hides only the checks that read it (load/fallback.py); content and brief errors are
still reported in the same run, each at its exact path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen import pipeline

SETTINGS = "briefgen.toml"
NOTES = "content/notes/test-notes.yaml"
ISSUE = "content/briefs/issue.md"


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _found(root: Path) -> set[tuple[str, int, str]]:
    return {(d.path, d.line, d.code) for d in pipeline.check(root).diagnostics.errors}


def _content_and_brief_errors(root: Path) -> None:
    _edit(root, NOTES, "quote: good first step", "quote: a good last step")
    _edit(root, ISSUE, "agreed [@share-2014]", "agreed [@share-2041]")


CONTENT_AND_BRIEF = {(NOTES, 18, "quote.mismatch"), (ISSUE, 19, "cite.unknown-note")}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a marking whose approval is not declared (the schema's own validator)
        ('"INTERNAL" = false\n', "", (SETTINGS, 11, "settings.marking-approval")),
        # a value of the wrong type
        ('page_size = "A4"', "page_size = 4", (SETTINGS, 6, "schema.invalid")),
        # a renamed setting in its old form and its new form at once
        (
            '"INTERNAL" = false\n',
            '"INTERNAL" = false\n[budgets]\nissue-brief = 6\n',
            (SETTINGS, 23, "settings.both-forms"),
        ),
        # a file that is not TOML at all
        ('title = "Test project"', "title = Test project", (SETTINGS, 2, "toml.syntax")),
    ],
    ids=["schema-validator", "wrong-type", "renamed", "toml-syntax"],
)
def test_settings_content_and_brief_errors_in_one_check(
    minimal: Path, old: str, new: str, expected: tuple[str, int, str]
) -> None:
    _edit(minimal, SETTINGS, old, new)
    _content_and_brief_errors(minimal)
    found = _found(minimal)
    assert {expected} | CONTENT_AND_BRIEF <= found, sorted(found)


def test_a_broken_table_hides_only_the_checks_that_read_it(minimal: Path) -> None:
    """[markings] falls back to its default ("DRAFT"): the briefs' "PUBLIC" marking is not
    reported as unknown, since that finding would be about the fallback."""
    _edit(minimal, SETTINGS, '"INTERNAL" = false\n', "")
    found = _found(minimal)
    assert found == {(SETTINGS, 11, "settings.marking-approval")}, sorted(found)
