"""A court-appointed advocate's own screens (issue 18, item 5): their home lists the children they may
read and their requests, a child's view lists that child's approved notes and documents; no new-note
key and none of the agency's casework screens are offered, in the footer or the palette (demo agency,
frozen clock)."""

import asyncio
import time

import pytest
from textual.widgets import DataTable, Footer
from textual.widgets._footer import FooterKey

from tests.test_flows import open_app, press, settle
from tui.palette import CasenotesCommands
from tui.screens.advocate_home import AdvocateHomeScreen
from tui.screens.child import ChildScreen
from tui.widgets.note_list import NoteList

SIZE = (120, 40)
CASEWORK = {"New note", "Deadlines", "Review queue", "Timeliness", "Search"}


def _advocate(store) -> str:
    return next(w.login for w in store.staff() if w.title == "CASA Volunteer Advocate")


def _footer_keys(app) -> list[str]:
    return [key.description for key in app.screen.query_one(Footer).query(FooterKey)]


def test_the_advocates_home_and_a_childs_notes(demo_store, tmp_path):
    advocate = _advocate(demo_store)

    async def run():
        app = open_app(demo_store, advocate, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            home = app.screen
            children = [row[0] for row in (home.query_one("#children", DataTable).get_row_at(i)
                                           for i in range(home.query_one("#children", DataTable).row_count))]
            seen = {"home": (type(home), _footer_keys(app), children)}
            palette = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            await press(pilot, ["ctrl+l", "ctrl+n"])  # casework keys do nothing here
            seen["after casework keys"] = type(app.screen)
            await press(pilot, ["enter"])
            child = app.screen
            notes = child.query_one(NoteList)
            listed = [notes._notes[i] for i in notes.note_ids]
            seen["child"] = (type(child), _footer_keys(app), child.child.child_id)
            await press(pilot, ["escape"])
            seen["back"] = type(app.screen)
            return seen, palette, listed

    seen, palette, listed = asyncio.run(run())
    screen, keys, children = seen["home"]
    assert screen is AdvocateHomeScreen and children and "Upload a document" in keys
    assert not CASEWORK & set(keys)
    assert seen["after casework keys"] is AdvocateHomeScreen
    assert not {"My deadlines", "Plan an absence", "New family (intake)", "Visits: children in foster care",
                "Staff administration", "New note in this stage"} & set(palette)
    screen, keys, child_id = seen["child"]
    assert screen is ChildScreen and "Upload a document" in keys and "New note" not in keys
    assert listed and all(any(p.id == child_id for p in note.participants) for note in listed)
    assert all(note.status in ("approved", "final") for note in listed)  # never one still under review
    assert [n.event_at for n in listed] == sorted((n.event_at for n in listed), reverse=True)
    assert seen["back"] is AdvocateHomeScreen


def test_a_childs_long_list_reads_the_notes_of_the_rows_as_they_come(demo_store, tmp_path, monkeypatch):
    """The child's list opens from the ids and the first page; End reaches the oldest note, read then."""
    import tui.screens.child

    monkeypatch.setattr(tui.screens.child, "FIRST_PAGE", 2)
    advocate = demo_store.as_user(_advocate(demo_store))
    child = max(advocate.advocate_children(), key=lambda c: len(advocate.child_note_ids(c.child_id)))
    expected = advocate.child_note_ids(child.child_id)
    assert len(expected) > 2

    async def run():
        app = open_app(demo_store, _advocate(demo_store), tmp_path)
        async with app.run_test(size=(120, 24)) as pilot:
            await settle(pilot)
            app.screen.query_one("#children", DataTable).move_cursor(
                row=[c.child_id for c in app.screen.advocated].index(child.child_id))
            await press(pilot, ["enter"])
            notes = app.screen.query_one(NoteList)
            first = set(notes._notes)
            await press(pilot, ["end"])
            await settle(pilot)
            return notes.note_ids, first, notes.cursor_note

    listed, first, last = asyncio.run(run())
    assert listed == expected and first >= set(expected[:2])
    assert last is not None and last.id == expected[-1]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_advocate_home_snapshot(snap_compare, demo_store, tmp_path, size):
    app = open_app(demo_store, _advocate(demo_store), tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_child_view_snapshot(snap_compare, demo_store, tmp_path, size):
    app = open_app(demo_store, _advocate(demo_store), tmp_path)

    async def open_child(pilot):
        await settle(pilot)
        await press(pilot, ["enter"])
    assert snap_compare(app, terminal_size=size, run_before=open_child)


REPORT_CARD = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Report card, fall term\n%%EOF\n"


def test_the_advocate_uploads_a_school_report_by_keys(demo_store, tmp_path):
    advocate = _advocate(demo_store)
    files = tmp_path / "files"
    files.mkdir()
    (files / "report card.pdf").write_bytes(REPORT_CARD)

    async def run():
        app = open_app(demo_store, advocate, tmp_path)
        app.files_from = files
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            child = app.screen.advocated[0]
            await press(pilot, ["enter", "u", "r", "e", "p", "enter"])  # the file, by the start of its name
            await press(pilot, ["s", "c", "h", "o", "o", "l", "enter"])  # its kind, by a word of it
            view = app.screen
            return child, type(view), [d.file_name for d in view.documents], [str(n.message) for n in app._notifications]

    child, screen, listed, said = asyncio.run(run())
    assert screen is ChildScreen and listed == ["report card.pdf"]
    assert any("report card.pdf is in" in s for s in said)
    kept = demo_store.as_user(advocate).child_documents(child.child_id)
    assert [(d.kind, d.file_name, d.size) for d in kept] == [
        ("Education portfolio / school records", "report card.pdf", len(REPORT_CARD))]


def test_leaving_a_child_while_it_loads_does_not_crash(demo_store, tmp_path, monkeypatch):
    """Esc while the child's notes and documents are still being read, six times over; then left
    alone, the answer arrives (the worker rule: the answer is a message Textual drops for a gone screen)."""
    from tests.test_screens_leave_in_flight import slow_down

    slow_down(monkeypatch, ["child_documents"], lambda: time.sleep(0.05))

    async def run():
        app = open_app(demo_store, _advocate(demo_store), tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for _ in range(6):
                await pilot.press("enter")
                await pilot.pause()
                await pilot.press("escape")
            await settle(pilot)
            left_on = type(app.screen)
            await press(pilot, ["enter"])
            return left_on, str(app.screen.query_one("#notes-title").render())

    left_on, title = asyncio.run(run())
    assert left_on is AdvocateHomeScreen and "loading" not in title
