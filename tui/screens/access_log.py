"""A case's access log: who read what of the family's record and when — the child's advocate, the
supervision chain, the clerk (anyone outside the assignment) and every read of a document — newest
first. For those who read the case whole (its role holders and their supervisors); the store says
so to anyone else."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from store import StoreError
from store.core.results import AccessLogEntry
from tui import formatting
from tui.messages import AccessLogRead, AccessLogRefused
from tui.while_shown import while_shown
from tui.widgets.fitted_columns import fit_columns
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

REACH = {"advocate": "Advocate", "supervision": "Supervision", "entry clerk": "Clerk", "assigned": "Assigned"}
# What was read takes the width the others leave and wraps (a document's name and kind are long).
COLUMNS = (("When", 17), ("Who", 16), ("What", None), ("As", 11))


class AccessLogScreen(SaysWorkerFailures, Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="access_log.back")]
    DEFAULT_CSS = """
    AccessLogScreen #log-title { padding: 0 1; text-style: bold; }
    AccessLogScreen #log-note { padding: 0 1; color: $text-muted; }
    AccessLogScreen DataTable { height: 1fr; }
    """

    def __init__(self, case_id: int, family_name: str):
        super().__init__()
        self.case_id, self.family_name = case_id, family_name
        self.desk = None
        self.entries: list[AccessLogEntry] = []
        self.fitted: int | None = None  # the width the columns were made for

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Who read the {escape(self.family_name)} family's record · reading…", id="log-title")
        yield Static("Reads from outside the assignment (advocates, supervisors, the clerk) and every read of a "
                     "document, newest first.", id="log-note")
        yield DataTable(id="log", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self._fit()
        self.load()

    @while_shown
    def on_resize(self) -> None:
        if self.fitted != self.size.width:
            self._fit()
            self._fill()

    def _fit(self) -> None:
        self.fitted = self.size.width
        fit_columns(self.query_one(DataTable), COLUMNS, self.size.width)

    @work(thread=True, exclusive=True, group="access-log", exit_on_error=False)
    def load(self) -> None:
        try:
            self.post_message(AccessLogRead(self.case_id, self.desk.access_log(self.case_id)))
        except StoreError as error:
            self.post_message(AccessLogRefused(str(error)))

    @on(AccessLogRead)
    @while_shown
    def _read(self, message: AccessLogRead) -> None:
        self.entries = message.entries
        self._fill()
        count = len(self.entries)
        self.query_one("#log-title", Static).update(
            f"Who read the {escape(self.family_name)} family's record · {count:,} read{'s' if count != 1 else ''}"
            + ("" if count else " · nobody from outside the assignment yet"))
        self.query_one(DataTable).focus()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        zone = self.app.zone
        for entry in self.entries:
            table.add_row(formatting.short_moment(entry.at, zone), escape(entry.name), escape(entry.what),
                          REACH.get(entry.reach, entry.reach), height=None)  # a long "what" wraps

    @on(AccessLogRefused)
    @while_shown
    def _refused(self, message: AccessLogRefused) -> None:
        self.notify(message.sentence, severity="error", timeout=8)
        if self.is_current:
            self.app.pop_screen()
