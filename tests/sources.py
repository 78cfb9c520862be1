"""Helpers for tests that add paragraphs and notes to a copy of the minimal project."""

from __future__ import annotations

import hashlib
from pathlib import Path

NOTES = Path("content/notes/test-notes.yaml")
SOURCE_TEXT = Path("content/sources/test-source.txt")
ONE_PAGER = Path("content/briefs/one.md")


def append_source(root: Path, text: str) -> int:
    """Append ``text`` to the test source, re-pin its sha256; returns its new ¶ number."""
    path = root / SOURCE_TEXT
    body = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text + "\n"
    path.write_text(body, encoding="utf-8", newline="")
    record = root / "content/sources/test-source.yaml"
    lines = record.read_text(encoding="utf-8").split("\n")
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    lines = [f"sha256: {digest}" if line.startswith("sha256:") else line for line in lines]
    record.write_text("\n".join(lines), encoding="utf-8")
    return len([line for line in body.split("\n") if line.strip()])


def add_note(root: Path, note_id: str, paragraph: int, quote: str) -> int:
    """Add a note that quotes its source (a fact, so no holder is needed); returns the line
    of its ``quote:`` key."""
    path = root / NOTES
    text = path.read_text(encoding="utf-8")
    entry = (
        f"  - id: {note_id}\n    source: test-source\n    paragraph: {paragraph}\n"
        f"    credibility: 2\n    kind: fact\n    body: x\n    quote: {quote}\n"
    )
    path.write_text(text + entry, encoding="utf-8")
    return text.count("\n") + 7


def add_prose(root: Path, markdown: str) -> int:
    """Append Markdown to the one-pager's Recommendation; returns its first line."""
    path = root / ONE_PAGER
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    path.write_text(text + markdown + "\n", encoding="utf-8")
    return text.count("\n") + 1
