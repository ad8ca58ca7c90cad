"""A court-appointed advocate's home: the children they have access to, and their requests for access.

An advocate writes no progress notes, so this screen offers none: Enter opens a child (their approved
notes and documents), u uploads a document into the highlighted child's record, r files a request for
access to another child with the court's letter of introduction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from tui import formatting
from tui.messages import AdvocateHomeRead
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

if TYPE_CHECKING:
    from store.desks.desk import Desk

# Columns of fixed widths: measured from their rows, a list not in focus was seen drawn at its
# header's widths until something repainted it (in a terminal, and in snapshots now and then).
CHILDREN = (("Child", 22), ("Family", 14), ("Court", 28), ("Cause number", 14), ("Access until", 12))
REQUESTS = (("Child", 22), ("Court", 28), ("Cause number", 14), ("Filed", 9), ("Status", 10), ("Why", 30))
CHILDREN_NARROW = (("Child", 18), ("Family", 10), ("Court", 18), ("Cause number", 12), ("Until", 10))
REQUESTS_NARROW = (("Child", 14), ("Court", 14), ("Cause number", 12), ("Filed", 8), ("Status", 9), ("Why", 8))
NARROW = 100


def read_advocate_home(desk: Desk) -> tuple[list[Any], list[Any]]:
    """The advocate's children with open access and their requests (a worker thread's call)."""
    return desk.advocate_children(), desk.access_requests()


class AdvocateHomeScreen(SaysWorkerFailures, Screen):
    AUTO_FOCUS = "#children"
    BINDINGS = [
        Binding("enter", "open_child", "Open child", id="advocate.open", show=False),
        Binding("u", "upload", "Upload a document", id="advocate.upload"),
        Binding("r", "request_access", "Request access", id="advocate.request"),
        Binding("tab", "app.focus_next", "Next list", show=False),
    ]
    DEFAULT_CSS = """
    AdvocateHomeScreen .heading { padding: 0 1; text-style: bold; margin-top: 1; }
    AdvocateHomeScreen #summary { padding: 0 1; color: $text-muted; height: auto; }
    AdvocateHomeScreen #children { height: 1fr; min-height: 4; }
    AdvocateHomeScreen #requests { height: 1fr; min-height: 4; }
    """

    def __init__(self, desk: Desk | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.advocated: list[Any] = []
        self.requests: list[Any] = []
        self.waiting = False  # the app's first-caseload handshake: this screen reads its own rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the children you advocate for…", id="summary")
        yield Static("Children you advocate for", classes="heading")
        yield DataTable(id="children", cursor_type="row", zebra_stripes=True)
        yield Static("Your requests for access", classes="heading")
        yield DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.desk or self.app.desk
        narrow = self.app.size.width < NARROW
        for table, columns in (("#children", CHILDREN_NARROW if narrow else CHILDREN),
                               ("#requests", REQUESTS_NARROW if narrow else REQUESTS)):
            for label, width in columns:
                self.query_one(table, DataTable).add_column(label, width=width)
        footer = self.query_one(KeyFooter)
        footer.compact, footer.show_command_palette = narrow, not narrow

    @while_shown
    def on_screen_resume(self) -> None:
        self.load()  # also when first shown; back from a child or a dialog: a request may have been decided

    @work(thread=True, exclusive=True, group="advocate-home", exit_on_error=False)
    def load(self) -> None:
        children, requests = read_advocate_home(self.desk)  # a refusal: SaysWorkerFailures
        self.post_message(AdvocateHomeRead(children, requests))

    @on(AdvocateHomeRead)
    @while_shown
    def _read(self, message: AdvocateHomeRead) -> None:
        self.advocated, self.requests = message.children, message.requests
        zone = self.app.zone
        table = self.query_one("#children", DataTable)
        keep = table.cursor_row
        table.clear()
        for child in self.advocated:
            table.add_row(child.name, child.family_name, child.court or "—", child.cause_number or "—",
                          child.ends_on.strftime("%m/%d/%Y") if child.ends_on else "—", key=str(child.child_id))
        table.move_cursor(row=min(keep, max(len(self.advocated) - 1, 0)))
        requests = self.query_one("#requests", DataTable)
        requests.clear()
        for request in self.requests:
            requests.add_row(escape(request.child_name or f"child {request.child_id}"), escape(request.court),
                             escape(request.cause_number), formatting.short_date(request.requested_at, zone),
                             request.status, escape(request.decision_reason or request.end_reason or ""),
                             key=str(request.id))
        self.refresh_bindings()  # u once there is a child
        waiting = sum(1 for r in self.requests if r.status == "requested")
        self.query_one("#summary", Static).update(
            (f"{_count(len(self.advocated), 'child', 'children')} you may read"
             if self.advocated else "No child's record is open to you yet: r requests access with the court's letter")
            + (f" · {_count(waiting, 'request')} waiting for the caseworker" if waiting else ""))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """u is offered once a child's record is open to upload into."""
        return bool(self.advocated) if action == "upload" else True

    def _child(self) -> Any | None:
        table = self.query_one("#children", DataTable)
        return self.advocated[table.cursor_row] if self.advocated and 0 <= table.cursor_row < len(self.advocated) else None

    @on(DataTable.RowSelected, "#children")
    def action_open_child(self) -> None:
        child = self._child()
        if child is not None:
            from tui.screens.child import ChildScreen

            self.app.push_screen(ChildScreen(child))

    def action_upload(self) -> None:
        child = self._child()
        if child is None:
            self.notify("No child's record is open to you to upload into.", severity="warning")
            return
        self.app.upload_for(child.child_id, child.name)

    def action_request_access(self) -> None:
        self.app.request_access()


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
