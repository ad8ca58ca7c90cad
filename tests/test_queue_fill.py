"""A long review queue is filled a chunk per refresh: every note ends up in one row, in the store's
order, and keys pressed while it fills act on the note under the cursor (SQLite only: the screen
is the subject, not the backend)."""

import asyncio
from datetime import timedelta

import pytest
from textual.widgets import DataTable

from store import FrozenClock, Store
from tests.conftest import T0
from tests.test_flows import open_app
from tui.screens import review_queue
from tui.screens.review_queue import ReviewQueueScreen

COUNT = 150  # more than the first screenful and one more chunk


@pytest.fixture
def long_queue(tmp_path, monkeypatch):
    monkeypatch.setattr(review_queue, "MORE_ROWS", 40)  # several chunks from a small queue
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


def test_keys_pressed_while_the_queue_fills_act_on_the_right_note(long_queue, tmp_path):
    expected = [item.note.id for item in long_queue.as_user("boss").review_queue()]

    async def run():
        app = open_app(long_queue, "boss", tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.action_review_queue()
            while not (isinstance(app.screen, ReviewQueueScreen) and app.screen.query(DataTable)
                       and app.screen.query_one(DataTable).row_count):
                await asyncio.sleep(0.001)
            rows_when_pressed = app.screen.query_one(DataTable).row_count
            await pilot.press("space", "space")  # mark the first two notes
            await pilot.pause()
            table = app.screen.query_one(DataTable)
            keys = [table.coordinate_to_cell_key((row, 0)).row_key.value for row in range(table.row_count)]
            await pilot.press("y")
            await app.workers.wait_for_complete()
            await pilot.pause()
            return rows_when_pressed, keys, app.screen.query_one(DataTable).row_count

    rows_when_pressed, keys, rows_after = asyncio.run(run())
    assert rows_when_pressed < COUNT  # the keys came before the table was full
    assert keys == [str(note_id) for note_id in expected]  # each note once, in the store's order
    desk = long_queue.as_user("boss")
    assert [desk.note(note_id).status for note_id in expected[:3]] == ["approved", "approved", "submitted"]
    assert rows_after == COUNT - 2  # the reload replaced the rows rather than adding to them
