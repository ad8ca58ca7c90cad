"""The supervisor's return comment, who returned the note and by when to correct it: kept in view
above the editor's form while the note is corrected (hidden for any other note).

It takes at most about a third of the screen. A comment longer than that scrolls: the panel then
takes focus (Tab from the narrative reaches it) and says so, so no part of a comment is out of reach.
"""

from __future__ import annotations

from rich.markup import escape
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.core.results import NoteHistory
from tui import formatting

MORE = " · [i]more below: Tab here, then ↓[/]"


class ReturnedPanel(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    ReturnedPanel {
        height: auto; max-height: 30vh; padding: 0 2; border-bottom: solid $warning; display: none;
        scrollbar-size-vertical: 1;
    }
    ReturnedPanel.-returned { display: block; }
    ReturnedPanel:focus { background: $boost; }
    ReturnedPanel > Static { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._heading = self._comment = ""
        self._clipped = False

    def compose(self):
        yield Static()

    def show(self, history: NoteHistory, zone: str) -> None:
        """Show the latest return of a note that is still returned; nothing otherwise."""
        returned = next((a for a in reversed(history.review) if a.action == "return"), None)
        if history.note.status != "returned" or returned is None:
            self.remove_class("-returned")
            return
        due = f" · correct by {formatting.moment(returned.due_at, zone)}" if returned.due_at else ""
        self._heading = f"[b $warning]Returned by {escape(returned.by_name)}[/] {formatting.moment(returned.at, zone)}{due}"
        self._comment = f"“{escape(returned.comment)}”" if returned.comment else "No comment given."
        self._render_text()
        self.add_class("-returned")
        self.call_after_refresh(self._check_clipped)

    def _render_text(self) -> None:
        self.query_one(Static).update(f"{self._heading}{MORE if self._clipped else ''}\n{self._comment}")

    def on_resize(self) -> None:
        self.call_after_refresh(self._check_clipped)

    def _check_clipped(self) -> None:
        clipped = self.max_scroll_y > 0
        self.can_focus = clipped
        if clipped != self._clipped:
            self._clipped = clipped
            self._render_text()
