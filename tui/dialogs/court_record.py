"""The court record of the family open on the case screen (key p): which child (c: all children, or one
of them), whether notes not yet approved come too (n: then marked NOT APPROVED on every page); Enter
chooses the folder with the file picker and a worker writes the PDF there (a new file, never over
another), then says where, how many notes and the manifest hash that ``casenotes export --verify``
checks. A period is chosen on the command line (``casenotes export --family ID --from … --to …``)."""

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
from tui.messages import CourtRecordRefused, CourtRecordWritten
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

RECORD_FOLDER = "court_record_folder"  # the folder last chosen, remembered in the worker's preferences


class CourtRecordDialog(SaysWorkerFailures, ModalScreen[None]):
    BINDINGS = [
        Binding("enter", "write", "Choose the folder and write the PDF", id="court_record.write"),
        Binding("c", "next_child", "Which child", id="court_record.child"),
        Binding("n", "unapproved", "Notes not yet approved", id="court_record.unapproved"),
        Binding("escape", "close", "Close", id="court_record.close"),
    ]
    DEFAULT_CSS = """
    CourtRecordDialog { align: center middle; }
    CourtRecordDialog > Vertical { width: 84; max-width: 100%; height: auto; max-height: 100%;
                                   border: thick $accent; background: $surface; padding: 1 2; }
    CourtRecordDialog .title { text-style: bold; }
    CourtRecordDialog #choices { margin: 1 0; }
    CourtRecordDialog #said { height: auto; }
    CourtRecordDialog .muted { color: $text-muted; }
    """

    def __init__(self, case_id: int, family_name: str, children: list[tuple[int, str]], *,
                 start: Path | None = None, home: Path | None = None):
        """``children``: (person id, name) of the family's children; ``start``: the first folder offered
        (else the one last chosen, else the home folder); ``home``: shown as "~" (tests give their own)."""
        super().__init__()
        self.case_id, self.family_name, self.family_children = case_id, family_name, children
        self.start, self.home = start, home
        self.chosen_child: int | None = None  # an index into children; None: all of them
        self.unapproved = False
        self.writing = False
        self.refused = False  # the store said no: Enter does nothing, the sentence stays
        self.desk = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Court record of the {escape(self.family_name)} family (case {self.case_id})",
                         classes="title")
            yield Static("", id="choices")
            yield Static("", id="said")
            yield Static("[b]Enter[/b] choose the folder and write the PDF  [b]c[/b] child  [b]n[/b] not yet "
                         "approved  [b]Esc[/b] close", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self._show_choices()
        self.ask_may()

    @work(thread=True, exclusive=True, group="court-record-may", exit_on_error=False)
    def ask_may(self) -> None:
        """Said at once, not after a folder was chosen: a clerk who enters notes produces no court record."""
        refusal = self.desk.may_produce_court_record(self.case_id)
        if refusal is not None:
            self.post_message(CourtRecordRefused(refusal, before_choosing=True))

    def _show_choices(self) -> None:
        child = "all children" if self.chosen_child is None else escape(self.family_children[self.chosen_child][1])
        notes = ("approved notes [b]and those not yet approved[/b], marked NOT APPROVED"
                 if self.unapproved else "approved notes only")
        other = "another child" if self.family_children else "no child in this family"
        lines = [f"Notes of:  {child}   [dim](c: {other})[/dim]",
                 f"Include:   {notes}   [dim](n)[/dim]",
                 "Period:    the whole record   [dim](for a period: casenotes export --from --to)[/dim]",
                 "",
                 "[dim]Each note's SHA-256 and the record's manifest hash are printed in it; "
                 "`casenotes export --verify FILE` checks a copy against the database. The export is recorded "
                 "in the case's access log.[/dim]"]
        self.query_one("#choices", Static).update("\n".join(lines))

    def action_next_child(self) -> None:
        if not self.family_children or self.writing:
            return
        after = 0 if self.chosen_child is None else self.chosen_child + 1
        self.chosen_child = after if after < len(self.family_children) else None  # past the last: all again
        self._show_choices()

    def action_unapproved(self) -> None:
        if not self.writing:
            self.unapproved = not self.unapproved
            self._show_choices()

    def action_write(self) -> None:
        if self.writing or self.refused:
            return
        from tui.dialogs.file_picker import FilePickerDialog

        prefs = getattr(self.app, "prefs", None)
        remembered = prefs.get(RECORD_FOLDER) if prefs is not None else None
        start = self.start or (Path(remembered) if isinstance(remembered, str) else None)

        def chosen(folder: Path | None) -> None:
            if folder is None or not self.is_attached:
                return
            if prefs is not None and self.start is None:
                prefs.set(RECORD_FOLDER, str(folder))
            self.writing = True
            self.query_one("#said", Static).update("[dim]Writing the court record…[/dim]")
            child = None if self.chosen_child is None else self.family_children[self.chosen_child][0]
            self.write(folder, child, self.unapproved, self.app.zone)

        self.app.push_screen(FilePickerDialog(f"Write the {self.family_name} family's court record into",
                                              start=start, folder=True, home=self.home,
                                              note="A PDF named for the family and today; never over another file"),
                             chosen)

    @work(thread=True, exclusive=True, group="court-record", exit_on_error=False)
    def write(self, folder: Path, child_id: int | None, unapproved: bool, zone: str) -> None:
        from tui.export.court_file import file_name, write_new
        from tui.export.court_pdf import render_pdf

        try:
            record = self.desk.court_record(self.case_id, child_id=child_id, include_unapproved=unapproved)
        except StoreError as error:
            self.post_message(CourtRecordRefused(str(error)))
            return
        content = render_pdf(record, zone)
        try:
            path = write_new(folder, file_name(record, "pdf"), content)
        except OSError as error:
            self.post_message(CourtRecordRefused(f"casenotes could not write the court record into {folder} "
                                                 f"({error.strerror or error}); choose another folder."))
            return
        self.post_message(CourtRecordWritten(path, len(record.notes), record.unapproved, len(record.documents),
                                             record.manifest.manifest_sha256))

    @on(CourtRecordWritten)
    @while_shown
    def _written(self, message: CourtRecordWritten) -> None:
        self.writing = False
        unapproved = f", {message.unapproved} NOT APPROVED" if message.unapproved else ""
        self.query_one("#said", Static).update(
            f"Wrote [b]{escape(str(message.path))}[/b]: {message.notes} notes{unapproved}, {message.documents} "
            f"documents listed.\n[dim]Manifest SHA-256 {message.manifest_sha256}[/dim]")

    @on(CourtRecordRefused)
    @while_shown
    def _refused(self, message: CourtRecordRefused) -> None:
        self.writing = False
        self.refused = self.refused or message.before_choosing
        self.query_one("#said", Static).update(f"[b $error]{escape(message.sentence)}[/]")

    def action_close(self) -> None:
        self.dismiss(None)
