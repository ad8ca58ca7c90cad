"""Every screen at 120x40 with the demo agency and the clock stopped at its end (snapshots), and
the sign-in by keys."""

import asyncio

import pytest
from textual.widgets import DataTable, OptionList

from tui.app import CasenotesApp
from tui.screens.caseload import CaseloadScreen

SIZE = (120, 40)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def first(store, title):
    return next(w.login for w in store.staff() if w.title == title)


def keys_then_settle(*keys):
    async def run_before(pilot):
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
    return run_before


@pytest.fixture
def app_for(demo_store, tmp_path):
    def make(title=None):
        return CasenotesApp(demo_store, first(demo_store, title) if title else None, home=tmp_path, indexing=False)
    return make


def test_staff_picker_snapshot(snap_compare, app_for):
    assert snap_compare(app_for(), terminal_size=SIZE, run_before=settle)


def test_caseworker_caseload_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SIZE, run_before=settle)


def test_supervisor_unit_caseload_snapshot(snap_compare, app_for):
    app = app_for("Casework Supervisor")

    async def unit_tab(pilot):
        await settle(pilot)
        pilot.app.screen.query_one("TabbedContent").active = "unit"
        await settle(pilot)
    assert snap_compare(app, terminal_size=SIZE, run_before=unit_tab)


def test_case_screen_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SIZE, run_before=keys_then_settle("enter", "down"))


def test_note_editor_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SIZE, run_before=keys_then_settle("ctrl+n"))


def test_note_editor_with_a_validation_error_snapshot(snap_compare, app_for):
    keys = ["ctrl+n", "t", "o", "m", "o", "r", "o", "w", "tab", "1", "ctrl+s"]
    assert snap_compare(app_for("Caseworker"), terminal_size=SIZE, run_before=keys_then_settle(*keys))


def test_note_screen_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SIZE,
                        run_before=keys_then_settle("enter", "down", "enter"))


def test_note_history_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SIZE,
                        run_before=keys_then_settle("enter", "down", "h"))


def test_review_queue_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Casework Supervisor"), terminal_size=SIZE,
                        run_before=keys_then_settle("ctrl+r", "space"))


def test_return_dialog_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Casework Supervisor"), terminal_size=SIZE,
                        run_before=keys_then_settle("ctrl+r", "r", "P", "l", "e", "a", "s", "e"))


def test_unsaved_changes_dialog_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SIZE,
                        run_before=keys_then_settle("ctrl+n", "y", "e", "s", "t", "escape"))


def test_help_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SIZE, run_before=keys_then_settle("f1"))


def test_high_contrast_theme_snapshot(snap_compare, app_for):
    assert snap_compare(app_for("Caseworker"), terminal_size=SIZE, run_before=keys_then_settle("ctrl+t"))


def test_picking_a_caseworker_opens_their_caseload(demo_store, tmp_path):
    staff = demo_store.staff()
    index = next(i for i, w in enumerate(staff) if w.title == "Caseworker")
    login = staff[index].login
    expected = [r.family_name for r in demo_store.as_user(login).caseload()]

    async def run():
        app = CasenotesApp(demo_store, home=tmp_path, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.screen.query_one(OptionList).option_count == len(staff)
            for _ in range(index):
                await pilot.press("down")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, CaseloadScreen)
            table = app.screen.query_one("#mine-table", DataTable)
            return app.login, [str(table.get_row_at(i)[0]) for i in range(table.row_count)]

    signed_in, shown = asyncio.run(run())
    assert signed_in == login
    assert shown == expected and shown


def test_escape_on_the_picker_leaves_the_app(demo_store, tmp_path):
    async def run():
        app = CasenotesApp(demo_store, home=tmp_path, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("escape")
            await pilot.pause()
            return app.is_running

    assert asyncio.run(run()) is False
