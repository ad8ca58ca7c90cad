"""The case screen's activity history (issue 16, item 3): t shows the family's maintenance changes in
place of the stage's notes, read in a worker, newest first, with the highlighted change in full; t or
Esc brings the notes back. An advocate reads the store's sentence instead (demo agency, frozen clock)."""

import asyncio

from store.core.results import ActivityEntry
from tests.settling import open_case
from tests.test_flows import first_caseworker, open_app, press, settle
from tui.palette import CasenotesCommands
from tui.screens.case import CaseScreen
from tui.screens.help import HelpScreen
from tui.widgets.activity_list import ActivityList, ActivityPane
from tui.widgets.note_list import NoteList

SIZE, SMALL = (120, 40), (80, 24)


def _login(store, title):
    return next(w.login for w in store.staff() if w.title == title)


def _case_manager_and_case(store):
    """The first caseworker and the first case of theirs in which they are the Case Manager."""
    login = first_caseworker(store)
    row = next(r for r in store.as_user(login).caseload() if r.role == "Case Manager")
    return login, row.case_id


async def _open_case(pilot, app, case_id):
    await open_case(pilot, case_id)


def test_t_shows_the_cases_activity_and_esc_the_notes_again(demo_store, tmp_path):
    login, case_id = _case_manager_and_case(demo_store)
    expected = demo_store.as_user(login).case_activity(case_id)

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_case(pilot, app, case_id)
            screen = app.screen
            assert isinstance(screen, CaseScreen) and not screen.query_one(ActivityPane).display
            await press(pilot, ["t"])
            listed = screen.query_one(ActivityList)
            shown = (screen.has_class("-activity"), listed.display, listed.has_focus,
                     screen.query_one(NoteList).display, [e.sentence for e in listed.entries],
                     str(screen.query_one("#activity-entry").render()))
            footer_keys = {b.action for _, b, enabled, _ in screen.active_bindings.values() if enabled}
            palette = [name for name, _, _ in CasenotesCommands(screen)._fixed()]
            helped = HelpScreen(screen)._keys()
            help_rows = list(zip(helped.columns[0]._cells, helped.columns[1]._cells, strict=True))
            await press(pilot, ["escape"])
            back = (isinstance(app.screen, CaseScreen), screen.has_class("-activity"),
                    screen.query_one(NoteList).has_focus)
            await press(pilot, ["t", "t"])
            toggled = screen.has_class("-activity")
            return shown, footer_keys, back, toggled, palette, help_rows

    shown, footer_keys, back, toggled, palette, help_rows = asyncio.run(run())
    assert "Activity of this case" in palette
    assert ("Esc", "Notes") in help_rows and ("t", "Activity") in help_rows  # ? lists the keys
    on, listed, focused, notes_shown, sentences, detail = shown
    assert on and listed and focused and not notes_shown
    assert sentences == [e.sentence for e in expected.entries]
    assert any(s.endswith(" opened") or " opened from " in s for s in sentences)
    assert any(" assigned in " in s for s in sentences)
    newest: ActivityEntry = expected.entries[0]
    assert newest.sentence in detail and newest.who in detail
    assert "edit" not in footer_keys and "submit" not in footer_keys  # a note's keys wait for the notes
    assert back == (True, False, True)  # Esc left the history, not the case
    assert toggled is False


def test_an_advocate_reads_the_stores_sentence(demo_store, tmp_path):
    advocate = _login(demo_store, "CASA Volunteer Advocate")
    case_id = demo_store.as_user(advocate).caseload()[0].case_id

    async def run():
        app = open_app(demo_store, advocate, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_case(pilot, app, case_id)
            await press(pilot, ["t"])  # not offered to an advocate: nothing happens
            shown_by_t = app.screen.has_class("-activity")
            app.screen.action_activity()  # as if it were: the store's sentence, in place
            await settle(pilot)
            screen = app.screen
            return (shown_by_t, screen.query_one(ActivityList).display,
                    str(screen.query_one("#activity-entry").render()), [n.message for n in app._notifications])

    shown_by_t, listed, said, notices = asyncio.run(run())
    assert not shown_by_t and not listed
    assert "advocate reads the notes about that child, not the family's activity history" in said
    assert notices == []  # said in place, not as an error notice


def _snap(demo_store, tmp_path, size):
    login, case_id = _case_manager_and_case(demo_store)
    app = open_app(demo_store, login, tmp_path)

    async def run_before(pilot):
        await _open_case(pilot, app, case_id)
        await press(pilot, ["t", "down"])

    return app, size, run_before


def test_activity_snapshot(snap_compare, demo_store, tmp_path):
    app, size, run_before = _snap(demo_store, tmp_path, SIZE)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_activity_at_80x24_snapshot(snap_compare, demo_store, tmp_path):
    app, size, run_before = _snap(demo_store, tmp_path, SMALL)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_a_long_history_is_read_a_page_at_a_time_as_the_cursor_nears_its_end(demo_store, tmp_path, monkeypatch):
    import tui.widgets.activity_list as activity_list

    monkeypatch.setattr(activity_list, "PAGE", 4)
    monkeypatch.setattr(activity_list, "NEAR_END", 1)
    login, case_id = _case_manager_and_case(demo_store)
    everything = [e.id for e in demo_store.as_user(login).case_activity(case_id).entries]
    assert len(everything) > 8

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_case(pilot, app, case_id)
            await press(pilot, ["t"])
            listed = app.screen.query_one(ActivityList)
            first = len(listed.entries)
            for _ in range(len(everything)):
                await press(pilot, ["down"])
            return first, [e.id for e in listed.entries], str(app.screen.query_one("#activity-title").render())

    first, ids, title = asyncio.run(run())
    assert first == 4
    assert ids == everything and f"{len(everything)} changes" in title and "as you scroll" not in title


def test_leaving_while_the_history_loads_does_not_crash(demo_store, tmp_path, monkeypatch):
    import time

    from store.desks.desk import Desk

    original = Desk.case_activity

    def slowed(self, *args, **kwargs):
        time.sleep(0.05)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Desk, "case_activity", slowed)
    login, case_id = _case_manager_and_case(demo_store)

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for _ in range(5):
                app.open_case(case_id)
                await pilot.pause()
                await pilot.pause(0.2)  # the case has come
                await pilot.press("t")
                await pilot.press("escape", "escape")  # the notes again, then the caseload, mid-read
                await pilot.pause()
            await settle(pilot)
            return app.is_running, type(app.screen).__name__, [n.message for n in app._notifications]

    running, shown, notices = asyncio.run(run())
    assert running and shown == "CaseloadScreen" and notices == []
    assert not (tmp_path / "casenotes.log").exists()
