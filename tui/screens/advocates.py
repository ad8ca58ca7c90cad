"""Advocates: the advocate programme's list of advocates, for its access-management representatives
(``ADVOCATE ACCESS``): who asked for an account, who may sign in, when each last did, how many children's
records are open to them and whose, and when their access is next to be confirmed.

n files a new advocate's account, a approves the highlighted one, x rejects it (with a reason),
t terminates an advocate who left (with a reason: sign-in refused at once, every appointment ended),
c confirms the review, r files a request for access to a child for the highlighted advocate. The store
decides each and says why not; the list is read again after each change.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from store import StoreError
from tui import formatting
from tui.messages import AdvocateChanged, AdvocateRefused, AdvocatesRead
from tui.screens.table_screen import TableScreen
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

# Columns of fixed widths (as the advocate's home): measured from their rows, the list was seen drawn at
# its header's widths after sign-in ("Nora", "approv") until something repainted it.
COLUMNS = (("Name", 20), ("Login", 14), ("Status", 20), ("Last sign-in", 12), ("Open", 4), ("Children", 18),
           ("Review on", 10))
NARROW_COLUMNS = (("Name", 20), ("Status", 20), ("Open", 4), ("Review on", 10))
NARROW = 100


class AdvocatesScreen(SaysWorkerFailures, TableScreen):
    NARROW, COLUMNS, NARROW_COLUMNS, SPACED, COMPACT_FOOTER = NARROW, COLUMNS, NARROW_COLUMNS, False, True
    AUTO_FOCUS = "DataTable"
    BINDINGS = [
        Binding("n", "new_account", "New advocate", id="advocates.new"),
        Binding("a", "approve", "Approve", id="advocates.approve"),
        Binding("x", "reject", "Reject", id="advocates.reject"),
        Binding("t", "terminate", "Terminate", id="advocates.terminate"),
        Binding("c", "confirm_review", "Review done", id="advocates.review"),
        Binding("r", "request_access", "Request for a child", id="advocates.request"),
    ]
    DEFAULT_CSS = """
    AdvocatesScreen #summary { padding: 0 1; color: $text-muted; height: auto; }
    AdvocatesScreen DataTable { height: 1fr; }
    AdvocatesScreen #detail { padding: 0 1; height: auto; min-height: 2; }
    """

    def __init__(self, desk: Any = None) -> None:
        super().__init__()
        self.desk = desk
        self.accounts: list[Any] = []
        self.waiting = False  # the app's first-caseload handshake: this screen reads its own rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the programme's advocates…", id="summary")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.desk or self.app.desk
        self._columns()

    @while_shown
    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="advocates", exit_on_error=False)
    def load(self) -> None:
        self.post_message(AdvocatesRead(self.desk.advocate_accounts()))  # a refusal: SaysWorkerFailures

    @on(AdvocatesRead)
    @while_shown
    def _read(self, message: AdvocatesRead) -> None:
        self.accounts = message.accounts
        self._fill()

    def _fill(self) -> None:
        self._refill((self._cells(a), a.login) for a in self.accounts)
        waiting = sum(1 for a in self.accounts if a.status == "requested")
        active = sum(1 for a in self.accounts if a.status == "approved")
        due = sum(1 for a in self.accounts if a.review_due)
        self.query_one("#summary", Static).update(
            f"{active} active advocate{'s' if active != 1 else ''}"
            + (f" · {waiting} waiting for approval" if waiting else "")
            + (f" · {due} to review" if due else "")
            + ("" if self.accounts else " · n files a new advocate's account"))
        self._detail()

    def _cells(self, a: Any) -> list[object]:
        status = Text(a.status + (" · review due" if a.review_due else ""),
                      style="bold" if a.status == "requested" or a.review_due else
                      ("dim" if a.status in ("rejected", "terminated") else ""))
        review = a.review_on.strftime("%m/%d/%Y") if a.review_on else "—"
        if self.narrow:
            return [a.name, status, str(a.open_appointments), review]
        seen = formatting.short_date(a.last_sign_in_at, self.app.zone) if a.last_sign_in_at else "never"
        return [a.name, a.login, status, seen, str(a.open_appointments), ", ".join(a.children) or "—", review]

    @on(DataTable.RowHighlighted)
    def _detail(self) -> None:
        a = self._account()
        if a is None:
            self.query_one("#detail", Static).update("")
            return
        said = {"requested": f"asked {formatting.short_date(a.requested_at, self.app.zone)}"
                             + (f" by {a.requested_by}" if a.requested_by else ""),
                "approved": f"approved by {a.decided_by or 'the programme'}",
                "rejected": f"rejected: {a.decision_reason or ''}",
                "terminated": f"terminated: {a.termination_reason or ''}"}[a.status]
        self.query_one("#detail", Static).update(
            f"[b]{escape(a.name)}[/b] ({escape(a.login)}{', ' + escape(a.agency) if a.agency else ''}) · "
            f"{escape(said)}" + (f" · {a.pending_requests} request(s) waiting" if a.pending_requests else ""))

    def _account(self) -> Any | None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        return self.accounts[row] if self.accounts and 0 <= row < len(self.accounts) else None

    # -- the changes ------------------------------------------------------------------------------------

    def action_new_account(self) -> None:
        from tui.dialogs.new_advocate import NewAdvocateDialog

        def filed(fields: dict | None) -> None:
            if fields:
                self.change("request_advocate_account", (fields["login"], fields["name"]),
                            {"agency": fields["agency"], "email": fields["email"] or None},
                            f"Filed {fields['name']}'s account; approve it (a) to let them sign in.")

        self.app.push_screen(NewAdvocateDialog(self.app.me.agency if self.app.me else ""), filed)

    def action_approve(self) -> None:
        if (a := self._account()) is not None:
            self.change("approve_advocate", (a.login,), {}, f"Approved {a.name}: they may sign in now.")

    def action_reject(self) -> None:
        self._with_reason("reject_advocate", f"Reject {self._highlighted_name()}'s account?", "Why is it not approved?",
                          "Rejected {name}'s account.")

    def action_terminate(self) -> None:
        self._with_reason("terminate_advocate", f"Terminate {self._highlighted_name()}'s access?",
                          "Why? Their sign-in is refused at once and every appointment ends; the history is kept.",
                          "Terminated {name}: they can no longer sign in.")

    def action_confirm_review(self) -> None:
        if (a := self._account()) is not None:
            self.change("confirm_advocate_reviewed", (a.login,), {}, f"Confirmed {a.name}'s access for another year.")

    def action_request_access(self) -> None:
        a = self._account()
        if a is None:
            return
        from tui.dialogs.request_access import RequestAccessDialog

        self.app.push_screen(RequestAccessDialog(advocate=a.login, advocate_name=a.name), lambda _: self.load())

    def _highlighted_name(self) -> str:
        a = self._account()
        return a.name if a else ""

    def _with_reason(self, method: str, title: str, question: str, said: str) -> None:
        a = self._account()
        if a is None:
            return
        from tui.dialogs.reason import ReasonDialog

        def given(reason: str | None) -> None:
            if reason is not None:
                self.change(method, (a.login, reason), {}, said.format(name=a.name))

        self.app.push_screen(ReasonDialog(title, question), given)

    @work(thread=True, exclusive=True, group="advocate-change", exit_on_error=False)
    def change(self, method: str, args: tuple, kwargs: dict, said: str) -> None:
        try:
            getattr(self.desk, method)(*args, **kwargs)
        except StoreError as error:
            self.post_message(AdvocateRefused(str(error)))
            return
        self.post_message(AdvocateChanged(said))

    @on(AdvocateChanged)
    @while_shown
    def _changed(self, message: AdvocateChanged) -> None:
        self.notify(message.said, timeout=5)
        self.load()

    @on(AdvocateRefused)
    @while_shown
    def _refused(self, message: AdvocateRefused) -> None:
        self.notify(message.sentence, severity="warning", timeout=8)
        self.load()
