"""Due dates and overdue marks where people already look: the caseload, the note list, the editor."""

import asyncio
from datetime import datetime, timezone

from textual.widgets import Static

from store.core.results import Obligation
from tests.test_tui import SIZE, settle
from tui.app import CasenotesApp
from tui.widgets.note_list import NoteList, _due_mark

ZONE = "America/New_York"


def obligation(**override) -> Obligation:
    fields = dict(note_id=1, case_id=1, family_name="Rivera", stage_id=1, stage_label="FSS-CWS",
                  contact_type="School Contact", event_at=datetime(2026, 11, 16, 15, tzinfo=timezone.utc),
                  author="cw", author_name="Cara", status="draft", who="cw", who_name="Cara", action="submit",
                  due_at=datetime(2026, 11, 19, 15, tzinfo=timezone.utc), overdue=True,
                  freezes_at=datetime(2026, 12, 7, 5, tzinfo=timezone.utc), after_freeze=False, cutoff_at=None)
    fields.update(override)
    return Obligation(**fields)


def test_the_due_mark_names_the_day_and_says_overdue():
    assert _due_mark(obligation(), ZONE) == "OVERDUE"
    cutoff = datetime(2026, 11, 18, 22, tzinfo=timezone.utc)
    assert _due_mark(obligation(overdue=False, cutoff_at=cutoff), ZONE) == "due 11/18"


def worker_with(store, action: str):
    """A demo worker with an overdue obligation of this kind, and that obligation."""
    director = next(w.login for w in store.staff() if "Director" in w.title)
    return next(o for o in store.as_user(director).team_deadlines() if o.overdue and o.action == action)


def run_app(store, home, login, steps):
    async def run():
        app = CasenotesApp(store, login, home=home, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            return await steps(app, pilot)
    return asyncio.run(run())


def test_an_overdue_draft_is_marked_in_the_note_list_and_in_the_editor(demo_store, tmp_path):
    late = worker_with(demo_store, "submit")

    async def steps(app, pilot):
        app.open_case(late.case_id, late.stage_id)
        await settle(pilot)
        notes = app.screen.query_one(NoteList)
        row = notes.note_ids.index(late.note_id)
        notes.cursor = row
        await settle(pilot)
        line = "".join(segment.text for segment in notes.render_line(row - notes.scroll_offset.y))
        app.open_editor(late.stage_id, note_id=late.note_id)
        await settle(pilot)
        return line, str(app.screen.query_one("#context", Static).render())

    line, context = run_app(demo_store, tmp_path, late.who, steps)
    day = f"{late.due_at.astimezone(timezone.utc):%m/%d}"
    assert "OVERDUE" in line and late.contact_type[:10] in line
    assert "OVERDUE: record and submit by" in context and day[:3] in context


def test_the_caseload_shows_the_absence_cutoff_and_what_is_still_to_submit(demo_store, tmp_path):
    away = next(w.login for w in demo_store.staff() if demo_store.as_user(w.login).next_absence())
    absence = demo_store.as_user(away).next_absence()

    async def steps(app, pilot):
        return str(app.screen.query_one("#summary", Static).render())

    summary = run_app(demo_store, tmp_path, away, steps)
    count = len(absence.pending)
    assert f"Away from {absence.starts_on:%a %m/%d}" in summary
    assert f"submit {count} note{'s' if count != 1 else ''} by Wed 11/25/2026 5:00 PM" in summary
