"""The inbox: what waits for the signed-in worker (an advocate's upload or access request, a note
returned or approved, a correction or review overdue, an absence cut-off tomorrow), newest first,
unread marked. Enter marks the highlighted one read and goes to the thing (the app decides where:
``CasenotesApp.open_notified``); ``r`` marks it read, ``a`` marks all read, ``u`` shows only unread."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from store.core.results import NotificationView
from tui import formatting
from tui.messages import InboxMarked, InboxRead
from tui.screens.table_screen import TableScreen
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

SHOWN = 200  # the newest notifications shown; older ones stay in the record
NARROW = 110
COLUMNS = (("", 2), ("When", 17), ("What", 20), ("About", 75))
NARROW_COLUMNS = (("", 2), ("When", 17), ("About", 55))


class InboxScreen(SaysWorkerFailures, TableScreen):
    NARROW, COLUMNS, NARROW_COLUMNS = NARROW, COLUMNS, NARROW_COLUMNS
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="inbox.back"),
        Binding("enter", "open", "Open", id="inbox.open"),
        Binding("r", "mark_read", "Mark read", id="inbox.mark_read"),
        Binding("a", "mark_all_read", "All read", tooltip="Mark every notification read", id="inbox.mark_all"),
        Binding("u", "unread_only", "Unread only", tooltip="Show only unread / show all", id="inbox.unread_only"),
    ]
    DEFAULT_CSS = """
    InboxScreen #summary { padding: 0 1; height: auto; }
    InboxScreen DataTable { height: 1fr; }
    InboxScreen #detail { padding: 0 1; height: 3; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.notifications: list[NotificationView] = []
        self.unread = 0
        self.unread_only = False
        self.desk = None  # the signed-in worker's when the screen was opened

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading your inbox…", id="summary")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self._columns()

    @while_shown
    def on_screen_resume(self) -> None:
        self.load()  # also sent when the screen is first shown

    @work(thread=True, exclusive=True, group="inbox", exit_on_error=False)
    def load(self) -> None:
        desk = self.desk  # a refusal: SaysWorkerFailures
        self.post_message(InboxRead(desk.inbox(unread_only=self.unread_only, limit=SHOWN), desk.unread_count()))

    @on(InboxRead)
    @while_shown
    def _read(self, message: InboxRead) -> None:
        self.notifications, self.unread = message.notifications, message.unread
        self._fill()
        self.query_one(DataTable).focus()
        self._describe()

    def _fill(self) -> None:
        self._refill((self._cells(n), str(n.id)) for n in self.notifications)
        self.query_one("#summary", Static).update(self._summary())

    def _cells(self, n: NotificationView) -> list:
        style = "bold" if n.unread else ""
        mark = Text(" ●", style="bold") if n.unread else Text("")
        when = Text(" " + formatting.short_moment(n.at, self.app.zone), style=style)
        if self.narrow:
            return [mark, when, Text(" " + _clip(f"{n.kind.capitalize()}: {n.sentence}", 54), style=style)]
        return [mark, when, Text(" " + n.kind.capitalize(), style=style), Text(" " + _clip(n.sentence, 74), style=style)]

    def _summary(self) -> str:
        shown = len(self.notifications)
        if not shown:
            return ("Nothing unread in your inbox. Press u to show every notification." if self.unread_only
                    else "Your inbox is empty: notes returned or approved, deadlines passed and advocates' "
                         "uploads will appear here.")
        unread = f"[b]{self.unread} unread[/b]" if self.unread else "nothing unread"
        which = "unread shown" if self.unread_only else f"{shown} shown"
        return f"{unread} · {which} · Enter opens one and marks it read"

    @on(DataTable.RowSelected)
    def _selected(self) -> None:  # Enter on the table: the table takes the key before the screen
        self.action_open()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._describe()

    def _describe(self) -> None:
        n = self._current()
        detail = self.query_one("#detail", Static)
        if n is None:
            detail.update("")
            return
        read = (f"read {formatting.short_moment(n.read_at, self.app.zone)}" if n.read_at else "unread")
        mailed = f" · e-mailed {formatting.short_moment(n.emailed_at, self.app.zone)}" if n.emailed_at else ""
        detail.update(Text(f"{n.sentence}\n{n.kind.capitalize()} · {read}{mailed}"))

    def _current(self) -> NotificationView | None:
        table = self.query_one(DataTable)
        if not self.notifications or table.row_count == 0:
            return None
        return self.notifications[min(table.cursor_row, len(self.notifications) - 1)]

    # -- actions -----------------------------------------------------------------------------------

    def action_open(self) -> None:
        n = self._current()
        if n is None:
            return
        if n.unread:
            self._mark(self.desk, [n.id], n)
        else:
            self.app.open_notified(n)

    def action_mark_read(self) -> None:
        n = self._current()
        if n is not None and n.unread:
            self._mark(self.desk, [n.id], None)

    def action_mark_all_read(self) -> None:
        if self.unread:
            self._mark(self.desk, None, None)

    def action_unread_only(self) -> None:
        self.unread_only = not self.unread_only
        self.load()

    @work(thread=True, group="inbox-mark", exit_on_error=False)
    def _mark(self, desk, ids: list[int] | None, then: NotificationView | None) -> None:
        marked = desk.mark_all_read() if ids is None else desk.mark_read(ids)
        self.post_message(InboxMarked(marked, then))

    @on(InboxMarked)
    @while_shown
    def _marked(self, message: InboxMarked) -> None:
        self.app.refresh_inbox()
        self.load()  # the mark shows beneath a dialog opened over the inbox too
        if message.then is not None:
            self.app.open_notified(message.then)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
