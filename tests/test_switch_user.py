"""Switching demo users and leaving screens while their reads are still in flight never crashes the
app: the answers of screens that are gone are dropped (issue 14, item 2)."""

import asyncio
import random
import time

from textual.widgets import OptionList

from store.desks.desk import Desk
from store.service import Store
from tui.app import CasenotesApp
from tui.screens.staff_picker import StaffPickerScreen

SIZE = (120, 40)
ROUNDS = 30


def _slowed(monkeypatch, rng: random.Random) -> None:
    """Every read the screens make takes a little while, as on a busy database."""
    for owner, names in ((Desk, ("caseload", "unit_caseload", "next_absence", "case", "stage_note_ids", "stage_notes",
                                 "stage_deadlines", "note_actions", "review_queue", "me")),
                         (Store, ("staff",))):
        for name in names:
            original = getattr(owner, name)

            def slow(*args, _original=original, **kwargs):
                time.sleep(rng.uniform(0.0, 0.04))
                return _original(*args, **kwargs)

            monkeypatch.setattr(owner, name, slow)


def test_switching_users_and_leaving_screens_mid_load_never_crashes(demo_store, tmp_path, monkeypatch):
    rng = random.Random(14)
    staff = demo_store.staff()
    _slowed(monkeypatch, rng)
    moves = ["enter", "escape", "ctrl+r", "escape", "down", "enter", "space", "escape", "tab"]

    async def run():
        app = CasenotesApp(demo_store, staff[0].login, home=tmp_path, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(ROUNDS):
                await pilot.pause(rng.uniform(0.0, 0.05))
                for key in rng.sample(moves, 3):  # leave loads in flight: no waiting for them
                    await pilot.press(key)
                    await pilot.pause(rng.uniform(0.0, 0.02))
                app.action_switch_user()
                await pilot.pause(rng.uniform(0.0, 0.06))
                picker = app.screen
                assert isinstance(picker, StaffPickerScreen)
                while not picker.query_one(OptionList).option_count:  # Esc here would quit: pick someone
                    await pilot.pause(0.01)
                for _ in range(rng.randrange(0, 4)):
                    await pilot.press("down")
                await pilot.press("enter")
                assert app.is_running
            await pilot.pause(0.2)
            await app.workers.wait_for_complete()
            await pilot.pause()
            return app.is_running

    assert asyncio.run(run()) is True


def test_a_caseload_read_that_comes_as_the_user_switches_is_dropped(demo_store, tmp_path, monkeypatch):
    """The report's crash, aimed at: the caseload's reload (on coming back from a case) is held, the
    demo user is switched, and the answer is let go at moments around the screen's removal."""
    import threading

    from tui.screens import caseload

    read = caseload.read_caseload
    gate = {"hold": False, "release": threading.Event()}

    def held(desk):
        if gate["hold"]:
            gate["release"].wait(5)
        return read(desk)

    monkeypatch.setattr(caseload, "read_caseload", held)
    boss = next(w.login for w in demo_store.staff() if w.title == "Casework Supervisor")

    async def run():
        app = CasenotesApp(demo_store, boss, home=tmp_path, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            for delay in (0, 0, 0.001, 0.002, 0.004, 0.008, 0.016, 0.03, 0.06, 0.1):
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                app.screen.query_one("TabbedContent").active = "unit"
                await pilot.press("enter")  # a case of the unit
                await pilot.pause()
                await app.workers.wait_for_complete()
                gate["hold"], gate["release"] = True, threading.Event()
                await pilot.press("escape")  # back: the caseload reads again, and is held
                await pilot.pause(0.02)
                app.action_switch_user()
                await asyncio.sleep(delay)
                gate["release"].set()
                gate["hold"] = False
                await pilot.pause(0.05)
                await app.workers.wait_for_complete()
                assert app.is_running and isinstance(app.screen, StaffPickerScreen)
                app._picked(boss)
            return app.is_running

    assert asyncio.run(run()) is True
