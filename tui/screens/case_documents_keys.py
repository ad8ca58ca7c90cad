"""The case screen's keys for the children's documents, who read the record and its court record: f
shows the case's documents in place of the stage's notes (f or Esc… again: the notes), u uploads one
for a child of the case (which child, asked when there are several), w withdraws the highlighted one,
Enter opens it; v opens the case's access log; p writes the family's court record as a PDF. Mixed into
``CaseScreen``, which supplies ``desk``, ``case`` and ``case_id``."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen

from store.core.results import DocumentView
from tui.widgets.documents_pane import DocumentsPane
from tui.worker_failures import SaysWorkerFailures

# Said under the stage's persons, beside the keys for them (a newcomer finds the documents there).
CASE_DOCUMENTS_HINT = "[dim][b]f[/b] documents · [b]v[/b] who read[/dim]"
# A line of its own (the persons pane is 41 columns wide): the family's plans (the case screen's P) and its
# court record, which carries the approved ones.
CASE_RECORD_HINT = "[dim][b]P[/b] case plans · [b]p[/b] court record[/dim]"
CASE_DOCUMENTS_BINDINGS = [
    # Not in the footer (as the stage's course keys): at 80 columns Quit and Help would fall off it. Under
    # the stage's persons (CASE_DOCUMENTS_HINT), in F1 and in the palette instead.
    Binding("f", "documents", "Documents", id="case.documents", show=False),
    Binding("v", "access_log", "Who read", id="case.access_log", show=False),
    Binding("p", "court_record", "Court record (PDF)", id="case.court_record", show=False),
]


class CaseDocumentsKeys(SaysWorkerFailures, Screen):
    """A screen base (not a bare mixin: Textual collects handlers from its own classes)."""

    def action_documents(self) -> None:
        """f: the case's documents in place of the stage's notes, read afresh; f again: the notes."""
        showing = not self.has_class("-documents")
        self.set_class(False, "-activity")
        self.set_class(showing, "-documents")
        pane = self.query_one(DocumentsPane)
        if showing:
            pane.show_case(self.desk, self.case_id)
            pane.focus_list()
        else:
            self.focus_notes()
        self.refresh_bindings()

    def focus_notes(self) -> None:
        from tui.widgets.note_list import NoteList

        self.query_one(NoteList).focus()

    def action_access_log(self) -> None:
        from tui.screens.access_log import AccessLogScreen

        family = self.case.family_name if self.case is not None else ""
        self.app.push_screen(AccessLogScreen(self.case_id, family))

    def action_court_record(self) -> None:
        """p: the family's court record as a PDF in a folder chosen (its dialog asks which child and
        whether notes not yet approved come too)."""
        if self.case is None:
            return
        from tui.dialogs.court_record import CourtRecordDialog

        children = [(p.id, p.name) for p in self.case.persons if p.is_child]
        self.app.push_screen(CourtRecordDialog(self.case_id, self.case.family_name, children,
                                               start=getattr(self.app, "files_from", None)))

    def action_upload_document(self) -> None:
        if self.case is None:
            return
        children = [(p.id, p.name) for p in self.case.persons if p.is_child]
        pane = self.query_one(DocumentsPane)
        if not children:
            self.notify("This family's case has no child: documents are kept in a child's record.", severity="warning")
        elif len(children) == 1:
            self.app.upload_for(*children[0], then=pane.reload)
        else:
            from tui.dialogs.pick import PickDialog

            def picked(child: object) -> None:
                if isinstance(child, tuple):
                    self.app.upload_for(*child, then=pane.reload)

            self.app.push_screen(PickDialog("Upload a document for which child?", "Child",
                                            [(name, (child_id, name)) for child_id, name in children]), picked)

    def action_withdraw_document(self) -> None:
        document = self.query_one(DocumentsPane).highlighted
        if document is None:
            self.notify("Choose a document first.", severity="warning")
            return
        if document.withdrawn:
            self.notify(f"{document.file_name} was withdrawn already: {document.withdrawal_reason}", severity="warning")
            return
        from tui.dialogs.withdraw_document import WithdrawDialog

        pane = self.query_one(DocumentsPane)
        self.app.push_screen(WithdrawDialog(document),
                             lambda done: pane.reload() if isinstance(done, DocumentView) else None)
