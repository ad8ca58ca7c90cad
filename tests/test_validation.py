"""Bad input gets InvalidNote with a sentence that says what to fix, and writes nothing."""

import unicodedata
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import InvalidNote
from store.core.arguments import DIRECTION_CONTROLS
from store.rules.note_rules import refuse_control_characters
from tests.conftest import counts, visit

BAD_FIELDS = {
    "future event": ({"event_at": "future"}, "in the future"),
    "unparsable event": ({"event_at": "next Tuesday-ish"}, "not a date and time"),
    "event not a date": ({"event_at": 12}, "must be a date and time"),
    "unknown contact type": ({"contact_type": "Home Study"}, "not one of the agency's contact types"),
    "unknown method": ({"method": "Carrier pigeon"}, "not one of the agency's methods"),
    "unknown location": ({"location": "Moon"}, "not one of the agency's locations"),
    "unknown purpose": ({"purposes": ["Safety", "Gossip"]}, "not one of the agency's purposes"),
    "purposes not a list": ({"purposes": "Safety"}, "must be a list"),
    "empty narrative": ({"narrative": ""}, "narrative is empty"),
    "blank narrative": ({"narrative": " \n\t "}, "narrative is empty"),
    "200 KB narrative": ({"narrative": "Seen at home. " * 15_000}, "at most 50,000"),
    "bell character": ({"narrative": "Seen at home.\nShe rang\x07 the bell."}, r"U\+0007\) at line 2, column 9"),
    "NUL character": ({"narrative": "Seen\x00 at home."}, r"U\+0000"),
    "escape sequence": ({"narrative": "Seen \x1b[31mred\x1b[0m."}, r"U\+001B"),
    "control in others": ({"others": ["school\x07nurse"]}, "other participant"),
    "addendum typed by hand": ({"contact_type": "Addendum"}, "added from the note it corrects"),
    "unknown field": ({"mood": "sunny"}, "no field called mood"),
}


@pytest.mark.parametrize("fields, message", BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
def test_bad_new_note_is_refused_and_nothing_written(store, agency, clock, fields, message):
    if fields.get("event_at") == "future":
        fields = {"event_at": clock.now() + timedelta(minutes=5)}
    before = counts(store)
    with pytest.raises(InvalidNote, match=message):
        store.as_user("cw").add_note(agency.fss, **visit(agency, clock, **fields))
    assert counts(store) == before


@pytest.mark.parametrize("fields, message", BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
def test_bad_edit_is_refused_and_the_note_unchanged(store, agency, clock, fields, message):
    if fields.get("event_at") == "future":
        fields = {"event_at": clock.now() + timedelta(minutes=5)}
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    before = counts(store)
    with pytest.raises(InvalidNote, match=message):
        cw.edit_note(note.id, note.version, **fields)
    assert counts(store) == before
    assert cw.note(note.id) == note


def test_new_note_needs_event_type_and_narrative(store, agency, clock):
    with pytest.raises(InvalidNote, match="event time, contact type"):
        store.as_user("cw").add_note(agency.fss, narrative="Only words.")


def test_line_endings_are_normalised_and_tabs_kept(store, agency, clock):
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock, narrative="One.\r\nTwo.\rThree.\tEnd."))
    assert note.narrative == "One.\nTwo.\nThree.\tEnd."


def test_long_but_allowed_narrative_is_kept_whole(store, agency, clock):
    words = "The family was seen at home and the children were observed playing. " * 700  # ~48 KB
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock, narrative=words))
    assert store.as_user("cw").note(note.id).narrative == words


def test_wall_clock_event_time_is_read_in_agency_zone(store, agency, clock):
    # The clock stands at 12:00 EST on 2 March; 11:15 typed without a zone means 11:15 in New York.
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock, event_at=datetime(2026, 3, 2, 11, 15)))
    assert note.event_at.isoformat() == "2026-03-02T16:15:00+00:00"
    iso = store.as_user("cw").add_note(agency.fss, **visit(agency, clock, event_at="2026-03-02T11:20:00-05:00"))
    assert iso.event_at.isoformat() == "2026-03-02T16:20:00+00:00"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(codec=None), st.sampled_from(sorted(DIRECTION_CONTROLS))), max_size=40))
def test_control_character_check_refuses_exactly_the_control_categories(text):
    """The check's fast path (str.isprintable in C) must refuse what the rule names and nothing
    else: a no-break space or a line separator is not a control character. Direction overrides and
    isolates are refused too (they are format characters, which isprintable lets through)."""
    expected = any(c not in "\n\t" and (unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") or c in DIRECTION_CONTROLS)
                   for c in text)
    try:
        refuse_control_characters(text, "narrative", allowed="\n\t")
        refused = False
    except InvalidNote:
        refused = True
    assert refused == expected


def test_no_break_space_and_line_separator_are_kept():
    refuse_control_characters("Jay\u00a0Rivera\u2028next line\u3000wide space", "narrative", allowed="\n\t")
