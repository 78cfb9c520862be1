"""The incremental re-check (``briefgen serve``) gives what a full check gives.

One ``Incremental`` per project follows a run of edits of every kind of input; after each
one its result (every diagnostic, the analysed views) is compared with a full
``queries.check`` of the same files. A reuse keyed on less than what a step reads makes
some edit here differ from the full check.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefgen import queries
from briefgen.incremental import Incremental
from tests.conftest import MINIMAL, copy_project

REPO = Path(__file__).resolve().parent.parent

Edit = Callable[[Path], None]


def _replace(name: str, old: str, new: str, *, every: bool = False) -> Edit:
    """Replace ``old`` in one file (once; or ``every`` occurrence) — or in each brief,
    option and note file when ``name`` is "*"."""

    def apply(root: Path) -> None:
        names = (
            [p.relative_to(root) for p in sorted((root / "content").rglob("*.*"))]
            if name == "*"
            else [Path(name)]
        )
        found = 0
        for relative in names:
            path = root / relative
            if path.suffix not in {".md", ".yaml", ".toml"}:
                continue
            text = path.read_text(encoding="utf-8")
            found += text.count(old)
            path.write_text(text.replace(old, new), encoding="utf-8")
        assert found == 1 or (every and found), f"{old!r} occurs {found} times in {name}"

    return apply


def _write(name: str, text: str) -> Edit:
    def apply(root: Path) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")

    return apply


def _delete(name: str) -> Edit:
    return lambda root: (root / name).unlink()


EXTRA_NOTE = """notes:
  - id: sharing-again
    source: test-source
    paragraph: 3
    credibility: 2
    kind: fact
    quote: agreed to share data in 2014
    body: Sharing was agreed in 2014.
"""

MINIMAL_EDITS: list[tuple[str, Edit]] = [
    ("note", _replace("content/notes/test-notes.yaml", "too little.", "far too little.")),
    (
        "source record",
        _replace("content/sources/test-source.yaml", "named author.", "named author, checked."),
    ),
    # the source's CSL item: every citation of it is formatted anew
    ("source date", _replace("content/sources/test-source.yaml", 'value: "2015"', 'value: "2016"')),
    ("option", _replace("content/options/do-more.yaml", "Widen the sharing.", "Widen it.")),
    (
        "brief",
        _replace(
            "content/briefs/issue.md",
            "Sharing should widen.",
            "Widen sharing. Critics disagreed. It was too little [@critics].",
        ),
    ),
    ("settings", _replace("briefgen.toml", 'label = "Cost"', 'label = "Costs"')),
    ("template", _write("templates/stray.html.j2", "<p>{{ brief.title }}</p>\n")),
    ("id renamed", _replace("content/notes/test-notes.yaml", "id: critics", "id: detractors")),
    ("references renamed", _replace("*", "@critics", "@detractors", every=True)),
    ("broken", _replace("content/options/do-nothing.yaml", "title: Do nothing", "title: [Do")),
    ("repaired", _replace("content/options/do-nothing.yaml", "title: [Do", "title: Do nothing")),
    ("new file", _write("content/notes/extra.yaml", EXTRA_NOTE)),
    (
        "new note cited",
        _replace("content/briefs/issue.md", "Widen sharing.", "Widen [@sharing-again]."),
    ),
    ("deleted brief", _delete("content/briefs/one.md")),
    ("deleted note file", _delete("content/notes/extra.yaml")),
]

SEED_EDITS: list[tuple[str, Edit]] = [
    (
        "note",
        _replace(
            "content/notes/klingner-gsomia.yaml",
            "Klingner reported (c. 2016)",
            "Klingner wrote (c. 2016)",
        ),
    ),
    (
        "judgment",
        _replace(
            "content/judgments.yaml",
            "The December 2014 arrangement was limited",
            "The December 2014 arrangement was narrow",
        ),
    ),
    (
        "source record",
        _replace(
            "content/sources/mou-article.yaml",
            "No byline appears in the text.",
            "The text has no byline.",
        ),
    ),
    (
        "option",
        _replace(
            "content/options/keep-2014-mou.yaml",
            "title: Keep the December 2014 arrangement",
            "title: Keep the 2014 arrangement",
        ),
    ),
    ("criteria", _replace("content/criteria.yaml", "weight: 3", "weight: 4")),
    (
        "brief",
        _replace(
            "content/briefs/trilateral-one-pager.md",
            "Seoul and Tokyo to share sensitive information",
            "Seoul and Tokyo to share secret information",
        ),
    ),
    ("settings", _replace("briefgen.toml", "[project]", "[project]\n# a comment")),
]


def _state(result: queries.Result) -> dict[str, Any]:
    """What a check says: each diagnostic in full, and the analysed views."""
    return {
        "diagnostics": [
            (d.code, d.path, d.line, d.message, d.severity) for d in result.diagnostics.sorted()
        ],
        "project": result.project is not None,
        "views": result.views,
    }


def _follow(root: Path, edits: list[tuple[str, Edit]]) -> list[str]:
    incremental = Incremental(root)
    assert _state(incremental.check()) == _state(queries.check(root))
    reused = []
    for name, edit in edits:
        edit(root)
        again = incremental.check([root / "content"])
        assert _state(again) == _state(queries.check(root)), f"after the edit: {name}"
        if incremental.reused().get("view", (0, 0))[0]:
            reused.append(name)
    return reused


def test_incremental_equals_full_check_on_minimal(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "minimal")
    reused = _follow(root, MINIMAL_EDITS)
    # An edited brief is analysed alone: the other briefs' views are reused.
    assert "brief" in reused and "note" not in reused


@pytest.mark.parametrize("seed", [REPO])
def test_incremental_equals_full_check_on_seed(seed: Path, tmp_path: Path) -> None:
    root = copy_project(seed, tmp_path / "seed")
    assert "brief" in _follow(root, SEED_EDITS)


def test_memo_keeps_one_generation_and_only_when_active() -> None:
    """Outside a re-check nothing is kept; inside, what a run did not use is dropped at the
    start of the next, so the table holds about one project's worth."""
    from briefgen.memo import Memo, active, memoized

    calls: list[str] = []

    def compute(text: str) -> Callable[[], str]:
        return lambda: calls.append(text) or text.upper()

    assert memoized("t", "a", compute("a")) == memoized("t", "a", compute("a")) == "A"
    assert calls == ["a", "a"]  # no memo active: computed each time
    memo = Memo()
    with active(memo):
        memoized("t", "a", compute("a"))
        memoized("t", "b", compute("b"))
    with active(memo):
        memoized("t", "a", compute("a"))  # kept from the run before
    with active(memo):
        memoized("t", "a", compute("a"))
        memoized("t", "b", compute("b"))  # unused for a run: dropped, computed again
    assert calls == ["a", "a", "a", "b", "b"]
    assert memo.hits["t"] == 1 and memo.misses["t"] == 1
