"""The agency's working calendar and its deadline windows: pure date arithmetic, no database.

A window is an amount and a unit. ``hours`` windows are elapsed time. Day windows end at the last
second of their last day in the agency's zone ("within 5 days" = by 11:59:59 PM of the fifth day),
so a deadline never depends on the minute something was sent, and never moves across a DST change.
``business_days`` skip weekends, the state's public holidays (the ``holidays`` package) and the
agency's own closed days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import holidays as holiday_tables
import pendulum

from store.core.clock import utc

UNITS = ("hours", "calendar_days", "business_days")
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    zone: pendulum.Timezone
    country: str = "US"
    subdivision: str | None = None
    closed_days: frozenset[date] = frozenset()
    working_holidays: frozenset[str] = frozenset()  # names in the holiday table the agency works anyway
    _holidays: holiday_tables.HolidayBase = field(init=False, repr=False)
    # (day, clock time) -> UTC: a queue asks for a few days many times
    _instants: dict[tuple[date, time], datetime] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        table = holiday_tables.country_holidays(self.country, subdiv=self.subdivision)
        object.__setattr__(self, "_holidays", table)
        object.__setattr__(self, "_instants", {})

    def holiday(self, day: date) -> str | None:
        """The holiday's name, or "Agency closed" for one of the agency's own closed days."""
        if day in self.closed_days:
            return "Agency closed"
        names = [n for n in (self._holidays.get(day) or "").split("; ") if n and n not in self.working_holidays]
        return "; ".join(names) or None

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday(day) is None

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def local_day(self, at: datetime) -> date:
        # The zone is a pendulum Timezone, a zoneinfo tzinfo: the stdlib conversion is exact and cheap.
        return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(self.zone).date()

    def at(self, day: date, clock_time: time) -> datetime:
        """``day`` at ``clock_time`` on the agency's wall clock, as UTC."""
        key = (day, clock_time)
        found = self._instants.get(key)
        if found is None:
            found = self._instants[key] = utc(pendulum.datetime(day.year, day.month, day.day, clock_time.hour,
                                                                clock_time.minute, clock_time.second, tz=self.zone))
        return found


@dataclass(frozen=True)
class Window:
    amount: int
    unit: str  # one of UNITS

    def due(self, start: datetime, calendar: WorkCalendar) -> datetime:
        """The last instant at which something started at ``start`` is still on time."""
        if self.unit == "hours":
            return utc(start + timedelta(hours=self.amount))
        return calendar.at(self.last_day(calendar.local_day(start), calendar), END_OF_DAY)

    def last_day(self, first: date, calendar: WorkCalendar) -> date:
        """The day a day window ends on, counted from the day it starts."""
        if self.unit == "calendar_days":
            return first + timedelta(days=self.amount)
        if self.amount == 0:  # "the same business day": today, or the next one if today is not
            return first if calendar.is_working_day(first) else calendar.next_working_day(first)
        day = first
        for _ in range(self.amount):  # the next working day is day 1, whatever day it started
            day = calendar.next_working_day(day)
        return day

    def describe(self) -> str:
        """How the policy reads: "72 hours", "5 days", "2 business days", "the same day"."""
        if self.amount == 0 and self.unit != "hours":
            return "the same day" if self.unit == "calendar_days" else "the same business day"
        noun = {"hours": "hour", "calendar_days": "day", "business_days": "business day"}[self.unit]
        return f"{self.amount} {noun}{'s' if self.amount != 1 else ''}"


def freeze_instant(entered_at: datetime, window: Window, calendar: WorkCalendar) -> datetime:
    """Midnight (agency zone) starting the day ``window`` after the entry date: from then on the note
    can no longer change."""
    day = window.last_day(calendar.local_day(entered_at), calendar)
    return calendar.at(day, time(0, 0))


def absence_cutoff(starts_on: date, working_days_before: int, at: time, calendar: WorkCalendar) -> datetime:
    """Before an absence, pending notes are submitted by ``at`` (5:00 PM) ``working_days_before``
    (two) working days before its first day."""
    day = starts_on
    for _ in range(working_days_before):
        day = calendar.previous_working_day(day)
    return calendar.at(day, at)
