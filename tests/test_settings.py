"""briefgen.toml's `[project] requires`: a project names the briefgen versions it builds with.

Each case is a real briefgen.toml in tests/fixtures/requires/, laid over the minimal
project and checked through the command line, against the briefgen that is running.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import briefgen
from briefgen.cli import main
from tests.conftest import FIXTURES

REQUIRES = FIXTURES / "requires"


def check(project: Path, case: str) -> tuple[int, str, str]:
    shutil.copy2(REQUIRES / case / "briefgen.toml", project / "briefgen.toml")
    result = CliRunner().invoke(main, ["check", "--strict", "--root", str(project)])
    return result.exit_code, result.stdout, result.stderr


def test_the_cases_are_written_for_this_release() -> None:
    # The messages below name 0.2.0; a release bump must revisit these fixtures.
    assert briefgen.__version__ == "0.2.0"


def test_a_satisfied_requires_builds(minimal: Path) -> None:
    assert check(minimal, "satisfied") == (0, "ok: 1 sources, 3 notes, 2 options, 3 briefs\n", "")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "newer",
            "error: this project requires briefgen >=0.3; this is briefgen 0.2.0: "
            "upgrade briefgen (pipx upgrade briefgen) [settings.requires]",
        ),
        (
            "older",
            "error: this project requires briefgen <0.2; this is briefgen 0.2.0: "
            "run 'briefgen upgrade' to bring the project to 0.2.0, "
            'then set requires = ">=0.2" [settings.requires]',
        ),
        (
            "impossible",
            "error: this project requires briefgen >=0.3, <0.2; this is briefgen 0.2.0, "
            "and no version can satisfy both bounds: correct `requires` [settings.requires]",
        ),
        (
            "invalid",
            "error: project.requires: 'banana' is not a version specifier (PEP 440): "
            "write an operator (>=, >, <=, <, ==, !=, ~=) and a version, "
            'e.g. ">=0.2" [schema.invalid]',
        ),
    ],
)
def test_an_unmet_or_invalid_requires_is_located_at_its_key(
    minimal: Path, case: str, message: str
) -> None:
    code, out, err = check(minimal, case)
    assert (code, out) == (1, "")
    # Line 4 of each fixture is `requires = …`.
    assert err.splitlines() == [f"briefgen.toml:4: {message}", "1 error(s), 0 warning(s)"]


def test_a_project_for_a_later_briefgen_gets_that_one_error(minimal: Path) -> None:
    # Its keys this briefgen does not know would each be schema.unknown-key: noise.
    code, out, err = check(minimal, "newer-with-new-keys")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "briefgen.toml:5: error: this project requires briefgen >=0.3; this is briefgen "
        "0.2.0: upgrade briefgen (pipx upgrade briefgen) [settings.requires]",
        "1 error(s), 0 warning(s)",
    ]
