"""A case's documents beside its stages (f on the case screen): each child's documents, newest first —
kind, date, uploader, child — and under the list the highlighted one's file, size, type and, when it
was withdrawn, by whom and why. In the narrow pane of an 80x24 terminal the list keeps kind, date and
child (the uploader is under it), and a long kind wraps. Enter opens the highlighted document (a copy, then the system's viewer);
u uploads one, w withdraws one (the screen's keys: they open its dialogs).

The pane reads the documents itself, in a worker, through the desk it is given (``show_case``); what
the reader may see is the store's (``Desk.case_documents``), and a refusal is said in place of the list.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from store import StoreError
from store.core.results import DocumentView
from store.rules.documents import megabytes
from tui import formatting
from tui.messages import DocumentsRead, DocumentsRefused
from tui.while_shown import while_shown
from tui.widgets.fitted_columns import fit_columns
from tui.worker_failures import SaysWorkerFailures

# What the issue asks to see first: kind, date, uploader; the kind takes the width the others leave.
COLUMNS = (("Kind", None), ("Uploaded", 8), ("By", 15), ("Child", 12))
NARROW_COLUMNS = (("Kind", None), ("Uploaded", 8), ("Child", 10))
NARROW = 70  # the pane's columns: it has about 50 at 80x24, 75 at 120x40


class DocumentsPane(SaysWorkerFailures, Vertical):
    BINDINGS = [
        Binding("u", "screen.upload_document", "Upload", id="documents.upload"),
        Binding("w", "screen.withdraw_document", "Withdraw", id="documents.withdraw"),
    ]
    DEFAULT_CSS = """
    DocumentsPane #documents-title { padding: 0 1; text-style: bold; }
    DocumentsPane DataTable { height: 1fr; min-height: 4; }
    DocumentsPane #document-detail { height: auto; min-height: 3; padding: 0 1; border-top: solid $panel; }
    """

    def __init__(self, *, zone: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone = zone
        self.documents: list[DocumentView] = []
        self.desk = None
        self.case_id: int | None = None
        self.fitted: tuple[int, bool] | None = None  # the width and layout the columns were made for

    def compose(self) -> ComposeResult:
        yield Static("Documents", id="documents-title")
        yield DataTable(id="document-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="document-detail")

    def on_mount(self) -> None:
        self._fit()

    @while_shown
    def on_resize(self) -> None:
        # The pane is hidden (no width) until f shows it, and the terminal may change size.
        if self.fitted != (self.size.width, self.narrow):
            self._fit()
            self._fill()

    @property
    def narrow(self) -> bool:
        return self.size.width < NARROW

    def _fit(self) -> None:
        self.fitted = (self.size.width, self.narrow)
        fit_columns(self.query_one(DataTable), NARROW_COLUMNS if self.narrow else COLUMNS, self.size.width)

    def show_case(self, desk, case_id: int) -> None:
        self.desk, self.case_id = desk, case_id
        self.query_one("#documents-title", Static).update("Documents · reading…")
        self.read(desk, case_id)

    def reload(self, *_: object) -> None:
        if self.desk is not None and self.case_id is not None:
            self.read(self.desk, self.case_id)

    def focus_list(self) -> None:
        self.query_one(DataTable).focus()

    @property
    def highlighted(self) -> DocumentView | None:
        row = self.query_one(DataTable).cursor_row
        return self.documents[row] if 0 <= row < len(self.documents) else None

    @work(thread=True, exclusive=True, group="documents", exit_on_error=False)
    def read(self, desk, case_id: int) -> None:
        try:
            self.post_message(DocumentsRead(case_id, desk.case_documents(case_id)))
        except StoreError as error:
            self.post_message(DocumentsRefused(str(error)))

    @on(DocumentsRead)
    @while_shown
    def _read(self, message: DocumentsRead) -> None:
        self.documents = message.documents
        self._fill()
        withdrawn = sum(d.withdrawn for d in self.documents)
        count = len(self.documents)
        self.query_one("#documents-title", Static).update(
            f"Documents · {count:,} in the children's records" + (f" ({withdrawn} withdrawn)" if withdrawn else "")
            + ("" if count else " · u uploads the first"))
        self._detail(self.highlighted)

    def _fill(self) -> None:
        keep = self.highlighted.id if self.highlighted else None
        table = self.query_one(DataTable)
        table.clear()
        for document in self.documents:
            kind = escape(document.kind) + (" [dim](withdrawn)[/dim]" if document.withdrawn else "")
            uploaded = formatting.short_date(document.uploaded_at, self.zone)
            cells = ((kind, uploaded, escape(document.child_name.partition(" ")[0])) if self.narrow
                     else (kind, uploaded, escape(document.uploaded_by_name), escape(document.child_name)))
            table.add_row(*cells, height=None, key=str(document.id))  # a long kind wraps
        if keep is not None:
            row = next((i for i, d in enumerate(self.documents) if d.id == keep), 0)
            table.move_cursor(row=row)

    @on(DocumentsRefused)
    @while_shown
    def _refused(self, message: DocumentsRefused) -> None:
        self.documents = []
        self.query_one(DataTable).clear()
        self.query_one("#documents-title", Static).update("Documents")
        self.query_one("#document-detail", Static).update(escape(message.sentence))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(self.highlighted)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        document = self.highlighted
        if document is not None:
            self.app.open_document(document.id, document.file_name, self.reload)

    def _detail(self, document: DocumentView | None) -> None:
        if document is None:
            self.query_one("#document-detail", Static).update("[dim]No document chosen.[/dim]")
            return
        lines = [f"[b]{escape(document.file_name)}[/b] · {escape(document.child_name)} · {megabytes(document.size)} · {document.content_type} · "
                 f"uploaded {formatting.moment(document.uploaded_at, self.zone)} by {escape(document.uploaded_by_name)}",
                 "[dim]Enter save a copy and open it · u upload · w withdraw[/dim]"]
        if document.withdrawn:
            lines.insert(1, f"[b $warning]Withdrawn {formatting.moment(document.withdrawn_at, self.zone)} by "
                            f"{escape(document.withdrawn_by_name or '')}: {escape(document.withdrawal_reason or '')}[/]")
        self.query_one("#document-detail", Static).update("\n".join(lines))
