"""The deadline engine's answers as the screens read them, on both backends (issue 15, item 2): the
review queue's deadlines and "overdue" are the engine's, and a caseload row says which kind of
deadline comes next, so that no screen works either out for itself."""

from datetime import date, datetime, timedelta, timezone

from tests.conftest import end_of_day, visit


def test_a_note_that_froze_unreviewed_stays_in_the_queue_but_is_not_overdue(store, agency, clock):
    cw, supa = store.as_user("cw"), store.as_user("supa")
    waiting = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    clock.set(waiting.freezes_at + timedelta(hours=1))
    fresh = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    new, frozen = supa.review_queue()  # the frozen note last
    assert (frozen.note.id, frozen.note.frozen, frozen.overdue) == (waiting.id, True, False)
    assert frozen.review_due_at == end_of_day(waiting.submitted_at, 5)  # the deadline it missed, still shown
    assert (new.note.id, new.note.frozen, new.overdue) == (fresh.id, False, False)
    # The engine has nothing left for anyone to do about the frozen note.
    assert [o.note_id for o in supa.my_deadlines()] == [fresh.id]


def test_the_queue_and_my_deadlines_give_the_same_deadline_and_overdue_for_each_note(store, agency, clock):
    cw, cw2, supa = store.as_user("cw"), store.as_user("cw2"), store.as_user("supa")
    first = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    corrected = cw2.submit(cw2.add_note(agency.fss, **visit(agency, clock)).id)
    clock.advance(days=1)
    returned = supa.return_note(corrected.id, "Say which school.")
    cw2.submit(cw2.edit_note(corrected.id, returned.note.version, narrative="Seen at PS 12.").id)
    clock.set(end_of_day(clock.now(), 4))  # the re-review (3 days) is overdue, the first review (5) is not
    deadlines = {o.note_id: o for o in supa.my_deadlines()}
    queue = {item.note.id: item for item in supa.review_queue()}
    assert set(queue) == set(deadlines) == {first.id, corrected.id}
    for note_id, item in queue.items():
        due = deadlines[note_id]
        assert (item.review_due_at, item.overdue, item.resubmitted) == (due.due_at, due.overdue,
                                                                        due.action == "re-review")
    assert (queue[first.id].overdue, queue[corrected.id].overdue) == (False, True)
    assert not any(item.note.frozen for item in queue.values())
    clock.set(max(first.freezes_at, corrected.freezes_at))  # both froze unreviewed: nothing is overdue now
    assert supa.my_deadlines() == []
    assert [(item.note.frozen, item.overdue) for item in supa.review_queue()] == [(True, False), (True, False)]


def _returned(store, agency, clock):
    """A note of cw's returned by supa now: its correction is due three days on."""
    cw, supa = store.as_user("cw"), store.as_user("supa")
    note = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    return supa.return_note(note.id, "Name the school.")


def _row(desk, stage_id):
    return next(r for r in desk.caseload() if r.stage_id == stage_id)


def test_a_caseload_row_names_the_kind_of_its_next_deadline(store, agency, clock):
    cw = store.as_user("cw")
    draft = cw.add_note(agency.fss, **visit(agency, clock))
    row = _row(cw, agency.fss)
    assert (row.next_deadline_at, row.next_deadline_kind, row.overdue) == (
        cw.note_deadline(draft.id).next_due_at, "entry", False)
    cw.discard_draft(draft.id)
    returned = _returned(store, agency, clock)
    row = _row(cw, agency.fss)
    assert (row.next_deadline_at, row.next_deadline_kind, row.overdue) == (returned.due_at, "correction", False)
    clock.advance(days=2)  # a visit two days later is due after the correction…
    cw.add_note(agency.fss, **visit(agency, clock))
    assert _row(cw, agency.fss).next_deadline_kind == "correction"
    clock.set(returned.due_at + timedelta(seconds=1))  # …and once the correction is late, it is still first
    row = _row(cw, agency.fss)
    assert (row.next_deadline_at, row.next_deadline_kind, row.overdue) == (returned.due_at, "correction", True)


def test_a_correction_and_an_entry_due_at_one_cutoff_name_the_correction(store, agency, clock):
    clock.set(datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc))  # Tuesday 9 AM
    cw = store.as_user("cw")
    _returned(store, agency, clock)
    cw.add_note(agency.fss, **visit(agency, clock))
    cw.plan_absence(date(2026, 12, 4), date(2026, 12, 11))  # from Friday: both due Wednesday 5:00 PM
    cutoff = datetime(2026, 12, 2, 22, 0, tzinfo=timezone.utc)
    row = _row(cw, agency.fss)
    assert row.correction_due_at == row.entry_due_at == row.next_deadline_at == cutoff
    assert row.next_deadline_kind == "correction" and not row.overdue
    clock.set(cutoff + timedelta(minutes=1))
    assert _row(cw, agency.fss).overdue


def test_a_stage_with_nothing_due_has_no_next_deadline(store, agency, clock):
    row = _row(store.as_user("cw"), agency.fss)
    assert (row.next_deadline_at, row.next_deadline_kind, row.overdue) == (None, None, False)


def test_a_new_notes_terms_follow_its_contact_type_its_stage_and_an_addendums_own_clock(store, agency, clock,
                                                                                        tmp_path):
    from store import Policy, Store

    path = tmp_path / "policy.toml"
    path.write_text('[clock.entry_by_contact_type]\n"Caseworker/Child Contact" = { amount = 1, unit = "calendar_days" }\n')
    strict = Store(store.url, clock, Policy.load(path))
    desk = strict.as_user("cw")
    assert desk.new_note_terms("FSS") == "record within 72 hours of the event · freezes 21 days after it is entered"
    assert desk.new_note_terms("FSS", "Caseworker/Child Contact").startswith("record within 1 day of the event ·")
    assert desk.new_note_terms("FSS", "School Contact").startswith("record within 72 hours of the event ·")
    assert desk.new_note_terms("FSS", "Caseworker/Child Contact", addendum=True).startswith(
        "record within 72 hours of writing it ·")  # an addendum's clock runs from its own entry
    assert desk.new_note_terms("FSI") == "record within 72 hours of the event · final as soon as it is saved"
    fsi = desk.add_note(agency.fsi, **visit(agency, clock))
    assert fsi.status == "final" and fsi.freezes_at == fsi.entered_at  # what the words promise
    strict.close()
