"""Dates as texts write them, and as a person types them in front matter."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Literal

MONTH_NAMES: tuple[str, ...] = ("January", "February", "March", "April", "May", "June")
MONTH_NAMES += ("July", "August", "September", "October", "November", "December")

# How briefgen's own text prints a date ([project] date_style; text/dates.py prints them).
DateStyle = Literal["us", "day-month", "iso"]


def default_date_style(language: str) -> DateStyle:
    """The style a project gets without ``date_style``: US style for English ("en",
    "en-US"), day-month for any other language or variety ("en-GB", "fr")."""
    return "us" if language.lower() in ("en", "en-us") else "day-month"


# Why a regex table:
# A small table of English forms, not a date-parsing library: a stated date must be
# found *inside* a paragraph and compared part by part, exactly; dateparser's
# search_dates is fuzzy (it reads "in 2014" or "may" as dates) and costs a second
# to import, so it would both accept what the text does not state and slow `check`.

_ABBREVIATIONS = {"sept": 9, "sep": 9}
MONTHS: dict[str, int] = {name.lower(): number for number, name in enumerate(MONTH_NAMES, 1)}
MONTHS |= {name[:3].lower(): number for name, number in zip(MONTH_NAMES, range(1, 13), strict=True)}
MONTHS |= _ABBREVIATIONS
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
DATE_FORMS = tuple(
    re.compile(form, re.IGNORECASE)
    for form in (
        rf"\b{_YEAR}-(?P<month>[01]\d)(?:-(?P<day>[0-3]\d))?\b",  # 2024-08-02, 2024-08
        rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?",  # August 2, 2024; Sept. 27
        rf"\b{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR}\b)?",  # 2 August 2024; 2 Aug
        rf"\b{_MONTH},?\s+{_YEAR}\b",  # August 2024
    )
)


@dataclass(frozen=True)
class WrittenDate:
    """A date as a text writes it: its parts, the year None when the text leaves it out."""

    text: str
    year: int | None
    month: int
    day: int | None


def written_dates(text: str) -> list[WrittenDate]:
    """Every date the text writes in a common English form, in the order found."""
    found = []
    for form in DATE_FORMS:
        for match in form.finditer(text):
            parts = match.groupdict()
            month = parts["month"]
            number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
            day = int(parts["day"]) if parts.get("day") else None
            year = int(parts["year"]) if parts.get("year") else None
            if 1 <= number <= 12 and (day is None or 1 <= day <= 31):
                found.append(WrittenDate(match[0], year, number, day))
    return found


def find_date(value: str, text: str) -> WrittenDate | None:
    """Where ``text`` writes the ISO ``value`` (YYYY, YYYY-MM or YYYY-MM-DD): the same
    month and day, and the same year or none (the caller decides what a missing year
    needs). A full date also states its month; a year alone is found as written."""
    parts = [int(part) for part in value.split("-")]
    year, month, day = (
        parts[0],
        parts[1] if len(parts) > 1 else None,
        parts[2] if len(parts) > 2 else None,
    )
    best = None
    for written in written_dates(text):
        if written.month != month or (day is not None and written.day != day):
            continue
        if written.year == year:
            return written
        if written.year is None and day is not None:
            best = best or written
    return best


def read_date(text: str) -> datetime.date | None:
    """A front-matter date as a person types it ("October 15, 2024", "15 Oct 2024",
    "2024-10-15"), read in full; None if it is not one complete date."""
    text = text.strip()
    for written in written_dates(text):
        if written.text.strip() == text and written.year and written.day:
            try:
                return datetime.date(written.year, written.month, written.day)
            except ValueError:
                return None
    return None
