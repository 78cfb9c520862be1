"""Dates as readers see them."""

from __future__ import annotations

import datetime

MONTH_NAMES: tuple[str, ...] = ("January", "February", "March", "April", "May", "June")
MONTH_NAMES += ("July", "August", "September", "October", "November", "December")


def month_year(date: datetime.date) -> str:
    """2016-10-31 → 'October 2016'."""
    return f"{MONTH_NAMES[date.month - 1]} {date.year}"
