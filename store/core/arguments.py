"""What a caller hands a ``Desk``, checked before anything is read or written: record numbers,
counts, dates, times and texts. Every public desk method passes its arguments through these, so a
wrong type, a number past what the database holds, a date the calendar cannot reach or a text that
would read differently from what is stored is refused with a sentence, never a raw exception.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any, overload
from collections.abc import Iterable

from store.core.errors import InvalidRequest, NotFound, StaleEdit, StoreError

LOGIN_MAX_CHARS = 64  # workers.login
ID_MAX = 2**31 - 1  # ids and versions are INTEGER columns (32 bits on PostgreSQL): a larger number is no record's
FIRST_YEAR, LAST_YEAR = 1900, 2199  # far from where date arithmetic overflows (years 1 and 9999)
PARSED_TEXT_MAX = 100  # a date and time given as text is never longer
# Characters that reorder or isolate the text around them (U+202A–U+202E, U+2066–U+2069): in a legal
# record they can make a line read differently from what is stored.
DIRECTION_CONTROLS = frozenset(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))
INVISIBLE = ("Cc", "Cs", "Co", "Cn")  # control, lone surrogate, private use, unassigned


def kind_of(value: Any) -> str:
    """What a value is, in words, for a sentence (never its repr: that may be huge or unprintable)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes or no"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, (int, float)):
        return "a number with a fraction" if isinstance(value, float) else "a number"
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return "a list"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    return "something else"


def shown(value: Any, most: int = 40) -> str:
    """A short, printable quotation of a value given by a caller."""
    if isinstance(value, str):
        text = value.encode("unicode_escape").decode("ascii")
        return repr(text if len(text) <= most else text[:most] + "…")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**30:
        return str(value)
    return kind_of(value)


def record_id(value: Any, what: str, error: type[StoreError] = NotFound) -> int:
    """The number of a record (note, stage, case, person, absence)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"A {what} is found by its number, and casenotes was given {kind_of(value)}.")
    if not 1 <= value <= ID_MAX:
        raise error(f"There is no {what} number {shown(value)}.")
    return int(value)


def record_ids(values: Any, what: str, error: type[StoreError] = NotFound) -> list[int]:
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise error(f"The {what}s must be a list of their numbers, and casenotes was given {kind_of(values)}.")
    return [record_id(v, what, error) for v in values]


def possible_ids(values: Any, what: str, error: type[StoreError] = NotFound) -> set[int]:
    """Of a list of numbers, those that could be a record's: anything else names none, and is left out."""
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise error(f"The {what}s must be a list of their numbers, and casenotes was given {kind_of(values)}.")
    return {v for v in values if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= ID_MAX}


@overload
def version(value: Any) -> int: ...
@overload
def version(value: Any, *, optional: bool) -> int | None: ...
def version(value: Any, *, optional: bool = False) -> int | None:
    """The version of a note the caller last saw."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_MAX:
        raise StaleEdit(f"The version {shown(value)} is not one this note has had; reopen the note to see "
                        "its latest version. Nothing was saved.")
    return int(value)


def count(value: Any, what: str, *, least: int = 0, most: int = 100_000,
          error: type[StoreError] = InvalidRequest) -> int:
    """A whole number of things (rows to show, days to report)."""
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise error(f"The {what} is a whole number from {least:,} to {most:,}, not {shown(value)}.")
    return int(value)


def text(value: Any, what: str, *, error: type[StoreError], most: int, lines: bool = False,
         empty: bool = True) -> str:
    """A text typed by a person: a string, at most ``most`` characters, no invisible control
    characters (``lines``: newlines and tabs are kept) and no direction overrides."""
    if not isinstance(value, str):
        raise error(f"The {what} must be text, and casenotes was given {kind_of(value)}.")
    if len(value) > most:
        raise error(f"The {what} is {len(value):,} characters long; it holds at most {most:,}. "
                    "Shorten it. Nothing was saved.")
    if not empty and not value.strip():
        raise error(f"The {what} is empty.")
    refuse_hidden_characters(value, what, error, allowed="\n\t" if lines else "")
    return value


def texts(values: Any, what: str, *, error: type[StoreError], most: int) -> list[str]:
    """A list of short texts (a worker's function codes), each one checked as ``text``."""
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, Iterable):
        raise error(f"The {what}s must be a list of texts, and casenotes was given {kind_of(values)}.")
    return [text(value, what, error=error, most=most, empty=False) for value in values]


def login(value: Any, what: str, error: type[StoreError]) -> str:
    """A login typed or given to name a worker: text no longer than a login can be, nothing hidden."""
    if not isinstance(value, str):
        raise error(f"A {what} is text, and casenotes was given {kind_of(value)}.")
    if len(value) > LOGIN_MAX_CHARS:
        raise error(f"There is no {what} {shown(value)}: a login has at most {LOGIN_MAX_CHARS} characters.")
    refuse_hidden_characters(value, what, error, then="Remove it and try again.")
    return value


def yes_or_no(value: Any, subject: str, error: type[StoreError]) -> bool:
    """A flag; ``subject`` begins the sentence ("Whether the person is a child")."""
    if not isinstance(value, bool):
        raise error(f"{subject} is said with yes or no (True or False), and casenotes was given {kind_of(value)}.")
    return value


def refuse_hidden_characters(value: str, what: str, error: type[StoreError], allowed: str = "",
                             then: str = "Remove it and save again.") -> None:
    """Refuse what a reader cannot see but the record would hold: control characters, lone surrogates,
    private and unassigned code points, and the direction overrides that reorder the text around them."""
    plain = value
    for char in allowed:
        plain = plain.replace(char, "")
    if plain.isprintable() and DIRECTION_CONTROLS.isdisjoint(plain):  # the usual case, in C
        return
    for index, char in enumerate(value):
        if char in allowed:
            continue
        hidden = unicodedata.category(char) in INVISIBLE
        if hidden or char in DIRECTION_CONTROLS:
            line = value.count("\n", 0, index) + 1
            column = index - (value.rfind("\n", 0, index) + 1) + 1
            where = f"at line {line}, column {column}"
            if hidden:
                raise error(f"The {what} holds an invisible control character (U+{ord(char):04X}) {where}. {then}")
            raise error(f"The {what} holds a character that changes the direction of the text around it "
                        f"(U+{ord(char):04X}) {where}: the text would read differently from what is stored. {then}")


def moment(value: Any, what: str, error: type[StoreError]) -> datetime:
    """A date and time (aware, or naive meaning the agency's wall clock) in the years casenotes keeps."""
    if not isinstance(value, datetime):
        raise error(f"The {what} must be a date and time, and casenotes was given {kind_of(value)}.")
    _in_years(value, what, error)
    try:
        offset = value.utcoffset()
    except (ValueError, TypeError, OverflowError):
        raise error(f"The {what} has a time zone casenotes cannot read.") from None
    if value.tzinfo is not None and offset is None:  # a zone that knows no offset: a wall-clock time
        return value.replace(tzinfo=None)
    return value


def day(value: Any, what: str, error: type[StoreError]) -> date:
    """A calendar day, without a time."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise error(f"The {what} must be a date without a time, and casenotes was given {kind_of(value)}.")
    _in_years(value, what, error)
    return value


def day_or_moment(value: Any, what: str, error: type[StoreError]) -> date | datetime:
    if isinstance(value, datetime):
        return moment(value, what, error)
    if isinstance(value, date):
        return day(value, what, error)
    raise error(f"The {what} must be a date, and casenotes was given {kind_of(value)}.")


def _in_years(value: date, what: str, error: type[StoreError]) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        written = f"{value.month:02}/{value.day:02}/{value.year}"
        raise error(f"The {what} {written} is {'too long ago' if value.year < FIRST_YEAR else 'too far ahead'}: "
                    f"casenotes keeps dates from {FIRST_YEAR} to {LAST_YEAR}.")
