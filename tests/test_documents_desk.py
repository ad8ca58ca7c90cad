"""A child's documents through the desk (issue 18, item 3 and 6), on both backends: who may upload,
read, copy and withdraw; the advocate's upload in the responsible worker's inbox, once; every read
audited and shown in the case's access log; raw SQL can neither change nor delete a document."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from store.core.errors import InvalidDocument, NoAccess, NotFound
from tests import document_samples as samples
from tests.conftest import visit

SCHOOL = "Education portfolio / school records"


@pytest.fixture
def advocate(store, agency):
    """casa, appointed for Jay."""
    store.staffing().appoint_advocate("casa", agency.jay)
    return store.as_user("casa")


def _sql(store, sql, **params):
    with store.write_engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def _notifications(store):
    return _sql(store, "SELECT w.login, n.kind, n.key, n.entity, n.entity_id, n.case_id, n.sentence "
                       "FROM notifications n JOIN workers w ON w.id = n.worker_id ORDER BY n.id")


def test_a_caseworker_uploads_a_document_for_a_child(store, agency):
    view = store.as_user("cw").upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
    assert (view.child_id, view.child_name, view.kind, view.file_name, view.content_type, view.size, view.sha256,
            view.uploaded_by, view.uploaded_by_name, view.withdrawn) == (
        agency.jay, "Jay Rivera", SCHOOL, "report.pdf", "application/pdf", len(samples.pdf()),
        hashlib.sha256(samples.pdf()).hexdigest(), "cw", "Cara Worker", False)
    assert view.uploaded_at == store.now() and view.uploaded_at.tzinfo is not None
    assert _sql(store, "SELECT action, entity_id, case_id FROM audit_log WHERE action = 'upload document'") == [
        ("upload document", view.id, agency.case)]
    assert _notifications(store) == []  # a caseworker's own upload tells nobody


def test_an_advocates_upload_notifies_the_childs_responsible_worker_once(store, agency, advocate):
    view = advocate.upload_document(agency.jay, SCHOOL, "school report.txt", samples.text())
    # cw is Case Manager of the FSI, the newest open stage Jay is in: the worker the visit standards hold responsible
    [(login, kind, key, entity, entity_id, case_id, sentence)] = _notifications(store)
    assert (login, kind, key, entity, entity_id, case_id) == (
        "cw", "advocate upload", f"upload:document:{view.id}", "document", view.id, agency.case)
    assert "Cass Advocate (advocate) uploaded" in sentence and "Jay Rivera" in sentence
    advocate.upload_document(agency.jay, SCHOOL, "school report.txt", samples.text())
    assert len(_notifications(store)) == 2  # a second upload is a second thing to look at


@pytest.mark.parametrize("login, child, refusal", [
    ("clerk", "jay", "A clerk who enters notes for others"),
    ("cwb", "jay", "You have no role in this family's case"),
    ("casa", "jay", "You have no role in this family's case"),  # not appointed
])
def test_who_may_not_upload(store, agency, login, child, refusal):
    with pytest.raises(NoAccess, match=refusal):
        store.as_user(login).upload_document(getattr(agency, child), SCHOOL, "report.pdf", samples.pdf())
    assert _sql(store, "SELECT count(*) FROM documents") == [(0,)]


def test_an_advocate_uploads_only_for_their_own_child(store, agency, advocate):
    with pytest.raises(NoAccess, match="appointed for another child"):
        advocate.upload_document(agency.mia, SCHOOL, "report.pdf", samples.pdf())
    assert _sql(store, "SELECT count(*) FROM documents") == [(0,)]


def test_supervisors_and_role_holders_may_upload(store, agency):
    for login in ["supa", "director", "vaplanner", "cpsw"]:
        assert store.as_user(login).upload_document(agency.mia, "Legal document", "order.pdf", samples.pdf()).id


@pytest.mark.parametrize("arguments, error, said", [
    (("jay", SCHOOL, "report.pdf", "text, not bytes"), InvalidDocument, "content is bytes"),
    (("jay", "Tax return", "report.pdf", samples.pdf()), InvalidDocument, "not a kind of document"),
    (("jay", SCHOOL, "report.pdf", samples.text()), InvalidDocument, "named as a PDF, but it is plain text"),
    (("jay", SCHOOL, "report.pdf", b""), InvalidDocument, "is empty"),
    (("ana", SCHOOL, "report.pdf", samples.pdf()), NotFound, "There is no child number"),
    ((10_000, SCHOOL, "report.pdf", samples.pdf()), NotFound, "There is no child number"),
    (("1", SCHOOL, "report.pdf", samples.pdf()), InvalidDocument, "found by its number"),
])
def test_bad_uploads_write_nothing(store, agency, arguments, error, said):
    child, *rest = arguments
    child = getattr(agency, child) if isinstance(child, str) and child.isalpha() else child
    with pytest.raises(error, match=said):
        store.as_user("cw").upload_document(child, *rest)
    assert _sql(store, "SELECT count(*) FROM documents") == [(0,)]
    assert _sql(store, "SELECT count(*) FROM audit_log WHERE action = 'upload document'") == [(0,)]


def test_who_reads_a_childs_documents(store, agency, advocate):
    jays = store.as_user("cw").upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
    mias = store.as_user("cw").upload_document(agency.mia, "Birth certificate", "birth.png", samples.png())
    assert [d.id for d in store.as_user("cw").case_documents(agency.case)] == [mias.id, jays.id]
    assert [d.id for d in store.as_user("supa").child_documents(agency.mia)] == [mias.id]
    assert [d.id for d in advocate.case_documents(agency.case)] == [jays.id]
    assert [d.id for d in advocate.child_documents(agency.jay)] == [jays.id]
    with pytest.raises(NoAccess):
        advocate.child_documents(agency.mia)
    with pytest.raises(NoAccess):
        advocate.document_content(mias.id)
    for login in ["cwb", "clerk"]:
        with pytest.raises(NoAccess):
            store.as_user(login).child_documents(agency.jay)
        with pytest.raises(NoAccess):
            store.as_user(login).document_content(jays.id)


def test_every_read_of_a_document_is_audited_with_its_case(store, agency, advocate):
    jays = store.as_user("cw").upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
    assert advocate.document_content(jays.id) == ("report.pdf", samples.pdf())
    assert store.as_user("cw").document_content(jays.id) == ("report.pdf", samples.pdf())
    assert _sql(store, "SELECT w.login, a.entity, a.entity_id, a.case_id FROM audit_log a JOIN workers w "
                       "ON w.id = a.worker_id WHERE a.action = 'read document' ORDER BY a.id") == [
        ("casa", "document", jays.id, agency.case), ("cw", "document", jays.id, agency.case)]


def test_a_copy_never_overwrites_a_file(store, agency, tmp_path):
    jays = store.as_user("cw").upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
    desk = store.as_user("cw")
    first, second = desk.save_document_copy(jays.id, tmp_path), desk.save_document_copy(jays.id, str(tmp_path))
    assert (first.name, second.name) == ("report.pdf", "report (2).pdf")
    assert first.read_bytes() == second.read_bytes() == samples.pdf()
    with pytest.raises(InvalidDocument, match="There is no folder"):
        desk.save_document_copy(jays.id, tmp_path / "missing")
    assert len(_sql(store, "SELECT id FROM audit_log WHERE action = 'read document'")) == 2


def test_withdrawing_a_document(store, agency, advocate):
    own = advocate.upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
    theirs = store.as_user("cw").upload_document(agency.jay, SCHOOL, "other.pdf", samples.pdf())
    with pytest.raises(NoAccess, match="Only the person who uploaded a document"):
        advocate.withdraw_document(theirs.id, "Wrong child")
    with pytest.raises(NoAccess, match="Only the person who uploaded a document"):
        store.as_user("supa").withdraw_document(own.id, "Wrong child")
    with pytest.raises(InvalidDocument, match="empty"):
        advocate.withdraw_document(own.id, "   ")
    withdrawn = advocate.withdraw_document(own.id, "Uploaded the wrong term's report.")
    assert (withdrawn.withdrawn, withdrawn.withdrawn_by_name, withdrawn.withdrawal_reason) == (
        True, "Cass Advocate", "Uploaded the wrong term's report.")
    with pytest.raises(InvalidDocument, match="withdrawn already"):
        store.as_user("cw").withdraw_document(own.id, "again")
    store.as_user("cw2").withdraw_document(theirs.id, "A duplicate.")  # a role holder in Jay's case
    with pytest.raises(NoAccess, match="no longer shown to advocates"):
        advocate.document_content(theirs.id)
    assert advocate.document_content(own.id)[0] == "report.pdf"  # one's own, still
    assert [d.withdrawn for d in store.as_user("cw").child_documents(agency.jay)] == [True, True]
    assert _sql(store, "SELECT count(*) FROM audit_log WHERE action = 'withdraw document'") == [(2,)]


def test_the_access_log_shows_who_read_which_childs_notes_and_documents(store, agency, advocate, clock):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.submit(note.id)
    store.as_user("supa").approve(note.id)  # an advocate reads approved notes only
    jays = cw.upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
    advocate.note(note.id)
    advocate.document_content(jays.id)
    store.as_user("supa").stage_notes(agency.fss)
    log = cw.access_log(agency.case)
    seen = [(entry.login, entry.reach, entry.what) for entry in log]
    assert ("casa", "advocate", "Jay Rivera's document report.pdf (Education portfolio / school records)") in seen
    assert any(login == "casa" and reach == "advocate" and what.startswith("a note of ") and "(Jay Rivera's)" in what
               for login, reach, what in seen)
    assert ("supa", "supervision", "the notes of FSS-CWS") in seen
    assert all(entry.at.tzinfo is not None for entry in log)
    assert [e.at for e in log] == sorted((e.at for e in log), reverse=True)
    assert store.as_user("supa").access_log(agency.case)
    for login in ["casa", "clerk", "cwb"]:
        with pytest.raises(NoAccess):
            store.as_user(login).access_log(agency.case)


# -- raw SQL: a document is never changed or deleted ----------------------------------------------

def _raw(store, sql, **params):
    with store.write_engine.begin() as conn:
        return conn.execute(text(sql), params).rowcount


@pytest.mark.parametrize("sql", [
    "UPDATE documents SET content = :bytes, sha256 = :sha, size = 3 WHERE id = :id",
    "UPDATE documents SET file_name = 'other.pdf' WHERE id = :id",
    "UPDATE documents SET kind = 'Legal document' WHERE id = :id",
    "UPDATE documents SET withdrawn_at = uploaded_at, withdrawn_by_id = uploaded_by_id WHERE id = :id",
    "DELETE FROM documents WHERE id = :id",
])
def test_raw_sql_cannot_change_or_delete_a_document(store, agency, sql):
    view = store.as_user("cw").upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
    with pytest.raises(DBAPIError, match=r"casenotes\[InvalidRequest\]"):
        _raw(store, sql, id=view.id, bytes=b"abc", sha=hashlib.sha256(b"abc").hexdigest())
    assert _sql(store, "SELECT file_name, sha256, withdrawn_at FROM documents") == [
        ("report.pdf", view.sha256, None)]


@pytest.mark.postgres
def test_raw_sql_cannot_insert_a_document_with_a_false_sha256(store, agency, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("the SHA-256 is computed in the database on PostgreSQL")
    with pytest.raises(DBAPIError, match="SHA-256 is that of its content"):
        _raw(store, "INSERT INTO documents (case_id, person_id, kind, file_name, content, sha256, size, content_type, "
                    "uploaded_at, uploaded_by_id) SELECT :case, :child, 'Legal document', 'x.pdf', :bytes, :sha, 8, "
                    "'application/pdf', now(), id FROM workers WHERE login = 'cw'",
             case=agency.case, child=agency.jay, bytes=b"%PDF-abc", sha="0" * 64)
    assert _sql(store, "SELECT count(*) FROM documents") == [(0,)]


def test_raw_sql_withdraws_a_document_once_with_a_reason(store, agency):
    view = store.as_user("cw").upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
    assert _raw(store, "UPDATE documents SET withdrawn_at = uploaded_at, withdrawn_by_id = uploaded_by_id, "
                       "withdrawal_reason = 'A duplicate.' WHERE id = :id", id=view.id) == 1
    for change in ["withdrawal_reason = 'Another reason.'", "withdrawn_at = NULL", "withdrawn_by_id = NULL"]:
        with pytest.raises(DBAPIError, match=r"casenotes\[InvalidRequest\]"):
            _raw(store, f"UPDATE documents SET {change} WHERE id = :id", id=view.id)
    assert _sql(store, "SELECT withdrawal_reason FROM documents") == [("A duplicate.",)]


# -- signed in as one's own database user (the agency server) ----------------------------------------

@pytest.mark.postgres
def test_documents_as_ones_own_database_user(store, agency, clock, role_url, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("database users exist on PostgreSQL only")
    from store import Store

    store.staffing().appoint_advocate("casa", agency.jay)
    opened = [Store.open(role_url(login), clock=clock) for login in ("cw", "casa")]
    try:
        cw, casa = (each.signed_in() for each in opened)
        mine = cw.upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
        theirs = casa.upload_document(agency.jay, SCHOOL, "school report.txt", samples.text())
        assert (mine.uploaded_by, theirs.uploaded_by) == ("cw", "casa")
        assert casa.document_content(mine.id) == ("report.pdf", samples.pdf())
        assert [d.id for d in casa.child_documents(agency.jay)] == [theirs.id, mine.id]
        with pytest.raises((NoAccess, NotFound)):  # row security hides Mia from her brother's advocate
            casa.child_documents(agency.mia)
        assert cw.withdraw_document(theirs.id, "A duplicate.").withdrawn
    finally:
        for each in opened:
            each.close()
    assert [row[:3] for row in _notifications(store)] == [("cw", "advocate upload", f"upload:document:{theirs.id}")]


@pytest.mark.postgres
def test_the_access_log_as_ones_own_database_user(store, agency, clock, role_url, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("database users exist on PostgreSQL only")
    from store import Store

    store.staffing().appoint_advocate("casa", agency.jay)
    mine = store.as_user("cw").upload_document(agency.jay, SCHOOL, "report.pdf", samples.pdf())
    store.as_user("casa").document_content(mine.id)
    cw = Store.open(role_url("cw"), clock=clock)
    try:
        assert any(e.login == "casa" and e.entity == "document" for e in cw.signed_in().access_log(agency.case))
    finally:
        cw.close()


RAW_DOCUMENT = ("INSERT INTO documents (case_id, person_id, kind, file_name, content, sha256, size, content_type, "
                "uploaded_at, uploaded_by_id) SELECT :case, :child, :kind, :name, :bytes, :sha, :size, :type, :at, id "
                "FROM workers WHERE login = 'cw'")


def _raw_document(store, agency, name, content, kind="Legal document", content_type="text/plain"):
    return _raw(store, RAW_DOCUMENT, case=agency.case, child=agency.jay, kind=kind, name=name, bytes=content,
                sha=hashlib.sha256(content).hexdigest(), size=len(content), type=content_type,
                at=store.clock.now())


@pytest.mark.parametrize("name, content", [
    ("open-me.sh", b"#!/bin/sh\necho hello\n"),
    ("report.pdf", b"Plain words under a PDF's name.\n"),
    ("photo.JPG", b"Plain words under a photo's name.\n"),
])
def test_raw_sql_cannot_keep_a_document_under_a_name_of_another_type(store, agency, name, content):
    """Migration 0017: a name's extension is of the document's type, as at an upload (a text file named
    .sh would be run, one named .pdf misread, where a copy is opened)."""
    with pytest.raises(DBAPIError, match=r"casenotes\[InvalidDocument\].*extension is of its type"):
        _raw_document(store, agency, name, content)
    assert _sql(store, "SELECT count(*) FROM documents") == [(0,)]


@pytest.mark.parametrize("kind, size", [("Recipe", 10), ("Legal document", 26214400 + 1)], ids=["kind", "size"])
def test_raw_sql_keeps_documents_to_the_policys_kinds_and_size(store, agency, kind, size):
    content = b"%PDF-" + b"x" * (size - 5)
    with pytest.raises(DBAPIError, match=r"casenotes\[InvalidDocument\].*agency's kinds"):
        _raw_document(store, agency, "big.pdf", content, kind=kind, content_type="application/pdf")
    _raw_document(store, agency, "Report v1.2", b"%PDF-" + b"x" * 5, content_type="application/pdf")  # no extension
    _raw_document(store, agency, "notes.TXT", b"Words.\n")
    assert _sql(store, "SELECT count(*) FROM documents") == [(2,)]


def test_a_document_written_before_the_database_checked_names_is_checked_again_before_a_copy_is_written(
        store, agency, tmp_path):
    """A name a viewer would run can be in a record kept before migration 0017 (its trigger dropped here
    to put one there): the copy a caseworker opens is checked from its bytes and name as an upload is."""
    with store.write_engine.begin() as conn:
        conn.execute(text("DROP TRIGGER documents_within_policy"
                          + (" ON documents" if conn.dialect.name == "postgresql" else "")))
    _raw_document(store, agency, "open-me.sh", b"#!/bin/sh\necho hello\n")
    _raw_document(store, agency, "report.desktop", b"[Desktop Entry]\nExec=sh\n")  # no type's ending: kept as .txt
    (shell,), (desktop,) = _sql(store, "SELECT id FROM documents ORDER BY id")
    copies = tmp_path / "copies"
    copies.mkdir()
    assert store.as_user("cw").save_document_copy(desktop, copies).name == "report.desktop.txt"
    with pytest.raises(InvalidDocument, match=r"ends in \.sh"):
        store.as_user("cw").save_document_copy(shell, copies)
    assert [p.name for p in copies.iterdir()] == ["report.desktop.txt"]


