"""Search from the app and from the command line, on the demo agency."""

import asyncio
import json
from datetime import timedelta

import pytest

from tests.test_flows import AFTERNOON, SIZE, first_caseworker, open_app, press, settle
from tui.cli import main as cli
from tui.screens.note import NoteScreen
from tui.screens.search import SearchScreen


def _note_with(store, login, word):
    desk = store.as_user(login)
    row = desk.caseload()[0]
    note = desk.add_note(row.stage_id, event_at=AFTERNOON - timedelta(hours=1), contact_type="School Contact",
                         narrative=f"The teacher described a {word} project in science class.")
    return row, note


def test_search_from_the_caseload_opens_the_note(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    login = first_caseworker(demo_store)
    _, note = _note_with(demo_store, login, "zebrafish")

    async def run():
        app = open_app(demo_store, login, tmp_path, indexing=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["slash"])
            screen = app.screen
            await press(pilot, list("zebrafish"))
            await answered(pilot)
            hits = [h.note_id for h in screen.hits]
            await press(pilot, ["enter", "enter"])
            return type(screen), hits, type(app.screen), getattr(app.screen, "note_id", None)

    screen, hits, opened, note_id = asyncio.run(run())
    assert screen is SearchScreen and hits == [note.id]
    assert opened is NoteScreen and note_id == note.id


def test_search_screen_starts_the_follower_for_saves_the_search_left(demo_store, tmp_path, monkeypatch):
    """Saves made elsewhere (another worker's window) past what a search applies itself: the
    screen says they are not in the answer yet and starts the app's catch-up, which applies them."""
    import search.follow
    from textual.widgets import Static

    demo_store.clock.set(AFTERNOON)
    login = first_caseworker(demo_store)

    async def run():
        app = open_app(demo_store, login, tmp_path, indexing=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)  # the catch-up at sign-in
            monkeypatch.setattr(search.follow, "SEARCH_APPLIES", 1)
            notes = [_note_with(demo_store, login, "kingfisher")[1].id for _ in range(3)]
            behind = demo_store.feed().last_seq() - app.search_index().applied_seq()
            await press(pilot, ["slash"])
            await press(pilot, list("kingfisher"))
            await answered(pilot)
            problem = str(app.screen.query_one("#problem", Static).render())
            for _ in range(100):
                await pilot.pause(0.1)
                if app.search_index().applied_seq() == demo_store.feed().last_seq():
                    break
            return notes, behind, problem, demo_store.feed().last_seq() - app.search_index().applied_seq()

    _, behind, problem, after = asyncio.run(run())
    assert behind == 3 and problem.startswith("The last 3 saves are still being added to the search index")
    assert after == 0


def test_search_from_a_case_is_scoped_to_the_family(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    login = first_caseworker(demo_store)
    row, note = _note_with(demo_store, login, "axolotl")
    other = demo_store.as_user(login).caseload()[1]

    async def search_in(case_id, stage_id):
        app = open_app(demo_store, login, tmp_path, indexing=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_case(case_id, stage_id)
            await settle(pilot)
            await press(pilot, ["slash", *"axolotl"])
            await answered(pilot)
            return [h.note_id for h in app.screen.hits]

    assert asyncio.run(search_in(row.case_id, row.stage_id)) == [note.id]
    assert asyncio.run(search_in(other.case_id, other.stage_id)) == []


def test_cli_search_prints_what_the_user_may_see(demo_store, capsys):
    login = first_caseworker(demo_store)
    demo_store.clock.set(AFTERNOON)
    _, note = _note_with(demo_store, login, "platypus")
    url = demo_store.url
    assert cli.main(["--db", url, "--user", login, "search", "platypus", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [hit["note"] for hit in found["hits"]] == [note.id] and "«platypus»" in found["hits"][0]["snippet"]
    outsider = next(w.login for w in demo_store.staff() if w.title == "Caseworker" and w.login != login
                    and not ({r.case_id for r in demo_store.as_user(w.login).caseload()}
                             & {note.case_id}))
    assert cli.main(["--db", url, "--user", outsider, "search", "platypus", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"] == []


def test_cli_search_leaves_a_long_backlog_and_applies_it_for_the_next(demo_store, capsys, monkeypatch):
    """A burst of saves the index does not hold: the command answers from the index as it stands,
    says how many saves are not in it yet, then applies them so that searching again finds them."""
    import search.follow

    login = first_caseworker(demo_store)
    demo_store.clock.set(AFTERNOON)
    url = demo_store.url
    assert cli.main(["--db", url, "--user", login, "search", "wombat", "--json"]) == 0  # builds the index
    capsys.readouterr()
    monkeypatch.setattr(search.follow, "SEARCH_APPLIES", 2)
    notes = [_note_with(demo_store, login, "wombat")[1].id for _ in range(3)]
    assert cli.main(["--db", url, "--user", login, "search", "wombat", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["hits"] == [] and first["problem"].startswith("The last 3 saves are still being added")
    assert cli.main(["--db", url, "--user", login, "search", "wombat", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert sorted(hit["note"] for hit in again["hits"]) == sorted(notes) and again["problem"] is None


def test_cli_index_check_and_rebuild(demo_store, capsys):
    url = demo_store.url
    assert cli.main(["--db", url, "index", "rebuild"]) == 0
    assert "notes/s" in capsys.readouterr().err
    assert cli.main(["--db", url, "index", "check"]) == 0
    assert "agree" in capsys.readouterr().out


async def answered(pilot, seconds: float = 10.0) -> None:
    """Until the search screen shows an answer: its search starts after a pause in typing, so
    waiting for workers alone can come before it has even begun on a busy machine."""
    from textual.widgets import Static

    for _ in range(int(seconds / 0.1)):
        await pilot.pause(0.1)
        reading = str(pilot.app.screen.query_one("#reading", Static).render())
        if "shown of about" in reading or "No notes match" in reading:
            break
    await settle(pilot)


def test_search_screen_snapshot(snap_compare, demo_store, tmp_path):
    """A family-scoped search from the case screen, results shown with their matched words."""
    from tests.test_tui import keys_then_settle

    login = first_caseworker(demo_store)
    app = open_app(demo_store, login, tmp_path, indexing=True)

    async def search(pilot):
        await keys_then_settle("enter")(pilot)
        await press(pilot, ["slash", *"visit"])
        await answered(pilot)
        pilot.app.screen.query_one("#query").cursor_blink = False  # the same picture however long it took
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=search)


@pytest.mark.parametrize("pause", [None, 0.001], ids=["as-typed", "keys-slower-than-the-pause"])
def test_search_screen_says_it_is_searching_until_the_answer_comes(demo_store, tmp_path, monkeypatch, pause):
    """While a search runs the screen says so and typing goes on; the answer is the whole text's.
    On a loaded machine the keys can come slower than the typing pause, so a search starts after
    each of them and the next one cancels it (exclusive workers): the test once failed then with
    WorkerCancelled, from waiting for every worker (cancelled ones included) while keys were still
    being typed. It waits for what the screen says instead; the second case types that way on purpose."""
    import threading

    import tui.screens.search
    from textual.widgets import Static

    if pause is not None:
        monkeypatch.setattr(tui.screens.search, "TYPING_PAUSE", pause)
    demo_store.clock.set(AFTERNOON)
    login = first_caseworker(demo_store)
    gate = threading.Event()

    async def until(pilot, said, seconds: float = 30.0) -> str:
        for _ in range(int(seconds / 0.05)):
            shown = str(pilot.app.screen.query_one("#reading", Static).render())
            if said(shown):
                return shown
            await pilot.pause(0.05)
        return shown

    async def run():
        app = open_app(demo_store, login, tmp_path, indexing=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            index = app.search_index()
            answer = index.search

            def slow(*args, **kwargs):
                gate.wait(30)
                return answer(*args, **kwargs)

            index.search = slow
            await press(pilot, ["slash"])  # no search has begun yet: waiting for the workers is safe
            await pilot.press(*"visit")  # from here on searches may be under way: no settle()
            during = await until(pilot, lambda shown: shown.startswith("Searching for 'visit'"))
            await pilot.press(*" home")  # typing goes on while the search runs
            typed = app.screen.query_one("#query").value
            gate.set()
            after = await until(pilot, lambda shown: "reading: visit AND home" in shown)
            return during, typed, after, len(app.screen.hits)

    during, typed, after, hits = asyncio.run(run())
    assert during.startswith("Searching for 'visit'")
    assert typed == "visit home"
    assert "shown of about" in after and "reading: visit AND home" in after and hits > 0
