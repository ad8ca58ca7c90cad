"""A note's saved versions typed by the store (issue 15, item 2), on both backends: the history's
screen reads which fields changed, by their labels, with times as datetimes and the people present by
name, instead of reading the recorded JSON and guessing which text is a time."""

from datetime import date, datetime, timedelta, timezone

from store.core.results import FieldChange
from tests.conftest import visit


def test_each_saved_version_gives_its_fields_typed(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    [first] = cw.note_history(note.id).revisions
    assert first.values == {
        "status": "draft", "event_at": note.event_at, "contact_type": "Caseworker/Child Contact",
        "method": "Face to face", "location": "Child's residence (foster/kinship home)",
        "purposes": ("Safety", "Well-being"), "participants": ("Jay Rivera", "Ana Rivera"),
        "others": ("foster parent",), "correction_due_at": None, "narrative": note.narrative}
    assert isinstance(first.values["event_at"], datetime) and first.values["event_at"].tzinfo is not None
    assert first.narrative == note.narrative


def test_changes_from_an_earlier_version_name_the_fields_that_changed(store, agency, clock):
    cw, supa = store.as_user("cw"), store.as_user("supa")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    earlier = note.event_at - timedelta(minutes=30)
    note = cw.edit_note(note.id, note.version, event_at=earlier, participants=[agency.jay], method="Telephone",
                        location="Agency office", narrative="Jay called.")
    returned = supa.return_note(cw.submit(note.id).id, "Say why by telephone.", due=date(2026, 3, 6))
    first, edited, submitted, back = cw.note_history(note.id).revisions
    assert edited.changes_from(first) == (
        FieldChange("event_at", "Event", first.values["event_at"], earlier),
        FieldChange("method", "Method", "Face to face", "Telephone"),
        FieldChange("location", "Location", "Child's residence (foster/kinship home)", "Agency office"),
        FieldChange("participants", "Present", ("Jay Rivera", "Ana Rivera"), ("Jay Rivera",)))
    assert back.changes_from(submitted) == (
        FieldChange("status", "Status", "submitted", "returned"),
        FieldChange("correction_due_at", "Correct by", None, returned.due_at))
    assert returned.due_at == datetime(2026, 3, 7, 4, 59, 59, tzinfo=timezone.utc)
    assert edited.changes_from(edited) == ()  # the narrative is compared as text by the reader
    assert (first.narrative, edited.narrative) == (visit(agency, clock)["narrative"], "Jay called.")
