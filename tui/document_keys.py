"""The app's document keys, from whichever screen asks (the advocate's home and child view, the case
screen's documents, the inbox): u uploads a file into a child's record (the file picker, then the
upload dialog: what kind of document it is, the file checked as soon as chosen), and a document is
opened in its dialog (what it is, who uploaded it; Enter writes a copy into a chosen folder and hands
it to the system's viewer where there is one; w withdraws it).

Mixed into ``CasenotesApp``. The reading, the store's checks and the copy run in the dialogs' workers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.worker_failures import SaysWorkerFailures


class DocumentKeys(SaysWorkerFailures):
    files_from: Path | None = None  # the folder the pickers start in (the home folder if None; tests give theirs)

    def upload_for(self, child_id: int, child_name: str, then: Callable[[Any], None] | None = None) -> None:
        """A file chosen by keys, then its kind; the store checks the rest (type from the bytes, size).
        ``then``: called with the kept ``DocumentView``, or None."""
        from tui.dialogs.file_picker import FilePickerDialog
        from tui.dialogs.upload_document import UploadDialog

        def file_chosen(path: Path | None) -> None:
            if path is not None:
                self.push_screen(UploadDialog(child_id, child_name, path, home=self.files_from), then)

        self.push_screen(FilePickerDialog(f"Upload a document into {child_name}'s record", start=self.files_from,
                                          note="PDF, photo (JPEG, PNG, TIFF, HEIC), Word (.docx) or plain text"),
                         file_chosen)

    def open_document(self, document_id: int, file_name: str = "the document",
                      then: Callable[[Any], None] | None = None) -> None:
        """The document's dialog: a copy written into a chosen folder (never over another file), then
        the system's viewer; withdrawing it. ``then``: called with whether it was withdrawn."""
        from tui.dialogs.open_document import OpenDocumentDialog

        self.push_screen(OpenDocumentDialog(document_id, start=self.files_from), then)
