"""Issue 18's "Done when", walked in the demo agency with the database checked after each step: the
representative approves the new advocate (the demo's requested ncole); the advocate files a letter of
introduction for a child; the child's caseworker approves it; the advocate uploads a school report and
sees only that child's approved notes; the caseworker's header shows the notification and opens the
document; terminating the advocate ends her sign-in.

Each person signs in to an app of their own, as in ``make demo`` (the demo's seed, its clock stopped
at its end), every step by keys."""

import asyncio
from datetime import timedelta

from sqlalchemy import text

from textual.widgets import DataTable

from tests.keyboard import type_text
from tests.test_flows import open_app, press, settle
from tui.dialogs.open_document import OpenDocumentDialog
from tui.screens.advocate_home import AdvocateHomeScreen
from tui.screens.child import ChildScreen
from tui.screens.staff_picker import StaffPickerScreen
from tui.widgets.note_list import NoteList

SIZE = (120, 40)
REPRESENTATIVE, ADVOCATE = "pbanerjee", "ncole"
# Small but real PDFs: the store reads a document's type from its bytes.
LETTER = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Letter of introduction, Family Court\n%%EOF\n"
SCHOOL_REPORT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Report card, fall term\n%%EOF\n"
SCHOOL = "Education portfolio / school records"


def _rows(store, sql: str, **params) -> list:
    with store.read_engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def _walk_child(store) -> int:
    """A child in an open Family Services Stage, with no advocate yet, whose record holds approved notes
    about them and also approved notes of the family they took no part in (which the advocate must not
    see)."""
    return _rows(store, """
        SELECT p.id FROM persons p
        JOIN stage_persons sp ON sp.person_id = p.id AND sp.ended_at IS NULL
        JOIN stages s ON s.id = sp.stage_id AND s.closed_at IS NULL AND s.type = 'FSS' AND s.subtype = 'CWS'
        WHERE p.is_child AND p.id NOT IN (SELECT person_id FROM advocate_appointments)
          AND EXISTS (SELECT 1 FROM note_participants np JOIN notes n ON n.id = np.note_id
                      WHERE np.person_id = p.id AND n.status = 'approved')
          AND EXISTS (SELECT 1 FROM notes n JOIN stages s2 ON s2.id = n.stage_id
                      WHERE s2.case_id = p.case_id AND n.status = 'approved'
                        AND n.id NOT IN (SELECT note_id FROM note_participants WHERE person_id = p.id))
        ORDER BY p.id LIMIT 1""")[0].id


def _approved_notes_of(store, child_id: int) -> set[int]:
    """Approved notes in which the child took part, and an intake's entries (final as they are saved)."""
    return {r.id for r in _rows(store, """
        SELECT n.id FROM notes n JOIN note_participants np ON np.note_id = n.id
        WHERE np.person_id = :c AND n.status IN ('approved', 'final')""", c=child_id)}


def _account(store, login: str) -> str:
    return _rows(store, "SELECT a.status FROM advocate_accounts a JOIN workers w ON w.id = a.worker_id "
                        "WHERE w.login = :l", l=login)[0].status


def _signed_in(store, login, home, steps):
    """Sign ``login`` in to an app of their own, run ``steps(app, pilot)`` and give back its answer."""
    async def run():
        app = open_app(store, login, home)
        app.files_from = home / "files"
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            return await steps(app, pilot)
    return asyncio.run(run())


def _find(table, key: str) -> int:
    """The row of a DataTable whose key is ``key``."""
    return next(i for i, row_key in enumerate(table.rows) if row_key.value == key)


def test_done_when(demo_store, tmp_path):
    store = demo_store
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "report card.pdf").write_bytes(SCHOOL_REPORT)
    (tmp_path / "files" / "letter of introduction.pdf").write_bytes(LETTER)
    child = _walk_child(store)
    assert _account(store, ADVOCATE) == "requested"

    # 1. By keys: the representative's home lists the advocates' accounts, the request first; a approves.
    async def representative_approves(app, pilot):
        table = app.screen.query_one(DataTable)
        first = table.get_row_at(0)[1]
        table.move_cursor(row=_find(table, ADVOCATE))
        await press(pilot, ["a"])
        return type(app.screen).__name__, first

    assert _signed_in(store, REPRESENTATIVE, tmp_path, representative_approves) == ("AdvocatesScreen", ADVOCATE)
    assert _account(store, ADVOCATE) == "approved"

    # 2. By keys: the advocate's home is empty; r asks for access to the child with the court's letter.
    today = store.policy.calendar.local_day(store.clock.now())
    appointed = (today - timedelta(days=3)).strftime("%m/%d/%Y")

    async def advocate_asks(app, pilot):
        empty = (type(app.screen), list(app.screen.advocated))
        await press(pilot, ["r"])
        await type_text(pilot, str(child))
        await press(pilot, ["enter"])
        await type_text(pilot, "Family Court, Kings County")
        await press(pilot, ["enter"])
        await type_text(pilot, "NN-01234-26")
        await press(pilot, ["enter"])
        await type_text(pilot, appointed)
        await press(pilot, ["enter"])
        await type_text(pilot, f"06/30/{today.year + 1}")
        await press(pilot, ["ctrl+o", "l", "e", "t", "enter"])  # the letter, by the start of its name
        await press(pilot, ["ctrl+s"])
        return empty, [(r.status, r.court) for r in app.screen.requests]

    empty, requests = _signed_in(store, ADVOCATE, tmp_path, advocate_asks)
    assert empty == (AdvocateHomeScreen, [])
    assert requests == [("requested", "Family Court, Kings County")]
    request = _rows(store, "SELECT a.id, a.letter_id FROM advocate_appointments a JOIN workers w ON w.id = a.worker_id "
                           "WHERE w.login = :l", l=ADVOCATE)
    assert len(request) == 1 and request[0].letter_id is not None
    told = _rows(store, "SELECT w.login FROM notifications n JOIN workers w ON w.id = n.worker_id "
                        "WHERE n.kind = 'access request' AND n.entity_id = :i", i=request[0].id)
    assert len(told) == 1
    caseworker = told[0].login

    # 3. By keys: the child's caseworker sees it in the header; F2, Enter on it, a note, ctrl+s approves.
    async def caseworker_approves(app, pilot):
        header = app.title
        await press(pilot, ["f2", "enter"])
        dialog = type(app.screen).__name__
        await type_text(pilot, "Letter received from the court")
        await press(pilot, ["ctrl+s"])
        return header, dialog

    header, dialog = _signed_in(store, caseworker, tmp_path, caseworker_approves)
    assert "1 unread" in header and dialog == "DecideRequestDialog"
    assert _rows(store, "SELECT status FROM advocate_appointments WHERE id = :i",
                 i=request[0].id)[0].status == "approved"

    # 4. By keys: the advocate's home lists the child; u uploads the school report (the file picker,
    #    then its kind); Enter opens the child: only that child's approved notes, and the documents.
    async def advocate_uploads(app, pilot):
        names = [c.name for c in app.screen.advocated]
        await press(pilot, ["u", "r", "e", "p", "enter"])  # the file, by the start of its name
        await press(pilot, ["s", "c", "h", "o", "o", "l", "enter"])  # its kind, by a word of it
        await press(pilot, ["enter"])
        view = app.screen
        return names, type(view), set(view.query_one(NoteList).note_ids), [d.file_name for d in view.documents]

    names, screen, listed, documents = _signed_in(store, ADVOCATE, tmp_path, advocate_uploads)
    assert len(names) == 1 and screen is ChildScreen
    kept = _rows(store, "SELECT id, person_id, kind, file_name FROM documents WHERE file_name = 'report card.pdf'")
    assert [(d.person_id, d.kind) for d in kept] == [(child, SCHOOL)]
    assert listed == _approved_notes_of(store, child) and listed
    assert sorted(documents) == ["letter of introduction.pdf", "report card.pdf"]  # the letter is in her record too
    told = _rows(store, "SELECT w.login FROM notifications n JOIN workers w ON w.id = n.worker_id "
                        "WHERE n.kind = 'advocate upload' AND n.entity_id = :d", d=kept[0].id)
    assert [t.login for t in told] == [caseworker]

    # 5. By keys: the caseworker's header shows the notification; F2 the inbox, Enter on it opens the
    #    document; Enter writes a copy into the folder chosen (ctrl+s: the one shown).
    async def caseworker_opens(app, pilot):
        header = app.title
        await press(pilot, ["f2"])
        await press(pilot, ["enter"])
        dialog = type(app.screen)
        await press(pilot, ["enter", "ctrl+s"])
        return header, dialog

    header, dialog = _signed_in(store, caseworker, tmp_path, caseworker_opens)
    assert "1 unread" in header
    assert dialog is OpenDocumentDialog
    assert (tmp_path / "files" / "report card (2).pdf").read_bytes() == SCHOOL_REPORT  # never over a file
    assert _rows(store, "SELECT count(*) AS n FROM audit_log a JOIN workers w ON w.id = a.worker_id "
                        "WHERE a.action = 'read document' AND a.entity_id = :d AND w.login = :l",
                 d=kept[0].id, l=caseworker)[0].n == 1

    # 6. By keys: the representative terminates the advocate (t, the reason); her sign-in is refused at
    #    once: the demo's picker again, saying why.
    async def representative_terminates(app, pilot):
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=_find(table, ADVOCATE))
        await press(pilot, ["t"])
        await type_text(pilot, "Left the programme")
        await press(pilot, ["enter"])

    _signed_in(store, REPRESENTATIVE, tmp_path, representative_terminates)
    assert _account(store, ADVOCATE) == "terminated"

    async def refused(app, pilot):
        return type(app.screen), [str(n.message) for n in app._notifications]

    screen, said = _signed_in(store, ADVOCATE, tmp_path, refused)
    assert screen is StaffPickerScreen and any("terminated" in s for s in said)
