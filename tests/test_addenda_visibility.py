"""A note lists only the addenda its reader may read: someone else's draft addendum stays private
(the same rule as notes), so its existence does not show as "Addenda: note N" or "+1 add."."""

import pytest

from tests.conftest import visit


@pytest.fixture
def approved(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.submit(note.id)
    return store.as_user("supa").approve(note.id)


def _listed_addenda(store, login, stage_id, note_id):
    listed = {n.id: n for n in store.as_user(login).stage_notes(stage_id)}
    return listed[note_id].addenda


def test_a_draft_addendum_is_listed_only_for_its_author(store, agency, approved):
    draft = store.as_user("vaplanner").add_addendum(approved.id, narrative="The visit lasted an hour.")
    assert draft.status == "draft"
    # Its author sees it, in the list and on the note...
    assert _listed_addenda(store, "vaplanner", agency.fss, approved.id) == (draft.id,)
    assert store.as_user("vaplanner").note(approved.id).addenda == (draft.id,)
    # ...nobody else does: not the original's author, not the supervisor, not another worker.
    for login in ("cw", "supa", "cw2", "director"):
        assert _listed_addenda(store, login, agency.fss, approved.id) == (), login
        assert store.as_user(login).note(approved.id).addenda == (), login
        assert store.as_user(login).note_history(approved.id).note.addenda == (), login


def test_a_submitted_addendum_is_listed_for_every_reader(store, agency, approved):
    planner = store.as_user("vaplanner")
    draft = planner.add_addendum(approved.id, narrative="The visit lasted an hour.")
    planner.submit(draft.id)
    for login in ("vaplanner", "cw", "supa", "cw2"):
        assert _listed_addenda(store, login, agency.fss, approved.id) == (draft.id,), login
        assert store.as_user(login).note(approved.id).addenda == (draft.id,), login


def test_own_and_others_addenda_are_told_apart(store, agency, approved):
    mine = store.as_user("cw").add_addendum(approved.id, narrative="Jay's teacher called afterwards.")
    theirs = store.as_user("vaplanner").add_addendum(approved.id, narrative="The visit lasted an hour.")
    assert store.as_user("cw").note(approved.id).addenda == (mine.id,)
    assert store.as_user("vaplanner").note(approved.id).addenda == (theirs.id,)
    store.as_user("cw").submit(mine.id)
    assert store.as_user("vaplanner").note(approved.id).addenda == (mine.id, theirs.id)
    assert _listed_addenda(store, "supa", agency.fss, approved.id) == (mine.id,)
