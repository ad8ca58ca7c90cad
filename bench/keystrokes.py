"""Count the keys it takes, from the caseload, to log "Caseworker/Child Contact, face to face, at
the child's residence, child and foster parent present, today 2 pm" with a one-line narrative.

Drives the real app headless (Textual Pilot) on a fresh demo agency and checks the saved note.
Run: .venv/bin/python bench/keystrokes.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store import FrozenClock, Store  # noqa: E402
from store.demo import generate  # noqa: E402
from tui.app import CasenotesApp  # noqa: E402
from tui.keystrokes import NARRATIVE, VISIT, count, home_visit  # noqa: E402

AS_OF = datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc)  # a Friday, 4 PM in New York


async def drive(store: Store, login: str, steps, home: Path) -> None:
    app = CasenotesApp(store, login, home=home)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for _, keys in steps:
            for key in keys:
                for press in ([("space" if c == " " else c) for c in key] if key == NARRATIVE else [key]):
                    await pilot.press(press)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        clock = FrozenClock(AS_OF)
        store = Store.open(f"sqlite:///{folder}/demo.db", clock=clock)
        generate(store, clock, seed=1)
        login = next(w.login for w in store.staff() if w.title == "Caseworker")
        desk = store.as_user(login)
        steps = home_visit(store.policy, desk.recent_choices())
        first_stage = desk.caseload()[0].stage_id  # the row the cursor starts on
        asyncio.run(drive(store, login, steps, Path(folder)))
        note = desk.stage_notes(first_stage)[0]
        assert (note.contact_type, note.method, note.location, note.narrative) == (
            VISIT["contact_type"], VISIT["method"], VISIT["location"], NARRATIVE), note
        assert note.event_at == AS_OF - timedelta(hours=2) and note.status == "submitted", note
        for step, keys in steps:
            shown = "1 (the narrative)" if keys == [NARRATIVE] else f"{len(keys):<2} {' '.join(keys)}"
            print(f"  {step:<36} {shown}")
        print(f"{count(steps)} keys from the caseload to a visit note sent for review "
              f"(present: {', '.join(p.name for p in note.participants)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
