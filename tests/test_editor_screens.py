"""The note editor as seen: at 80x24 and 120x40 (snapshots, demo agency, clock stopped), a returned
note's comment kept in view while it is corrected, and a clerk entering a note for its author."""

import asyncio

import pytest

from tests.keyboard import type_text
from tests.test_flows import AFTERNOON, first_caseworker, open_app, settle, supervisor_of
from tui.app import CasenotesApp

SMALL, LARGE = (80, 24), (120, 40)


def focused_field(editor) -> str:
    """The id of the field with focus (a pick list's, when its filter has it)."""
    return editor.focused.id or editor.focused.parent.id
COMMENT = "Say which rooms of the home were seen and where the child sleeps."


@pytest.fixture
def returned_note(demo_store):
    """A home visit the caseworker sent for review this afternoon and the supervisor returned."""
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    desk = demo_store.as_user(worker)
    stage_id = desk.caseload()[0].stage_id
    note = desk.add_note(stage_id, event_at=AFTERNOON.replace(hour=18), contact_type="Caseworker/Child Contact",
                         method="Face to face", location="Child's residence (foster/kinship home)",
                         purposes=["Safety"], narrative="Seen at home. He showed his room.")
    desk.submit(note.id, note.version)
    demo_store.as_user(supervisor_of(demo_store, worker)).return_note(note.id, COMMENT)
    return worker, stage_id, note.id


def editor_for(demo_store, tmp_path, login, **opened):
    app = CasenotesApp(demo_store, login, home=tmp_path, indexing=False)

    async def open_it(pilot):
        await settle(pilot)
        pilot.app.open_editor(opened.pop("stage_id"), **opened)
        await settle(pilot)
    return app, open_it


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_returned_note_editor_snapshot(snap_compare, demo_store, tmp_path, returned_note, size):
    worker, stage_id, note_id = returned_note
    app, open_it = editor_for(demo_store, tmp_path, worker, stage_id=stage_id, note_id=note_id)
    assert snap_compare(app, terminal_size=size, run_before=open_it)


def test_new_note_editor_at_80x24_keeps_the_narrative_in_view_snapshot(snap_compare, demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    app = CasenotesApp(demo_store, first_caseworker(demo_store), home=tmp_path, indexing=False)

    async def type_a_note(pilot):
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_text(pilot, "-1h")
        await pilot.press("tab", "1")
        pilot.app.screen.query_one("#narrative").focus()
        for line in ("Seen at home with his foster mother.", "He showed his room and his school bag."):
            await type_text(pilot, line)
            await pilot.press("enter")
        pilot.app.clear_notifications()  # a notice's 5 s may or may not have run out: not in the picture
        await settle(pilot)
    assert snap_compare(app, terminal_size=SMALL, run_before=type_a_note)


def test_the_return_comment_stays_in_view_while_the_narrative_is_corrected(demo_store, tmp_path, returned_note):
    worker, stage_id, note_id = returned_note
    boss = next(w for w in demo_store.staff() if w.login == supervisor_of(demo_store, worker))

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            app.open_editor(stage_id, note_id=note_id)
            await settle(pilot)
            editor = app.screen
            await pilot.press("end")
            for _ in range(12):
                await type_text(pilot, " He sleeps in his own room.")
                await pilot.press("enter")
            await pilot.pause()
            panel = editor.query_one("#returned")
            narrative = editor.query_one("#narrative")
            return str(panel.query_one("Static").render()), panel.region, narrative.region, editor.focused is narrative

    said, panel, narrative, typing = asyncio.run(run())
    assert said.startswith(f"Returned by {boss.name} ")  # the name, not the login
    assert "correct by Mon 11/23/2026 11:59 PM" in said and COMMENT in said.replace("\n", " ")
    assert typing and panel.height >= 2 and panel.y < narrative.y
    assert narrative.bottom <= SMALL[1] - 2  # the narrative is on screen above the status line and footer


def test_a_clerk_starts_at_the_author_and_the_heading_names_the_author_chosen(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    clerk = next(w for w in demo_store.staff() if "ENT PROG NOTE" in w.functions)
    stage_id = demo_store.as_user(first_caseworker(demo_store)).caseload()[0].stage_id
    first_role = demo_store.as_user(clerk.login).stage(stage_id).roles[0]

    async def run():
        app = open_app(demo_store, clerk.login, tmp_path)
        async with app.run_test(size=LARGE) as pilot:
            await settle(pilot)
            app.open_editor(stage_id)
            await settle(pilot)
            editor = app.screen
            first_field = focused_field(editor)
            before = str(editor.query_one("#context").render())
            await pilot.press("1")
            await pilot.pause()
            return first_field, before, str(editor.query_one("#context").render()), focused_field(editor)

    first_field, before, after, then = asyncio.run(run())
    assert first_field == "author" and then == "when"
    assert f"· by {clerk.name}" not in before and f"entered by {clerk.name} for the author chosen below" in before
    assert f"by {first_role.worker_name} · entered by {clerk.name}" in after.replace("\n", " ")


def test_quit_with_unsaved_typing_dialog_at_80x24_snapshot(snap_compare, demo_store, tmp_path):
    from tests.test_editor_keeps_typing import start_a_note

    demo_store.clock.set(AFTERNOON)
    app = CasenotesApp(demo_store, first_caseworker(demo_store), home=tmp_path, indexing=False)

    async def quit_while_typing(pilot):
        await start_a_note(pilot)
        pilot.app.clear_notifications()  # a notice's 5 s may or may not have run out: not in the picture
        await pilot.press("ctrl+q")
        await settle(pilot)
    assert snap_compare(app, terminal_size=SMALL, run_before=quit_while_typing)


def test_a_long_return_comment_scrolls_and_the_narrative_stays_in_view(demo_store, tmp_path):
    demo_store.clock.set(AFTERNOON)
    worker = first_caseworker(demo_store)
    desk = demo_store.as_user(worker)
    stage_id = desk.caseload()[0].stage_id
    note = desk.add_note(stage_id, event_at=AFTERNOON.replace(hour=18), contact_type="Caseworker/Child Contact",
                         method="Face to face", location="Child's residence (foster/kinship home)",
                         purposes=["Safety"], narrative="Seen at home.")
    desk.submit(note.id, note.version)
    comment = " ".join(f"Point {n}: say more about the visit." for n in range(1, 41)) + " The end."
    demo_store.as_user(supervisor_of(demo_store, worker)).return_note(note.id, comment)

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            app.open_editor(stage_id, note_id=note.id)
            await settle(pilot)
            editor = app.screen
            panel, narrative = editor.query_one("#returned"), editor.query_one("#narrative")
            heading = str(panel.query_one("Static").render()).splitlines()[0]
            shown = (panel.region.height, narrative.region.bottom, editor.focused is narrative)
            await pilot.press("tab")
            reached = editor.focused is panel
            await pilot.press("end")
            await pilot.pause()
            return heading, shown, reached, panel.scroll_y, panel.max_scroll_y

    heading, (height, narrative_bottom, typing), reached, scrolled, most = asyncio.run(run())
    assert typing and height <= 8 and narrative_bottom <= SMALL[1] - 2
    assert "more below: Tab here, then ↓" in heading
    assert reached and most > 0 and scrolled == most  # all of the comment can be read
