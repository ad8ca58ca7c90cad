"""One child's record as their court-appointed advocate reads it: the approved notes in which the child
took part (from every stage the child is in, newest first) and the documents in the child's record.

What is listed is what the store lets this reader read (``Desk.child_note_ids``, ``Desk.child_notes``); the
list opens from the notes' ids and asks for the notes of the rows as they come on screen, as a stage's
list does. Enter opens the highlighted note or document, u uploads a document into the child's record.
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from store import StoreError
from tui import formatting
from tui.messages import ChildRead, PageFailed, PageRead
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.widgets.note_list import NoteList
from tui.widgets.note_text import note_text
from tui.worker_failures import SaysWorkerFailures

NARROW = 110
FIRST_PAGE = 60  # about two screens of notes, as a stage's list
DOCUMENTS = (("Uploaded", 9), ("Kind", 20), ("By", 14))  # fixed widths, as on the advocate's home
DOCUMENTS_NARROW = (("Date", 8), ("Kind", 10), ("By", 6))
KIND_WIDTH = 20  # "Education portfolio / school records" would push the date and uploader off


def read_child(desk, child) -> tuple[list[int], list, list]:
    """The ids of the child's notes this reader may read (newest first), the first page of them, and
    the child's documents (in a worker); the list asks for the rest as they come on screen."""
    ids = desk.child_note_ids(child.child_id)
    first = ids[:FIRST_PAGE]
    notes = desk.child_notes(child.child_id, ids=first) if first else []
    return ids, notes, desk.child_documents(child.child_id)


class ChildScreen(SaysWorkerFailures, Screen):
    AUTO_FOCUS = "#notes"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="child.back"),
        Binding("u", "upload", "Upload a document", id="child.upload"),
        Binding("tab", "app.focus_next", "Notes / documents", show=False),
    ]
    DEFAULT_CSS = """
    ChildScreen #title { padding: 0 1; text-style: bold; }
    ChildScreen #notes-title, ChildScreen #documents-title { padding: 0 1; color: $text-muted; }
    ChildScreen NoteList { height: 1fr; min-height: 4; }
    ChildScreen #preview { height: 1fr; border-top: solid $panel; padding: 0 1; }
    ChildScreen #right { width: 50; border-left: tall $panel; }
    ChildScreen #documents { height: 1fr; }
    ChildScreen.-narrow #right { width: 30; }
    """

    def __init__(self, child: Any) -> None:
        """``child``: the store's view of a child open to this advocate (``Desk.advocate_children``)."""
        super().__init__()
        self.child = child
        self.documents: list[Any] = []
        self.desk = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._title(), id="title")
        with Horizontal():
            with Vertical():
                yield Static("Approved notes in which the child took part · loading…", id="notes-title")
                yield NoteList(zone=self.app.zone, id="notes")
                preview = VerticalScroll(id="preview")
                preview.can_focus = False  # Tab goes from the notes to the documents
                with preview:
                    yield Static("", id="preview-text")
            with Vertical(id="right"):
                yield Static("Documents", id="documents-title")
                yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def _title(self) -> str:
        child = self.child
        until = f" · access until {child.ends_on:%m/%d/%Y}" if getattr(child, "ends_on", None) else ""
        return escape(f"{child.name} · {child.family_name} family · case {child.case_id}{until}")

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        narrow = self.app.size.width < NARROW
        for label, width in DOCUMENTS_NARROW if narrow else DOCUMENTS:
            self.query_one("#documents", DataTable).add_column(label, width=width)
        self.set_class(narrow, "-narrow")
        footer = self.query_one(KeyFooter)
        footer.compact, footer.show_command_palette = narrow, not narrow

    @while_shown
    def on_screen_resume(self) -> None:
        self.load()  # first shown, and back from a note, a document or an upload

    @work(thread=True, exclusive=True, group="child", exit_on_error=False)
    def load(self) -> None:
        ids, notes, documents = read_child(self.desk, self.child)  # a refusal: SaysWorkerFailures
        self.post_message(ChildRead(self.child.child_id, ids, notes, documents))

    @on(NoteList.Wanted)
    def _notes_wanted(self, event: NoteList.Wanted) -> None:
        if event.source is not None:
            self.load_page(event.source, event.ids, event.generation)

    @work(thread=True, group="child-pages", exit_on_error=False)
    def load_page(self, child_id: int, ids: list[int], generation: int) -> None:
        try:
            notes = self.desk.child_notes(child_id, ids=ids)
        except StoreError as error:
            self.post_message(PageFailed(ids, generation, str(error)))
            return
        self.post_message(PageRead(ids, notes, {}, generation))

    @on(PageRead)
    @while_shown
    def _add_page(self, message: PageRead) -> None:
        self.query_one(NoteList).add_notes(message.ids, message.notes, message.deadlines, message.generation)

    @on(PageFailed)
    @while_shown
    def _page_failed(self, message: PageFailed) -> None:
        self.notify(message.sentence, severity="error")
        self.query_one(NoteList).page_failed(message.ids, message.generation)

    @on(ChildRead)
    @while_shown
    def _read(self, message: ChildRead) -> None:
        zone = self.app.zone
        ids = message.ids
        self.query_one("#notes-title", Static).update(
            f"{len(ids):,} approved note{'s' if len(ids) != 1 else ''} in which {escape(self.child.name)} took part")
        self.query_one(NoteList).show_ids(ids, message.notes, source=self.child.child_id)
        if not ids:
            self.query_one("#preview-text", Static).update("[dim]No approved notes about this child yet.[/dim]")
        self.documents = [d for d in message.documents if d.withdrawn_at is None]
        table = self.query_one("#documents", DataTable)
        table.clear()
        for document in self.documents:
            kind = document.kind.split(" / ")[0]
            table.add_row(formatting.short_date(document.uploaded_at, zone),
                          kind if len(kind) <= KIND_WIDTH else kind[:KIND_WIDTH - 1] + "…",
                          escape(document.uploaded_by_name.split()[-1]), key=str(document.id))
        withdrawn = len(message.documents) - len(self.documents)
        self.query_one("#documents-title", Static).update(
            f"Documents: {len(self.documents)}" + (f" ({withdrawn} withdrawn)" if withdrawn else "")
            + (" · u uploads one" if not self.documents else ""))

    @on(NoteList.Highlighted)
    def _note_highlighted(self, event: NoteList.Highlighted) -> None:
        if event.note is None and event.note_list.row_count:  # its note is on its way
            self.query_one("#preview-text", Static).update("[dim]Reading the note…[/dim]")
        elif event.note is not None:
            self.query_one("#preview-text", Static).update(note_text(event.note, self.app.zone))
            self.query_one("#preview", VerticalScroll).scroll_home(animate=False)

    @on(NoteList.Selected)
    def _note_selected(self, event: NoteList.Selected) -> None:
        self.app.open_note(event.note.id)

    def on_descendant_focus(self, event) -> None:
        """Tab between the lists: the preview shows what is highlighted in the list now in use."""
        table = self.query_one("#documents", DataTable)
        if event.widget is table and 0 <= table.cursor_row < len(self.documents):
            self.query_one("#preview-text", Static).update(_document_text(self.documents[table.cursor_row],
                                                                          self.app.zone))
        elif event.widget is self.query_one(NoteList) and self.query_one(NoteList).cursor_note is not None:
            self.query_one("#preview-text", Static).update(note_text(self.query_one(NoteList).cursor_note,
                                                                     self.app.zone))

    @on(DataTable.RowHighlighted, "#documents")
    def _document_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.control.has_focus and 0 <= event.cursor_row < len(self.documents):
            self.query_one("#preview-text", Static).update(_document_text(self.documents[event.cursor_row],
                                                                          self.app.zone))

    @on(DataTable.RowSelected, "#documents")
    def _document_selected(self, event: DataTable.RowSelected) -> None:
        row = event.cursor_row
        if 0 <= row < len(self.documents):
            self.app.open_document(self.documents[row].id, self.documents[row].file_name)

    def action_upload(self) -> None:
        self.app.upload_for(self.child.child_id, self.child.name)


def _document_text(document, zone: str) -> str:
    """A document's particulars in the preview; Enter writes a copy of it to open."""
    return "\n".join([
        f"[b]{escape(document.file_name)}[/b]",
        f"[dim]Kind[/dim]      {escape(document.kind)}",
        f"[dim]Type[/dim]      {escape(document.content_type)} · {document.size:,} bytes",
        f"[dim]Uploaded[/dim]  {formatting.moment(document.uploaded_at, zone)} by {escape(document.uploaded_by_name)}",
        f"[dim]SHA-256[/dim]   {document.sha256}",
        "",
        "[dim]Enter saves a copy in a folder you choose and opens it.[/dim]"])
