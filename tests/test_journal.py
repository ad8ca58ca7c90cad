"""Every change leaves its revision, audit row and change-log entry, written with the change itself."""

import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import text

from store import InvalidNote, NoteFrozen, NotAuthor, NotFound, StaleEdit
from tests.conftest import counts, visit

JOURNAL = ("note_revisions", "audit_log", "change_log")


def _query(store, sql, **params):
    """Rows as dicts; JSON columns (text on SQLite when read by raw SQL) come back parsed."""
    with store.write_engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(text(sql), params).mappings()]
    for row in rows:
        for column in ("snapshot", "detail"):
            if isinstance(row.get(column), str):
                row[column] = json.loads(row[column])
    return rows


def _revisions(store, note_id):
    return _query(store, "SELECT version, status, saved_by_id, snapshot FROM note_revisions "
                         "WHERE note_id = :i ORDER BY version", i=note_id)


def _audit(store, note_id):
    return _query(store, "SELECT id, action, worker_id, detail FROM audit_log "
                         "WHERE entity = 'note' AND entity_id = :i ORDER BY id", i=note_id)


def _changes(store, note_id=None):
    if note_id is None:
        return _query(store, "SELECT seq, entity, entity_id, op FROM change_log ORDER BY seq")
    return _query(store, "SELECT seq, entity, entity_id, op FROM change_log "
                         "WHERE entity = 'note' AND entity_id = :i ORDER BY seq", i=note_id)


def _worker_id(store, login):
    return _query(store, "SELECT id FROM workers WHERE login = :l", l=login)[0]["id"]


def test_each_step_of_the_review_cycle_writes_one_revision_audit_row_and_change(store, agency, clock):
    cw, supa = store.as_user("cw"), store.as_user("supa")
    steps = []  # (action, who, op, the view after the step)

    def step(action, who, op, call):
        before = counts(store)
        clock.advance(minutes=5)
        view = call()
        view = getattr(view, "note", view)  # return_note hands back a ReturnedNote
        after = counts(store)
        for table in JOURNAL:
            assert after[table] == before[table] + 1, (action, table)
        assert after["notes"] == before["notes"] + (op == "insert")
        steps.append((action, who, op, view))
        return view

    note = step("add", "cw", "insert", lambda: cw.add_note(agency.fss, **visit(agency, clock)))
    step("edit", "cw", "update", lambda: cw.edit_note(note.id, 1, narrative="Jay was seen at home, with Ana."))
    step("submit", "cw", "update", lambda: cw.submit(note.id))
    step("return", "supa", "update", lambda: supa.return_note(note.id, "Say where Mia was."))
    step("edit", "cw", "update", lambda: cw.edit_note(note.id, 4, narrative="Jay was seen at home; Mia was at school."))
    step("resubmit", "cw", "update", lambda: cw.submit(note.id))
    step("approve", "supa", "update", lambda: supa.approve(note.id))

    revisions, audit, changes = _revisions(store, note.id), _audit(store, note.id), _changes(store, note.id)
    assert [r["version"] for r in revisions] == list(range(1, len(steps) + 1))
    assert [v.version for *_, v in steps] == list(range(1, len(steps) + 1))
    assert [r["status"] for r in revisions] == [v.status for *_, v in steps] == [
        "draft", "draft", "submitted", "returned", "returned", "resubmitted", "approved"]
    assert [r["snapshot"]["status"] for r in revisions] == [r["status"] for r in revisions]
    assert [r["snapshot"]["narrative"] for r in revisions] == [v.narrative for *_, v in steps]
    assert [r["saved_by_id"] for r in revisions] == [_worker_id(store, who) for _, who, _, _ in steps]
    actions = [a["action"] for a in audit]
    expected = [action for action, *_ in steps]
    assert actions == expected
    assert [a["worker_id"] for a in audit] == [_worker_id(store, who) for _, who, _, _ in steps]
    assert [a["detail"]["version"] for a in audit] == list(range(1, len(steps) + 1))
    assert [c["op"] for c in changes] == [op for _, _, op, _ in steps]
    assert {c["entity"] for c in changes} == {"note"}
    seqs = [c["seq"] for c in _changes(store)]
    assert seqs == sorted(set(seqs)), "change_log.seq must be strictly increasing"


def test_resubmission_is_audited_as_resubmit(store, agency, clock):
    cw, supa = store.as_user("cw"), store.as_user("supa")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.submit(note.id)
    supa.return_note(note.id, "Say where Mia was.")
    resubmitted = cw.submit(note.id)
    assert resubmitted.status == "resubmitted"
    assert cw.note_history(note.id).review[-1].action == "resubmit"  # the review history says so...
    assert _audit(store, note.id)[-1]["action"] == "resubmit"  # ...and so must the audit record


def test_edit_that_changes_nothing_writes_nothing(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    before = counts(store)
    same = cw.edit_note(note.id, note.version, narrative=note.narrative, participants=[agency.jay, agency.ana],
                        method=note.method)
    assert same.version == note.version
    assert counts(store) == before


def test_edit_of_participants_only_writes_a_new_version(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    before = counts(store)
    edited = cw.edit_note(note.id, note.version, participants=[agency.jay, agency.mia, agency.ana])
    assert edited.version == note.version + 1
    assert [p.id for p in edited.participants] == sorted([agency.jay, agency.mia, agency.ana])
    after = counts(store)
    assert all(after[t] == before[t] + 1 for t in JOURNAL)
    assert _revisions(store, note.id)[-1]["snapshot"]["participants"] == sorted([agency.jay, agency.mia, agency.ana])


def test_discarded_draft_leaves_its_revisions_and_a_full_audit_snapshot(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    note = cw.edit_note(note.id, note.version, narrative="A draft that turns out to be a duplicate.")
    before = counts(store)
    cw.discard_draft(note.id)

    after = counts(store)
    assert after["notes"] == before["notes"] - 1
    assert after["note_participants"] == before["note_participants"] - 2
    assert after["note_revisions"] == before["note_revisions"]
    assert [r["version"] for r in _revisions(store, note.id)] == [1, 2]
    discard = _audit(store, note.id)[-1]
    assert discard["action"] == "discard" and discard["worker_id"] == _worker_id(store, "cw")
    snapshot = discard["detail"]["snapshot"]
    assert snapshot["narrative"] == "A draft that turns out to be a duplicate."
    assert snapshot["participants"] == [agency.jay, agency.ana]
    assert (snapshot["status"], snapshot["author_id"], snapshot["stage_id"]) == ("draft", _worker_id(store, "cw"),
                                                                                  agency.fss)
    assert _changes(store, note.id)[-1]["op"] == "delete"
    with pytest.raises(NotFound, match="audit record"):
        cw.note_history(note.id)


@pytest.mark.parametrize("refusal", ["not author", "invalid add", "invalid edit", "stale", "frozen"])
def test_refused_call_writes_nothing(store, agency, clock, refusal):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    note = cw.edit_note(note.id, note.version, narrative="Second version.")
    before = counts(store)
    if refusal == "not author":
        with pytest.raises(NotAuthor):
            store.as_user("cw2").edit_note(note.id, note.version, narrative="Not mine to change.")
    elif refusal == "invalid add":
        with pytest.raises(InvalidNote):
            cw.add_note(agency.fss, **visit(agency, clock, contact_type="Coffee"))
    elif refusal == "invalid edit":
        with pytest.raises(InvalidNote):  # a valid change and an invalid one: neither is saved
            cw.edit_note(note.id, note.version, narrative="Valid.", method="Carrier pigeon")
    elif refusal == "stale":
        with pytest.raises(StaleEdit):
            cw.edit_note(note.id, 1, narrative="From an old screen.")
    else:
        clock.set(note.freezes_at)
        with pytest.raises(NoteFrozen):
            cw.edit_note(note.id, note.version, narrative="Too late.")
    assert counts(store) == before
    assert cw.note(note.id).narrative == "Second version."


def test_note_history_shows_every_revision_and_review_action(store, agency, clock):
    clerk, cw, supa = store.as_user("clerk"), store.as_user("cw"), store.as_user("supa")
    note = clerk.add_note(agency.fss, author="cw", **visit(agency, clock))
    clock.advance(hours=1)
    note = cw.edit_note(note.id, note.version, narrative="Checked by the author.")
    cw.submit(note.id)
    clock.advance(hours=1)
    returned = supa.return_note(note.id, "Name the school bag's colour.", due=date(2026, 3, 6))
    clock.advance(hours=1)
    cw.edit_note(note.id, returned.note.version, narrative="Checked by the author. The bag is red.")
    cw.submit(note.id)
    supa.approve(note.id)

    history = cw.note_history(note.id)
    assert history.note.status == "approved" and history.note.version == 7
    assert [(r.version, r.saved_by, r.status) for r in history.revisions] == [
        (1, "clerk", "draft"), (2, "cw", "draft"), (3, "cw", "submitted"), (4, "supa", "returned"),
        (5, "cw", "returned"), (6, "cw", "resubmitted"), (7, "supa", "approved")]
    assert history.revisions[0].saved_at == note.entered_at
    assert history.revisions[-1].snapshot["narrative"] == "Checked by the author. The bag is red."
    due = datetime(2026, 3, 7, 4, 59, 59, tzinfo=timezone.utc)  # end of Friday 6 March in New York
    assert returned.due_at == due
    assert [(a.action, a.by, a.comment, a.due_at) for a in history.review] == [
        ("submit", "cw", None, None), ("return", "supa", "Name the school bag's colour.", due),
        ("resubmit", "cw", None, None), ("approve", "supa", None, None)]
