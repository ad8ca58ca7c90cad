"""Signing in: the caseload is read before its screen is built, so the first frame has the rows; a
slow read still shows the screen at once, saying it is loading, and fills it when the rows come;
a read the store refuses is asked again by the screen (which says why if it is refused again)."""

import asyncio
import threading

from textual.widgets import DataTable, Static

from store import DatabaseBusy
from tests.test_flows import first_caseworker, open_app
from tui import app as app_module
from tui.screens import caseload
from tui.screens.caseload import CaseloadScreen

SIZE = (120, 40)


def _summary(app) -> str:
    return str(app.screen.query_one("#summary", Static).render())


async def _until_built(app, pilot) -> None:
    """Until the caseload screen is up (with its columns), however far its rows are."""
    while not (isinstance(app.screen, CaseloadScreen) and app.screen.ready):
        await pilot.pause(0.02)


def test_the_first_frame_of_the_caseload_has_its_rows(demo_store, tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "HOME_WAIT", 30)  # the screen waits for the rows, however slow the machine
    login = first_caseworker(demo_store)
    expected = [row.stage_id for row in demo_store.as_user(login).caseload()]
    seen: list[tuple[int, str]] = []
    original = CaseloadScreen.on_mount

    def on_mount(self):  # the screen's rows as it is first mounted, before any frame of it
        original(self)
        seen.append((self.query_one("#mine-table", DataTable).row_count, str(self.query_one("#summary").render())))

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return [row.stage_id for row in app.screen.shown["mine"]]

    CaseloadScreen.on_mount = on_mount
    try:
        shown = asyncio.run(run())
    finally:
        CaseloadScreen.on_mount = original
    assert len(seen) == 1, "the caseload screen was mounted more than once"
    assert seen[0][0] == len(expected) and "stages assigned to you" in seen[0][1]
    assert shown == expected


def test_a_slow_caseload_gets_its_screen_at_once_and_its_rows_when_they_come(demo_store, tmp_path, monkeypatch):
    login = first_caseworker(demo_store)
    expected = len(demo_store.as_user(login).caseload())
    release = threading.Event()
    read = caseload.read_caseload

    def slow(desk):
        release.wait(5)
        return read(desk)

    monkeypatch.setattr(caseload, "read_caseload", slow)
    monkeypatch.setattr(app_module, "HOME_WAIT", 0.05)

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _until_built(app, pilot)
            before = (_summary(app), app.screen.query_one("#mine-table", DataTable).row_count)
            release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return before, app.screen.query_one("#mine-table", DataTable).row_count, len(app.screen_stack)

    before, rows, screens = asyncio.run(run())
    assert before == ("Loading your caseload…", 0)
    assert rows == expected and screens == 2  # one caseload screen, filled once its rows came


def test_a_caseload_that_comes_while_its_screen_is_being_built_is_shown_once_it_is(demo_store, tmp_path):
    login = first_caseworker(demo_store)
    expected = len(demo_store.as_user(login).caseload())

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = CaseloadScreen(coming=True)
            screen.show(caseload.read_caseload(app.desk))  # before it is mounted
            await app.push_screen(screen)
            await pilot.pause()
            return screen.query_one("#mine-table", DataTable).row_count, screen.waiting

    assert asyncio.run(run()) == (expected, False)


def test_a_refused_first_read_is_asked_again_by_the_screen(demo_store, tmp_path, monkeypatch):
    login = first_caseworker(demo_store)
    calls = []
    read = caseload.read_caseload

    def busy_once(desk):
        calls.append(desk.login)
        if len(calls) == 1:
            raise DatabaseBusy()
        return read(desk)

    monkeypatch.setattr(caseload, "read_caseload", busy_once)

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return app.screen.query_one("#mine-table", DataTable).row_count

    rows = asyncio.run(run())
    assert calls == [login, login] and rows == len(demo_store.as_user(login).caseload())


def test_a_read_refused_after_the_screen_is_shown_is_asked_again_by_the_screen(demo_store, tmp_path, monkeypatch):
    login = first_caseworker(demo_store)
    release, calls = threading.Event(), []
    read = caseload.read_caseload

    def slow_then_busy(desk):
        calls.append(desk.login)
        if len(calls) == 1:
            release.wait(5)
            raise DatabaseBusy()
        return read(desk)

    monkeypatch.setattr(caseload, "read_caseload", slow_then_busy)
    monkeypatch.setattr(app_module, "HOME_WAIT", 0.05)

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _until_built(app, pilot)
            before = _summary(app)
            release.set()
            for _ in range(100):
                await pilot.pause(0.02)
                await app.workers.wait_for_complete()
                if not app.screen.waiting and app.screen.query_one("#mine-table", DataTable).row_count:
                    break
            return before, app.screen.query_one("#mine-table", DataTable).row_count, _summary(app)

    before, rows, after = asyncio.run(run())
    assert before == "Loading your caseload…"
    assert calls == [login, login]
    assert rows == len(demo_store.as_user(login).caseload()) and "stages assigned to you" in after
