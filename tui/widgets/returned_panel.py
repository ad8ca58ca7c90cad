"""The supervisor's return comment, who returned the note and by when to correct it: kept in view
above the editor's form while the note is corrected (hidden for any other note)."""

from __future__ import annotations

from rich.markup import escape
from textual.widgets import Static

from store.views import NoteHistory
from tui import format


class ReturnedPanel(Static):
    DEFAULT_CSS = """
    ReturnedPanel { padding: 0 2; border-bottom: solid $warning; max-height: 8; display: none; }
    ReturnedPanel.-returned { display: block; }
    """

    def show(self, history: NoteHistory, zone: str) -> None:
        """Show the latest return of a note that is still returned; nothing otherwise."""
        returned = next((a for a in reversed(history.review) if a.action == "return"), None)
        if history.note.status != "returned" or returned is None:
            self.remove_class("-returned")
            return
        due = f" · correct by {format.moment(returned.due_at, zone)}" if returned.due_at else ""
        comment = escape(returned.comment) if returned.comment else "No comment given."
        self.update(f"[b $warning]Returned by {escape(returned.by_name)}[/] {format.moment(returned.at, zone)}{due}\n"
                    f"“{comment}”")
        self.add_class("-returned")
