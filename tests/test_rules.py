"""The registry of diagnostic codes (briefgen/rules.toml) and the levels a project sets.

Levels are exercised on the real minimal project through the real loader, checks and
renderer; the reader's last page is read back from the built PDF with pdftotext.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen import __version__, pipeline
from briefgen.cli import main
from briefgen.diagnostics import Diagnostics
from briefgen.rules import Level, Rule, RuleClass, reference, registry, rule, version_tuple

REPO = Path(__file__).resolve().parent.parent
CODE = re.compile(r"^[a-z]+(?:-[a-z]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
FILE_NAME = re.compile(
    r"\.(?:toml|yaml|yml|css|json|txt|md|html|htm|pdf|j2|docx|csl|xml|js|py|lock|ttf|png|svg)$"
)
LITERAL = re.compile(r"^[a-z]+(?:-[a-z]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
Edit = Callable[[Path, str, str, str], None]


def _settings_with(root: Path, table: str) -> None:
    path = root / "briefgen.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[rules]\n" + table, encoding="utf-8")


def _line_of(root: Path, text: str) -> int:
    lines = (root / "briefgen.toml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def _formatted(result: pipeline.Result) -> list[str]:
    return [d.format() for d in result.diagnostics.sorted()]


# --- the registry ------------------------------------------------------------------------


def test_every_row_is_well_formed() -> None:
    for code, found in registry().items():
        assert CODE.match(code), code
        assert found.meaning.endswith("."), code
        # A code added since the last release names the next minor version (the one
        # CHANGELOG.md's [Unreleased] becomes), as the contributors' brief asks.
        major, minor, *_ = version_tuple(__version__)
        assert version_tuple(found.since) <= (major, minor + 1, 0), code
        if found.error_from is not None:
            assert found.level is Level.ERROR, code
            assert version_tuple(found.error_from) > version_tuple(found.since), code
        assert found.level is not Level.OFF, code


# Strings of a code's form in briefgen/ that are not codes (HTML meta names).
NOT_CODES = {"dc.creator", "dc.title"}


def _code_literals() -> set[str]:
    """Every string constant in briefgen/ of a code's form (``area.name``), wherever it is
    passed: to Diagnostics, DocumentError, RenderError, ImportFailure or a worker's Reply."""
    import ast

    found = set()
    for path in sorted((REPO / "briefgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and LITERAL.match(node.value)
                and not FILE_NAME.search(node.value)
            ):
                found.add(node.value)
        # pydantic error types become settings.* codes (load/records.py)
        for kind in re.findall(r"PydanticCustomError\(\s*\"settings_([a-z_]+)\"", path.read_text()):
            found.add("settings." + kind.replace("_", "-"))
    return found - NOT_CODES


def test_every_code_in_the_source_is_registered() -> None:
    unregistered = sorted(_code_literals() - set(registry()))
    assert unregistered == []


def test_an_unregistered_code_is_a_bug_with_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match=r"'quote\.typo' is not registered"):
        Diagnostics(tmp_path).error(tmp_path / "x", 1, "quote.typo", "never")


def test_a_code_raised_at_another_level_than_its_row_is_a_bug(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match=r"note\.unused is raised as error"):
        Diagnostics(tmp_path).error(tmp_path / "x", 1, "note.unused", "never")


def test_the_reference_page_is_generated_from_the_registry() -> None:
    page = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == reference(), "regenerate: briefgen rules --markdown > docs/rules.md"
    for code, found in registry().items():
        assert f"| `{code}` | {found.level.value} | {found.rule_class.value} |" in page


def test_briefgen_rules_lists_every_code() -> None:
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == len(registry())
    assert "quote.mismatch  error (protected, since 0.1.0): " in result.output


# --- a new rule's warning-first phase -----------------------------------------------------


NEW_RULE = Rule(
    code="brief.example",
    meaning="An example rule that arrives in 0.2.0 and becomes an error in 0.3.0.",
    level=Level.ERROR,
    rule_class=RuleClass.PROTECTED,
    since="0.2.0",
    error_from="0.3.0",
)


def test_a_new_rule_is_a_warning_until_its_error_version() -> None:
    assert NEW_RULE.default_level("0.2.0") is Level.WARNING
    assert NEW_RULE.default_level("0.2.7") is Level.WARNING
    assert NEW_RULE.phase_note("0.2.0") == ("a warning until briefgen 0.3.0, an error from then on")


def test_a_new_rule_is_an_error_from_its_error_version() -> None:
    assert NEW_RULE.default_level("0.3.0") is Level.ERROR
    assert NEW_RULE.default_level("1.0.0") is Level.ERROR
    assert NEW_RULE.phase_note("0.3.0") is None


# --- [rules] in a project -----------------------------------------------------------------


UNUSED_NOTE = """
  - id: never-cited
    source: test-source
    paragraph: 1
    credibility: 2
    kind: fact
    body: A note no brief cites.
"""


def _add_unused_note(root: Path) -> None:
    path = root / "content" / "notes" / "test-notes.yaml"
    path.write_text(path.read_text(encoding="utf-8") + UNUSED_NOTE, encoding="utf-8")


def test_an_advisory_rule_can_be_turned_off(minimal: Path) -> None:
    _add_unused_note(minimal)
    before = pipeline.check(minimal)
    assert [d.code for d in before.diagnostics.warnings] == ["note.unused"]
    _settings_with(minimal, '"note.unused" = "off"\n')
    after = pipeline.check(minimal)
    assert _formatted(after) == []


def test_an_advisory_rule_can_be_raised_to_an_error(minimal: Path) -> None:
    _add_unused_note(minimal)
    _settings_with(minimal, '"note.unused" = "error"\n')
    result = pipeline.check(minimal)
    [error] = result.diagnostics.errors
    assert error.code == "note.unused"
    assert error.message.endswith("(raised to an error in briefgen.toml [rules])")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '"quote.mismatch" = "off"',
            "'quote.mismatch' keeps a false statement from the reader and cannot be turned off",
        ),
        (
            '"quote.mismatch" = "warning"',
            "lowering 'quote.mismatch' to a warning needs a reason",
        ),
        (
            '"brief.author" = { level = "warning", reason = "  " }',
            "lowering 'brief.author' to a warning needs a reason",
        ),
        ('"yaml.syntax" = "warning"', "'yaml.syntax' keeps the project readable and cannot be"),
        ('"quote.typo" = "off"', "'quote.typo' is not a briefgen rule"),
    ],
)
def test_a_rule_setting_its_class_forbids_is_a_located_error(
    minimal: Path, table: str, message: str
) -> None:
    _settings_with(minimal, f"# why\n{table}\n")
    result = pipeline.check(minimal)
    [error] = result.diagnostics.errors
    assert (error.path, error.line, error.code) == (
        "briefgen.toml",
        _line_of(minimal, table),
        "settings.rules",
    )
    assert message in error.message


def test_an_unknown_level_is_a_located_schema_error(minimal: Path) -> None:
    _settings_with(minimal, '"note.unused" = "silent"\n')
    [error] = pipeline.check(minimal).diagnostics.errors
    assert (error.path, error.line, error.code) == (
        "briefgen.toml",
        _line_of(minimal, '"note.unused" = "silent"'),
        "schema.invalid",
    )


REASON = "Drafting copy: the quote is being re-checked against the printed edition."


def _lowered_quote_project(root: Path, edit: Edit) -> None:
    edit(root, "content/notes/test-notes.yaml", "quote: good first step", "quote: good last step")
    _settings_with(root, f'"quote.mismatch" = {{ level = "warning", reason = "{REASON}" }}\n')


@pytest.mark.build
def test_a_protected_rule_lowered_with_a_reason_is_printed_on_the_readers_last_page(
    minimal: Path, edit: Edit
) -> None:
    edit(
        minimal, "content/notes/test-notes.yaml", "quote: good first step", "quote: good last step"
    )
    refused = pipeline.check(minimal)
    assert [d.code for d in refused.diagnostics.errors] == ["quote.mismatch"]
    _settings_with(minimal, f'"quote.mismatch" = {{ level = "warning", reason = "{REASON}" }}\n')

    result = pipeline.build(minimal, briefs=["one"], formats=["pdf"])

    assert result.written, _formatted(result)
    [warning] = result.diagnostics.warnings
    assert (warning.path, warning.code, warning.lowered) == (
        "content/notes/test-notes.yaml",
        "quote.mismatch",
        True,
    )
    assert warning.message.endswith(f"(lowered to a warning in briefgen.toml [rules]: {REASON})")
    pdf = minimal / "output" / "one.pdf"
    pages = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout,
        ).group(1)  # type: ignore[union-attr]
    )
    last = subprocess.run(
        ["pdftotext", "-f", str(pages), "-l", str(pages), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = " ".join(last.split())
    # The unverified quote prints as the note writes it, never as an empty one.
    assert "Officials said it was a “good last step”" in " ".join(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True
        ).stdout.split()
    )
    assert "Checks lowered for this brief" in text
    assert rule("quote.mismatch").meaning in text
    assert f"Reason given: {REASON}" in text


def test_strict_keeps_a_lowered_rule_a_warning_and_names_it(minimal: Path, edit: Edit) -> None:
    _lowered_quote_project(minimal, edit)
    result = CliRunner().invoke(main, ["check", "--strict", "--root", str(minimal)])
    assert result.exit_code == 0, result.output
    assert (
        "--strict: quote.mismatch lowered to warning(s) by [rules] in briefgen.toml, "
        "so they do not fail the run"
    ) in result.output
    assert "0 error(s), 1 warning(s)" in result.output


def test_strict_still_fails_on_a_warning_the_project_did_not_lower(
    minimal: Path, edit: Edit
) -> None:
    _lowered_quote_project(minimal, edit)
    _add_unused_note(minimal)
    result = CliRunner().invoke(main, ["check", "--strict", "--root", str(minimal)])
    assert result.exit_code == 1
    assert "[note.unused]" in result.output


def _raised_literals() -> list[tuple[str, int, str, str]]:
    """(file, line, method, code) of every ``….error/warning/note(…)`` call in briefgen/
    whose code is a string literal (the third argument)."""
    import ast

    found = []
    for path in sorted((REPO / "briefgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("error", "warning", "note")
                and len(node.args) >= 3
                and isinstance(node.args[2], ast.Constant)
                and isinstance(node.args[2].value, str)
            ):
                rel = path.relative_to(REPO).as_posix()
                found.append((rel, node.lineno, node.func.attr, node.args[2].value))
    return found


def test_every_literal_code_is_raised_at_its_registered_level() -> None:
    """Diagnostics refuses a mismatch at run time; this finds one before any run does."""
    calls = _raised_literals()
    assert len(calls) > 100
    wrong = [
        f"{path}:{line}: {method}({code!r}) but rules.toml says {rule(code).level.value}"
        for path, line, method, code in calls
        if code in registry() and rule(code).level.value != method
    ]
    unregistered = [f"{p}:{n}: {c}" for p, n, _, c in calls if c not in registry()]
    assert (wrong, unregistered) == ([], [])


def test_every_code_has_a_fix_and_every_fix_a_code() -> None:
    """Issue 21: the reference says what to do about each code (briefgen/fixes.toml)."""
    from briefgen.rules import fixes

    missing = sorted(code for code, found in registry().items() if not found.fix.strip())
    orphans = sorted(set(fixes()) - set(registry()))
    assert (missing, orphans) == ([], [])
    page = reference()
    for found in registry().values():
        assert page.count(f"| {found.fix.replace('|', chr(92) + '|')} |") >= 1, found.code


def test_briefgen_rules_prints_the_fix() -> None:
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    assert (
        "brief.too-many-citations  error (advisory, since 0.2.0): A brief with inline "
        "references cites more notes than its type prints ([types.<id>] max_citations). "
        "Fix: Cite fewer notes, choose a longer type, or raise [types.<id>] max_citations "
        "in briefgen.toml."
    ) in result.output.splitlines()
