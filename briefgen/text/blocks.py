"""Block structure of brief Markdown: ``::: analysis`` fences and paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass

ANALYSIS_FENCE = re.compile(r"^:::\s*analysis\s*$")
FENCE_END = re.compile(r"^:::\s*$")
LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s")


@dataclass(frozen=True)
class Chunk:
    """A run of lines either inside or outside an analysis fence."""

    line: int  # 0-based line of the chunk's first line within the text
    text: str
    analysis: bool


def analysis_chunks(text: str) -> tuple[list[Chunk], int | None]:
    """Split text at ``::: analysis`` fences; also the 0-based line of an unclosed fence."""
    chunks: list[Chunk] = []
    current: list[str] = []
    analysis, start, opened = False, 0, None
    for number, line in enumerate(text.split("\n")):
        if ANALYSIS_FENCE.match(line) or (analysis and FENCE_END.match(line)):
            chunks.append(Chunk(start, "\n".join(current), analysis))
            current, analysis, start = [], not analysis, number + 1
            opened = number if analysis else None
            continue
        current.append(line)
    chunks.append(Chunk(start, "\n".join(current), analysis))
    return [c for c in chunks if c.text.strip()], opened


def paragraphs(chunk: Chunk) -> list[tuple[int, str]]:
    """(0-based line, text) of each paragraph or list item in a chunk."""
    result: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(chunk.text.split("\n"), start=chunk.line):
        if not line.strip() or LIST_ITEM.match(line):
            if current:
                result.append((start, "\n".join(current)))
            current = []
        if line.strip():
            if not current:
                start = number
            current.append(line)
    if current:
        result.append((start, "\n".join(current)))
    return result
