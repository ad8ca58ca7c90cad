"""Note rules that need no database: the freeze, field validation, completeness for review.

Each rule is one function named for it and raises a ``StoreError`` whose sentence a caseworker
understands; callers decide nothing themselves.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from collections.abc import Iterable

import pendulum
from dateutil import parser as dateparser

from store.core import arguments

from store.core import work_calendar
from store.core.clock import utc
from store.core.errors import InvalidNote, NoteFrozen, StoreError
from store.core.policy import Policy

NOTE_FIELDS = frozenset(
    {"event_at", "contact_type", "purposes", "method", "location", "participants", "others", "narrative"}
)
SET_BY_STORE = frozenset({"entered_at", "entered_by", "entered_by_id", "author_id", "status", "version",
                          "freezes_at", "stage_id", "amends_note_id"})
ADDENDUM = "Addendum"
OTHER_MAX_CHARS = 120
# What a note is never without: a new note is given all three; a new addendum only its narrative (it
# takes the rest from the note it corrects); an edit may leave any out but not empty one.
REQUIRED = ("event_at", "contact_type", "narrative")
FIELD_LABELS = {"event_at": "event time", "contact_type": "contact type", "method": "method", "location": "location",
                "purposes": "purposes", "participants": "people present", "others": "others present",
                "narrative": "narrative"}


def local_text(at: datetime, policy: Policy, *, time: bool = True) -> str:
    """A time as the agency reads it, e.g. ``Fri 11/20/2026 2:30 PM``."""
    local = pendulum.instance(at).in_timezone(policy.zone)
    return local.format("ddd MM/DD/YYYY h:mm A" if time else "ddd MM/DD/YYYY")


def freeze_instant(entered_at: datetime, policy: Policy) -> datetime:
    """Midnight (agency zone) at the start of the day that lies the freeze window (21 days) after
    the entry date."""
    return work_calendar.freeze_instant(entered_at, policy.windows["freeze"], policy.calendar)


def is_final_on_save(stage_type: str) -> bool:
    """A Family Services Intake entry is final as it is saved: it freezes at once."""
    return stage_type == "FSI"


def is_frozen(freezes_at: datetime, now: datetime) -> bool:
    return now >= freezes_at


def is_locked(note: Any, now: datetime) -> bool:
    """Approved, final (FSI) or frozen: only an addendum can correct it now."""
    return note.status in ("approved", "final") or is_frozen(note.freezes_at, now)


def entry_due(event_at: datetime, policy: Policy, contact_type: str | None = None) -> datetime:
    """Every event is recorded within the entry window (72 hours) of the event."""
    return policy.entry_window(contact_type).due(event_at, policy.calendar)


def review_due(submitted_at: datetime, resubmitted: bool, policy: Policy) -> datetime:
    """The supervisor reviews within 5 days of receiving a note, 3 days for a corrected one."""
    return policy.windows["rereview" if resubmitted else "review"].due(submitted_at, policy.calendar)


def correction_due(returned_at: datetime, policy: Policy) -> datetime:
    """The worker resubmits within 3 days of a return."""
    return policy.windows["correction"].due(returned_at, policy.calendar)


def check_changeable(note: Any, now: datetime, policy: Policy) -> None:
    """Refuse any change to an approved, final or frozen note."""
    if note.status == "approved":
        raise NoteFrozen("This note was approved and is final. Add an addendum to correct it.")
    if note.status == "final":
        raise NoteFrozen("Family Services Intake entries freeze as soon as they are saved. "
                         "Add an addendum to correct it.")
    if is_frozen(note.freezes_at, now):
        raise NoteFrozen(
            f"This note froze on {local_text(note.freezes_at, policy, time=False)}, "
            f"{policy.windows['freeze'].describe()} after it was entered on "
            f"{local_text(note.entered_at, policy, time=False)}. Add an addendum to correct it."
        )


def contact_types_to_choose(policy: Policy) -> tuple[str, ...]:
    """The contact types a caseworker may give a note, in the policy's order: all but the addendum's,
    which an addendum takes from the note it corrects and keeps (``clean_fields`` refuses it otherwise)."""
    return tuple(kind for kind in policy.contact_types if kind != ADDENDUM)


def missing_sentence(names: Iterable[str], *, addendum: bool = False) -> str:
    """What a note lacks before it can be saved at all, e.g. 'A note needs its contact type.'"""
    names = list(names)
    if addendum and names == ["narrative"]:
        return "An addendum needs a narrative saying what it corrects or adds."
    return f"A note needs its {', '.join(FIELD_LABELS[name] for name in names)}."


def missing_fields(fields: dict[str, Any], *, new: bool, addendum: bool = False) -> list[str]:
    """The fields a save needs that are not filled in: a new note's event time, contact type and
    narrative, a new addendum's narrative (the rest comes from the note it corrects), and any of
    these given empty, since no save may empty one."""
    return [name for name in REQUIRED
            if (_empty(fields[name]) if name in fields else name in _needed(new, addendum))]


def check_required(fields: dict[str, Any], *, new: bool, addendum: bool = False) -> None:
    """Refuse a save without a field it needs (a blank narrative is for ``_narrative`` to refuse)."""
    missing = [name for name in missing_fields(fields, new=new, addendum=addendum)
               if name not in fields or fields[name] is None]
    if missing:
        raise InvalidNote(missing_sentence(missing, addendum=addendum and new))


def _needed(new: bool, addendum: bool) -> tuple[str, ...]:
    return ("narrative",) if new and addendum else REQUIRED if new else ()


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def form_problems(fields: dict[str, Any], policy: Policy, *, now: datetime, new: bool,
                  addendum: bool = False) -> dict[str, str]:
    """What stops these fields from being saved as they are, field by field, in the sentences a save
    would give (empty when nothing does): the rules of ``check_required`` and ``clean_fields`` that
    need no database, so that a form may ask as it is typed. Saving checks the rest (the stage's
    people, the day it opened, who may write)."""
    problems: dict[str, str] = {}
    for name, value in fields.items():
        try:
            clean_fields({name: value}, policy, stage_opened_at=None, stage_person_ids=None, now=now,
                         addendum=addendum)
        except InvalidNote as refusal:
            problems[name] = refusal.message
    for name in missing_fields(fields, new=new, addendum=addendum):
        problems.setdefault(name, missing_sentence([name], addendum=addendum and new))
    return problems


def clean_fields(fields: dict[str, Any], policy: Policy, *, stage_opened_at: datetime | None,
                 stage_person_ids: Iterable[int] | None, now: datetime, addendum: bool = False) -> dict[str, Any]:
    """Validate and normalise note fields given by a caller. Raises ``InvalidNote``; changes nothing.
    ``stage_opened_at`` and ``stage_person_ids`` None: not known to the caller (a form checked as it
    is typed, ``form_problems``), and not checked."""
    stolen = SET_BY_STORE & fields.keys()
    if stolen:
        raise InvalidNote("The entry time, the author, who entered the note, its status and its version "
                          f"are set by casenotes, not by the caller ({', '.join(sorted(stolen))}).")
    unknown = fields.keys() - NOTE_FIELDS
    if unknown:
        raise InvalidNote(f"A note has no field called {', '.join(sorted(unknown))}.")
    check_required(fields, new=False)
    clean: dict[str, Any] = {}
    if "event_at" in fields:
        clean["event_at"] = _event_time(fields["event_at"], policy, stage_opened_at, now)
    if "narrative" in fields:
        clean["narrative"] = _narrative(fields["narrative"], policy)
    if "contact_type" in fields:
        clean["contact_type"] = _pick(fields["contact_type"], policy.contact_types, "contact type")
        if (clean["contact_type"] == ADDENDUM) != addendum:
            raise InvalidNote("An addendum is added from the note it corrects, not typed as a contact type."
                              if not addendum else "An addendum stays an addendum; its contact type cannot change.")
    for name, choices, label in (("method", policy.methods, "method"),
                                 ("location", policy.locations, "location")):
        if name in fields:
            clean[name] = None if fields[name] in (None, "") else _pick(fields[name], choices, label)
    if "purposes" in fields:
        clean["purposes"] = _unique(_pick(p, policy.purposes, "purpose")
                                    for p in _listed(fields["purposes"], "purposes"))
    if "participants" in fields:
        clean["participants"] = _participants(fields["participants"],
                                              None if stage_person_ids is None else set(stage_person_ids))
    if "others" in fields:
        clean["others"] = _unique(_other(o) for o in _listed(fields["others"], "other participants"))
    return clean


def check_complete(note: Any) -> None:
    """A note sent to review names what happened, how, where and why."""
    missing = [label for label, value in (("contact type", note.contact_type), ("method", note.method),
                                          ("location", note.location), ("purpose", note.purposes))
               if not value]
    if missing:
        raise InvalidNote(f"Before it goes to review the note needs its {', '.join(missing)}.")


def not_yet_happened(at: datetime, now: datetime, zone: str | pendulum.Timezone) -> str | None:
    """A note records what has happened: why an event time after ``now`` is refused, or None.

    The editor shows the same sentence as a time is typed (tui/when.py)."""
    if at <= now:  # instants, whatever their zones: in the hour repeated in autumn a wall clock misleads
        return None
    local = pendulum.instance(at).in_timezone(zone).format("ddd MM/DD/YYYY h:mm A")
    return (f"The event time {local} is in the future ({_ahead((at - now).total_seconds())}); "
            "a note records something that has already happened.")


def _ahead(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} min from now"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h from now"
    return f"{round(minutes / 1440)} days from now"


def _event_time(value: Any, policy: Policy, stage_opened_at: datetime | None, now: datetime) -> datetime:
    if isinstance(value, str):
        try:
            if len(value) > arguments.PARSED_TEXT_MAX:
                raise ValueError
            value = dateparser.isoparse(value.strip())
        except (ValueError, OverflowError):
            raise InvalidNote(f"The event time {arguments.shown(value)} is not a date and time casenotes "
                              "understands (for example 2026-11-20T14:30).") from None
    at = arguments.moment(value, "event time", InvalidNote)
    if at.tzinfo is None:  # a wall-clock time as typed in the agency
        at = pendulum.instance(at, tz=policy.zone)
    if reason := not_yet_happened(at, now, policy.zone):
        raise InvalidNote(reason)
    at = utc(at)
    if stage_opened_at is None:
        return at
    opened_day = pendulum.instance(stage_opened_at).in_timezone(policy.zone).date()
    if pendulum.instance(at).in_timezone(policy.zone).date() < opened_day:
        raise InvalidNote(f"The event time {local_text(at, policy)} is before this stage opened on "
                          f"{local_text(stage_opened_at, policy, time=False)}.")
    return at


def _narrative(value: Any, policy: Policy) -> str:
    if not isinstance(value, str):
        raise InvalidNote("The narrative must be text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InvalidNote("The narrative is empty; describe the contact before saving.")
    if len(text) > policy.narrative_max_chars:
        raise InvalidNote(f"The narrative is {len(text):,} characters long; a note holds at most "
                          f"{policy.narrative_max_chars:,}. Shorten it or split it into two notes. "
                          "Nothing was saved.")
    refuse_control_characters(text, "narrative", allowed="\n\t")
    return text


def refuse_control_characters(text: str, what: str, allowed: str = "", error: type[StoreError] = InvalidNote) -> None:
    """Refuse invisible control characters and direction overrides (see ``arguments``)."""
    arguments.refuse_hidden_characters(text, what, error, allowed)


def _pick(value: Any, choices: tuple[str, ...], label: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidNote(f"{arguments.shown(value)} is not one of the agency's {label}s.")
    return value


def _listed(value: Any, label: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidNote(f"The {label} must be a list.")
    return list(value)


def _participants(value: Any, stage_person_ids: set[int] | None) -> list[int]:
    ids = _unique(arguments.record_id(pid, "participant", InvalidNote) for pid in _listed(value, "participants"))
    strangers = [] if stage_person_ids is None else [pid for pid in ids if pid not in stage_person_ids]
    if strangers:
        raise InvalidNote("Participants must be persons of this stage; add anyone else as an 'other' "
                          f"participant (unknown person ids: {', '.join(map(str, strangers))}).")
    return ids


def _other(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidNote("An other participant must be described in words, e.g. 'school nurse'.")
    text = " ".join(value.split())
    if len(text) > OTHER_MAX_CHARS:
        raise InvalidNote(f"An other participant is described in at most {OTHER_MAX_CHARS} characters.")
    refuse_control_characters(text, "other participant")
    return text


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))
