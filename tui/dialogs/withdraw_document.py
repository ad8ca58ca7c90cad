"""Withdraw a document from a child's record: why (required). The document stays in the record,
marked withdrawn with the reason; only its uploader or a worker with a role in the child's case may
(the store says so if not). Dismissed with the withdrawn ``DocumentView``, or None."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store import StoreError
from store.core.results import DocumentView
from tui.messages import DocumentRefused, DocumentWithdrawn
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures


class WithdrawDialog(SaysWorkerFailures, ModalScreen[object]):
    BINDINGS = [
        Binding("ctrl+s", "withdraw", "Withdraw", id="withdraw.send"),
        Binding("escape", "cancel", "Cancel", id="withdraw.cancel"),
    ]
    DEFAULT_CSS = """
    WithdrawDialog { align: center middle; }
    WithdrawDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                                border: thick $accent; background: $surface; padding: 1 2; }
    WithdrawDialog .title { text-style: bold; }
    WithdrawDialog #problem { color: $error; height: auto; }
    WithdrawDialog .muted { color: $text-muted; }
    """

    def __init__(self, document: DocumentView):
        super().__init__()
        self.document = document
        self.desk = None

    def compose(self) -> ComposeResult:
        document = self.document
        with Vertical():
            yield Static(f"Withdraw {escape(document.file_name)}?", classes="title")
            yield Static(f"{escape(document.kind)} in {escape(document.child_name)}'s record. It stays in the record, "
                         "marked withdrawn with your reason, and is no longer shown to advocates.", classes="muted")
            yield Static("Why is it withdrawn?")
            yield Input(id="reason", placeholder="e.g. uploaded to the wrong child's record")
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] or [b]Enter[/b] withdraw it  [b]Esc[/b] keep it", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _enter(self) -> None:
        self.action_withdraw()

    def action_withdraw(self) -> None:
        self.withdraw(self.document.id, self.query_one("#reason", Input).value)

    @work(thread=True, exclusive=True, group="withdraw", exit_on_error=False)
    def withdraw(self, document_id: int, reason: str) -> None:
        try:
            self.post_message(DocumentWithdrawn(self.desk.withdraw_document(document_id, reason)))
        except StoreError as error:
            self.post_message(DocumentRefused(str(error)))

    @on(DocumentRefused)
    @while_shown
    def _refused(self, message: DocumentRefused) -> None:
        self.query_one("#problem", Static).update(escape(message.sentence))

    @on(DocumentWithdrawn)
    @while_shown
    def _withdrawn(self, message: DocumentWithdrawn) -> None:
        self.notify(f"Withdrew {message.document.file_name} from {message.document.child_name}'s record.", timeout=5)
        if self.is_active:
            self.dismiss(message.document)

    def action_cancel(self) -> None:
        self.dismiss(None)
