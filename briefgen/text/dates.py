"""Dates as readers see them."""

from __future__ import annotations

import datetime

from briefgen.model.written_dates import MONTH_NAMES


def month_year(date: datetime.date) -> str:
    """2016-10-31 → 'October 2016'."""
    return f"{MONTH_NAMES[date.month - 1]} {date.year}"
