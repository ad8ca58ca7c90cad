"""The Staff screen (staff administration, MAINTAIN STAFF) with the demo agency: the list and each
dialog as snapshots (120x40 and 80x24), and by keys: a worker added, a worker deactivated who then
cannot sign in, and a worker without MAINTAIN STAFF shown the store's reason."""

from __future__ import annotations

import asyncio
import functools

import pytest
from sqlalchemy import text

from textual.widgets import Input

from store import NoAccess
from tests.test_flows import press, settle
from tests.keyboard import type_text
from tui.app import CasenotesApp
from tui.screens.caseload import CaseloadScreen
from tui.screens.staff import StaffScreen

SIZE, SMALL = (120, 40), (80, 24)


def administrator(store) -> str:
    """The demo's staff administrator: the worker with MAINTAIN STAFF."""
    return next(w.login for w in store.staff() if "MAINTAIN STAFF" in w.functions)


def caseworker(store) -> str:
    return next(w.login for w in store.staff() if w.title == "Caseworker")


def idle_worker(store) -> str:
    """An active worker who holds no open role and supervises no one: one who may be deactivated."""
    admin = administrator(store)
    return next(m.login for m in store.as_user(admin).staff()
                if m.active and not m.open_roles and m.login != admin
                and not any(o.supervisor == m.login for o in store.staff()))


def _app(store, login, home):
    return CasenotesApp(store, login, home=home, indexing=False)


async def _to_staff(pilot):
    await settle(pilot)
    await press(pilot, ["ctrl+o"])
    await settle(pilot)


def run(test):
    """A Pilot test written as a coroutine, run to its end (the suite has no asyncio plugin)."""
    @functools.wraps(test)
    def ran(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))
    return ran


async def steady_cursor(pilot):
    """A focused field's cursor shown without blinking: a slow run took the picture mid-blink."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _row(store, login):
    with store.read_engine.connect() as conn:
        return conn.execute(text(
            "SELECT w.name, w.title, w.employer, w.active, w.deactivated_at, w.email, u.name AS unit, s.login AS boss "
            "FROM workers w LEFT JOIN units u ON u.id = w.unit_id LEFT JOIN workers s ON s.id = w.supervisor_id "
            "WHERE w.login = :l"), {"l": login}).mappings().first()


def _to_row(app, login) -> int:
    """Move the cursor of the staff list to ``login``'s row; the number of presses is not what is tested."""
    screen = app.screen
    row = next(i for i, m in enumerate(screen.shown) if m.login == login)
    screen.query_one("DataTable").move_cursor(row=row)
    return row


# -- snapshots ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x40", "80x24"])
def test_staff_screen_snapshot(snap_compare, demo_store, tmp_path, size):
    assert snap_compare(_app(demo_store, administrator(demo_store), tmp_path), terminal_size=size,
                        run_before=_to_staff)


def test_staff_screen_shows_a_deactivated_worker_snapshot(snap_compare, demo_store, tmp_path):
    demo_store.as_user(administrator(demo_store)).deactivate_worker(idle_worker(demo_store))
    assert snap_compare(_app(demo_store, administrator(demo_store), tmp_path), terminal_size=SIZE,
                        run_before=_to_staff)


def test_staff_screen_filtered_snapshot(snap_compare, demo_store, tmp_path):
    async def run_before(pilot):
        await _to_staff(pilot)
        await press(pilot, ["s", "u", "p"])
        await steady_cursor(pilot)

    assert snap_compare(_app(demo_store, administrator(demo_store), tmp_path), terminal_size=SIZE,
                        run_before=run_before)


def _dialog(store, name):
    """How each dialog is opened from the Staff screen."""
    def keys(*pressed):
        async def run(pilot):
            await press(pilot, list(pressed))
        return run

    def on_row(login, *pressed):
        async def run(pilot):
            _to_row(pilot.app, login)
            await press(pilot, list(pressed))
        return run

    return {
        "add_worker": keys("ctrl+n"),
        "add_worker_refused": keys("ctrl+n", "n", "e", "w", "tab", "ctrl+s"),
        "edit_worker": on_row(caseworker(store), "enter"),
        "deactivate": on_row(idle_worker(store), "ctrl+d"),
        "deactivate_refused": on_row(caseworker(store), "ctrl+d", "d"),
        "absence": on_row(caseworker(store), "ctrl+b"),
        "add_unit": keys("ctrl+u"),
    }[name]


DIALOGS = ["add_worker", "add_worker_refused", "edit_worker", "deactivate", "deactivate_refused", "absence",
           "add_unit"]


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x40", "80x24"])
@pytest.mark.parametrize("name", DIALOGS)
def test_staff_dialog_snapshot(snap_compare, demo_store, tmp_path, name, size):
    opening = _dialog(demo_store, name)

    async def run_before(pilot):
        await _to_staff(pilot)
        await opening(pilot)
        pilot.app.clear_notifications()
        await steady_cursor(pilot)

    assert snap_compare(_app(demo_store, administrator(demo_store), tmp_path), terminal_size=size,
                        run_before=run_before)


# -- by keys -------------------------------------------------------------------------------------------

@run
async def test_an_administrator_adds_a_worker_by_keys(demo_store, tmp_path):
    app = _app(demo_store, administrator(demo_store), tmp_path)
    units = sorted(u.name for u in demo_store.as_user(administrator(demo_store)).units())
    async with app.run_test(size=SIZE) as pilot:
        await _to_staff(pilot)
        assert isinstance(app.screen, StaffScreen)
        await press(pilot, ["ctrl+n"])
        await type_text(pilot, "jrivers")
        await press(pilot, ["tab"])
        await type_text(pilot, "Jordan Rivers")
        await press(pilot, ["tab"])
        await type_text(pilot, "Caseworker")
        await press(pilot, ["tab", "tab", "tab"])  # the employer stays LDSS; no agency; to the e-mail
        await type_text(pilot, "jrivers@agency.example")
        await press(pilot, ["tab"])  # to the unit
        await press(pilot, ["enter", "down", "enter"])  # the first unit
        await press(pilot, ["tab", "tab", "space"])  # past the supervisor, to the functions: tick the first
        await press(pilot, ["ctrl+s"])
        assert isinstance(app.screen, StaffScreen), _notes(app)
        assert any("Jordan Rivers (jrivers) was added" in n for n in _notes(app))
        assert any(m.login == "jrivers" for m in app.screen.staff)  # listed again
    row = _row(demo_store, "jrivers")
    assert (row["name"], row["title"], row["employer"], row["unit"], bool(row["active"])) == (
        "Jordan Rivers", "Caseworker", "LDSS", units[0], True)
    assert demo_store.as_user("jrivers").me().functions == (demo_store.policy.business_functions[0],)
    assert _row(demo_store, "jrivers")["email"] == "jrivers@agency.example"  # notifications are e-mailed there


@run
async def test_the_form_keeps_what_was_typed_and_shows_the_stores_reason(demo_store, tmp_path):
    admin = administrator(demo_store)
    taken = caseworker(demo_store)
    app = _app(demo_store, admin, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _to_staff(pilot)
        await press(pilot, ["ctrl+n"])
        await type_text(pilot, taken)
        await press(pilot, ["tab"])
        await type_text(pilot, "Someone Else")
        await press(pilot, ["tab"])
        await type_text(pilot, "Caseworker")
        await press(pilot, ["ctrl+s"])
        problem = str(app.screen.query_one("#problem").render())
        assert f"There is already a worker with the login '{taken}'" in problem
        assert app.screen.query_one("#name").value == "Someone Else"


@run
async def test_an_administrator_deactivates_by_keys_and_the_worker_can_no_longer_sign_in(demo_store, tmp_path):
    leaving = idle_worker(demo_store)
    open_desk = demo_store.as_user(leaving)
    app = _app(demo_store, administrator(demo_store), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _to_staff(pilot)
        _to_row(app, leaving)
        await press(pilot, ["ctrl+d"])
        assert "no longer be able to sign in" in str(app.screen.query_one("#question").render())
        await press(pilot, ["d"])
        assert isinstance(app.screen, StaffScreen)
        listed = {m.login: m for m in app.screen.staff}[leaving]
        assert not listed.active
    assert not _row(demo_store, leaving)["active"]
    with pytest.raises(NoAccess, match="no active casenotes user"):
        demo_store.as_user(leaving)
    with pytest.raises(NoAccess, match="deactivated"):
        open_desk.me()


@run
async def test_deactivating_someone_with_open_roles_shows_the_stores_list(demo_store, tmp_path):
    holder = caseworker(demo_store)
    app = _app(demo_store, administrator(demo_store), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _to_staff(pilot)
        _to_row(app, holder)
        await press(pilot, ["ctrl+d", "d"])
        said = str(app.screen.query_one("#question").render())
        assert "open role" in said and "reassign" in said
    assert _row(demo_store, holder)["active"]


@run
async def test_someone_without_maintain_staff_is_told_why(demo_store, tmp_path):
    app = _app(demo_store, caseworker(demo_store), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _to_staff(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert "Only staff with the MAINTAIN STAFF function may add, change or deactivate workers and units." in (
            _notes(app))


@run
async def test_the_palette_offers_staff_administration(demo_store, tmp_path):
    from tui.palette import CasenotesCommands

    app = _app(demo_store, administrator(demo_store), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = {name: action for name, action, _ in CasenotesCommands(app.screen)._fixed()}
        commands["Staff administration"]()
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)


def test_leaving_the_staff_screen_while_it_loads_does_not_crash(demo_store, tmp_path, monkeypatch):
    import time

    from store.desks.desk import Desk
    from tests.test_screens_leave_in_flight import slow_down

    slow_down(monkeypatch, ["staff"], lambda: time.sleep(0.05))
    app = _app(demo_store, administrator(demo_store), tmp_path)

    async def go():
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for _ in range(6):
                app.push_screen(StaffScreen())
                await pilot.pause()
                await pilot.press("escape")
            app.push_screen(StaffScreen())
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, StaffScreen)
            return str(app.screen.query_one("#summary").render())

    assert "active workers" in asyncio.run(go())
    assert Desk.staff is not None
