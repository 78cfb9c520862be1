"""Bidirectional controls in the analyst's text are a located warning; in quotes and
source texts (the source's own characters) they are left alone and never removed.

A check-level test on a copy of the small fixture project: nothing is rendered.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from briefgen import pipeline
from tests.conftest import MINIMAL, copy_project

RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"


def edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once; the 1-based line where ``new`` starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(new)].count("\n") + 1


def test_bidi_controls_in_the_analysts_text_are_located_warnings(tmp_path: Path) -> None:
    root = copy_project(MINIMAL, tmp_path / "project")
    content = root / "content"
    notes = content / "notes" / "test-notes.yaml"
    # A body over several lines: the warning is at the character's line, not the key's.
    body = edit(
        notes,
        "    body: Critics found it too little.\n",
        f"    body: >-\n      Critics found\n      it {RLO}too little.\n",
    )
    option = content / "options" / "do-more.yaml"
    title = edit(option, "title: Do more", f"title: Do {LRI}more{PDI}")
    brief = content / "briefs" / "memo.md"
    prose = edit(brief, "That you do more.", f"That you do {RLO}more.")
    # The source's own characters: in its text and in a note's quote, never reported.
    text = content / "sources" / "test-source.txt"
    edit(text, "good first step", f"good {RLO}first step")
    record = content / "sources" / "test-source.yaml"
    edit(
        record,
        "b22cd6307a62e1205aa5fbd5d898d10a3a582a00219866540df1b66553a80aa9",
        hashlib.sha256(text.read_bytes()).hexdigest(),
    )
    edit(notes, "    quote: good first step\n", f"    quote: good {RLO}first step\n")

    result = pipeline.check(root)
    found = sorted(
        (d.path, d.line, d.severity.value, d.message.split(" ", 1)[0])
        for d in result.diagnostics.sorted()
        if d.code == "text.bidi-control"
    )
    assert found == sorted(
        [
            ("content/briefs/memo.md", prose, "warning", "U+202E"),
            ("content/notes/test-notes.yaml", body + 2, "warning", "U+202E"),
            ("content/options/do-more.yaml", title, "warning", "U+2066"),
            ("content/options/do-more.yaml", title, "warning", "U+2069"),
        ]
    ), [d.format() for d in result.diagnostics.sorted()]
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    message = next(d for d in result.diagnostics.sorted() if d.code == "text.bidi-control")
    assert "right-to-left override" in message.message or "isolate" in message.message
