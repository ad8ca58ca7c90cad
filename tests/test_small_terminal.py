"""Deadlines, visits, Timeliness, search, a note, its history and help at 80x24 (issue 14, item 15):
no essential column cut, the footer's ^q and F1 in view, no pane shrunk to nothing. Snapshots with the
demo agency and the clock stopped at its end; the 120x40 ones stay beside each screen's other tests."""

import pytest
from textual.widgets import DataTable

from tests.test_deadlines_app import busy_caseworker
from tests.test_search_app import answered
from tests.test_flows import first_caseworker, open_app, press
from tests.test_timeliness_app import DIRECTOR, SUPERVISOR, login_of
from tests.test_tui import keys_then_settle, settle
from tui.app import CasenotesApp

SMALL = (80, 24)


def app_as(store, home, login):
    return CasenotesApp(store, login, home=home, indexing=False)


def test_my_deadlines_at_80x24(snap_compare, demo_store, tmp_path):
    app = app_as(demo_store, tmp_path, busy_caseworker(demo_store))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("ctrl+l"))


def test_my_absences_at_80x24(snap_compare, demo_store, tmp_path):
    from datetime import date

    from tests.test_deadlines_app import cancel_all

    login = busy_caseworker(demo_store)
    cancel_all(demo_store, login)
    demo_store.as_user(login).plan_absence(date(2026, 11, 24), date(2026, 11, 27), "Thanksgiving week upstate")
    app = app_as(demo_store, tmp_path, login)
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("ctrl+l", "t", "t"))  # after Plans due


def test_team_deadlines_at_80x24(snap_compare, demo_store, tmp_path):
    app = app_as(demo_store, tmp_path, login_of(demo_store, SUPERVISOR))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("ctrl+l", "t"))


def test_visits_at_80x24(snap_compare, demo_store, tmp_path):
    app = app_as(demo_store, tmp_path, login_of(demo_store, SUPERVISOR))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("ctrl+l", "v"))


def test_timeliness_for_a_supervisor_at_80x24(snap_compare, demo_store, tmp_path):
    app = app_as(demo_store, tmp_path, login_of(demo_store, SUPERVISOR))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("ctrl+g"))


def test_timeliness_for_the_director_at_80x24(snap_compare, demo_store, tmp_path):
    app = app_as(demo_store, tmp_path, login_of(demo_store, DIRECTOR))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("ctrl+g", "m"))


def test_search_at_80x24(snap_compare, demo_store, tmp_path):
    app = open_app(demo_store, first_caseworker(demo_store), tmp_path, indexing=True)

    async def search(pilot):
        await keys_then_settle("enter")(pilot)
        await press(pilot, ["slash", *"visit"])
        await answered(pilot)
        pilot.app.screen.query_one("#query").cursor_blink = False
        await pilot.pause()
    assert snap_compare(app, terminal_size=SMALL, run_before=search)


def test_note_at_80x24(snap_compare, demo_store, tmp_path):
    app = app_as(demo_store, tmp_path, first_caseworker(demo_store))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("enter", "down", "enter"))


def test_note_history_at_80x24(snap_compare, demo_store, tmp_path):
    app = app_as(demo_store, tmp_path, first_caseworker(demo_store))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("enter", "down", "h"))


def test_help_at_80x24(snap_compare, demo_store, tmp_path):
    app = app_as(demo_store, tmp_path, first_caseworker(demo_store))
    assert snap_compare(app, terminal_size=SMALL, run_before=keys_then_settle("f1"))


@pytest.mark.parametrize("keys", [("ctrl+l",), ("ctrl+l", "v"), ("ctrl+g",)])
def test_every_column_fits_in_80_columns(demo_store, tmp_path, keys):
    """The tables of deadlines, visits and Timeliness are no wider than the screen at 80 columns, and
    the footer still offers ^q and F1."""
    import asyncio

    async def widths():
        app = app_as(demo_store, tmp_path, login_of(demo_store, SUPERVISOR))
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            table = app.focused if isinstance(app.focused, DataTable) else app.screen.query_one(DataTable)
            used = sum(c.get_render_width(table) for c in table.ordered_columns)
            footer = " ".join(strip.text for strip in app.screen._compositor.render_strips()[-1:])
            return used, table.scrollable_content_region.width, footer

    used, room, footer = asyncio.run(widths())
    assert used <= room, (used, room)
    assert "^q" in footer and "f1" in footer.lower()
