"""Errors a stage raises for one brief; the pipeline turns them into diagnostics."""

from __future__ import annotations

from pathlib import Path


class RenderError(Exception):
    """A brief that could not be rendered; the message is for the user."""

    def __init__(self, code: str, message: str, path: Path | None = None, line: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path  # where the user can fix it, when not the brief itself
        self.line = line
