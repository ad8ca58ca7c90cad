"""How long the case screen takes to show a stage of 50 notes and one of 5,000 (first notes on
screen, and all loaded), driven headless. Run: .venv/bin/python bench/stage_open.py
A figure, not a pass/fail test; it takes about a minute, most of it writing 5,050 notes."""

import asyncio, sys, time, tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from store import FrozenClock, Store
from tui.app import CasenotesApp

clock = FrozenClock(datetime(2026, 1, 5, 15, tzinfo=timezone.utc))
folder = tempfile.mkdtemp()
store = Store.open(f"sqlite:///{folder}/m.db", clock=clock)
s = store.staffing()
s.add_worker("sup", "Sue", "Supervisor"); s.add_worker("cw", "Cara", "Caseworker", supervisor="sup")
stages = {}
for n in (50, 5000):
    case = s.open_case(f"F{n}"); kid = s.add_person(case, "K", f"F{n}", "child", is_child=True)
    stages[n] = s.open_stage(case, "FSS", subtype="CWS", case_manager="cw", person_ids=[kid])
desk = store.as_user("cw")
clock.advance(hours=1)
for n, stage in stages.items():
    for i in range(n):
        clock.advance(seconds=30)
        desk.add_note(stage, event_at=clock.now() - timedelta(minutes=1), contact_type="Caseworker/Child Contact",
                      narrative="Seen at home. " * 40, participants=[])
for n, stage in stages.items():
    t = time.perf_counter(); desk.stage_notes(stage); print(n, "stage_notes", round(time.perf_counter() - t, 3), "s")

async def open_case(n):
    app = CasenotesApp(store, "cw", home=Path(folder))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(); await app.workers.wait_for_complete(); await pilot.pause()
        t = time.perf_counter()
        app.open_case(desk.stage(stages[n]).case_id, stages[n])
        from tui.widgets.note_list import NoteList
        while True:
            await pilot.pause(0.01)
            lst = app.screen.query(NoteList)
            if lst and lst.first().cursor_note is not None:
                break
        painted = time.perf_counter() - t
        await app.workers.wait_for_complete(); await pilot.pause()
        return painted, time.perf_counter() - t
for n in (50, 5000, 50, 5000):
    painted, done = asyncio.run(open_case(n))
    print(n, "case screen: first notes shown", round(painted, 3), "s; all loaded", round(done, 3), "s")
