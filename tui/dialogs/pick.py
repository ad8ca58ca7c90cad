"""Pick one of a list by typing: the words typed narrow it (a worker's name, title or unit; a
person's name), 1-9 pick by number, ↑/↓ and Enter pick the highlighted one, Esc leaves. Dismissed
with the picked value, or None."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.picklist import Picklist


class PickDialog(ModalScreen[Any]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="pick.cancel")]
    DEFAULT_CSS = """
    PickDialog { align: center middle; }
    PickDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
                            background: $surface; padding: 0 1; }
    PickDialog .title { text-style: bold; }
    PickDialog Picklist > .picklist--options { display: block; max-height: 12; }
    PickDialog .muted { color: $text-muted; }
    """

    def __init__(self, title: str, label: str, options: Sequence[tuple[str, Any]]):
        """``options``: (what is shown, the value dismissed with), in the order shown."""
        super().__init__()
        self.title_text, self.label = title, label
        self.values = dict(options)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            if self.values:
                yield Picklist(self.label, list(self.values), id="pick")
            else:
                yield Static("Nobody to choose here.", id="nobody")
            yield Static("[b]type[/b] to narrow  [b]1-9[/b] or [b]Enter[/b] pick  [b]Esc[/b] cancel", classes="muted")

    def on_mount(self) -> None:
        if self.values:
            self.query_one(Picklist).query_one("Input").focus()

    @on(Picklist.Changed)
    def _picked(self, event: Picklist.Changed) -> None:
        if event.value is not None and self.is_current:
            self.dismiss(self.values[event.value])
