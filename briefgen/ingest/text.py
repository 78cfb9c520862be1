"""Plain text and Markdown (.txt, .md) → one paragraph per non-empty line.

UTF-8 only (a leading BOM is dropped); CRLF and CR end lines as LF does. In Markdown an
ATX heading line (``# …``) is a heading, its ``#`` marks dropped, and the first level-1
heading is the title; every other line is kept as written (emphasis marks included), so
the text stays the words of the file.
"""

from __future__ import annotations

import re

from briefgen.ingest import Block, Extracted, ImportFailure, Limits, Role

# Bumped when the rules below change what a file yields: `source verify` pins it.
EXTRACTOR = "briefgen-text 1"
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


def decode(data: bytes) -> str:
    """UTF-8 text without a BOM, lines ended by LF only."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            "import.encoding",
            f"the file is not UTF-8 (byte {exc.start}); save it as UTF-8 and add it again",
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def fold(text: str) -> str:
    """Whitespace runs (tabs, non-breaking spaces…) as one space, no space at the ends."""
    return " ".join(text.split())


def extract(data: bytes, limits: Limits, *, markdown: bool = False) -> Extracted:
    """The file's non-empty lines as blocks; Markdown headings marked."""
    del limits  # size is checked by ingest.extract; a text file has no other dimension
    blocks: list[Block] = []
    original = 0
    titled = False
    for line in decode(data).split("\n"):
        text = fold(line)
        if not text:
            continue
        original += len(text)
        role: Role = "body"
        heading = HEADING.match(line) if markdown else None
        if heading is not None and fold(heading.group(2)):
            text = fold(heading.group(2))
            role = "heading"
            if len(heading.group(1)) == 1 and not titled:
                role, titled = "title", True
        blocks.append(Block(text, role))
    if not blocks:
        raise ImportFailure(
            "import.no-text", "the file has no text to quote; check that it is the file you meant"
        )
    return Extracted(blocks=blocks, original_chars=original, extractor=EXTRACTOR)
