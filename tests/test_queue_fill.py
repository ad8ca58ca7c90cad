"""A long review queue: every note in one row, in the store's order, only the rows on screen
formatted, and keys pressed as soon as it shows act on the note under the cursor (SQLite only: the
screen is the subject, not the backend)."""

import asyncio
from datetime import timedelta

import pytest

from store import FrozenClock, Store
from tests.conftest import T0
from tests.test_flows import open_app
from tui.screens.review_queue import ReviewQueueScreen
from tui.widgets.queue_list import QueueList

COUNT = 150  # several screens


@pytest.fixture
def long_queue(tmp_path):
    clock = FrozenClock(T0)
    store = Store.open(f"sqlite:///{tmp_path / 'queue.db'}", clock=clock)
    s = store.staffing()
    s.add_worker("boss", "Bea Boss", "Supervisor")
    s.add_worker("cw", "Cara Worker", "Caseworker", supervisor="boss")
    case = s.open_case("Rivera")
    jay = s.add_person(case, "Jay", "Rivera", "child", is_child=True)
    stage = s.open_stage(case, "FSS", subtype="CWS", case_manager="cw", person_ids=[jay])
    clock.advance(hours=2)
    desk = store.as_user("cw")
    for _ in range(COUNT):
        clock.advance(minutes=1)
        desk.submit(desk.add_note(stage, event_at=clock.now() - timedelta(minutes=30), contact_type="School Contact",
                                  method="Telephone", location="Agency office", purposes=["Well-being"],
                                  narrative="The school nurse called about Jay's inhaler.").id)
    yield store
    store.close()


class CountingQueueList(QueueList):
    formatted: list[int] = []

    def _format(self, item, width):
        CountingQueueList.formatted.append(item.note.id)
        return super()._format(item, width)


def test_keys_pressed_as_the_queue_shows_act_on_the_right_note(long_queue, tmp_path, monkeypatch):
    expected = [item.note.id for item in long_queue.as_user("boss").review_queue()]
    monkeypatch.setattr("tui.screens.review_queue.QueueList", CountingQueueList)
    CountingQueueList.formatted = []

    async def run():
        app = open_app(long_queue, "boss", tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.action_review_queue()
            while not (isinstance(app.screen, ReviewQueueScreen) and app.screen.query(QueueList)
                       and app.screen.query_one(QueueList).row_count):
                await asyncio.sleep(0.001)
            await pilot.press("space", "space")  # mark the first two notes
            await pilot.pause()
            listed = [item.note.id for item in app.screen.query_one(QueueList).items]
            formatted = len(set(CountingQueueList.formatted))
            await pilot.press("y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("enter")  # the count confirmed
            await app.workers.wait_for_complete()
            await pilot.pause()
            return listed, formatted, app.screen.query_one(QueueList).row_count

    listed, formatted, rows_after = asyncio.run(run())
    assert listed == expected  # each note once, in the store's order
    assert formatted <= 40  # the rows on screen, not the whole queue
    desk = long_queue.as_user("boss")
    assert [desk.note(note_id).status for note_id in expected[:3]] == ["approved", "approved", "submitted"]
    assert rows_after == COUNT - 2  # the reload replaced the rows rather than adding to them



def test_an_older_load_that_comes_late_does_not_replace_a_newer_queue(long_queue, tmp_path, monkeypatch):
    """A reload (after an approval) overtakes a load still reading: the older answer, however late,
    is not shown over the newer one."""
    import threading

    from store.desks.review import ReviewDesk

    release, calls = threading.Event(), []
    read = ReviewDesk.review_queue

    def held_first(desk, limit=None):
        calls.append(limit)
        items = read(desk, limit=limit)
        if len(calls) == 2:  # the first load reads the whole queue as it was, then waits
            release.wait(5)
        return items

    monkeypatch.setattr(ReviewDesk, "review_queue", held_first)

    async def run():
        app = open_app(long_queue, "boss", tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.action_review_queue()
            while not (isinstance(app.screen, ReviewQueueScreen) and len(calls) == 2):
                await pilot.pause(0.01)
            screen = app.screen
            boss = long_queue.as_user("boss")
            oldest = boss.review_queue(limit=1)[0].note
            boss.approve(oldest.id, oldest.version)
            screen.load()  # the reload an approval makes
            while not (screen.whole and screen.query_one(QueueList).row_count == COUNT - 1):
                await pilot.pause(0.01)
            release.set()  # the first load's answer comes now, after the newer one
            await app.workers.wait_for_complete()
            await pilot.pause()
            return screen.query_one(QueueList).row_count, [i.note.id for i in screen.items].count(oldest.id)

    assert asyncio.run(run()) == (COUNT - 1, 0)
