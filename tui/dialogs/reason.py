"""Ask for a reason before a change that must give one (rejecting or terminating an advocate): the
question, an input, Enter or ctrl+s to go on. The caller's store call decides whether it is enough.
Dismissed with the text typed, or None."""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class ReasonDialog(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "done", "Go on", id="reason.done"),
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]
    DEFAULT_CSS = """
    ReasonDialog { align: center middle; }
    ReasonDialog > Vertical { width: 72; max-width: 100%; height: auto; border: thick $accent;
                              background: $surface; padding: 1 2; }
    ReasonDialog .title { text-style: bold; }
    ReasonDialog .muted { color: $text-muted; }
    """

    def __init__(self, title: str, question: str, placeholder: str = ""):
        super().__init__()
        self.title_text, self.question, self.placeholder = title, question, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(escape(self.title_text), classes="title")
            yield Static(escape(self.question))
            yield Input(id="reason", placeholder=self.placeholder)
            yield Static("[b]Enter[/b] go on  [b]Esc[/b] cancel", classes="muted")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def action_done(self) -> None:
        self.dismiss(self.query_one(Input).value)

    def action_cancel(self) -> None:
        self.dismiss(None)
