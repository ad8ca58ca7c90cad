"""The placeholder app: the demo staff picker and the caseload, by snapshot and by keys."""

import asyncio

from textual.widgets import DataTable, OptionList

from tui.app import CasenotesApp

SIZE = (120, 40)


async def _settled(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _first(store, title):
    return next(w.login for w in store.staff() if w.title == title)


def test_staff_picker_snapshot(snap_compare, demo_store):
    assert snap_compare(CasenotesApp(demo_store), terminal_size=SIZE, run_before=_settled)


def test_caseworker_caseload_snapshot(snap_compare, demo_store):
    app = CasenotesApp(demo_store, _first(demo_store, "Caseworker"))
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled)


def test_supervisor_caseload_snapshot(snap_compare, demo_store):
    app = CasenotesApp(demo_store, _first(demo_store, "Casework Supervisor"))
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled)


def test_picking_a_caseworker_opens_their_caseload(demo_store):
    staff = demo_store.staff()
    index = next(i for i, w in enumerate(staff) if w.title == "Caseworker")
    login = staff[index].login
    desk = demo_store.as_user(login)
    expected = [(r.family_name, r.stage_label) for r in desk.caseload() + desk.unit_caseload()]

    async def run():
        app = CasenotesApp(demo_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settled(pilot)
            assert app.screen.query_one(OptionList).option_count == len(staff)
            for _ in range(index):
                await pilot.press("down")
            await pilot.press("enter")
            await _settled(pilot)
            table = app.screen.query_one(DataTable)
            shown = [(str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1]).removesuffix(" (closed)"))
                     for i in range(table.row_count)]
            return app.login, shown

    signed_in, shown = asyncio.run(run())
    assert signed_in == login
    assert shown == expected and len(shown) > 0


def test_escape_on_the_picker_leaves_the_app(demo_store):
    async def run():
        app = CasenotesApp(demo_store)
        async with app.run_test(size=SIZE) as pilot:
            await _settled(pilot)
            await pilot.press("escape")
            await pilot.pause()
            return app.is_running

    running = asyncio.run(run())
    assert running is False
