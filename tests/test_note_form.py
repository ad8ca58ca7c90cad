"""What the note editor asks the store instead of deciding itself (issue 15, item 2), on both backends:
whether the worker enters notes for others, the contact types a note may be given, and the form check
whose sentences, field by field, are the ones the save itself would give."""

from datetime import timedelta

import pytest

from store import InvalidNote
from tests.conftest import counts, visit


def test_the_store_says_who_enters_notes_for_others(store, agency):
    assert store.as_user("clerk").me().may_enter_for_others
    assert not store.as_user("cw").me().may_enter_for_others
    assert {w.login for w in store.staff() if w.may_enter_for_others} == {"clerk"}


def test_a_note_may_be_given_every_contact_type_but_the_addendums(store, agency):
    types = store.as_user("cw").note_contact_types()
    assert "Addendum" in store.policy.contact_types and "Addendum" not in types
    assert types == tuple(t for t in store.policy.contact_types if t != "Addendum")  # in the policy's order


def _form(agency, clock, **override):
    """A new note's fields as the editor hands them over: every field, some perhaps empty."""
    return visit(agency, clock, **override)


BROKEN = {
    "no time": {"event_at": None},
    "a time to come": {"event_at": "in two hours"},
    "no contact type": {"contact_type": None},
    "the addendum's type": {"contact_type": "Addendum"},
    "a method not in the policy": {"method": "Telepathy"},
    "a purpose not in the policy": {"purposes": ["Safety", "Gossip"]},
    "an empty narrative": {"narrative": "  \n "},
    "no narrative": {"narrative": None},
    "another present described at length": {"others": ["a neighbour " * 20]},
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_the_form_check_gives_the_sentence_the_save_would_give(store, agency, clock, broken):
    cw = store.as_user("cw")
    if broken.get("event_at") == "in two hours":
        broken = {"event_at": clock.now() + timedelta(hours=2)}
    fields = _form(agency, clock, **broken)
    before = counts(store)
    check = cw.check_note_form(fields, new=True)
    [(name, said)] = check.problems.items()
    assert name == next(iter(broken)) and not check.may_save
    with pytest.raises(InvalidNote) as refused:
        cw.add_note(agency.fss, **fields)
    assert said == refused.value.message
    assert counts(store) == before


def test_the_form_check_names_each_field_a_new_note_still_lacks(store, agency, clock):
    cw = store.as_user("cw")
    check = cw.check_note_form(_form(agency, clock, event_at=None, contact_type=None, narrative=""), new=True)
    assert check.missing == ("event_at", "contact_type", "narrative")
    assert check.problems == {"event_at": "A note needs its event time.",
                              "contact_type": "A note needs its contact type.",
                              "narrative": "The narrative is empty; describe the contact before saving."}
    unfilled = cw.check_note_form({"method": "Face to face"}, new=True)
    assert unfilled.missing == ("event_at", "contact_type", "narrative")
    assert unfilled.problems["narrative"] == "A note needs its narrative."
    with pytest.raises(InvalidNote, match=r"^A note needs its event time, contact type, narrative\.$"):
        cw.add_note(agency.fss, method="Face to face")
    whole = cw.check_note_form(_form(agency, clock), new=True)
    assert (whole.problems, whole.missing, whole.may_save) == ({}, (), True)


def test_the_form_check_of_an_edit_and_of_an_addendum(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    edit = cw.check_note_form({"event_at": None, "narrative": "Seen at PS 12."}, new=False)
    assert (edit.problems, edit.missing) == ({"event_at": "A note needs its event time."}, ("event_at",))
    with pytest.raises(InvalidNote) as refused:
        cw.edit_note(note.id, note.version, event_at=None, narrative="Seen at PS 12.")
    assert refused.value.message == edit.problems["event_at"]
    assert cw.check_note_form({"narrative": "Seen at PS 12."}, new=False).may_save  # an edit may leave fields out
    approved = store.as_user("supa").approve(cw.submit(note.id).id)
    addendum = cw.check_note_form({"method": "Face to face"}, new=True, addendum=True)
    assert addendum.problems == {"narrative": "An addendum needs a narrative saying what it corrects or adds."}
    with pytest.raises(InvalidNote) as refused:
        cw.add_addendum(approved.id, method="Face to face")
    assert refused.value.message == addendum.problems["narrative"]
    typed = cw.check_note_form({"contact_type": "72 Hour Conference", "narrative": "More."}, new=True, addendum=True)
    assert typed.problems == {"contact_type": "An addendum stays an addendum; its contact type cannot change."}


def test_the_form_check_reads_no_database(store, agency, clock, monkeypatch):
    """So that an editor may ask on the UI thread as the form is typed."""
    cw = store.as_user("cw")

    def no_database(*_args, **_kwargs):
        raise AssertionError("the form check opened a unit of work")

    monkeypatch.setattr(store, "reading", no_database)
    monkeypatch.setattr(store, "writing", no_database)
    assert cw.check_note_form(_form(agency, clock, contact_type=None), new=True).missing == ("contact_type",)
    assert cw.note_contact_types()


@pytest.mark.parametrize("fields", [None, "narrative", ["narrative"]])
def test_the_form_check_wants_fields_by_name(store, agency, fields):
    with pytest.raises(InvalidNote, match="given by name"):
        store.as_user("cw").check_note_form(fields, new=True)
