"""Every dialog at 80x24 (issue 14, item 15): its title, question, fields and keys all in view, nothing
cut at the edge. Each is opened over the screen it is asked from, with the demo agency."""

from __future__ import annotations

import pytest

from tests.test_flows import first_caseworker, settle, supervisor_of
from tui.app import CasenotesApp
from tui.dialogs.absence import AbsenceDialog
from tui.dialogs.approve_notes import ApproveNotesDialog
from tui.dialogs.return_note import ReturnDialog
from tui.dialogs.unsaved_note import NoteStanding, closing_dialog, quitting_dialog

SMALL = (80, 24)


def _returnable(store, boss):
    return next(item.note for item in store.as_user(boss).review_queue() if not item.note.frozen)


def dialogs(store):
    """name → (login, a function of the app that opens the dialog over its first screen)."""
    worker = first_caseworker(store)
    boss = supervisor_of(store, worker)
    new = NoteStanding(in_record=False, created_here=True, saved=None, cannot_save=None)
    saved = NoteStanding(in_record=True, created_here=False, saved="at 2:14 PM, version 2",
                         cannot_save="The narrative is empty.")
    return {
        "absence": (worker, lambda app: app.push_screen(AbsenceDialog())),
        "absence_typed": (worker, lambda app: app.push_screen(AbsenceDialog())),
        "recovered_draft": (worker, _recovered),
        "cancel_absence": (_away(store), lambda app: None),  # ctrl+l, c: asked over My deadlines
        "return": (boss, lambda app: app.push_screen(ReturnDialog(*_version(store, boss)))),
        "approve": (boss, lambda app: app.push_screen(ApproveNotesDialog(12, 5))),
        "approve_checking": (boss, lambda app: app.push_screen(ApproveNotesDialog(12, None))),
        "unsaved_new": (worker, lambda app: app.push_screen(closing_dialog(new))),
        "unsaved_saved": (worker, lambda app: app.push_screen(closing_dialog(saved))),
        "quitting": (worker, lambda app: app.push_screen(
            quitting_dialog("Caseworker/Child Contact for the Holbrook family", new, 2))),
    }


class _Kept:
    """What the app keeps on this computer, holding one note typed before casenotes closed."""

    def pending(self):
        return [("stage-1", {"title": "Caseworker/Child Contact for the Holbrook family", "typed_at": "2:41 PM",
                             "stage_id": 1})] * 2


def _recovered(app):
    app.recovery = _Kept()
    app.offer_recovered_drafts()


def _away(store):
    """The demo's worker who booked a vacation."""
    return next(w.login for w in store.staff() if store.as_user(w.login).my_absences())


def _version(store, boss):
    note = _returnable(store, boss)
    return note.id, note.version


def opened(store, home, name):
    login, push = dialogs(store)[name]
    app = CasenotesApp(store, login, home=home, indexing=False)

    async def run_before(pilot):
        await settle(pilot)
        push(app)
        await settle(pilot)
        if name == "cancel_absence":
            for key in ["ctrl+l", "c"]:
                await pilot.press(key)
                await settle(pilot)
        if name == "absence_typed":  # each day read back, and the store's refusal: the tallest it gets
            for key in ["1", "1", "/", "1", "8", "enter", "1", "1", "/", "1", "0", "enter", "x", "ctrl+s"]:
                await pilot.press(key)
            await settle(pilot)
    return app, run_before


@pytest.mark.parametrize("name", ["absence", "absence_typed", "cancel_absence", "recovered_draft", "return", "approve",
                                  "approve_checking", "unsaved_new", "unsaved_saved", "quitting"])
def test_dialog_at_80x24(snap_compare, demo_store, tmp_path, name):
    app, run_before = opened(demo_store, tmp_path, name)
    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


@pytest.mark.parametrize("name", ["absence_typed", "cancel_absence", "return", "unsaved_saved", "quitting", "recovered_draft"])
def test_dialog_box_lies_within_80x24(demo_store, tmp_path, name):
    """The dialog's box, border included, ends inside the terminal (the return dialog was 84 wide)."""
    import asyncio

    from textual.containers import Vertical

    app, run_before = opened(demo_store, tmp_path, name)

    async def run():
        async with app.run_test(size=SMALL) as pilot:
            await run_before(pilot)
            return app.screen.query_one(Vertical).region

    box = asyncio.run(run())
    assert box.x >= 0 and box.y >= 0 and box.right <= SMALL[0] and box.bottom <= SMALL[1]
