"""A supervisor's review queue: notes from their workers, soonest due first, overdue ones marked.
Space selects several; y approves the selection (or the current note); r returns the current one."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from store import StoreError
from store.views import ReviewItem
from tui import format

# Fixed widths: auto-sized columns are measured when the app is idle, and a dialog opened at once
# (r on the first row) could paint the table before that, squeezed to its headers.
COLUMNS = (("", 1), ("Review by", 23), ("Worker", 18), ("Family", 11), ("Stage", 9), ("Event", 23),
           ("Contact type", 26), ("Round", 9))
FIRST_ROWS, MORE_ROWS = 60, 300  # rows added at once, then per refresh (about 0.1 s each)


class ReviewQueueScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="queue.back"),
        Binding("space", "toggle", "Select", id="queue.select"),
        Binding("y", "approve", "Approve", id="queue.approve"),
        Binding("r", "return", "Return", id="queue.return"),
        Binding("enter", "open", "Read", id="queue.open", show=False),
    ]
    DEFAULT_CSS = """
    ReviewQueueScreen #summary { padding: 0 1; height: 1; }
    ReviewQueueScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[ReviewItem] = []
        self.selected: set[int] = set()
        self._filling = 0  # which load the rows being added belong to

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the review queue…", id="summary")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: loading here too on mount raced two loads.
        self.load()

    @work(thread=True, exclusive=True, group="queue")
    def load(self) -> None:
        try:
            items = self.app.desk.review_queue()
        except StoreError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, items)

    def _show(self, items: list[ReviewItem]) -> None:
        """Rows for the items: the first screenful at once, the rest a chunk per refresh, so that a
        queue of thousands is on screen and answers keys while it fills (DataTable measures every
        cell it is given: 2,000 rows in one go held the screen blank for about a second)."""
        self.items = items
        self.selected &= {item.note.id for item in items}
        self._filling += 1
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self._add_rows(self._filling, 0, keep)
        self._summary()
        table.focus()

    def _add_rows(self, filling: int, start: int, cursor: int) -> None:
        if filling != self._filling or not self.is_attached:  # a newer load replaced these items
            return
        table, zone = self.query_one(DataTable), self.app.zone
        end = min(len(self.items), start + (FIRST_ROWS if start == 0 else MORE_ROWS))
        for item in self.items[start:end]:
            due = format.moment(item.review_due_at, zone)
            when = "FROZEN unreviewed" if item.note.frozen else f"OVERDUE {due}" if item.overdue else due
            table.add_row("●" if item.note.id in self.selected else "", when, item.note.author_name, item.family_name,
                          item.stage_label, format.moment(item.note.event_at, zone), item.note.contact_type,
                          "corrected" if item.resubmitted else "first", key=str(item.note.id))
        if start <= cursor < end or (end == len(self.items) and cursor >= end):
            table.move_cursor(row=min(cursor, max(len(self.items) - 1, 0)))
        if end < len(self.items):
            self.call_after_refresh(self._add_rows, filling, end, cursor)

    def _summary(self) -> None:
        overdue = sum(item.overdue and not item.note.frozen for item in self.items)
        frozen = sum(item.note.frozen for item in self.items)
        self.query_one("#summary", Static).update(
            f"{len(self.items)} notes waiting for you" + (f" · [b $error]{overdue} overdue[/]" if overdue else "")
            + (f" · {frozen} froze unreviewed (an addendum corrects them)" if frozen else "")
            + (f" · {len(self.selected)} selected (y approves them all)" if self.selected else "")
            if self.items else "Nothing waiting for your review.")

    def _current(self) -> ReviewItem | None:
        row = self.query_one(DataTable).cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    def action_toggle(self) -> None:
        item = self._current()
        if item:
            self.selected ^= {item.note.id}
            table = self.query_one(DataTable)
            table.update_cell_at((table.cursor_row, 0), "●" if item.note.id in self.selected else "")
            table.move_cursor(row=table.cursor_row + 1)
            self._summary()

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        item = self._current()
        if item:
            self.app.open_note(item.note.id)

    def action_approve(self) -> None:
        chosen = [i for i in self.items if i.note.id in self.selected] or ([self._current()] if self._current() else [])
        if chosen:
            self._approve([(i.note.id, i.note.version) for i in chosen])

    @work(thread=True, exclusive=True, group="approve")
    def _approve(self, notes: list[tuple[int, int]]) -> None:
        approved, refused = 0, []
        for note_id, version in notes:
            try:
                self.app.desk.approve(note_id, version)
                approved += 1
            except StoreError as error:
                refused.append(f"note {note_id}: {error}")
        self.selected.clear()
        self.app.call_from_thread(self.notify, f"Approved {approved} note{'s' if approved != 1 else ''}"
                                  + (". Not approved: " + " ".join(refused) if refused else ""),
                                  severity="warning" if refused else "information", timeout=8 if refused else 3)
        self.load()

    def action_return(self) -> None:
        item = self._current()
        if item:
            self._ask_return(item)

    @work(thread=True, exclusive=True, group="ask")
    def _ask_return(self, item: ReviewItem) -> None:
        """Ask the store first, so a note that can no longer be returned says why instead of opening a form."""
        try:
            refusal = self.app.desk.note_actions(item.note.id)["return"]
        except StoreError as error:
            refusal = str(error)
        self.app.call_from_thread(self._open_return, item, refusal)

    def _open_return(self, item: ReviewItem, refusal: str | None) -> None:
        if refusal:
            self.notify(refusal, severity="warning", timeout=8)
            return
        from tui.dialogs.return_note import ReturnDialog

        self.app.push_screen(ReturnDialog(item.note.id, item.note.version), lambda done: done and self.load())
