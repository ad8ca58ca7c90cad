"""The note list: renders only what is on screen, moves its cursor by key and click, keeps its place."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from textual.app import App, ComposeResult
from textual.screen import Screen

from store.core.results import NoteView
from tui.widgets.note_list import NoteList

ZONE = "America/New_York"
T0 = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
STATUSES = ("draft", "submitted", "returned", "resubmitted", "approved", "final")
CONTACTS = ("Caseworker/Child Contact", "Birth Parent/Caseworker Contact", "Home Visit",
            "Collateral (attorney, law guardian, therapist, ACS …)", "Court Appearance", "Addendum")
AUTHORS = ("Dana Whitfield", "Luis Ortega", "Keisha Montgomery-Abernathy", "Ann Wu")


def make_note(i: int, *, version: int = 1) -> NoteView:
    """A plausible note; every few rows is frozen, late, has addenda or is itself an addendum."""
    event_at = T0 - timedelta(hours=7 * i, minutes=13 * i)
    status = STATUSES[i % len(STATUSES)]
    amends = i - 1 if i % 11 == 5 else None
    return NoteView(
        id=i + 1, stage_id=1, case_id=1, event_at=event_at, entered_at=event_at + timedelta(hours=2),
        author="w1", author_name=AUTHORS[i % len(AUTHORS)], entered_by="w1",
        entered_by_name=AUTHORS[i % len(AUTHORS)],
        contact_type="Addendum" if amends is not None else CONTACTS[i % (len(CONTACTS) - 1)],
        purposes=(), method="Face to face", location="Parent's home", participants=(), others=(),
        narrative=f"Narrative {i}.", status=status, version=version, amends_note_id=amends,
        addenda=tuple(range(1000, 1000 + (i % 3))) if i % 4 == 1 else (),
        freezes_at=event_at + timedelta(days=30), frozen=status in ("approved", "final") and i % 2 == 0,
        late_entry=i % 7 == 3, submitted_at=None if status == "draft" else event_at + timedelta(hours=3),
        correction_due_at=event_at + timedelta(days=5) if status == "returned" else None,
    )


class CountingNoteList(NoteList):
    rendered = 0

    def render_line(self, y):
        CountingNoteList.rendered += 1
        return super().render_line(y)


class HarnessApp(App):
    def __init__(self, notes: list[NoteView], *, counting: bool = False) -> None:
        super().__init__()
        self.notes = notes
        self.counting = counting
        self.messages: list[NoteList.Highlighted | NoteList.Selected] = []

    def compose(self) -> ComposeResult:
        yield (CountingNoteList if self.counting else NoteList)(zone=ZONE, id="notes")

    def on_mount(self) -> None:
        self.query_one(NoteList).set_notes(self.notes)

    def on_note_list_highlighted(self, message: NoteList.Highlighted) -> None:
        self.messages.append(message)

    def on_note_list_selected(self, message: NoteList.Selected) -> None:
        self.messages.append(message)


def test_renders_only_visible_lines():
    notes = [make_note(i) for i in range(5000)]
    app = HarnessApp(notes, counting=True)
    CountingNoteList.rendered = 0

    async def run():
        async with app.run_test(size=(100, 20)) as pilot:
            await pilot.pause()
            assert app.query_one(NoteList).virtual_size.height == 5000
            assert 0 < CountingNoteList.rendered <= 20 * 3
            before = CountingNoteList.rendered
            await pilot.press("end")
            await pilot.pause()
            assert CountingNoteList.rendered - before <= 20 * 3

    asyncio.run(run())


def test_keys_move_cursor_and_post_messages():
    notes = [make_note(i) for i in range(100)]
    app = HarnessApp(notes)

    async def run():
        async with app.run_test(size=(100, 20)) as pilot:
            note_list = app.query_one(NoteList)
            note_list.focus()
            await pilot.pause()
            assert app.messages[-1].note == notes[0]

            def last_highlight():
                highlights = [m for m in app.messages if isinstance(m, NoteList.Highlighted)]
                return highlights[-1].note

            await pilot.press("down", "down", "down")
            await pilot.pause()
            assert note_list.cursor == 3 and last_highlight() == notes[3]
            await pilot.press("end")
            await pilot.pause()
            assert note_list.cursor == 99 and last_highlight() == notes[99]
            assert note_list.scroll_offset.y > 0
            await pilot.press("home")
            await pilot.pause()
            assert note_list.cursor == 0 and last_highlight() == notes[0]
            assert note_list.scroll_offset.y == 0
            await pilot.press("pagedown")
            await pilot.pause()
            page = note_list.scrollable_content_region.height - 1
            assert note_list.cursor == page and last_highlight() == notes[page]
            await pilot.press("k", "j", "j")
            await pilot.pause()
            assert note_list.cursor == page + 1
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.messages[-1], NoteList.Selected)
            assert app.messages[-1].note == notes[page + 1]

    asyncio.run(run())


def test_click_moves_cursor_then_selects():
    notes = [make_note(i) for i in range(30)]
    app = HarnessApp(notes)

    async def run():
        async with app.run_test(size=(100, 20)) as pilot:
            await pilot.pause()
            note_list = app.query_one(NoteList)
            await pilot.click(NoteList, offset=(5, 4))
            await pilot.pause()
            assert note_list.cursor == 4
            assert not any(isinstance(m, NoteList.Selected) for m in app.messages)
            await pilot.click(NoteList, offset=(5, 4))
            await pilot.pause()
            assert isinstance(app.messages[-1], NoteList.Selected) and app.messages[-1].note == notes[4]

    asyncio.run(run())


def test_set_notes_keeps_cursor_on_same_note():
    notes = [make_note(i) for i in range(200)]
    app = HarnessApp(notes)

    async def run():
        async with app.run_test(size=(100, 20)) as pilot:
            note_list = app.query_one(NoteList)
            note_list.focus()
            note_list.cursor = 150
            await pilot.pause()
            # Twenty new notes ahead of it, and a new version of the note under the cursor.
            fresh = [make_note(i) for i in range(200, 220)] + notes[:150] + [make_note(150, version=2)] + notes[151:]
            note_list.set_notes(fresh)
            await pilot.pause()
            assert note_list.cursor == 170
            assert note_list.cursor_note.id == notes[150].id and note_list.cursor_note.version == 2
            assert app.messages[-1].note == fresh[170]
            top = note_list.scroll_offset.y
            assert top <= 170 < top + note_list.scrollable_content_region.height
            # Gone from the list: back to the first row.
            note_list.set_notes(fresh[:100])
            await pilot.pause()
            assert note_list.cursor == 0 and note_list.scroll_offset.y == 0
            note_list.set_notes([])
            await pilot.pause()
            assert note_list.cursor_note is None and app.messages[-1].note is None

    asyncio.run(run())


def test_empty_list_says_so():
    app = HarnessApp([])

    async def run():
        async with app.run_test(size=(60, 5)) as pilot:
            await pilot.pause()
            line = app.query_one(NoteList).render_line(0)
            assert line.text.strip() == "No notes in this stage yet."

    asyncio.run(run())


def test_note_list_snapshot(snap_compare):
    app = HarnessApp([make_note(i) for i in range(50)])

    async def settle(pilot):
        pilot.app.query_one(NoteList).focus()
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 20), run_before=settle)


class PagingScreen(Screen):
    """A list shown from ids alone, as the case screen does; the pages it asks for are collected
    (by the screen, as on the case screen: the list asks from a callback the screen runs)."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__()
        self.ids = ids
        self.wanted: list[NoteList.Wanted] = []

    def compose(self) -> ComposeResult:
        yield NoteList(zone=ZONE, id="notes")

    def on_mount(self) -> None:
        self.query_one(NoteList).show_ids(self.ids, source="stage A")

    def on_note_list_wanted(self, message: NoteList.Wanted) -> None:
        self.wanted.append(message)


class PagingApp(App):
    def __init__(self, ids: list[int]) -> None:
        super().__init__()
        self.paging = PagingScreen(ids)

    @property
    def wanted(self) -> list[NoteList.Wanted]:
        return self.paging.wanted

    def on_mount(self) -> None:
        self.push_screen(self.paging)


def _notes_for(ids: list[int], version: int = 1) -> list[NoteView]:
    return [make_note(i - 1, version=version) for i in ids]


def test_pages_are_asked_for_with_the_stage_and_showing_they_belong_to():
    app = PagingApp(list(range(1, 501)))

    async def run():
        async with app.run_test(size=(100, 20)) as pilot:
            await pilot.pause()
            note_list = app.screen.query_one(NoteList)
            first = app.wanted[0]
            assert (first.source, first.generation) == ("stage A", note_list.generation)
            assert first.ids[:3] == [1, 2, 3] and 500 not in first.ids
            # The rows are replaced (another stage) before the page comes: the late page is dropped,
            # not taken for the new rows, which it would mark as gone (it has none of them).
            note_list.show_ids(list(range(1, 101)), source="stage B")
            note_list.add_notes(first.ids, [], {}, first.generation)
            await pilot.pause()
            assert note_list.row_count == 100 and note_list.cursor_note is None
            second = app.wanted[-1]
            assert (second.source, second.generation) == ("stage B", first.generation + 1)
            assert second.ids[:3] == [1, 2, 3]
            note_list.add_notes(second.ids, _notes_for(second.ids[1:]), {}, second.generation)
            await pilot.pause()
            assert note_list.row_count == 99 and note_list.note_ids[0] == 2  # note 1 has gone from stage B

    asyncio.run(run())


def test_a_page_from_before_a_reload_does_not_make_stale_rows_look_fresh():
    ids = list(range(1, 41))
    app = PagingApp(ids)

    async def run():
        async with app.run_test(size=(100, 20)) as pilot:
            await pilot.pause()
            note_list = app.screen.query_one(NoteList)
            old = app.wanted[-1]
            note_list.add_notes(old.ids, _notes_for(old.ids), {}, old.generation)
            await pilot.pause()
            asked_before = len(app.wanted)
            note_list.show_ids(ids, source="stage A")  # reloaded: the notes shown are now stale
            late = _notes_for(old.ids, version=1)  # a page read before the reload comes late
            note_list.add_notes(old.ids, late, {}, old.generation)
            await pilot.pause()
            assert len(app.wanted) == asked_before + 1  # the stale rows are asked for again
            assert note_list._stale  # and still stale: the late page did not count
            fresh = app.wanted[-1]
            note_list.add_notes(fresh.ids, _notes_for(fresh.ids, version=2), {}, fresh.generation)
            await pilot.pause()
            assert note_list.cursor_note.version == 2 and not (note_list._stale & set(fresh.ids))

    asyncio.run(run())


def test_a_page_that_failed_is_asked_for_again_when_its_rows_are_next_painted():
    app = PagingApp(list(range(1, 201)))

    async def run():
        async with app.run_test(size=(100, 20)) as pilot:
            await pilot.pause()
            note_list = app.screen.query_one(NoteList)
            failed = app.wanted[-1]
            note_list.refresh()
            await pilot.pause()
            assert app.wanted[-1] is failed  # still asked for: not asked twice
            note_list.page_failed(failed.ids, failed.generation)
            note_list.refresh()
            await pilot.pause()
            assert app.wanted[-1] is not failed and app.wanted[-1].ids == failed.ids

    asyncio.run(run())
