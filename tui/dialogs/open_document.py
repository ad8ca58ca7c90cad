"""A document of a child's record: what it is, who uploaded it and when (and why it was withdrawn);
Enter writes a copy into a folder chosen with the file picker and opens it in the system's viewer
where this computer has one (else says where the copy is); w withdraws it. Reading its content is
audited by the store. Dismissed with True when something changed (withdrawn), else False."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from store import StoreError
from store.core.results import DocumentView
from store.rules.documents import megabytes
from tui import formatting
from tui.messages import DocumentCopied, DocumentRead, DocumentRefused
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

COPY_FOLDER = "document_copy_folder"  # the folder last chosen, remembered in the worker's preferences


class OpenDocumentDialog(SaysWorkerFailures, ModalScreen[bool]):
    BINDINGS = [
        Binding("enter", "copy", "Save a copy and open it", id="document.copy"),
        Binding("w", "withdraw", "Withdraw", id="document.withdraw"),
        Binding("escape", "close", "Close", id="document.close"),
    ]
    DEFAULT_CSS = """
    OpenDocumentDialog { align: center middle; }
    OpenDocumentDialog > Vertical { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                    border: thick $accent; background: $surface; padding: 1 2; }
    OpenDocumentDialog .title { text-style: bold; }
    OpenDocumentDialog #facts { margin: 1 0; }
    OpenDocumentDialog #said { height: auto; }
    OpenDocumentDialog .muted { color: $text-muted; }
    """

    def __init__(self, document_id: int, *, start: Path | None = None, home: Path | None = None):
        """``start``: the first folder offered (else the one last chosen, else the home folder);
        ``home``: shown as "~" (tests give their own)."""
        super().__init__()
        self.document_id, self.start, self.home = document_id, start, home
        self.document: DocumentView | None = None
        self.changed = False
        self.desk = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Reading the document…", classes="title", id="title")
            yield Static("", id="facts")
            yield Static("", id="said")
            yield Static("[b]Enter[/b] save a copy and open it  [b]w[/b] withdraw  [b]Esc[/b] close", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.load()

    @work(thread=True, exclusive=True, group="document", exit_on_error=False)
    def load(self) -> None:
        try:
            self.post_message(DocumentRead(self.desk.document(self.document_id)))
        except StoreError as error:
            self.post_message(DocumentRefused(str(error)))

    @on(DocumentRead)
    @while_shown
    def _read(self, message: DocumentRead) -> None:
        self._show(message.document)

    def _show(self, document: DocumentView) -> None:
        self.document = document
        zone = self.app.zone
        self.query_one("#title", Static).update(f"{escape(document.file_name)}")
        facts = [f"{escape(document.kind)} · {escape(document.child_name)}",
                 f"{megabytes(document.size)} · {document.content_type}",
                 f"Uploaded {formatting.moment(document.uploaded_at, zone)} by {escape(document.uploaded_by_name)}",
                 f"[dim]SHA-256 {document.sha256}[/dim]"]
        if document.withdrawn_at is not None:
            facts.append(f"[b $warning]Withdrawn {formatting.moment(document.withdrawn_at, zone)} by "
                         f"{escape(document.withdrawn_by_name or '')}: {escape(document.withdrawal_reason or '')}[/]")
        self.query_one("#facts", Static).update("\n".join(facts))

    @on(DocumentRefused)
    @while_shown
    def _refused(self, message: DocumentRefused) -> None:
        self.query_one("#said", Static).update(f"[b $error]{escape(message.sentence)}[/]")

    def action_copy(self) -> None:
        if self.document is None:
            return
        from tui.dialogs.file_picker import FilePickerDialog

        prefs = getattr(self.app, "prefs", None)
        remembered = prefs.get(COPY_FOLDER) if prefs is not None else None
        start = self.start or (Path(remembered) if isinstance(remembered, str) else None)

        def chosen(folder: Path | None) -> None:
            if folder is None or not self.is_attached:
                return
            if prefs is not None and self.start is None:
                prefs.set(COPY_FOLDER, str(folder))
            self.query_one("#said", Static).update("[dim]Writing the copy…[/dim]")
            self.copy(folder)

        self.app.push_screen(FilePickerDialog(f"Save a copy of {self.document.file_name} into", start=start,
                                              folder=True, home=self.home), chosen)

    @work(thread=True, exclusive=True, group="copy", exit_on_error=False)
    def copy(self, folder: Path) -> None:
        from tui.viewer import open_in_viewer

        try:
            path = self.desk.save_document_copy(self.document_id, folder)
        except StoreError as error:
            self.post_message(DocumentRefused(str(error)))
            return
        self.post_message(DocumentCopied(path, open_in_viewer(path)))  # never fails: False without a viewer

    @on(DocumentCopied)
    @while_shown
    def _copied(self, message: DocumentCopied) -> None:
        then = ("Opened it in this computer's viewer." if message.opened
                else "This computer has no viewer casenotes can start: open it from there.")
        self.query_one("#said", Static).update(f"Saved a copy as [b]{escape(str(message.path))}[/b]. {then}")

    def action_withdraw(self) -> None:
        if self.document is None:
            return
        from tui.dialogs.withdraw_document import WithdrawDialog

        def withdrawn(document: object) -> None:
            if isinstance(document, DocumentView) and self.is_attached:
                self.changed = True
                self._show(document)

        self.app.push_screen(WithdrawDialog(self.document), withdrawn)

    def action_close(self) -> None:
        self.dismiss(self.changed)
