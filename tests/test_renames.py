"""Renamed settings (load/renames.py): a warning until `removed_in`, an error from then on."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.load.project import load_project
from briefgen.model.settings import RENAMES
from tests.conftest import FIXTURES, MINIMAL, copy_project

OLD_FORM = FIXTURES / "bad-types" / "renamed-tables"
BOTH_FORMS = FIXTURES / "renamed-settings" / "both-forms"


def project_with(settings: Path, tmp_path: Path) -> Path:
    root = copy_project(MINIMAL, tmp_path / "project")
    shutil.copy(settings / "briefgen.toml", root / "briefgen.toml")
    return root


def load(root: Path, version: str) -> tuple[list[str], Diagnostics]:
    diagnostics = Diagnostics(root)
    load_project(root, diagnostics, version=version)
    return [d.format() for d in diagnostics.sorted()], diagnostics


def test_both_renames_are_removed_in_0_3_0() -> None:
    assert [(r.old, r.deprecated_in, r.removed_in) for r in RENAMES] == [
        ("budgets", "0.2.0", "0.3.0"),
        ("analysis", "0.2.0", "0.3.0"),
    ]


def test_old_form_works_with_a_warning_before_removal(tmp_path: Path) -> None:
    root = project_with(OLD_FORM, tmp_path)
    diagnostics = Diagnostics(root)
    project, _ = load_project(root, diagnostics, version="0.2.9")
    assert [d.format() for d in diagnostics.sorted()] == [
        "briefgen.toml:9: warning: [budgets] issue-brief = 6 is now [types.issue-brief] "
        "budget = 6; run 'briefgen upgrade' (the old form is an error from briefgen 0.3.0) "
        "[settings.deprecated]",
        "briefgen.toml:12: warning: [analysis] samples = 100 is now [sensitivity] "
        "samples = 100; run 'briefgen upgrade' (the old form is an error from briefgen 0.3.0) "
        "[settings.deprecated]",
    ]
    assert project is not None
    assert project.settings.layouts["issue-brief"].budget == 6  # translated, not dropped
    assert project.settings.sensitivity.samples == 100


def test_old_form_is_an_error_from_removed_in(tmp_path: Path) -> None:
    root = project_with(OLD_FORM, tmp_path)
    diagnostics = Diagnostics(root)
    project, _ = load_project(root, diagnostics, version="0.3.0")
    # The content is still read, the moved tables at their defaults (one round).
    assert project is not None
    assert project.settings.sensitivity.samples == 2000
    assert [d.format() for d in diagnostics.sorted()] == [
        "briefgen.toml:9: error: [budgets] issue-brief = 6 is now [types.issue-brief] "
        "budget = 6; run 'briefgen upgrade' [settings.renamed]",
        "briefgen.toml:12: error: [analysis] samples = 100 is now [sensitivity] "
        "samples = 100; run 'briefgen upgrade' [settings.renamed]",
    ]


def test_a_translated_value_is_checked_at_its_old_line(tmp_path: Path) -> None:
    root = project_with(OLD_FORM, tmp_path)
    settings = root / "briefgen.toml"
    settings.write_text(settings.read_text().replace("samples = 100", "samples = 1"))
    lines, _ = load(root, "0.2.0")
    assert [line for line in lines if ": error:" in line] == [
        "briefgen.toml:12: error: sensitivity.samples: Input should be greater than or "
        "equal to 10 [schema.invalid]"
    ]


def test_old_and_new_form_together_are_an_error_naming_both_lines(tmp_path: Path) -> None:
    root = project_with(BOTH_FORMS, tmp_path)
    lines, _ = load(root, "0.2.0")
    assert lines == [
        "briefgen.toml:12: error: [budgets] issue-brief = 8 (line 12) and its new form "
        "[types.issue-brief] budget (line 9) are both set: keep one value, in the new form "
        "[settings.both-forms]",
        "briefgen.toml:13: warning: [budgets] one-pager = 2 is now [types.one-pager] "
        "budget = 2; run 'briefgen upgrade' (the old form is an error from briefgen 0.3.0) "
        "[settings.deprecated]",
        "briefgen.toml:16: error: [analysis] samples = 100 (line 16) and its new form "
        "[sensitivity] samples (line 19) are both set: keep one value, in the new form "
        "[settings.both-forms]",
    ]
