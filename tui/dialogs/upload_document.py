"""Upload a document into a child's record: the file (chosen with the file picker before this opens,
ctrl+o chooses another), what it is (the agency's kinds: type to narrow, 1-9 or Enter), ctrl+s keeps
it. The file is read and checked as soon as it is chosen, so a refusal (empty, too large, not a kind
of file casenotes keeps) is said before anything is sent. Dismissed with the kept ``DocumentView``, or
None."""

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
from tui.messages import DocumentRefused, DocumentUploaded, UploadChecked
from tui.while_shown import while_shown
from tui.widgets.picklist import Picklist
from tui.worker_failures import SaysWorkerFailures


LETTER = "Letter of introduction"  # filed with a request for access, not uploaded on its own


class UploadDialog(SaysWorkerFailures, ModalScreen[object]):
    BINDINGS = [
        Binding("ctrl+s", "upload", "Upload", id="upload.send"),
        Binding("ctrl+o", "choose_file", "Another file", id="upload.file"),
        Binding("escape", "cancel", "Cancel", id="upload.cancel"),
    ]
    DEFAULT_CSS = """
    UploadDialog { align: center middle; }
    UploadDialog > Vertical { width: 80; max-width: 100%; height: auto; max-height: 100%;
                              border: thick $accent; background: $surface; padding: 0 1; }
    UploadDialog .title { text-style: bold; }
    UploadDialog #file { margin-bottom: 1; }
    UploadDialog Picklist > .picklist--options { display: block; max-height: 8; }
    UploadDialog #problem { color: $error; height: auto; }
    UploadDialog .muted { color: $text-muted; }
    """

    def __init__(self, child_id: int, child_name: str, path: Path, *, home: Path | None = None):
        """``home``: shown as "~" in the file picker (tests give their own)."""
        super().__init__()
        self.child_id, self.child_name, self.path, self.home = child_id, child_name, path, home
        self.kind: str | None = None
        self.refusal: str | None = "The file is being read…"
        self.sending = False
        self.desk = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Upload a document for {escape(self.child_name)}", classes="title")
            yield Static("", id="file")
            kinds = [kind for kind in self.app.store.policy.document_kinds if kind != LETTER]
            yield Picklist("What is it?", kinds, id="kind")
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] upload  [b]ctrl+o[/b] another file  [b]Esc[/b] cancel", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.query_one(Picklist).query_one("Input").focus()
        self._show_file(None)
        self.check(self.path, self.app.store.policy)

    def _show_file(self, said: str | None) -> None:
        home = self.home or Path.home()
        shown = escape(f"~/{self.path.relative_to(home)}" if self.path.is_relative_to(home) else str(self.path))
        self.query_one("#file", Static).update(f"File: [b]{shown}[/b]" + (f"\n[dim]{escape(said)}[/dim]" if said else ""))

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def check(self, path: Path, policy) -> None:
        """Read and check the file now, so that what is wrong with it is said before ctrl+s."""
        from store.rules.documents import check_content, megabytes, read_upload

        try:
            name, content = read_upload(path, policy.documents.max_bytes)
            found = check_content(name, content, policy)
        except StoreError as error:
            self.post_message(UploadChecked(path, "", str(error)))
            return
        self.post_message(UploadChecked(path, f"{found.said[0].upper()}{found.said[1:]}, {megabytes(len(content))}",
                                        None))

    @on(UploadChecked)
    @while_shown
    def _checked(self, message: UploadChecked) -> None:
        if message.path != self.path:
            return
        self.refusal = message.refusal
        self._show_file(message.said or None)
        self.query_one("#problem", Static).update(escape(message.refusal or ""))

    @on(Picklist.Changed, "#kind")
    def _kind(self, event: Picklist.Changed) -> None:
        """A kind picked (Enter, 1-9) with a file that passed its check: uploaded at once."""
        self.kind = event.value
        if self.kind is not None and self.refusal is None:
            self.action_upload()

    def action_choose_file(self) -> None:
        from tui.dialogs.file_picker import FilePickerDialog

        def chosen(path: Path | None) -> None:
            if path is not None and self.is_attached:
                self.path, self.refusal = path, "The file is being read…"
                self._show_file(None)
                self.query_one("#problem", Static).update("")
                self.check(path, self.app.store.policy)

        self.app.push_screen(FilePickerDialog("Upload a document", start=self.path.parent, home=self.home), chosen)

    def action_upload(self) -> None:
        problem = self.query_one("#problem", Static)
        if self.kind is None:
            problem.update("Choose what the document is first: type a few letters of its kind, then Enter.")
            return
        if self.refusal:
            problem.update(escape(self.refusal))
            return
        if self.sending:
            return
        self.sending = True
        problem.update("[dim]Uploading…[/dim]")
        self.send(self.path, self.kind)

    @work(thread=True, exclusive=True, group="send", exit_on_error=False)
    def send(self, path: Path, kind: str) -> None:
        from store.rules.documents import read_upload

        try:
            name, content = read_upload(path, self.desk.policy.documents.max_bytes)
            document = self.desk.upload_document(self.child_id, kind, name, content)
        except StoreError as error:
            self.post_message(DocumentRefused(str(error)))
            return
        self.post_message(DocumentUploaded(document, self.child_name))

    @on(DocumentRefused)
    @while_shown
    def _refused(self, message: DocumentRefused) -> None:
        self.sending = False
        self.query_one("#problem", Static).update(escape(message.sentence))

    @on(DocumentUploaded)
    @while_shown
    def _uploaded(self, message: DocumentUploaded) -> None:
        document = message.document
        self.notify(f"{document.file_name} is in {message.child_name}'s record ({document.kind}).", title="Uploaded",
                    timeout=6)
        if self.is_active:
            self.dismiss(document)

    def action_cancel(self) -> None:
        self.dismiss(None)
