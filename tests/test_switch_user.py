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


SWITCHES = 200
# Keys a quick person presses on the way (the caseload, a case, a note, the queue, the editor, dialogs):
# each opens or closes a screen whose read is then still in flight. No ctrl+q.
KEYS = ("enter", "enter", "escape", "escape", "down", "tab", "ctrl+n", "ctrl+n", "e", "a", "h", "r", "slash",
        "ctrl+l", "ctrl+g", "ctrl+r", "question_mark", "x", "1", "ctrl+s")
MORE_READS = ("stage", "note", "note_history", "note_defaults", "note_deadline", "may_add_note", "my_deadlines",
              "team_deadlines", "my_absences", "timeliness", "plan_return", "not_opened", "visit_standards")


def test_switching_users_200_times_while_screens_load_never_crashes(demo_store, tmp_path, monkeypatch):
    """Issue 15's done-when. Keys go in as a quick typist sends them, without waiting for the app to
    be idle (pilot.press waits), and the demo user is switched in their midst, as the palette's
    "Switch demo user" would be: screens open and close, and are taken down, while their reads (the
    editor's and the dialogs' too) are still in flight. Then the staff picker is answered, sometimes
    before it has read the staff."""
    rng = random.Random(15)
    staff = [w.login for w in demo_store.staff()]
    _slowed(monkeypatch, rng)
    for name in MORE_READS:
        original = getattr(Desk, name)

        def slow(*args, _original=original, **kwargs):
            time.sleep(rng.uniform(0.0, 0.03))
            return _original(*args, **kwargs)

        monkeypatch.setattr(Desk, name, slow)
    switched = 0

    def pick(login: str) -> None:
        if isinstance(app.screen, StaffPickerScreen):
            app.screen.dismiss(login)

    async def until(shown) -> None:
        for _ in range(6000):
            if shown():
                return
            await asyncio.sleep(0.005)
        raise AssertionError(f"the app did not get there in 30 s (running: {app.is_running}; screens: "
                             f"{app.screen_stack}; said: {[n.message for n in app._notifications]})")

    def keys_handled() -> bool:
        """Nothing queued anywhere: a key passed on to a widget, unused there, comes back to the app to
        be matched with the keys of the screen then shown (an Esc overtaken by the switch would quit
        from the staff picker, as Esc there does)."""
        nodes = [app, *(node for screen in app.screen_stack for node in screen.walk_children(with_self=True))]
        return all(node._message_queue.empty() for node in nodes)

    async def run():
        nonlocal switched
        async with app.run_test(size=(80, 24)):  # small: less to draw, so more switches a second
            for _ in range(SWITCHES):
                await until(lambda: not isinstance(app.screen, StaffPickerScreen))
                for key in rng.choices(KEYS, k=rng.randrange(0, 6)):  # typed ahead of the home screen, or not
                    await asyncio.sleep(rng.uniform(0.0, 0.03))
                    _type(app, key)
                await until(lambda: app.me is not None)  # signed in: the palette offers the switch
                await until(keys_handled)  # and the keys have been (their reads may still be under way)
                await asyncio.sleep(rng.uniform(0.0, 0.04))
                app.call_later(app.action_switch_user)  # in its turn among the keys, as from the palette
                switched += 1
                await until(lambda: isinstance(app.screen, StaffPickerScreen))
                await asyncio.sleep(rng.uniform(0.0, 0.03))  # the staff may still be being read
                app.call_later(pick, rng.choice(staff))
                assert app.is_running
            await until(lambda: not isinstance(app.screen, StaffPickerScreen))
            await asyncio.sleep(0.3)
            await app.workers.wait_for_complete()
            await asyncio.sleep(0.3)
            return app.is_running, [type(screen).__name__ for screen in app.screen_stack]

    app = CasenotesApp(demo_store, rng.choice(staff), home=tmp_path, indexing=False)
    running, stack = asyncio.run(run())
    assert running and app._exception is None
    assert switched == SWITCHES
    # The last sign-in's home came (a recovered draft may be offered over it): a caseload, or for the
    # advocate programme's people an advocate's home or the representatives' Advocates screen.
    assert {"CaseloadScreen", "AdvocateHomeScreen", "AdvocatesScreen"} & set(stack)


def _type(app, key: str) -> None:
    """A key as the terminal sends it, in order with what the app is asked to do."""
    import unicodedata

    from textual import events
    from textual.keys import _get_unicode_name_from_key

    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app.post_message(event)
