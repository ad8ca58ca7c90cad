"""Smaller things by keyboard: the palette opens a family by name, the theme is remembered per
worker, the caseload filters as you type, Esc with unsaved changes asks, a supervisor approves
several notes at once."""

import asyncio

from textual.widgets import DataTable

from tests.conftest import counts
from tests.test_flows import AFTERNOON, SIZE, first_caseworker, open_app, press, settle, supervisor_of
from tui.screens.case import CaseScreen
from tui.screens.caseload import CaseloadScreen


def run_app(store, login, home, steps):
    """Open the app as ``login``, then await each step(app, pilot); return what the last one returned."""
    async def run():
        app = open_app(store, login, home)
        result = None
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for step in steps:
                result = await step(app, pilot)
        return result
    return asyncio.run(run())


def test_palette_opens_a_family_by_a_misspelt_name(demo_store, tmp_path):
    login = first_caseworker(demo_store)
    row = demo_store.as_user(login).caseload()[-1]
    misspelt = row.family_name[:-1] + ("x" if row.family_name[-1] != "x" else "y")

    async def palette(app, pilot):
        await press(pilot, ["ctrl+p", *misspelt])
        await pilot.pause(0.5)
        await settle(pilot)
        await press(pilot, ["enter"])
        await pilot.pause(0.3)
        await settle(pilot)
        return type(app.screen), getattr(app.screen, "case_id", None)

    screen, case_id = run_app(demo_store, login, tmp_path, [palette])
    assert screen is CaseScreen and case_id == row.case_id


def test_theme_is_remembered_for_the_worker(demo_store, tmp_path):
    login = first_caseworker(demo_store)

    async def switch(app, pilot):
        await press(pilot, ["ctrl+t"])
        return app.theme

    async def theme(app, pilot):
        return app.theme

    chosen = run_app(demo_store, login, tmp_path, [switch])
    assert chosen != "casenotes-dark"
    assert run_app(demo_store, login, tmp_path, [theme]) == chosen
    other = supervisor_of(demo_store, login)
    assert run_app(demo_store, other, tmp_path, [theme]) == "casenotes-dark"


def test_caseload_filters_as_you_type(demo_store, tmp_path):
    login = first_caseworker(demo_store)
    family = demo_store.as_user(login).caseload()[-1].family_name

    async def filtered(app, pilot):
        await press(pilot, list(family.lower()[:4]))
        table = app.screen.query_one("#mine-table", DataTable)
        return {str(table.get_row_at(i)[0]) for i in range(table.row_count)}

    assert run_app(demo_store, login, tmp_path, [filtered]) == {family}


def test_enter_on_a_filter_that_leaves_one_stage_opens_it(demo_store, tmp_path):
    """A newcomer types the family's name and presses Enter: with one stage left, that opens it (it
    only moved to the list before, and the next letter went back into the filter)."""
    login = first_caseworker(demo_store)
    rows = demo_store.as_user(login).caseload()
    only = next(r for r in rows if sum(o.family_name == r.family_name for o in rows) == 1)

    async def filter_and_enter(app, pilot):
        await press(pilot, [*only.family_name.lower(), "enter"])
        return type(app.screen).__name__, getattr(app.screen, "case_id", None)

    assert run_app(demo_store, login, tmp_path, [filter_and_enter]) == ("CaseScreen", only.case_id)


def test_escape_with_unsaved_changes_asks_first(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    login = first_caseworker(demo_store)
    before = counts(demo_store)["notes"]

    async def type_then_escape(app, pilot):
        await press(pilot, ["ctrl+n", "1", "p", "m"])
        await press(pilot, ["escape"])
        asked = type(app.screen).__name__
        await press(pilot, ["escape"])  # keep editing
        still_editing = type(app.screen).__name__
        await press(pilot, ["escape", "d"])  # close without saving
        return asked, still_editing, type(app.screen)

    asked, still_editing, back_on = run_app(demo_store, login, tmp_path, [type_then_escape])
    assert (asked, still_editing, back_on) == ("ConfirmDialog", "NoteEditorScreen", CaseloadScreen)
    assert counts(demo_store)["notes"] == before  # nothing saved


def test_supervisor_approves_several_notes_at_once(demo_store, tmp_path):
    login = first_caseworker(demo_store)
    boss = supervisor_of(demo_store, login)
    queue = demo_store.as_user(boss).review_queue()
    rows = [row for row, item in enumerate(queue) if not item.note.frozen][:3]  # a frozen note takes no approval
    chosen = [queue[row].note.id for row in rows]
    keys, at = ["ctrl+r"], 0
    for row in rows:
        keys += ["down"] * (row - at) + ["space"]  # space marks the row and moves down
        at = row + 1

    async def approve_three(app, pilot):
        await press(pilot, [*keys, "y"])
        await press(pilot, ["enter"])  # the count confirmed
        return None

    run_app(demo_store, boss, tmp_path, [approve_three])
    desk = demo_store.as_user(boss)
    assert [desk.note(note_id).status for note_id in chosen] == ["approved"] * 3
    assert len(desk.review_queue()) == len(queue) - 3


def test_clerk_enters_a_note_for_a_named_author(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    clerk = next(w for w in demo_store.staff() if "ENT PROG NOTE" in w.functions)
    worker = next(w for w in demo_store.staff() if w.title == "Caseworker" and w.supervisor == clerk.supervisor)
    row = demo_store.as_user(worker.login).caseload()[0]
    stage = demo_store.as_user(worker.login).stage(row.stage_id)
    author_row = [r.worker_login for r in stage.roles].index(worker.login) + 1

    async def enter(app, pilot):
        app.open_case(row.case_id, row.stage_id)
        await settle(pilot)
        await press(pilot, ["ctrl+n"])
        app.screen.query_one("#author Input").focus()
        await press(pilot, [str(author_row), "2", "p", "m", "tab", "1"])
        app.screen.query_one("#narrative").focus()
        await press(pilot, ["Dictated by the worker from the car.", "ctrl+s"])

    run_app(demo_store, clerk.login, tmp_path, [enter])
    note = demo_store.as_user(worker.login).stage_notes(row.stage_id)[0]
    assert (note.author, note.entered_by, note.narrative) == (worker.login, clerk.login,
                                                             "Dictated by the worker from the car.")
