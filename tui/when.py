"""Forgiving entry of when an event happened.

A caseworker types the time of a visit or call however it comes to mind ("yesterday 2pm",
"mon 9:15a", "-2h", "11/21 9:15 am", "nov 21 2pm") and the form shows it back normalised as they
type. read_when() reads wall-clock times in the agency's zone and returns the instant in UTC, or a
sentence saying what it could not understand. It never raises, whatever the text.

Rules worth knowing:
- A day needs a time: "yesterday" alone is refused, since a note records when something happened.
- A time without am/pm reads as a daytime visit: 1-7 is PM, 8-11 is AM, 12 is noon, 13-23 and
  anything written with a leading zero ("07:30") is a 24-hour clock.
- A weekday is the most recent one, today included; a month/day without a year is this year,
  or last year when that day has not come yet.
- "-2h", "-90m" and "30 min ago" are exact instants; "-1d" keeps the wall-clock time across DST.
- Anything after the app's clock is refused with the store's rule and sentence
  (store.rules.note_rules.not_yet_happened): a note records what has happened.
- In the hour repeated when daylight saving ends, "1:30am" is the most recent 1:30 that has already
  happened, shown with its zone ("1:30 AM EDT") and a hint naming the other; "1:30am EST" or
  "1:30am EDT" chooses. The zone's own abbreviations are the only zone names understood.
- Text longer than MAX_CHARS is refused unread: the editor reads on every keystroke, and the
  parser's time grows with the square of a long run of digits (a paste of 8,000 took seconds).
"""

from __future__ import annotations

import calendar
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from zoneinfo import ZoneInfo

import pendulum
from dateutil import parser as dateutil_parser

from store.rules.note_rules import not_yet_happened

SHOWN_FORMAT = "ddd MM/DD/YYYY h:mm A"
EXAMPLES = "try today 2pm, 11/21 9:15a or -2h"
ADD_TIME = "Add the time, e.g. today 2pm"
MAX_CHARS = 60
TOO_LONG = f"That is too long to be a time (more than {MAX_CHARS} characters) — {EXAMPLES}"

_UNIT = r"(?:m|mins?|minutes?|h|hrs?|hours?|d|days?)"
_TIME = r"(?:(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?:\s*(?P<ap>am|pm))?|(?P<word>noon|midnight))"
_RELATIVE = re.compile(rf"-\s*(\d+)\s*({_UNIT})")
_ZONE_WORD = re.compile(r"(?P<rest>.*\S)\s+(?P<zone>[a-z]{3,5})")
_DAYS_BACK = re.compile(r"-\s*(\d+)\s*(?:d|days?)")
_DAY_THEN_TIME = re.compile(rf"(?P<day>.*\S)\s+(?P<t>{_TIME})")
_TIME_THEN_DAY = re.compile(rf"(?P<t>{_TIME})\s+(?P<day>.*\S)")
_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}


@dataclass(frozen=True)
class Reading:
    at: datetime | None       # aware, UTC; None when not understood or not allowed
    shown: str                # normalised text, or the error sentence
    error: str | None = None  # what could not be understood, as a sentence


class _Unclear(Exception):
    """Carries a sentence for the user more specific than 'no date or time in that'."""


def read_when(text: str, now: datetime, zone: str) -> Reading:
    """Read `text` as the date and time of an event.

    now: aware datetime (the app's clock); zone: agency IANA zone like 'America/New_York'.
    """
    if not text or not text.strip():
        return Reading(None, "", "Type when it happened, e.g. today 2pm")
    if len(text) > MAX_CHARS:
        return Reading(None, TOO_LONG, TOO_LONG)
    local_now = pendulum.instance(now).in_timezone(zone)
    s = _normalise(text)
    s, named_zone = _zone_named(s, local_now, zone)
    hint = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dateutil warns about unknown zone names; we refuse zones anyway
            when = _read(s, local_now.replace(second=0, microsecond=0), zone)
        if when is not None and not _exact(s):
            when, hint = _one_of_a_repeated_hour(when, now, zone, named_zone)
    except _Unclear as unclear:
        return Reading(None, str(unclear), str(unclear))
    except (ValueError, OverflowError):
        when = None
    if when is None:
        message = f"“{_clip(text)}”: no date or time in that — {EXAMPLES}"
        return Reading(None, message, message)
    shown = when.in_timezone(zone).format(SHOWN_FORMAT) + hint
    utc = when.in_timezone("UTC")
    if refused := not_yet_happened(utc, now, zone):  # the store's rule, in its words
        return Reading(None, shown, refused)
    return Reading(datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, tzinfo=timezone.utc), shown)


def _zone_abbreviations(local_now: pendulum.DateTime, zone: str) -> set[str]:
    """The zone's own names for its standard and summer time this year, e.g. {"est", "edt"}."""
    tz = ZoneInfo(zone)
    return {datetime(local_now.year, month, 1, tzinfo=tz).tzname().lower() for month in (1, 7)}


def _zone_named(s: str, local_now: pendulum.DateTime, zone: str) -> tuple[str, str | None]:
    """(text without a trailing zone abbreviation, that abbreviation or None)."""
    match = _ZONE_WORD.fullmatch(s)
    if match and match["zone"] in _zone_abbreviations(local_now, zone):
        return match["rest"], match["zone"]
    return s, None


def _exact(s: str) -> bool:
    """Whether s names an instant ("now", "-2h") rather than a wall-clock time."""
    match = _RELATIVE.fullmatch(s)
    return s == "now" or bool(match and match[2][0] != "d")


def _one_of_a_repeated_hour(when: pendulum.DateTime, now: datetime, zone: str,
                            named: str | None) -> tuple[pendulum.DateTime, str]:
    """The instant meant by a wall-clock time, and a hint when the clock showed it twice that night.

    Unnamed, it is the later of the two if that has happened, else the earlier; a named zone
    abbreviation chooses. The hint (" EDT · 1:30 AM came twice: type 1:30am EST for the later")
    says how to choose the other.
    """
    tz = ZoneInfo(zone)
    wall = datetime(when.year, when.month, when.day, when.hour, when.minute)
    candidates = [wall.replace(tzinfo=tz, fold=fold) for fold in (0, 1)]
    # A time in the hour skipped in spring also has two offsets; only a repeated one reads back as itself.
    real = [c for c in candidates
            if c.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) == wall]
    if len(real) < 2 or real[0].utcoffset() == real[1].utcoffset():
        if named and real and named != real[0].tzname().lower():
            raise _Unclear(f"{wall:%m/%d/%Y %-I:%M %p} is {real[0].tzname()} in the agency's zone, "
                           f"not {named.upper()}")
        return when, ""
    earlier, later = real
    if named:
        chosen = next((c for c in real if c.tzname().lower() == named), None)
        if chosen is None:
            raise _Unclear(f"{wall:%I:%M %p} on {wall:%m/%d/%Y} is {earlier.tzname()} or {later.tzname()}, "
                           f"not {named.upper()}")
    else:
        chosen = later if later <= now else earlier
    other = later if chosen is earlier else earlier
    typed = f"{wall:%-I:%M}{wall:%p}".lower()
    hint = (f" {chosen.tzname()} · {wall:%-I:%M %p} came twice: type {typed} {other.tzname()} "
            f"for the {'later' if other is later else 'earlier'}")
    return pendulum.instance(chosen).in_timezone(zone), hint


def _normalise(text: str) -> str:
    s = " ".join(text.lower().split()).replace("@", " ")
    s = re.sub(r"(\d)\s*([ap])\.?(?:m\.?)?(?=\s|$)", r"\1 \2m", s)  # 9:15a, 2 p.m. -> 9:15 am, 2 pm
    s = re.sub(r"(?:^|\s)at(?=\s|$)", " ", s)
    s = re.sub(rf"(\d+)\s*({_UNIT})\s+ago(?=\s|$)", r"-\1\2", s)  # "30 min ago" -> "-30min"
    return " ".join(s.split())


def _read(s: str, base: pendulum.DateTime, zone: str) -> pendulum.DateTime | None:
    if s == "now":
        return base
    if match := _RELATIVE.fullmatch(s):
        n, unit = int(match[1]), match[2][0]
        if unit == "d":
            return base.subtract(days=n)  # same wall-clock time that day, even across a DST change
        # An exact span, counted in UTC: across a DST change the wall clock gains or loses an hour.
        return (base.in_timezone("UTC") - timedelta(minutes=n * (60 if unit == "h" else 1))).in_timezone(zone)
    today = base.date()
    if (time := _time(s)) is not None:
        return _at(today, time, zone)
    for pattern in (_DAY_THEN_TIME, _TIME_THEN_DAY):
        match = pattern.fullmatch(s)
        if not match:
            continue
        try:
            day = _day(match["day"], today)
        except ValueError:
            day = None  # maybe the other split, or dateutil on the whole, makes sense of it
        if day is not None:
            return _at(day, _time(match["t"]), zone)
    if _day(s, today) is not None:
        raise _Unclear(ADD_TIME)
    got = _dateutil(s, today)
    if got is None or got[1] is None:
        return None
    return _at(got[0], got[1], zone)


def _time(s: str) -> tuple[int, int] | None:
    """(hour, minute) if s is shaped like a time; _Unclear if shaped like one but impossible."""
    match = re.fullmatch(_TIME, s)
    if not match:
        return None
    if match["word"]:
        return (12, 0) if match["word"] == "noon" else (0, 0)
    hour, minute, ampm = int(match["h"]), int(match["m"] or 0), match["ap"]
    if minute > 59 or hour > 23 or (ampm and not 1 <= hour <= 12):
        raise _Unclear(f"“{s}” is not a time of day — {EXAMPLES}")
    if ampm:
        return hour % 12 + (12 if ampm == "pm" else 0), minute
    if 1 <= hour <= 7 and not match["h"].startswith("0"):
        hour += 12  # caseworkers visit during the day: a bare "2" is 2 PM, never 2 AM
    return hour, minute


def _day(s: str, today: date) -> date | None:
    """The calendar day s names (without a time), or None."""
    if s == "today":
        return today
    if s in ("yesterday", "yday", "yest"):
        return today - timedelta(days=1)
    if s in _WEEKDAYS:
        return today - timedelta(days=(today.weekday() - _WEEKDAYS[s]) % 7)
    if match := _DAYS_BACK.fullmatch(s):
        return today - timedelta(days=int(match[1]))
    got = _dateutil(s, today)
    if got is None or got[1] is not None:
        return None
    day = got[0]
    for word in re.findall(r"[a-z]+", s):
        if _WEEKDAYS.get(word, day.weekday()) != day.weekday():
            raise _Unclear(f"{day:%m/%d/%Y} is a {day:%A}, not a {calendar.day_name[_WEEKDAYS[word]]}")
    return day


def _dateutil(s: str, today: date) -> tuple[date, tuple[int, int] | None] | None:
    """(day, (hour, minute) or None) as dateutil reads s, or None when s names no whole day.

    Parsing twice with different defaults tells which fields the text gave and which were filled in.
    """
    a = dateutil_parser.parse(s, default=datetime(today.year, 1, 1), fuzzy=False)
    b = dateutil_parser.parse(s, default=datetime(2000, 2, 2, 1, 1), fuzzy=False)
    if a.tzinfo or b.tzinfo:
        raise _Unclear("Leave out the time zone; times are read in the agency's zone")
    if (a.month, a.day) != (b.month, b.day):
        return None  # "nov" or "2pm monday" in dateutil's reading: which day?
    day = a.date()
    if a.year != b.year and day > today:
        day = day.replace(year=day.year - 1)  # "12/25" typed in November means the one just gone
    return day, ((a.hour, a.minute) if a.hour == b.hour else None)


def _at(day: date, time: tuple[int, int], zone: str) -> pendulum.DateTime:
    if day.year < 1900:
        raise _Unclear(f"The year {day.year} does not look right — {EXAMPLES}")
    return pendulum.datetime(day.year, day.month, day.day, time[0], time[1], tz=zone)


def _clip(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
