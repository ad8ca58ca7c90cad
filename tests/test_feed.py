"""The change feed search/ follows, and the access filter it applies to results."""

from tests.conftest import visit


def test_feed_lists_changes_in_order_and_documents_notes(store, agency, clock):
    feed = store.feed()
    start = feed.last_seq()
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.edit_note(note.id, note.version, narrative="Grandmother mentioned the school nurse.")
    changes = feed.changes_since(start)
    assert [(c.entity, c.entity_id, c.op) for c in changes] == [("note", note.id, "insert"), ("note", note.id, "update")]
    assert [c.seq for c in changes] == sorted(c.seq for c in changes) and feed.last_seq() == changes[-1].seq
    doc = feed.note_documents([note.id, 999_999])[0]
    assert (doc.family_name, doc.stage_label, doc.author_name, doc.narrative) == (
        "Rivera", "FSS-CWS", "Cara Worker", "Grandmother mentioned the school nurse.")
    assert doc.participants == ("Jay Rivera", "Ana Rivera") and doc.others == ("foster parent",)


def test_feed_reports_a_discarded_draft_as_deleted_and_gone(store, agency, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    seq = store.feed().last_seq()
    cw.discard_draft(note.id)
    assert [(c.entity_id, c.op) for c in store.feed().changes_since(seq)] == [(note.id, "delete")]
    assert store.feed().note_documents([note.id]) == []


def test_feed_finds_the_notes_a_person_change_touches(store, agency, clock):
    note = store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    other = store.as_user("cw").add_note(agency.fss, **visit(agency, clock, participants=[agency.mia]))
    from store.feed import ChangeView
    assert store.feed().note_ids_touching(ChangeView(0, "person", agency.ana, "update")) == [note.id]
    assert set(store.feed().note_ids_touching(ChangeView(0, "case", agency.case, "update"))) == {note.id, other.id}
    assert store.feed().note_ids(after_id=note.id) == [other.id]


def test_search_access_filter_uses_the_reading_rules(store, agency, clock):
    cw = store.as_user("cw")
    draft = cw.add_note(agency.fss, **visit(agency, clock))
    sent = cw.submit(cw.add_note(agency.fss, **visit(agency, clock)).id)
    theirs = store.as_user("cwb").add_note(agency.other_fss, event_at=clock.now(), contact_type="School Contact",
                                           narrative="Other family.")
    ids = [draft.id, sent.id, theirs.id]
    assert cw.visible_note_ids(ids) == {draft.id, sent.id}
    assert store.as_user("cw2").visible_note_ids(ids) == {sent.id}  # others' drafts stay private
    assert store.as_user("supb").visible_note_ids(ids) == set()  # cwb's draft is private too
    assert store.as_user("director").readable_case_ids() == {agency.case, agency.other_case}
    assert store.as_user("cwb").readable_case_ids() == {agency.other_case}
