"""Dates as readers see them."""

from __future__ import annotations

import datetime

from briefgen.model.written_dates import MONTH_NAMES


def month_year(date: datetime.date) -> str:
    """2016-10-31 → 'October 2016'."""
    return f"{MONTH_NAMES[date.month - 1]} {date.year}"


def date_text(value: str) -> str:
    """'2016' → '2016'; '2014-12' → 'December 2014'; '2016-10-14' → '14 October 2016'."""
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTH_NAMES[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"
