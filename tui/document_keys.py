"""The app's document keys, from whichever screen asks: u uploads a file into a child's record (the file
picker, then what kind of document it is), and a document is opened by writing a copy into a chosen
folder, then handing it to the system's viewer where there is one.

Mixed into ``CasenotesApp``: its handlers are plain ``on_*`` methods (Textual finds those on any class
of the app; ``@on`` only on message pumps). The reading, the store's checks and the copy run in workers.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from textual import work

from tui.messages import DocumentCopied, DocumentUploaded
from tui.worker_failures import SaysWorkerFailures

LETTER = "Letter of introduction"  # filed with a request for access, not uploaded on its own


class DocumentKeys(SaysWorkerFailures):
    files_from: Path | None = None  # the folder the pickers start in (the home folder if None; tests give theirs)

    def upload_for(self, child_id: int, child_name: str) -> None:
        """A file chosen by keys, then its kind; the store checks the rest (type from the bytes, size)."""
        from tui.dialogs.file_picker import FilePickerDialog
        from tui.dialogs.pick import PickDialog

        desk = self.desk
        kinds = [(kind, kind) for kind in self.store.policy.document_kinds if kind != LETTER]

        def kind_chosen(path: Path, kind: str | None) -> None:
            if kind is not None:
                self._upload(desk, child_id, child_name, kind, path)

        def file_chosen(path: Path | None) -> None:
            if path is not None:
                self.push_screen(PickDialog(f"Upload {path.name}", f"What is it? (into {child_name}'s record)", kinds),
                                 lambda kind: kind_chosen(path, kind))

        self.push_screen(FilePickerDialog(f"Upload a document into {child_name}'s record", start=self.files_from,
                                          note="PDF, photo (JPEG, PNG, TIFF, HEIC), Word (.docx) or plain text"),
                         file_chosen)

    @work(thread=True, group="upload", exit_on_error=False)
    def _upload(self, desk, child_id: int, child_name: str, kind: str, path: Path) -> None:
        from store.rules.documents import read_upload

        name, content = read_upload(path, self.store.policy.documents.max_bytes)  # a refusal: SaysWorkerFailures
        document = desk.upload_document(child_id, kind, name, content)
        self.post_message(DocumentUploaded(document, child_name))

    def on_document_uploaded(self, message: DocumentUploaded) -> None:
        self.notify(f"{message.document.file_name} is in {message.child_name}'s record "
                    f"({message.document.kind}).", title="Uploaded", timeout=6)
        reload = getattr(self.screen, "load", None)  # the list it was uploaded from shows it
        if callable(reload):
            reload()

    def open_document(self, document_id: int, file_name: str = "the document") -> None:
        """A copy written into a chosen folder (never over another file), then the system's viewer."""
        from tui.dialogs.file_picker import FilePickerDialog

        desk = self.desk
        self.push_screen(FilePickerDialog(f"Save a copy of {file_name} to", start=self.files_from, folder=True,
                                          note="ctrl+s saves it in the folder shown; it then opens where it can"),
                         lambda folder: folder is not None and self._copy(desk, document_id, folder))

    @work(thread=True, group="document-copy", exit_on_error=False)
    def _copy(self, desk, document_id: int, folder: Path) -> None:
        copy = desk.save_document_copy(document_id, folder)  # audited as a read; a refusal: SaysWorkerFailures
        self.post_message(DocumentCopied(copy, _show_in_viewer(copy)))

    def on_document_copied(self, message: DocumentCopied) -> None:
        opened = " and opened it" if message.opened else ""
        self.notify(f"Saved a copy as {message.path}{opened}.", title="Document", timeout=8)


def _show_in_viewer(path: Path) -> bool:
    """Hand the copy to the system's viewer (xdg-open, open) if there is one; never fails."""
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    if shutil.which(opener) is None:
        return False
    try:
        subprocess.Popen([opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    except OSError:
        return False
    return True
