"""A stage's progress notes as a one-line-per-note list that renders only the rows on screen.

A stage with thousands of notes opens from their ids alone: the notes of the rows about to be painted
are asked for (``Wanted``) and filled in as they come (``add_notes``), so opening one costs no more
than opening a stage of twenty, and End reaches the oldest note at once.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.cache import LRUCache
from textual.message import Message

from store.core.results import NoteView, Obligation
from tui import formatting
from tui.widgets.row_list import Cells, RowList, fit

EMPTY = "No notes in this stage yet."
_TIME, _STATUS, _GAP = 17, 11, 2  # "03/02/26 10:00 AM"; "resubmitted" is the longest status
_MARGIN = 1  # screens of notes asked for above and below the rows on screen
LOADING: Cells = ((" …", "note-list--time"),)


NARROW = 70  # below this many columns (an 80-column terminal beside the stage tree): date only, surname
_SURNAME, _NARROW_MARK = 11, 8


def _columns(width: int) -> tuple[int, int]:
    """Widths of the contact-type and author columns; the marks take what is left."""
    spare = width - (1 + _TIME + _STATUS + 4 * _GAP)
    author = min(22, max(6, spare // 4))
    marks = min(18, max(0, spare // 4))
    return max(6, spare - author - marks), author


class _NoteMessage(Message):
    def __init__(self, note_list: NoteList, note: NoteView | None) -> None:
        super().__init__()
        self.note_list = note_list
        self.note = note

    @property
    def control(self) -> NoteList:
        return self.note_list


class NoteList(RowList):
    """A stage's notes, one line each, rendered on demand."""

    COMPONENT_CLASSES = {
        "note-list--time", "note-list--draft", "note-list--returned", "note-list--marks", "note-list--overdue",
    }
    DEFAULT_CSS = """
    NoteList {
        & > .note-list--time { color: $text-muted; }
        & > .note-list--draft { color: $text-muted; text-style: italic; }
        & > .note-list--returned { color: $text-warning; text-style: bold; }
        & > .note-list--marks { color: $text-secondary; }
        & > .note-list--overdue { color: $text-error; text-style: bold; }
    }
    """
    EMPTY = EMPTY

    class Highlighted(_NoteMessage):
        """The cursor moved to another note, or the notes were replaced; `note` is None when the list
        is empty or the note under the cursor is still being read."""

    class Selected(_NoteMessage):
        """The user chose the note under the cursor (Enter, or a click on the cursor line)."""

    class Wanted(Message):
        """Rows about to be painted whose notes the list does not have (or has from before a reload):
        ``source`` is what the list was showing when they were asked for (a stage id), ``generation``
        which showing of it; the answer goes back to ``add_notes`` or ``page_failed`` with it."""

        def __init__(self, note_list: NoteList, ids: list[int], source: object, generation: int) -> None:
            super().__init__()
            self.note_list = note_list
            self.ids = ids
            self.source = source
            self.generation = generation

        @property
        def control(self) -> NoteList:
            return self.note_list

    def __init__(self, *, zone: str, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.zone = zone
        self._ids: list[int] = []
        self._notes: dict[int, NoteView] = {}
        self._stale: set[int] = set()  # read before the last reload: shown, and asked for again
        self._asked: set[int] = set()  # asked for and not come yet
        self._deadlines: dict[int, Obligation] = {}
        self._cells_cache: LRUCache[tuple, Cells] = LRUCache(2048)
        self._asking = False
        self.source: object = None  # what the rows are of (the case screen: the stage id)
        self.generation = 0  # one more at each show_ids: a page asked for before it is dropped

    @property
    def row_count(self) -> int:
        return len(self._ids)

    @property
    def note_ids(self) -> list[int]:
        return list(self._ids)

    @property
    def cursor_note(self) -> NoteView | None:
        return self._notes.get(self._ids[self.cursor]) if self._ids else None

    def set_notes(self, notes: list[NoteView]) -> None:
        """Replace the rows with these notes, every one of them known."""
        self.show_ids([n.id for n in notes], notes)

    def show_ids(self, ids: list[int], notes: list[NoteView] = (), deadlines: dict[int, Obligation] | None = None,
                 *, source: object = None) -> None:
        """Replace the rows with these notes of ``source``, ``notes`` being those already read (the
        rest are asked for as they come on screen), keeping the cursor on the same note when it is
        still listed."""
        self.source = source
        self.generation += 1
        keep = self._ids[self.cursor] if self._ids else None
        listed = set(ids)
        self._stale = {i for i in self._notes if i in listed}
        self._notes = {i: self._notes[i] for i in self._stale}
        self._asked.clear()
        self._deadlines = {i: d for i, d in self._deadlines.items() if i in listed}
        self._ids = list(ids)
        self._take(notes, deadlines, [n.id for n in notes] if deadlines is not None else None)
        self.rows_changed(next((i for i, n in enumerate(self._ids) if n == keep), 0))

    def add_notes(self, asked: list[int], notes: list[NoteView], deadlines: dict[int, Obligation],
                  generation: int | None = None) -> None:
        """The notes read for ``asked`` with their deadlines; one not among them has gone from the
        stage since the list was opened (a discarded draft), and its row goes too. A page asked for
        before the rows were last replaced (``generation``) is dropped: it may be of another stage,
        or older than the rows it would refresh."""
        if generation is not None and generation != self.generation:
            return
        current = self.cursor_note
        self._asked -= set(asked)
        self._take(notes, deadlines, asked)
        gone = (set(asked) - {n.id for n in notes}) & set(self._ids)
        if gone:
            keep = self._ids[self.cursor]
            for note_id in gone:
                self._notes.pop(note_id, None)
            self._ids = [i for i in self._ids if i not in gone]
            self.rows_changed(next((i for i, n in enumerate(self._ids) if n == keep), self.cursor))
            return
        self.refresh()
        if self.cursor_note is not current:
            self.row_highlighted()  # the note under the cursor has come, or come anew

    def page_failed(self, asked: list[int], generation: int) -> None:
        """The notes asked for could not be read (the screen said why): asked for again when their
        rows are next painted, rather than left loading for good."""
        if generation == self.generation:
            self._asked -= set(asked)

    def _take(self, notes, deadlines: dict[int, Obligation] | None, asked: list[int] | None) -> None:
        """Keep these notes; ``asked``: the notes whose deadlines ``deadlines`` gives in full."""
        for note in notes:
            self._notes[note.id] = note
            self._stale.discard(note.id)
        for note_id in asked or ():
            self._deadlines.pop(note_id, None)
        self._deadlines.update(deadlines or {})

    def row_highlighted(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor_note))

    def row_selected(self) -> None:
        if (note := self.cursor_note) is not None:
            self.post_message(self.Selected(self, note))

    def row_cells(self, row: int, width: int) -> Cells:
        note_id = self._ids[row]
        note = self._notes.get(note_id)
        if (note is None or note_id in self._stale) and not self._asking:
            self._asking = True
            self.call_after_refresh(self._ask)
        return LOADING if note is None else self._cells(note, width)

    def _ask(self) -> None:
        """Ask for the notes of the rows on screen (and a screen either side) not yet read."""
        self._asking = False
        wanted = [self._ids[row] for row in self.visible_rows(_MARGIN)
                  if (self._ids[row] not in self._notes or self._ids[row] in self._stale)
                  and self._ids[row] not in self._asked]
        if wanted:
            self._asked.update(wanted)
            self.post_message(self.Wanted(self, wanted, self.source, self.generation))

    def _cells(self, note: NoteView, width: int) -> Cells:
        # Status, freezing and addenda change without a new version of the note itself.
        due = self._deadlines.get(note.id)
        key = (note.id, note.version, note.status, note.frozen, len(note.addenda), width,
               due and (due.next_due_at, due.overdue))
        cells = self._cells_cache.get(key)
        if cells is None:
            cells = self._cells_cache[key] = self._format(note, width, due)
        return cells

    def _format(self, note: NoteView, width: int, due: Obligation | None) -> Cells:
        if width < NARROW:
            return self._narrow(note, width, due)
        contact, author = _columns(width)
        when = formatting.short_moment(note.event_at, self.zone)
        marks = [_due_mark(due, self.zone)] if due else []
        marks += [mark for mark, shown in (("addendum", note.amends_note_id is not None), ("late", note.late_entry),
                                          (f"+{len(note.addenda)} add.", bool(note.addenda)), ("frozen", note.frozen))
                 if shown]
        gap = " " * _GAP
        status_role = {"draft": "note-list--draft", "returned": "note-list--returned"}.get(note.status)
        marks_role = "note-list--overdue" if due and due.overdue else "note-list--marks"
        start = " " + when.rjust(_TIME) + gap
        middle = fit(note.contact_type, contact) + gap + fit(note.author_name, author) + gap
        rest = width - cell_len(start) - cell_len(middle) - _STATUS - _GAP
        return (
            (start, "note-list--time"),
            (middle, None),
            (fit(note.status, _STATUS), status_role),
            ((gap + fit(" ".join(marks), rest)) if rest > 0 else "", marks_role),
        )


    def _narrow(self, note: NoteView, width: int, due: Obligation | None) -> Cells:
        """Date, contact type, the author's surname, status and (if there is room) one mark: what tells
        notes apart in half of 80 columns (the preview below gives the time, full name and the rest)."""
        gap = " " * _GAP
        mark = (_due_mark(due, self.zone) if due else "late" if note.late_entry
                else "addendum" if note.amends_note_id is not None else "")
        status_role = {"draft": "note-list--draft", "returned": "note-list--returned"}.get(note.status)
        surname = (note.author_name.split() or [""])[-1]
        start = " " + formatting.short_date(note.event_at, self.zone) + gap
        fixed = cell_len(start) + _SURNAME + _STATUS + 2 * _GAP
        marks = _NARROW_MARK if width - fixed - _NARROW_MARK - _GAP >= 14 else 0
        contact = max(6, width - fixed - (marks + _GAP if marks else 0))
        return (
            (start, "note-list--time"),
            (fit(note.contact_type, contact) + gap + fit(surname, _SURNAME) + gap, None),
            (fit(note.status, _STATUS), status_role),
            ((gap + fit(mark, marks)) if marks else "", "note-list--overdue" if due and due.overdue else "note-list--marks"),
        )


def _due_mark(due: Obligation, zone: str) -> str:
    """"OVERDUE", or "due 11/23": the next deadline of whoever must act on the note (the column is
    narrow; the preview and the editor give the overdue date and time)."""
    day = formatting.short_day(due.next_due_at, zone)
    return "OVERDUE" if due.overdue else f"due {day}"
