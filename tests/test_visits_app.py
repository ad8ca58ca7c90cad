"""The Visits screen: the store's visit standings, children not yet seen this month first."""

import asyncio

from textual.widgets import DataTable, Static

from tests.test_tui import SIZE, keys_then_settle, settle
from tui.app import CasenotesApp
from tui.screens.case import CaseScreen


def director(store) -> str:
    return next(w.login for w in store.staff() if "Director" in w.title)


def on_visits(store, login, home, inspect):
    """Open the Visits screen as ``login`` and return what ``inspect(app, pilot)`` returns."""
    async def go():
        app = CasenotesApp(store, login, home=home, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.action_visits()
            await settle(pilot)
            return await inspect(app, pilot)
    return asyncio.run(go())


def test_visits_snapshot(snap_compare, demo_store, tmp_path):
    app = CasenotesApp(demo_store, director(demo_store), home=tmp_path, indexing=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("ctrl+l", "v"))


def test_the_director_sees_every_child_at_risk_first_and_enter_opens_the_case(demo_store, tmp_path):
    login = director(demo_store)
    children = demo_store.as_user(login).team_visit_standards()
    at_risk = {c.child_name for c in children if c.at_risk}

    async def inspect(app, pilot):
        table = app.screen.query_one(DataTable)
        shown = [str(table.get_row_at(i)[1]).strip() for i in range(table.row_count)]
        summary = str(app.screen.query_one("#summary", Static).render())
        first = app.screen.standings[0]
        await pilot.press("enter")
        await settle(pilot)
        return shown, summary, first, app.screen

    shown, summary, first, screen = on_visits(demo_store, login, tmp_path, inspect)
    assert sorted(shown) == sorted(c.child_name for c in children) and at_risk
    assert set(shown[:len(at_risk)]) == at_risk  # not yet visited this month come first
    assert f"{len(at_risk)} not yet visited this month" in summary
    assert isinstance(screen, CaseScreen) and (screen.case_id, screen.stage_id) == (first.case_id, first.stage_id)


def test_a_caseworker_with_no_children_in_care_is_told_so(demo_store, tmp_path):
    login = next(w.login for w in demo_store.staff() if w.title == "Caseworker"
                 and not demo_store.as_user(w.login).visit_standards())

    async def inspect(app, pilot):
        return str(app.screen.query_one("#summary", Static).render()), app.screen.query_one(DataTable).row_count

    assert on_visits(demo_store, login, tmp_path, inspect) == ("No child in foster care is yours to visit.", 0)
