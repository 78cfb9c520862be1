"""What a content file is once read: plain data with the line of every key and item.

Every record keeps its ``Document`` (through ``Origin``) so that any later check can
point at a file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 1_000_000

Loc = tuple[str | int, ...]


class DocumentError(Exception):
    """A file that can't be read as data; carries its 1-based line and a code.

    ``path`` is set when the problem is at another path than the file's own (a linked
    folder above it).
    """

    def __init__(self, line: int, code: str, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.code = code
        self.message = message
        self.path = path


@dataclass
class Document:
    """Plain data read from one file, with the line of every key and item."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line_of(self, loc: Loc) -> int:
        """The line of ``loc``, or of its nearest located ancestor."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1
