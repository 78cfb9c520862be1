"""Dates as readers see them: every date briefgen's own text prints goes through here.

``[project] date_style`` picks the form (citations follow their CSL style instead):

- ``"us"``: "October 14, 2016", "October 2016" (the default for English, ``language = "en"``)
- ``"day-month"``: "14 October 2016", "October 2016"
- ``"iso"``: "2016-10-14", "2016-10"

A year alone prints as itself in every style. What is inferred is said by the caller
around the date ("c. 2016", "(year inferred)"), never by the form.
"""

from __future__ import annotations

import datetime

from briefgen.model.written_dates import MONTH_NAMES, DateStyle


def date_text(value: str | datetime.date, style: DateStyle) -> str:
    """A date (ISO "2016", "2016-10", "2016-10-14", or a date) as ``style`` prints it:
    "us": '2016' → '2016'; '2016-10' → 'October 2016'; '2016-10-14' → 'October 14, 2016'.
    """
    if isinstance(value, datetime.date):
        value = value.isoformat()
    parts = value.split("-")
    if len(parts) == 1 or style == "iso":
        return value
    month = MONTH_NAMES[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    day = int(parts[2])
    return f"{month} {day}, {parts[0]}" if style == "us" else f"{day} {month} {parts[0]}"


def month_year(date: datetime.date, style: DateStyle) -> str:
    """2016-10-31 → 'October 2016' ('2016-10' in the "iso" style)."""
    return date_text(date.isoformat()[:7], style)
