"""Every saved version of a note with who saved it and when, and what changed between two versions."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from store import StoreError
from store.core.results import NoteHistory
from tui import formatting
from tui.messages import HistoryRead, HistoryRefused
from tui.revision_diff import revision_changes
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures


class NoteHistoryScreen(SaysWorkerFailures, Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="history.back"),
        Binding("m", "mark", "Compare with this", id="history.mark"),
    ]
    # Below 100 columns the versions go above the changes (side by side left the changes 26 columns).
    DEFAULT_CSS = """
    NoteHistoryScreen #title { padding: 0 1; text-style: bold; }
    NoteHistoryScreen OptionList { width: 52; height: 1fr; }
    NoteHistoryScreen #diff { height: 1fr; padding: 0 1; border-left: tall $panel; }
    NoteHistoryScreen.-narrow #panes { layout: vertical; }
    NoteHistoryScreen.-narrow OptionList { width: 1fr; height: auto; max-height: 7; }
    NoteHistoryScreen.-narrow #diff { border-left: none; border-top: tall $panel; }
    """
    NARROW = 100

    def __init__(self, note_id: int):
        super().__init__()
        self.note_id = note_id
        self.history: NoteHistory | None = None
        self.base: int | None = None  # index of the version marked to compare against

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.heading()}: saved versions · m marks one to compare the highlighted one with", id="title")
        with Horizontal(id="panes"):
            yield OptionList(id="versions")
            with VerticalScroll(id="diff"):
                yield Static("Loading…", id="diff-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load(self.app.desk)

    def heading(self) -> str:
        return f"Note {self.note_id}"

    def read(self, desk):
        """The history, read in the worker."""
        return desk.note_history(self.note_id)

    def changes(self, before, after) -> Text:
        return revision_changes(before, after, self.app.zone)

    @while_shown
    def on_resize(self) -> None:
        self.set_class(self.size.width < self.NARROW, "-narrow")

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self, desk) -> None:
        try:
            history = self.read(desk)
        except StoreError as error:
            self.post_message(HistoryRefused(str(error)))
            return
        self.post_message(HistoryRead(history))

    @on(HistoryRefused)
    @while_shown
    def _refused(self, message: HistoryRefused) -> None:
        self.query_one("#diff-text", Static).update("")
        self.notify(message.sentence, severity="error")

    @on(HistoryRead)
    @while_shown
    def _show(self, message: HistoryRead) -> None:
        history = self.history = message.history
        options = self.query_one(OptionList)
        zone = self.app.zone
        options.add_options(
            Option(f"v{r.version:<3} {formatting.day(r.saved_at, zone)} {formatting.clock(r.saved_at, zone):>8}  "
                   f"{r.saved_by:<10} {r.status}", id=str(i))
            for i, r in enumerate(history.revisions))
        if history.revisions:
            options.highlighted = len(history.revisions) - 1
        options.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._compare(int(event.option.id))

    def action_mark(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None:
            self.base = highlighted
            self.notify(f"Comparing with version {self.history.revisions[highlighted].version}", timeout=2)

    def _compare(self, index: int) -> None:
        revisions = self.history.revisions
        base = self.base if self.base is not None and self.base != index else index - 1
        before = revisions[base] if base >= 0 else None
        text = Text(f"Version {revisions[index].version} against version {revisions[base].version}\n\n"
                    if base >= 0 else "", style="bold")
        text.append_text(self.changes(before, revisions[index]))
        self.query_one("#diff-text", Static).update(text)
