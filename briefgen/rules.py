"""The registry of diagnostic codes (``rules.toml``) and the levels a project sets.

Every diagnostic briefgen prints has a row in ``rules.toml``: its default level, its
class, the version that introduced it and a one-line meaning. ``Diagnostics`` refuses a
code that has no row (an internal error: a bug), and the generated reference
(``docs/rules.md``, ``briefgen rules``) is printed from the same table, so neither can
lag behind the code.

A project adjusts levels in ``[rules]`` (``model/settings.py`` validates the table with
``check_setting`` below), the way ruff's ``select``/``ignore`` or ESLint's rule levels
do; what each class allows is in ``rules.toml``'s header.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from briefgen import __version__


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    # Says what briefgen read or assumed, where a user may want to confirm it; never
    # fails a run, --strict included. Only a rule's default: [rules] sets the other three.
    NOTE = "note"
    OFF = "off"


class RuleClass(StrEnum):
    PROTECTED = "protected"  # keeps a false statement from a reader: never off
    ADVISORY = "advisory"  # house style and completeness: any level
    STRUCTURAL = "structural"  # the project can't be read or built without it: fixed


RANK = {Level.OFF: 0, Level.NOTE: 1, Level.WARNING: 2, Level.ERROR: 3}


def version_tuple(version: str) -> tuple[int, ...]:
    """``"0.2.0"`` → ``(0, 2, 0)``: release versions only, as rules.toml writes them."""
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Rule:
    """One diagnostic code, as rules.toml declares it."""

    code: str
    meaning: str
    level: Level  # the default once any warning-first phase has ended
    rule_class: RuleClass
    since: str
    error_from: str | None = None  # a new error rule is a warning until this version
    fix: str = ""  # what the user does about it (fixes.toml)

    def default_level(self, version: str = __version__) -> Level:
        """The level a project gets without ``[rules]``, in the given briefgen version."""
        if self.error_from and version_tuple(version) < version_tuple(self.error_from):
            return Level.WARNING
        return self.level

    def phase_note(self, version: str = __version__) -> str | None:
        """What a warning in its warning-first phase adds: when it becomes an error."""
        if self.default_level(version) is Level.WARNING and self.level is Level.ERROR:
            return f"a warning until briefgen {self.error_from}, an error from then on"
        return None


@dataclass(frozen=True)
class Configured:
    """A project's ``[rules]`` entry for one code, validated."""

    level: Level
    reason: str | None = None


def _parse(text: str, fixes: Mapping[str, str] = MappingProxyType({})) -> dict[str, Rule]:
    rules = {}
    for code, row in tomllib.loads(text).items():
        rules[code] = Rule(
            code=code,
            meaning=row["meaning"],
            level=Level(row["level"]),
            rule_class=RuleClass(row["class"]),
            since=row["since"],
            error_from=row.get("error_from"),
            fix=fixes.get(code, ""),
        )
    return rules


@cache
def registry() -> Mapping[str, Rule]:
    """Every registered code → its rule, in the file's order."""
    text = files("briefgen").joinpath("rules.toml").read_text(encoding="utf-8")
    return MappingProxyType(_parse(text, fixes()))


@cache
def fixes() -> Mapping[str, str]:
    """Code → what the user does about it (``fixes.toml``, beside ``rules.toml``)."""
    text = files("briefgen").joinpath("fixes.toml").read_text(encoding="utf-8")
    return MappingProxyType(tomllib.loads(text))


def rule(code: str) -> Rule:
    """The registered rule for a code; an unregistered code is a bug in briefgen."""
    try:
        return registry()[code]
    except KeyError:
        message = f"diagnostic code {code!r} is not registered in briefgen/rules.toml"
        raise KeyError(message) from None


def check_setting(code: str, level: Level, reason: str | None) -> str | None:
    """Why a ``[rules]`` entry is refused, in the user's terms; None when it is allowed."""
    found = registry().get(code)
    if found is None:
        return f"'{code}' is not a briefgen rule (`briefgen rules` lists them all)"
    wanted, default = level, found.level
    if found.rule_class is RuleClass.STRUCTURAL and wanted is not default:
        return (
            f"'{code}' keeps the project readable and cannot be set (it is always "
            f"{default.value}); fix what it reports instead"
        )
    if found.rule_class is RuleClass.PROTECTED:
        if wanted is Level.OFF:
            return (
                f"'{code}' keeps a false statement from the reader and cannot be turned "
                'off; lower it to a warning with a reason: {level = "warning", reason = "…"}'
            )
        if RANK[wanted] < RANK[default] and not (reason and reason.strip()):
            return (
                f"lowering '{code}' to a warning needs a reason, printed on the reader's last "
                f'page: "{code}" = {{level = "warning", reason = "…"}}'
            )
    return None


def reference() -> str:
    """The rules reference, as Markdown (``docs/rules.md`` is this, generated)."""
    lines = [
        "# Rules: every diagnostic briefgen prints",
        "",
        "Generated from `briefgen/rules.toml` by `briefgen rules --markdown`; do not edit.",
        "",
        "Each problem briefgen reports ends with its code, e.g. `[quote.mismatch]`. A project",
        "sets a rule's level in `briefgen.toml`, within what its class allows:",
        "",
        "```toml",
        "[rules]",
        '"note.unused" = "off"                 # advisory: error, warning or off',
        '"brief.over-budget" = "warning"',
        '"quote.unchecked" = "error"           # any rule may be raised',
        '"brief.stale" = { level = "warning", reason = "A look back at the 2016 record." }',
        "```",
        "",
        "- **protected**: keeps a false statement from a reader (quote verification,",
        "  approvals, authorship, dating and inferred-as-stated, attribution of opinion,",
        "  confidence calibration). It may be raised, never turned off; lowering an error to",
        "  a warning needs a `reason`, and the reader's edition then lists, on its last page,",
        "  every protected rule the project lowered and why. `--strict` keeps a lowered rule",
        "  a warning (it does not fail the build) and the summary line names it.",
        "- **advisory**: house style and completeness: `error`, `warning` or `off`.",
        "- **structural**: the project cannot be read, resolved or written without it",
        "  (syntax, schema, unknown ids, limits, the file system); it cannot be set.",
        "",
        "A rule whose default is `note` says what briefgen read or assumed (e.g. the date it",
        "read from a date typed in words), so you can confirm it; a note never fails a run,",
        "`--strict` included. `[rules]` may set it to `off`, `warning` or `error`.",
        "",
        "A new rule that rejects content an existing project may have arrives as a warning",
        "for one minor version (column *Error from*), saying when it becomes an error.",
        "",
        "| Code | Default | Class | Since | Error from | Meaning | Fix |",
        "|---|---|---|---|---|---|---|",
    ]
    for found in sorted(registry().values(), key=lambda r: r.code):
        meaning = found.meaning.replace("|", "\\|")
        fix = found.fix.replace("|", "\\|")
        lines.append(
            f"| `{found.code}` | {found.level.value} | {found.rule_class.value} | {found.since} "
            f"| {found.error_from or ''} | {meaning} | {fix} |"
        )
    return "\n".join(lines) + "\n"
