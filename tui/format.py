"""How dates and times read on screen: the agency's zone, US order, short where space is short."""

from __future__ import annotations

from datetime import datetime

import pendulum


def day(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("MM/DD/YYYY") if at else "—"


def short_date(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("MM/DD/YY") if at else "—"


def short_day(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("MM/DD") if at else "—"


def moment(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("ddd MM/DD/YYYY h:mm A") if at else "—"


def clock(at: datetime | None, zone: str) -> str:
    return pendulum.instance(at).in_timezone(zone).format("h:mm A") if at else "—"


def today(now: datetime, zone: str) -> str:
    return pendulum.instance(now).in_timezone(zone).format("dddd MM/DD/YYYY")
