"""What the screens ask the store before acting: the review queue, a planned return, which actions
are refused and why, finding a family by a (misspelt) name, and the pick lists' recent values."""

from datetime import timedelta

import pytest

from store import NoAccess
from store.rules.note_checks import ACTIONS
from tests.conftest import end_of_day, visit


def _submitted(store, agency, clock, author="cw", **override):
    desk = store.as_user(author)
    note = desk.add_note(agency.fss, **visit(agency, clock, **override))
    return desk.submit(note.id)


def test_review_queue_holds_my_workers_notes_soonest_due_first(store, agency, clock):
    first = _submitted(store, agency, clock)
    clock.advance(hours=3)
    second = _submitted(store, agency, clock, author="cw2")
    queue = store.as_user("supa").review_queue()
    assert [item.note.id for item in queue] == [first.id, second.id]
    assert queue[0].review_due_at == end_of_day(first.submitted_at, days=5)
    assert not queue[0].overdue and queue[0].family_name == "Rivera" and queue[0].stage_label == "FSS-CWS"
    assert store.as_user("supb").review_queue() == []
    assert store.as_user("director").review_queue() == []  # the director reviews the supervisors' own notes


def test_review_queue_marks_overdue_and_gives_corrected_notes_three_days(store, agency, clock):
    note = _submitted(store, agency, clock)
    store.as_user("supa").return_note(note.id, "Name the school.")
    cw = store.as_user("cw")
    cw.submit(cw.edit_note(note.id, note.version + 1, narrative="Seen at home; school is PS 12.").id)
    item = store.as_user("supa").review_queue()[0]
    assert item.resubmitted and item.review_due_at == end_of_day(clock.now(), days=3)
    clock.set(item.review_due_at)
    assert not store.as_user("supa").review_queue()[0].overdue
    clock.advance(seconds=1)
    assert store.as_user("supa").review_queue()[0].overdue


def test_planned_return_shows_due_and_freeze_warning_without_saving(store, agency, clock):
    note = _submitted(store, agency, clock)
    supa = store.as_user("supa")
    plan = supa.plan_return(note.id)
    assert plan.due_at == end_of_day(clock.now(), days=3) and plan.warning is None
    late = supa.plan_return(note.id, due=note.freezes_at + timedelta(hours=1))
    assert "addendum" in late.warning
    assert store.as_user("cw").note(note.id).status == "submitted"


def test_note_actions_say_what_is_refused_and_why(store, agency, clock):
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    mine = store.as_user("cw").note_actions(note.id)
    assert set(mine) == set(ACTIONS)
    assert mine["edit"] is None and mine["submit"] is None and mine["discard"] is None
    assert "only for a note that is frozen" in mine["addendum"]
    assert "Only" in mine["approve"]
    with pytest.raises(NoAccess):  # someone else's draft is not theirs to know about
        store.as_user("cw2").note_actions(note.id)
    store.as_user("cw").submit(note.id)
    theirs = store.as_user("cw2").note_actions(note.id)
    assert theirs["edit"].startswith("Only the author")
    clock.advance(days=22)
    frozen = store.as_user("cw").note_actions(note.id)
    assert "froze on" in frozen["recall"] and frozen["addendum"] is None
    assert "froze on" in store.as_user("supa").note_actions(note.id)["approve"]


def test_find_cases_by_family_or_person_name_even_misspelt(store, agency, clock):
    cw = store.as_user("cw")
    assert [m.case_id for m in cw.find_cases("river")] == [agency.case]
    assert cw.find_cases("Ana Rivera")[0].matched == "Ana Rivera"
    assert cw.find_cases("Ana Rivero")[0].case_id == agency.case  # one letter off
    assert cw.find_cases("Nguyen") == []  # not a case of mine
    assert [m.case_id for m in store.as_user("clerk").find_cases("nguyen")] == [agency.other_case]


def test_caseload_shows_the_entry_deadline_of_my_oldest_draft(store, agency, clock):
    event = clock.now() - timedelta(hours=5)
    store.as_user("cw").add_note(agency.fss, **visit(agency, clock, event_at=event))
    row = next(r for r in store.as_user("cw").caseload() if r.stage_id == agency.fss)
    assert row.entry_due_at == event + timedelta(hours=72) == row.next_deadline_at


def test_me_names_my_supervisor(store, agency):
    me = store.as_user("cw").me()
    assert (me.login, me.supervisor, me.supervisor_name, me.unit) == ("cw", "supa", "Sam Supervisor", "Unit A")


def test_stage_view_names_the_family_and_checks_access(store, agency):
    import pytest

    from store import NoAccess

    stage = store.as_user("cw").stage(agency.fss)
    assert (stage.family_name, stage.label, [p.name for p in stage.persons]) == (
        "Rivera", "FSS-CWS", ["Jay Rivera", "Mia Rivera", "Ana Rivera"])
    with pytest.raises(NoAccess):
        store.as_user("cwb").stage(agency.fss)


def test_stage_notes_can_give_the_newest_first_page(store, agency, clock):
    cw = store.as_user("cw")
    ids = []
    for minutes in (50, 40, 30, 20):
        ids.append(cw.add_note(agency.fss, **visit(agency, clock, event_at=clock.now() - timedelta(minutes=minutes))).id)
    assert [n.id for n in cw.stage_notes(agency.fss, limit=2)] == ids[:-3:-1]
    assert [n.id for n in cw.stage_notes(agency.fss)] == ids[::-1]


def test_caseload_says_when_the_next_deadline_has_passed(store, agency, clock):
    store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    assert not next(r for r in store.as_user("cw").caseload() if r.stage_id == agency.fss).overdue
    clock.advance(hours=72)
    assert next(r for r in store.as_user("cw").caseload() if r.stage_id == agency.fss).overdue


def test_review_queue_puts_notes_that_froze_unreviewed_last(store, agency, clock):
    old = _submitted(store, agency, clock)
    clock.set(old.freezes_at - timedelta(hours=1))
    fresh = _submitted(store, agency, clock)
    clock.set(old.freezes_at)
    queue = store.as_user("supa").review_queue()
    assert [(item.note.id, item.note.frozen) for item in queue] == [(fresh.id, False), (old.id, True)]
