"""Diagnostics: located, coded messages about content a user can fix."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, printed like Sphinx: ``path:line: error: message [code]``."""

    path: str
    line: int
    severity: Severity
    message: str
    code: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity.value}: {self.message} [{self.code}]"


@dataclass
class Diagnostics:
    """Collects every diagnostic of a run so all are reported at once."""

    root: Path
    items: list[Diagnostic] = field(default_factory=list)

    def relative(self, path: Path | str) -> str:
        """The path from the project root, control characters escaped (one line each)."""
        path = Path(path)
        try:
            # Resolve the folder only: a symlinked file is named where it stands.
            located = path.parent.resolve() / path.name
            text = located.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            text = path.as_posix()
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)

    def error(self, path: Path | str, line: int, code: str, message: str) -> None:
        self.items.append(Diagnostic(self.relative(path), line, Severity.ERROR, message, code))

    def warning(self, path: Path | str, line: int, code: str, message: str) -> None:
        self.items.append(Diagnostic(self.relative(path), line, Severity.WARNING, message, code))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def failed(self, *, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        """Every diagnostic, deduplicated, in file and line order."""
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.code, d.message))


class RenderError(Exception):
    """A brief that could not be rendered; the message is for the user."""

    def __init__(self, code: str, message: str, path: Path | None = None, line: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path  # where the user can fix it, when not the brief itself
        self.line = line
