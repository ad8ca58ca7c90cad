"""Decide an advocate's request for access to a child's record: what the letter of introduction says
(court, cause number, the appointment's days, the letter's file: ctrl+o opens it), a reason (needed to
decline; the advocate is told), ctrl+s approves, ctrl+r declines (the reading box keeps its own
ctrl+a and ctrl+d). The store decides who may (the
child's caseworker, Case Planner or Case Manager, or their supervisor) and says why not. Dismissed
with the decided ``AccessRequestView``, or None."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store import StoreError
from tui import formatting
from tui.messages import AccessRequestDecided, AccessRequestRefused
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures


class DecideRequestDialog(SaysWorkerFailures, ModalScreen[object]):
    BINDINGS = [
        Binding("ctrl+s", "decide(True)", "Approve", id="decide.approve"),
        Binding("ctrl+r", "decide(False)", "Decline", id="decide.decline"),
        Binding("ctrl+o", "open_letter", "Open the letter", id="decide.letter"),
        Binding("escape", "cancel", "Cancel", id="decide.cancel"),
    ]
    DEFAULT_CSS = """
    DecideRequestDialog { align: center middle; }
    DecideRequestDialog > Vertical { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                     border: thick $accent; background: $surface; padding: 1 2; }
    DecideRequestDialog .title { text-style: bold; }
    DecideRequestDialog #problem { color: $error; height: auto; }
    DecideRequestDialog .muted { color: $text-muted; }
    """

    def __init__(self, request):
        """``request``: the store's ``AccessRequestView``."""
        super().__init__()
        self.request = request
        self.sending = False
        self.desk = None

    def compose(self) -> ComposeResult:
        r = self.request
        zone = self.app.zone
        child = escape(r.child_name or f"child number {r.child_id}")
        until = f" to {r.ends_on:%m/%d/%Y}" if r.ends_on else " (no last day given)"
        with Vertical():
            yield Static(f"{escape(r.advocate_name)} asks for access to {child}'s record", classes="title")
            yield Static(f"Court: {escape(r.court)}\nCause number: {escape(r.cause_number)}\n"
                         f"Appointed: {r.appointed_on:%m/%d/%Y}{until}\n"
                         f"Letter of introduction: {escape(r.letter_name or 'none')}\n"
                         f"Filed {formatting.short_date(r.requested_at, zone) if r.requested_at else ''}"
                         + (f" by {escape(r.requested_by)}" if r.requested_by and r.requested_by != r.advocate_name
                            else ""))
            if r.status != "requested":
                yield Static(f"This request was {r.status}"
                             + (f" by {escape(r.decided_by)}" if r.decided_by else "")
                             + (f": {escape(r.decision_reason)}" if r.decision_reason else "."), classes="muted")
            yield Static("Reason (the advocate is told; needed to decline)")
            yield Input(id="reason", placeholder="e.g. the letter matches the court's order on file")
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] approve  [b]ctrl+r[/b] decline  [b]ctrl+o[/b] open the letter  "
                         "[b]Esc[/b] decide later", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.query_one("#reason", Input).focus()

    def action_decide(self, approve: bool) -> None:
        if self.sending:
            return
        self.sending = True
        self.query_one("#problem", Static).update("[dim]Saving the decision…[/dim]")
        self.send(self.request.id, approve, self.query_one("#reason", Input).value)

    @work(thread=True, exclusive=True, group="decide", exit_on_error=False)
    def send(self, request_id: int, approve: bool, reason: str) -> None:
        try:
            self.post_message(AccessRequestDecided(self.desk.decide_access_request(request_id, approve, reason)))
        except StoreError as error:
            self.post_message(AccessRequestRefused(str(error)))

    @on(AccessRequestRefused)
    @while_shown
    def _refused(self, message: AccessRequestRefused) -> None:
        self.sending = False
        self.query_one("#problem", Static).update(escape(message.sentence))

    @on(AccessRequestDecided)
    @while_shown
    def _decided(self, message: AccessRequestDecided) -> None:
        r = message.request
        self.notify(f"{r.status.capitalize()} {r.advocate_name}'s request; they are told.", timeout=5)
        if self.is_active:
            self.dismiss(r)

    def action_open_letter(self) -> None:
        if self.request.letter_id is None:
            self.notify("This request has no letter.", severity="warning")
            return
        self.app.open_document(self.request.letter_id, self.request.letter_name or "the letter")

    def action_cancel(self) -> None:
        self.dismiss(None)
