"""What a bibliography's reader returns, whatever the format: entries of the fields
briefgen knows, each with its line, and what was skipped and why; with the helpers both
readers share (text on one line, dates checked, a person's name as a citation inverts it).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

MAX_DEPTH = 64  # CSL-JSON nests four levels deep (a list of items of dates of parts)
# The fields an entry may hold (the keys of Entry.fields).
FIELDS = (
    "title",
    "author",
    "outlet",
    "date",
    "url",
    "accessed",
    "publisher",
    "number",
    "version",
    "short_title",
)


@dataclass(frozen=True)
class Value:
    """A field's value, and the line it is on."""

    value: str | list[str]  # a list for several authors
    line: int


@dataclass(frozen=True)
class Skipped:
    """A field the entry gives but briefgen can't use, and why."""

    name: str
    line: int
    reason: str


@dataclass
class Entry:
    """One entry: its citation key, the line it starts on, the fields briefgen reads."""

    key: str
    line: int
    fields: dict[str, Value] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class Bibliography:
    """Every entry of a file, and the parts of it that are not one."""

    entries: list[Entry] = field(default_factory=list)
    # Parts of the file that are not an entry (a BibTeX block that doesn't parse): line, why.
    broken: list[tuple[int, str]] = field(default_factory=list)


def clean(value: object) -> str | None:
    """A field's text on one line; None when empty or not text."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """'2024', '2024-05' or '2024-05-02' when it is a real date, else None."""
    try:
        datetime.date(year, month or 1, day or 1)
    except (ValueError, OverflowError):
        return None
    if not 1000 <= year <= 9999:
        return None
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}" + (f"-{day:02d}" if day is not None else "")
    return text


def iso_text(text: str) -> str | None:
    """An ISO date as written ('2024', '2024-05', '2024-05-02'), checked."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text.strip())
    if match is None:
        return None
    year, month, day = (int(p) if p else None for p in match.groups())
    assert year is not None
    if day is not None and month is None:
        return None
    return iso(year, month, day)


def person(given: str | None, family: str, suffix: str | None = None) -> str:
    """'Clare Ribando Seelke'; a family name of several words as 'Ribando Seelke, Clare'
    (the split stated, so a citation inverts it right: text/csl/items.py)."""
    if not given:
        return family + (f", {suffix}" if suffix else "")
    if len(family.split()) > 1 or suffix:
        return f"{family}, {given}" + (f", {suffix}" if suffix else "")
    return f"{given} {family}"


def author_value(names: list[str], line: int) -> Value:
    """One author as text, several as a list."""
    return Value(names[0] if len(names) == 1 else names, line)
