"""My deadlines and planning an absence, by keys, with the demo agency and the clock stopped at its
end (Friday 20 November 2026): snapshots, the database after each step, and forgiving day entry."""

import asyncio
from datetime import date

import pytest
from textual.widgets import DataTable, Input, Static

from tests.test_tui import SIZE, keys_then_settle, settle
from tui.app import CasenotesApp
from tui.dialogs.absence import AbsenceDialog, read_day
from tui.screens.caseload import CaseloadScreen
from tui.screens.deadlines import DeadlinesScreen
from tui.screens.note import NoteScreen

FRIDAY = date(2026, 11, 20)  # the demo's last day
TUESDAY = date(2026, 11, 24)  # an absence from here has its cut-off on Friday at 5 PM


def busy_caseworker(store) -> str:
    """The first caseworker with something due from them, one without a planned absence if there is one."""
    busy = [w.login for w in store.staff() if w.title == "Caseworker" and store.as_user(w.login).my_deadlines()]
    return next((login for login in busy if not store.as_user(login).my_absences()), busy[0])


def cancel_all(store, login) -> None:
    """No absences planned (the demo may have planned one), so the next is the one a test plans."""
    desk = store.as_user(login)
    for absence in desk.my_absences():
        desk.cancel_absence(absence.id)


def supervisor(store) -> str:
    return next(w.login for w in store.staff() if w.title == "Casework Supervisor")


def run(store, login, home, keys, inspect=lambda app: None):
    """Open the app as ``login``, press ``keys`` (letting the workers finish after each), then
    return ``inspect(app)``."""
    async def go():
        app = CasenotesApp(store, login, home=home, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            return inspect(app)
    return asyncio.run(go())


def text_of(app, selector) -> str:
    return str(app.screen.query_one(selector, Static).render())


# Snapshots


def test_my_deadlines_snapshot(snap_compare, demo_store, tmp_path):
    app = CasenotesApp(demo_store, busy_caseworker(demo_store), home=tmp_path, indexing=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("ctrl+l"))


def test_my_deadlines_with_a_planned_absence_snapshot(snap_compare, demo_store, tmp_path):
    login = busy_caseworker(demo_store)
    demo_store.as_user(login).plan_absence(TUESDAY, date(2026, 11, 27), "Thanksgiving week")
    app = CasenotesApp(demo_store, login, home=tmp_path, indexing=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("ctrl+l"))


def test_absence_dialog_snapshot(snap_compare, demo_store, tmp_path):
    app = CasenotesApp(demo_store, busy_caseworker(demo_store), home=tmp_path, indexing=False)
    keys = ["ctrl+l", "a", *"dec 21", "enter", *"12/45", "enter", *"Vacation"]
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle(*keys))


# By keys, with the database checked


def test_my_deadlines_lists_what_the_store_says_is_due_from_me_soonest_first(demo_store, tmp_path):
    login = busy_caseworker(demo_store)
    due = demo_store.as_user(login).my_deadlines()

    def shown(app):
        table = app.screen.query_one("#mine-table", DataTable)
        return type(app.screen), [str(table.get_row_at(i)[2]) for i in range(table.row_count)], text_of(app, "#summary")

    screen, families, summary = run(demo_store, login, tmp_path, ["ctrl+l"], shown)
    assert screen is DeadlinesScreen
    assert families == [o.family_name for o in due]
    assert f"{len(due)} waiting on you" in summary
    overdue = sum(o.overdue for o in due)
    assert (f"{overdue} overdue" if overdue else "nothing overdue") in summary


def test_enter_opens_the_note_that_is_due(demo_store, tmp_path):
    login = busy_caseworker(demo_store)
    first = demo_store.as_user(login).my_deadlines()[0]
    screen, note_id = run(demo_store, login, tmp_path, ["ctrl+l", "enter"],
                          lambda app: (type(app.screen), getattr(app.screen, "note_id", None)))
    assert (screen, note_id) == (NoteScreen, first.note_id)


def test_a_supervisor_sees_the_team_tab_with_who_must_act(demo_store, tmp_path):
    login = supervisor(demo_store)
    team = demo_store.as_user(login).team_deadlines()
    assert team, "the demo supervisor's team has something open"

    def shown(app):
        tabs = app.screen.query_one("TabbedContent")
        table = app.screen.query_one("#team-table", DataTable)
        mine = app.screen.query_one("#mine-table", DataTable)
        return (tabs.get_tab("team").display, tabs.active, [str(table.get_row_at(i)[1]) for i in range(table.row_count)],
                text_of(app, "#summary"), [str(c.label) for c in mine.ordered_columns])

    visible, active, who, summary, columns = run(demo_store, login, tmp_path, ["ctrl+l", "t"], shown)
    assert visible and active == "team" and who == [o.who_name for o in team]
    assert "Author" in columns  # the notes to review are other people's
    assert f"your team: {len(team)} open" in summary


def test_a_caseworker_has_no_team_tab(demo_store, tmp_path):
    visible = run(demo_store, busy_caseworker(demo_store), tmp_path, ["ctrl+l"],
                  lambda app: app.screen.query_one("TabbedContent").get_tab("team").display)
    assert visible is False


def test_planning_an_absence_by_keys_records_it_and_shows_the_cut_off(demo_store, tmp_path):
    login = busy_caseworker(demo_store)
    cancel_all(demo_store, login)
    keys = ["ctrl+l", "a", *"dec 21", "enter", *"12/31", "enter", *"Vacation", "ctrl+s"]
    screen, line = run(demo_store, login, tmp_path, keys, lambda app: (type(app.screen), text_of(app, "#absence")))
    [absence] = demo_store.as_user(login).my_absences()
    assert (absence.starts_on, absence.ends_on, absence.reason) == (date(2026, 12, 21), date(2026, 12, 31), "Vacation")
    assert screen is DeadlinesScreen
    assert "Away Mon 12/21 – Thu 12/31 (Vacation)" in line
    cutoff = absence.cutoff_at.astimezone(__import__("zoneinfo").ZoneInfo(demo_store.policy.time_zone))
    assert f"{cutoff:%m/%d} {cutoff:%-I:%M %p}" in line
    assert (f"submit your {len(absence.pending)} pending note" in line) == bool(absence.pending)


def test_keys_typed_ahead_of_the_screen_land_in_their_own_fields(demo_store, tmp_path):
    """A fast typist (or a paste) presses Enter and goes on before the app has caught up."""
    login = busy_caseworker(demo_store)
    cancel_all(demo_store, login)

    async def go():
        app = CasenotesApp(demo_store, login, home=tmp_path, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+l", "a")
            await settle(pilot)
            await pilot.press(*"12/7", "enter", *"12/11", "enter", *"Training", "enter")  # no pauses
            await settle(pilot)

    asyncio.run(go())
    [absence] = demo_store.as_user(login).my_absences()
    assert (absence.starts_on, absence.ends_on, absence.reason) == (date(2026, 12, 7), date(2026, 12, 11), "Training")


def test_a_malformed_day_says_so_keeps_the_typing_and_records_nothing(demo_store, tmp_path):
    login = busy_caseworker(demo_store)
    before = demo_store.as_user(login).my_absences()
    keys = ["ctrl+l", "a", *"12/45", "enter", *"12/31", "ctrl+s"]

    def shown(app):
        return (type(app.screen), app.screen.query_one("#starts", Input).value,
                text_of(app, "#starts-read"), text_of(app, "#problem"))

    screen, typed, read, problem = run(demo_store, login, tmp_path, keys, shown)
    assert screen is AbsenceDialog and typed == "12/45"
    assert "“12/45” is not a date" in read and problem.startswith("First day: “12/45” is not a date")
    assert demo_store.as_user(login).my_absences() == before


def test_the_store_refusal_is_shown_in_the_dialog(demo_store, tmp_path):
    login = busy_caseworker(demo_store)
    before = demo_store.as_user(login).my_absences()
    keys = ["ctrl+l", "a", *"12/31", "enter", *"12/21", "ctrl+s"]
    screen, problem = run(demo_store, login, tmp_path, keys, lambda app: (type(app.screen), text_of(app, "#problem")))
    assert screen is AbsenceDialog
    assert "ends on 12/21/2026, before it starts on 12/31/2026" in problem
    assert demo_store.as_user(login).my_absences() == before


def test_cancelling_an_absence_asks_first_then_removes_the_next_one(demo_store, tmp_path):
    login = busy_caseworker(demo_store)
    desk = demo_store.as_user(login)
    desk.plan_absence(date(2026, 12, 21), date(2026, 12, 31), "Vacation")
    planned = [a.id for a in desk.my_absences()]
    upcoming = desk.next_absence()
    kept = run(demo_store, login, tmp_path, ["ctrl+l", "c", "escape"], lambda app: type(app.screen))
    assert kept is DeadlinesScreen and [a.id for a in desk.my_absences()] == planned
    run(demo_store, login, tmp_path, ["ctrl+l", "c", "y"])
    assert [a.id for a in desk.my_absences()] == [i for i in planned if i != upcoming.id]


def test_on_the_absences_tab_c_cancels_the_highlighted_absence(demo_store, tmp_path):
    login = busy_caseworker(demo_store)
    desk = demo_store.as_user(login)
    desk.plan_absence(date(2026, 12, 21), date(2026, 12, 31), "Vacation")
    desk.plan_absence(date(2027, 1, 18), date(2027, 1, 19), "Training")
    planned = [a.id for a in desk.my_absences()]

    async def go():
        app = CasenotesApp(demo_store, login, home=tmp_path, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+l")
            await settle(pilot)
            app.screen.query_one("TabbedContent").active = "away"
            await settle(pilot)
            table = app.screen.query_one("#away-table", DataTable)
            table.focus()
            table.move_cursor(row=table.row_count - 1)
            await pilot.press("c", "y")
            await settle(pilot)
            return table.row_count

    rows = asyncio.run(go())
    assert [a.id for a in desk.my_absences()] == planned[:-1]
    assert rows == len(planned) - 1


def test_plan_an_absence_from_the_command_palette(demo_store, tmp_path):
    keys = ["ctrl+p", *"Plan an absence", "wait:300", "enter"]
    screen = run(demo_store, busy_caseworker(demo_store), tmp_path, keys, lambda app: type(app.screen))
    assert screen is AbsenceDialog


def test_my_deadlines_from_the_command_palette(demo_store, tmp_path):
    keys = ["ctrl+p", *"My deadlines", "wait:300", "enter"]
    assert run(demo_store, busy_caseworker(demo_store), tmp_path, keys, lambda app: type(app.screen)) is DeadlinesScreen


def test_a_reason_is_shown_as_typed_not_read_as_markup(demo_store, tmp_path):
    login = busy_caseworker(demo_store)
    cancel_all(demo_store, login)
    demo_store.as_user(login).plan_absence(date(2026, 12, 21), date(2026, 12, 31), "[b]court[/b] week")
    line = run(demo_store, login, tmp_path, ["ctrl+l"], lambda app: text_of(app, "#absence"))
    assert "([b]court[/b] week)" in line


def test_escape_goes_back_to_the_caseload(demo_store, tmp_path):
    screen = run(demo_store, busy_caseworker(demo_store), tmp_path, ["ctrl+l", "escape"], lambda app: type(app.screen))
    assert screen is CaseloadScreen


# Reading a day typed ahead


@pytest.mark.parametrize("typed, day", [
    ("12/21", date(2026, 12, 21)), ("dec 21", date(2026, 12, 21)), ("21 Dec", date(2026, 12, 21)),
    ("1/4", date(2027, 1, 4)),  # January has not come yet this year: the coming one
    ("12/21/2027", date(2027, 12, 21)), ("2026-12-24", date(2026, 12, 24)),
    ("mon", date(2026, 11, 23)), ("next Monday", date(2026, 11, 23)), ("fri", date(2026, 11, 27)),
    ("tomorrow", date(2026, 11, 21)), ("+7d", date(2026, 11, 27)), ("+2w", date(2026, 12, 4)),
    ("10 days", date(2026, 11, 30)),
])
def test_read_day_reads_ahead(typed, day):
    assert read_day(typed, FRIDAY) == day


@pytest.mark.parametrize("typed, says", [
    ("", "Type a day"), ("12/45", "is not a date"), ("soon", "is not a date"), ("21", "a month and a day"),
    ("+99999d", "too far ahead"),
])
def test_read_day_says_what_it_could_not_read(typed, says):
    with pytest.raises(ValueError, match=says):
        read_day(typed, FRIDAY)
