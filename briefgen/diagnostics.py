"""Diagnostics: located, coded messages about content a user can fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from briefgen import __version__
from briefgen.plain import escape
from briefgen.rules import RANK, Configured, Level, RuleClass, rule


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # what briefgen read or assumed, to confirm; never fails a run


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, printed like Sphinx: ``path:line: error: message [code]``."""

    path: str
    line: int
    severity: Severity
    message: str
    code: str
    # Set to this level by the project's [rules] below its default: --strict lets it pass.
    lowered: bool = field(default=False, compare=False)

    def format(self) -> str:
        """One line, whatever the path and message echo (plain.escape)."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return escape(f"{where}: {self.severity.value}: {self.message} [{self.code}]")


@dataclass
class Diagnostics:
    """Collects every diagnostic of a run so all are reported at once.

    Every code is looked up in the registry (``rules.toml``): an unregistered code, or
    one raised at another level than its row declares, is a bug in briefgen. ``items``
    holds each diagnostic at the level it takes in this run: the registry's default in
    this version (a new rule's warning-first phase), or the project's ``[rules]`` once
    ``configure`` has them; a rule set to "off" is left out.
    """

    root: Path
    items: list[Diagnostic] = field(default_factory=list)
    version: str = __version__
    levels: Mapping[str, Configured] = field(default_factory=dict)
    _raised: list[Diagnostic] = field(default_factory=list, repr=False)
    # Checks that read a broken setting: their findings would be about its fallback.
    hidden: frozenset[str] = frozenset()

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
        self._add(Diagnostic(self.relative(path), line, Severity.ERROR, message, code))

    def warning(self, path: Path | str, line: int, code: str, message: str) -> None:
        self._add(Diagnostic(self.relative(path), line, Severity.WARNING, message, code))

    def note(self, path: Path | str, line: int, code: str, message: str) -> None:
        self._add(Diagnostic(self.relative(path), line, Severity.NOTE, message, code))

    def configure(self, levels: Mapping[str, Configured]) -> None:
        """Apply a project's ``[rules]`` to what was raised so far and from now on."""
        self.levels = levels
        self.items = [d for d in map(self._effective, self._raised) if d is not None]

    def hide(self, codes: frozenset[str]) -> None:
        """Leave out, from now on, what the checks of ``codes`` find (settings.fallback)."""
        self.hidden = self.hidden | codes

    def _add(self, diagnostic: Diagnostic) -> None:
        declared = rule(diagnostic.code).level
        if declared.value != diagnostic.severity.value:
            raise AssertionError(
                f"{diagnostic.code} is raised as {diagnostic.severity.value} but rules.toml "
                f"declares it {declared.value}"
            )
        if diagnostic.code in self.hidden:
            return
        self._raised.append(diagnostic)
        effective = self._effective(diagnostic)
        if effective is not None:
            self.items.append(effective)

    def _effective(self, diagnostic: Diagnostic) -> Diagnostic | None:
        """The diagnostic at the level it takes in this run, or None when it is off."""
        found = rule(diagnostic.code)
        configured = self.levels.get(diagnostic.code)
        note: str | None
        if configured is not None and found.rule_class is not RuleClass.STRUCTURAL:
            level, default = configured.level, found.default_level(self.version)
            note = None
            if RANK[level] < RANK[default]:
                note = f"lowered to a {level.value} in briefgen.toml [rules]"
                note += f": {configured.reason}" if configured.reason else ""
            elif RANK[level] > RANK[default]:
                article = "an" if level is Level.ERROR else "a"
                note = f"raised to {article} {level.value} in briefgen.toml [rules]"
        else:
            level, note = found.default_level(self.version), found.phase_note(self.version)
        if level is Level.OFF:
            return None
        lowered = configured is not None and RANK[level] < RANK[found.default_level(self.version)]
        message = f"{diagnostic.message} ({note})" if note else diagnostic.message
        return replace(diagnostic, severity=Severity(level.value), message=message, lowered=lowered)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def failed(self, *, strict: bool = False) -> bool:
        """Errors fail a run; with ``strict``, so do warnings the project did not lower."""
        return bool(self.errors) or (strict and any(not d.lowered for d in self.warnings))

    @property
    def lowered(self) -> list[Diagnostic]:
        """Warnings the project's [rules] lowered from errors: --strict lists, not fails, them."""
        return [d for d in self.warnings if d.lowered]

    def sorted(self) -> list[Diagnostic]:
        """Every diagnostic, deduplicated, in file and line order."""
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.code, d.message))


def closest_id(word: str, known: Iterable[str]) -> str | None:
    """The known id most like ``word`` (a typo's likely intent), if any is close."""
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the known id closest to ``word``, else ``""``."""
    close = closest_id(word, known)
    return f"; did you mean '{close}'?" if close else ""


class RenderError(Exception):
    """A brief that could not be rendered; the message is for the user."""

    def __init__(self, code: str, message: str, path: Path | None = None, line: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path  # where the user can fix it, when not the brief itself
        self.line = line
