"""Errors a stage raises for one brief; the pipeline turns them into diagnostics."""

from __future__ import annotations


class RenderError(Exception):
    """A brief that could not be rendered; the message is for the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
