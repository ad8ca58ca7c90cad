"""Nothing typed in the note editor is lost: quitting asks, a closed terminal or a kill keeps what
was typed, and closing says what each answer does to the record and does exactly that (the
database and the copy kept on this computer are checked after each)."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text
from textual.widgets import TextArea

from tests.test_flows import AFTERNOON, SIZE, first_caseworker, open_app, settle
from tui.dialogs.confirm import ConfirmDialog
from tui.prefs import RecoveryBox
from tui.screens.caseload import CaseloadScreen
from tui.screens.note_editor import AUTOSAVE_SECONDS, KEEP_SECONDS, NoteEditorScreen

NARRATIVE = "Seen at home with his foster mother"


async def type_text(pilot, typed: str) -> None:
    for char in typed:
        await pilot.press({" ": "space", "-": "minus"}.get(char, char))


async def start_a_note(pilot, narrative: str = NARRATIVE) -> NoteEditorScreen:
    """The issue's path: ctrl+n, -1h, Tab, a contact type, on to the narrative, type; no pause after it."""
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    editor = pilot.app.screen
    await type_text(pilot, "-1h")
    await pilot.press("tab", "1")  # the contact type's defaults may fill the fields after it
    editor.query_one(TextArea).focus()
    await type_text(pilot, narrative)
    await pilot.pause()
    return editor


def notes_with(store, narrative: str) -> list[tuple[int, str, int]]:
    with store.read_engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            text("SELECT id, status, version FROM notes WHERE narrative LIKE :t ORDER BY id"), {"t": narrative + "%"})]


def dialog_text(screen) -> str:
    return " ".join(str(s.render()) for s in screen.query("Static"))


def kept(home: Path, login: str) -> list[dict]:
    return [data for _, data in RecoveryBox(home, login).pending()]


async def offered_back(store, login, home) -> tuple[str, str]:
    """Sign in again: what the first dialog says, and the narrative in the editor it opens."""
    app = open_app(store, login, home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = dialog_text(app.screen)
        await pilot.press("enter")
        await settle(pilot)
        return said, app.screen.query_one(TextArea).text


# -- ctrl+q -------------------------------------------------------------------------------------

def test_ctrl_q_with_unsaved_typing_asks_and_keeps_it_for_the_next_sign_in(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            editor = await start_a_note(pilot)
            assert "Unsaved changes" in str(editor.query_one("#saved").render())
            await pilot.press("ctrl+q")
            await pilot.pause()
            asked, said = type(app.screen), dialog_text(app.screen)
            kept_while_asking = kept(tmp_path, worker)
            await pilot.press("k")
            await pilot.pause()
            return asked, said, kept_while_asking, app.is_running

    asked, said, kept_while_asking, running = asyncio.run(run())
    assert asked is ConfirmDialog and "Quit with unsaved changes?" in said
    assert "s Save it as a draft, then quit" in said and "k Quit and keep it on this computer" in said
    assert [d["form"]["narrative"] for d in kept_while_asking] == [NARRATIVE]  # kept before the answer
    assert not running
    assert notes_with(demo_store, NARRATIVE) == []  # not in the record: kept here, as chosen
    said, narrative = asyncio.run(offered_back(demo_store, worker, tmp_path))
    assert "Recovered draft" in said and narrative == NARRATIVE


def test_ctrl_q_then_s_saves_a_draft_to_the_record_and_quits(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await start_a_note(pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
            await pilot.press("s")
            await settle(pilot)
            return app.is_running

    assert not asyncio.run(run())
    assert [status for _, status, _ in notes_with(demo_store, NARRATIVE)] == ["draft"]
    assert kept(tmp_path, worker) == []  # in the record: nothing left to offer


def test_ctrl_q_then_escape_keeps_editing(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            editor = await start_a_note(pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            return app.is_running, app.screen is editor

    assert asyncio.run(run()) == (True, True)


# -- a closed terminal, a kill ------------------------------------------------------------------

CHILD = """
import asyncio, sys
from datetime import datetime
from pathlib import Path
from store import FrozenClock, Store
from tests.test_editor_keeps_typing import start_a_note
from tui.app import CasenotesApp

db, home, login, at, pause = sys.argv[1:6]
store = Store.open(db, clock=FrozenClock(datetime.fromisoformat(at)))

async def main():
    app = CasenotesApp(store, login, home=Path(home), indexing=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_a_note(pilot)
        await pilot.pause(float(pause))
        print("typed", flush=True)
        while app.is_running:
            await asyncio.sleep(0.05)

asyncio.run(main())
"""


def type_in_a_child_then(signal_number: int, pause: float, store, login, home) -> int:
    """Run the app in another process, type a note there, send it the signal; its exit code."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store.write_engine.url), str(home), login, AFTERNOON.isoformat(),
         str(pause)], cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "typed", child.stderr.read()
        os.kill(child.pid, signal_number)
        return child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()


def test_a_closed_terminal_keeps_what_was_typed_up_to_the_last_key(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    code = type_in_a_child_then(signal.SIGHUP, 0, demo_store, worker, tmp_path)
    assert code == 0  # it closed itself, having kept the typing (the signal did not kill it)
    assert notes_with(demo_store, NARRATIVE) == []
    said, narrative = asyncio.run(offered_back(demo_store, worker, tmp_path))
    assert "Recovered draft" in said and narrative == NARRATIVE


def test_kill_9_after_a_pause_in_typing_loses_nothing_of_a_new_note(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    assert KEEP_SECONDS < 2  # the record's autosave comes at 3 s: the note is not in the record yet
    code = type_in_a_child_then(signal.SIGKILL, KEEP_SECONDS + 0.8, demo_store, worker, tmp_path)
    assert code == -signal.SIGKILL
    assert notes_with(demo_store, NARRATIVE) == []
    said, narrative = asyncio.run(offered_back(demo_store, worker, tmp_path))
    assert "Recovered draft" in said and narrative == NARRATIVE


# -- Esc: each answer does what it says ---------------------------------------------------------

def drafts_of(store, login) -> int:
    with store.read_engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM notes n JOIN workers w ON w.id = n.author_id "
                                 "WHERE w.login = :l AND n.status = 'draft'"), {"l": login}).scalar_one()


def close_with(store, login, home, answer, *, autosave_first: bool):
    async def run():
        app = open_app(store, login, home)
        async with app.run_test(size=SIZE) as pilot:
            editor = await start_a_note(pilot)
            if autosave_first:
                await pilot.pause(3.5)  # the autosave puts the note in the record as a draft
                await settle(pilot)
                await type_text(pilot, " and more")
            await pilot.press("escape")
            await pilot.pause()
            said = dialog_text(app.screen)
            await pilot.press(answer)
            await settle(pilot)
            return said, type(app.screen), editor.note_id
    return asyncio.run(run())


def test_throwing_away_an_autosaved_new_note_deletes_its_draft(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    before = drafts_of(demo_store, worker)
    said, back_on, note_id = close_with(demo_store, worker, tmp_path, "d", autosave_first=True)
    assert note_id is not None  # it had reached the record
    assert "This note was saved as a draft at" in said and "d Throw the note away: the draft is deleted" in said
    assert back_on is CaseloadScreen
    assert drafts_of(demo_store, worker) == before and notes_with(demo_store, NARRATIVE) == []
    assert kept(tmp_path, worker) == []


def test_throwing_away_a_new_note_not_yet_saved_keeps_nothing(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    before = drafts_of(demo_store, worker)
    said, _, _ = close_with(demo_store, worker, tmp_path, "d", autosave_first=False)
    assert "This new note is not in the record yet." in said and "d Throw it away: nothing is kept" in said
    assert drafts_of(demo_store, worker) == before and kept(tmp_path, worker) == []


def test_keep_on_this_computer_closes_and_offers_it_at_the_next_sign_in(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    said, back_on, _ = close_with(demo_store, worker, tmp_path, "k", autosave_first=False)
    assert "k Keep it on this computer and close: offered again when you next sign in" in said
    assert back_on is CaseloadScreen and notes_with(demo_store, NARRATIVE) == []
    assert [d["form"]["narrative"] for d in kept(tmp_path, worker)] == [NARRATIVE]


def test_closing_an_existing_draft_without_the_changes_keeps_its_last_saved_version(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    desk = demo_store.as_user(worker)
    stage_id = desk.caseload()[0].stage_id
    note = desk.add_note(stage_id, event_at=AFTERNOON.replace(hour=14), contact_type="Caseworker/Child Contact",
                         narrative=NARRATIVE)

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_editor(stage_id, note_id=note.id)
            await settle(pilot)
            await type_text(pilot, " changed")
            await pilot.press("escape")
            await pilot.pause()
            said = dialog_text(app.screen)
            await pilot.pause(AUTOSAVE_SECONDS + 0.5)  # no autosave behind the question
            await settle(pilot)
            await pilot.press("d")
            await settle(pilot)
            return said

    said = asyncio.run(run())
    assert "d Close without the changes: the note stays as saved" in said and "version 1" in said
    assert notes_with(demo_store, NARRATIVE) == [(note.id, "draft", 1)]
    assert desk.note(note.id).narrative == NARRATIVE and kept(tmp_path, worker) == []


def test_a_new_note_in_the_record_is_kept_here_under_its_number(demo_store, tmp_path):
    """So that another new note on the same stage does not open with (and save again) this one."""
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            editor = await start_a_note(pilot)
            await pilot.pause(3.5)
            await settle(pilot)
            await type_text(pilot, " and more")
            await pilot.pause(KEEP_SECONDS + 0.5)
            return editor.note_id, sorted(p.name for p in RecoveryBox(tmp_path, worker).folder.glob("*.json"))

    note_id, files = asyncio.run(run())
    assert files == [f"note-{note_id}.json"]


def test_enter_moves_to_the_next_field_but_makes_a_new_line_in_the_narrative(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+n")
            await settle(pilot)
            editor = app.screen
            await type_text(pilot, "-1h")
            await pilot.press("enter")
            after_when = editor.focused.parent.id
            editor.query_one("#participants").focus()
            await pilot.press("enter")
            after_present = editor.focused.id
            await type_text(pilot, "foster mother")
            await pilot.press("enter")
            after_others = editor.focused.id
            await type_text(pilot, "one")
            await pilot.press("enter")
            await type_text(pilot, "two")
            return after_when, after_present, after_others, editor.query_one(TextArea).text

    assert asyncio.run(run()) == ("contact_type", "others", "narrative", "one\ntwo")


def test_the_close_dialog_offers_a_save_only_when_the_note_can_be_saved():
    from tui.dialogs.unsaved_note import NoteStanding, closing_dialog

    emptied = closing_dialog(NoteStanding(in_record=True, created_here=False, saved="at Fri 11/20/2026 2:14 PM, version 2",
                                          cannot_save="The narrative is empty."))
    assert "s" not in emptied.answers and "They cannot be saved as they are: The narrative is empty." in emptied.question
    assert emptied.answers["d"] == "Close without the changes: the note stays as saved at Fri 11/20/2026 2:14 PM, version 2"
    fine = closing_dialog(NoteStanding(in_record=True, created_here=True, saved="at 2:14 PM, version 1", cannot_save=None))
    assert fine.answers["s"] == "Save the changes and close"
    assert fine.answers["d"] == "Throw the note away: the draft is deleted from the record"
