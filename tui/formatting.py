"""How dates and times read on screen: the agency's zone, US order, short where space is short."""

from __future__ import annotations

from datetime import date, datetime

import pendulum


def day(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("MM/DD/YYYY") if at else "—"


def short_date(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("MM/DD/YY") if at else "—"


def short_day(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("MM/DD") if at else "—"


def moment(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("ddd MM/DD/YYYY h:mm A") if at else "—"


def short_moment(at: datetime | None, zone: str) -> str:
    """A time in a narrow column: "11/20/26 2:05 PM"."""
    return pendulum.instance(at).in_timezone(zone).format("MM/DD/YY h:mm A") if at else "—"


def clock(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("h:mm A") if at else "—"


def today(now: datetime, zone: str) -> str:
    return pendulum.instance(now).in_timezone(zone).format("dddd MM/DD/YYYY")


def when_due(at: datetime | None, zone: str) -> str:
    """A deadline in a table: weekday, month/day and time ("Wed 11/18 9:15 AM")."""
    return pendulum.instance(at).in_timezone(zone).format("ddd MM/DD h:mm A") if at else "—"


def weekday_date(on: date | None, year: bool = True) -> str:
    """A calendar day (an absence's first or last day): "Mon 12/21/2026", or "Mon 12/21"."""
    return on.strftime("%a %m/%d/%Y" if year else "%a %m/%d") if on else "—"


def hours(value: float | None) -> str:
    """A duration given in hours, in hours ("4.5 h", "29 h")."""
    if value is None:
        return "—"
    return f"{value:.1f} h" if value < 10 else f"{value:.0f} h"


def days(value_hours: float | None) -> str:
    """A duration given in hours, in days ("2.8 d")."""
    return "—" if value_hours is None else f"{value_hours / 24:.1f} d"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"
