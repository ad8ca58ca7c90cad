"""A stage's progress notes as a one-line-per-note list that renders only the rows on screen.

Built on the Line API (as Textualize/toolong does): the widget is a `ScrollView` whose virtual height
is the number of notes, and `render_line` formats a row only when it is about to be painted, so a
stage with thousands of notes costs no more to show than one with twenty.
"""

from __future__ import annotations

import pendulum
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store.views import NoteView, Obligation

EMPTY = "No notes in this stage yet."
_TIME, _STATUS, _GAP = 17, 11, 2  # "03/02/26 10:00 AM"; "resubmitted" is the longest status
Cells = tuple[tuple[str, str | None], ...]  # (text, component class) pairs of one row


def _fit(text: str, width: int) -> str:
    """Pad or cut `text` to exactly `width` cells, marking a cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


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


class NoteList(ScrollView, can_focus=True):
    """A stage's notes, one line each, rendered on demand."""

    COMPONENT_CLASSES = {
        "note-list--cursor", "note-list--time", "note-list--draft", "note-list--returned",
        "note-list--marks", "note-list--overdue", "note-list--empty",
    }
    DEFAULT_CSS = """
    NoteList {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        & > .note-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .note-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .note-list--time { color: $text-muted; }
        & > .note-list--draft { color: $text-muted; text-style: italic; }
        & > .note-list--returned { color: $text-warning; text-style: bold; }
        & > .note-list--marks { color: $text-secondary; }
        & > .note-list--overdue { color: $text-error; text-style: bold; }
        & > .note-list--empty { color: $text-muted; text-style: italic; }
    }
    """
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "cursor_page_up", "Page up", show=False),
        Binding("pagedown", "cursor_page_down", "Page down", show=False),
        Binding("home", "cursor_first", "First", show=False),
        Binding("end", "cursor_last", "Last", show=False),
        Binding("enter", "select", "Open"),
    ]

    class Highlighted(_NoteMessage):
        """The cursor moved to another note, or the notes were replaced; `note` is None when empty."""

    class Selected(_NoteMessage):
        """The user chose the note under the cursor (Enter, or a click on the cursor line)."""

    cursor: reactive[int] = reactive(0, init=False)

    def __init__(self, *, zone: str, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.zone = zone
        self._notes: list[NoteView] = []
        self._deadlines: dict[int, Obligation] = {}
        self._cells_cache: LRUCache[tuple, Cells] = LRUCache(2048)

    @property
    def cursor_note(self) -> NoteView | None:
        return self._notes[self.cursor] if self._notes else None

    def set_notes(self, notes: list[NoteView]) -> None:
        """Replace the rows, keeping the cursor on the same note when it is still listed."""
        current = self.cursor_note
        self._notes = list(notes)
        keep = current.id if current else None
        self.set_reactive(NoteList.cursor, next((i for i, n in enumerate(self._notes) if n.id == keep), 0))
        self.virtual_size = Size(0, len(self._notes))
        self.refresh()
        # The scrollbar gutter is only known after the next layout.
        self.call_after_refresh(self._scroll_to_cursor)
        self.post_message(self.Highlighted(self, self.cursor_note))

    def set_deadlines(self, deadlines: dict[int, Obligation]) -> None:
        """What each open note waits for (from the store's deadline engine), shown as "due" marks."""
        self._deadlines = dict(deadlines)
        self.refresh()

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._notes) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, self.cursor_note))

    def _scroll_to_cursor(self) -> None:
        if self._notes and self.is_mounted:
            width = max(1, self.scrollable_content_region.width)
            self.scroll_to_region(Region(0, self.cursor, width, 1), animate=False, force=True, immediate=True)

    def on_mount(self) -> None:
        self.call_after_refresh(self._scroll_to_cursor)

    def _on_focus(self, event: events.Focus | events.Blur) -> None:
        self.refresh_line(self.cursor)

    _on_blur = _on_focus

    def _on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._scroll_to_cursor)

    def _on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("note_row")
        if row is not None and row == self.cursor:
            self.action_select()
        elif row is not None:
            self.cursor = row

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_cursor_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_cursor_first(self) -> None:
        self.cursor = 0

    def action_cursor_last(self) -> None:
        self.cursor = len(self._notes) - 1

    def action_select(self) -> None:
        if (note := self.cursor_note) is not None:
            self.post_message(self.Selected(self, note))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = self.scroll_offset.y + y
        if not self._notes:
            if row != 0:
                return Strip.blank(width, base)
            empty = base + self._style("note-list--empty")
            return Strip([Segment(_fit(" " + EMPTY, width), empty)], width)
        if row >= len(self._notes):
            return Strip.blank(width, base)
        cursor = self._style("note-list--cursor") if row == self.cursor else None
        segments = []
        for text, role in self._cells(self._notes[row], width):
            style = base + self._style(role) if role else base
            segments.append(Segment(text, style + cursor if cursor else style))
        pad = base + cursor if cursor else base
        return Strip(segments).crop_extend(0, width, pad).apply_meta({"note_row": row})

    def _style(self, role: str) -> Style:
        """Only what the component sets, so a row keeps its own colours under a blurred cursor."""
        # The partial style drops alpha (e.g. $text-muted), so take the blended colours from the full one.
        full, part = self.get_component_rich_style(role), self.get_component_rich_style(role, partial=True)
        return part + Style.from_color(full.color if part.color else None, full.bgcolor if part.bgcolor else None)

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
        contact, author = _columns(width)
        when = pendulum.instance(note.event_at).in_timezone(self.zone).format("MM/DD/YY h:mm A")
        marks = [_due_mark(due, self.zone)] if due else []
        marks += [mark for mark, shown in (("addendum", note.amends_note_id is not None), ("late", note.late_entry),
                                          (f"+{len(note.addenda)} add.", bool(note.addenda)), ("frozen", note.frozen))
                 if shown]
        gap = " " * _GAP
        status_role = {"draft": "note-list--draft", "returned": "note-list--returned"}.get(note.status)
        marks_role = "note-list--overdue" if due and due.overdue else "note-list--marks"
        start = " " + when.rjust(_TIME) + gap
        middle = _fit(note.contact_type, contact) + gap + _fit(note.author_name, author) + gap
        rest = width - cell_len(start) - cell_len(middle) - _STATUS - _GAP
        return (
            (start, "note-list--time"),
            (middle, None),
            (_fit(note.status, _STATUS), status_role),
            ((gap + _fit(" ".join(marks), rest)) if rest > 0 else "", marks_role),
        )


def _due_mark(due: Obligation, zone: str) -> str:
    """"OVERDUE", or "due 11/23": the next deadline of whoever must act on the note (the column is
    narrow; the preview and the editor give the overdue date and time)."""
    day = pendulum.instance(due.next_due_at).in_timezone(zone).format("MM/DD")
    return "OVERDUE" if due.overdue else f"due {day}"
