"""Markdown nesting and table width are bounded before Python-Markdown sees the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen import pipeline
from briefgen.validate.bounds import TooDeep, too_deep, too_wide
from tests.conftest import MINIMAL, copy_project

ANCHOR = "Widen the sharing, as critics urge [@critics]."
ONE = "content/briefs/one.md"
ADDED_LINE = 25  # the line the text added after ANCHOR starts on


def add(root: Path, markdown: str) -> None:
    path = root / ONE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(ANCHOR, ANCHOR + "\n\n" + markdown), encoding="utf-8")


def too_deep_at(line: int) -> str:
    return (
        f"{ONE}:{line}: error: lists, quotes, emphasis or tags nested here go deeper than 16 "
        "levels (the limit is [limits] markdown_depth) [markdown.too-deep]"
    )


BOMBS = {
    "bomb-nested-list-100": "- " * 100 + "x",
    "bomb-nested-list-3000-check": "- " * 3000 + "x",
    "bomb-nested-list-indented-200": "\n".join("    " * i + "- x" for i in range(200)),
    "bomb-nested-emphasis": "*" * 5000 + "x" + "*" * 5000,
    "bomb-nested-raw-span": "<span>" * 3000 + "x",
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_nesting_bombs_are_located_errors_in_check(case: str, minimal: Path) -> None:
    """M1: `check` (no rendering) reports the bomb at its line instead of crashing."""
    add(minimal, BOMBS[case] + " critics [@critics]")
    result = pipeline.check(minimal)
    assert [d.format() for d in result.diagnostics.sorted()] == [too_deep_at(ADDED_LINE)]


def test_nesting_starts_where_the_outer_list_starts() -> None:
    text = "Intro.\n\n- top\n" + "\n".join("    " * i + "- x" for i in range(1, 40))
    assert list(too_deep(text, 16)) == [TooDeep(line=2, depth=17)]


def test_ordinary_markdown_is_not_too_deep() -> None:
    text = (
        "Some *italic*, **bold** and ***both***, *x*. " * 30
        + "\n\n- a\n    - b\n        - c *d*\n\n> quote\n> > nested\n\n"
        + "| a | b |\n|---|---|\n| *x* | <span>y</span> |\n\n***\n\nsnake_case_name"
    )
    assert list(too_deep(text, 16)) == []
    assert list(too_wide(text, 20)) == []


def test_a_wide_table_is_reported_once_at_its_first_row() -> None:
    row = "|" + "|".join("c" for _ in range(30)) + "|"
    text = "Text.\n\n" + "\n".join([row, row.replace("c", "---"), row, row])
    assert list(too_wide(text, 20)) == [(2, 30)]


def test_markdown_depth_is_a_setting(minimal: Path) -> None:
    add(minimal, "- " * 20 + "critics [@critics]")
    assert [d.code for d in pipeline.check(minimal).diagnostics.errors] == ["markdown.too-deep"]
    with (minimal / "briefgen.toml").open("a", encoding="utf-8") as settings_file:
        settings_file.write("\n[limits]\nmarkdown_depth = 30\n")
    assert pipeline.check(minimal).diagnostics.errors == []


KINDS = {
    "list": lambda n: "- " * n + "x",
    "blockquote": lambda n: "> " * n + "x",
    "emphasis": lambda n: "*" * n + "x" + "*" * n,
    "span": lambda n: "<span>" * n + "x" + "</span>" * n,
    "indented": lambda n: "\n".join("    " * i + "- x" for i in range(n)),
}


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    depth=st.integers(min_value=3000, max_value=4000),
    build=st.booleans(),
)
def test_deep_nesting_never_gives_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, kind: str, depth: int, build: bool
) -> None:
    """Item 8: depth >= 3000 through lists, quotes, emphasis and <span>, on `check` and
    `build`, ends with located diagnostics, never an exception."""
    root = copy_project(MINIMAL, tmp_path_factory.mktemp("deep") / "p")
    if kind == "indented":
        depth //= 10  # 4 columns a level: keep the file small
    add(root, KINDS[kind](depth) + " critics [@critics]")
    result = pipeline.build(root) if build else pipeline.check(root)
    assert [d.format() for d in result.diagnostics.sorted()] == [too_deep_at(ADDED_LINE)]
    assert not result.written
