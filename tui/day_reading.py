"""Reading a typed day: parsed twice with different defaults, so that what the text leaves out (the
year, the month, the day) shows as a difference between the two readings."""

from __future__ import annotations

import warnings
from datetime import datetime

from dateutil import parser as dateparser


def two_readings(typed: str, shown: str, examples: str, first: datetime,
                 second: datetime = datetime(2000, 2, 2)) -> tuple[datetime, datetime]:
    """``typed`` read with ``first`` and ``second`` as defaults; ValueError with a sentence naming
    ``shown`` (what the person typed) and ``examples`` if it is not a date at all."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return dateparser.parse(typed, default=first), dateparser.parse(typed, default=second)
    except (ValueError, OverflowError):
        raise ValueError(f"“{shown}” is not a date — {examples}") from None
