"""Every key that works on the screen you came from, and the app-wide ones."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from tui.widgets.key_footer import KeyFooter

DESCRIBED = {"command_palette": "Command palette: open a case by family or person name, new note, review queue, "
                                "my deadlines, plan an absence, timeliness, theme…",
             "next_theme": "Next theme (light, dark, high contrast), remembered for you"}
KEY_NAMES = {"question_mark": "?", "slash": "/", "escape": "Esc", "enter": "Enter", "space": "Space", "tab": "Tab"}


class HelpScreen(Screen):
    BINDINGS = [Binding("escape,f1,question_mark,q", "app.pop_screen", "Close help", id="help.close")]
    DEFAULT_CSS = "HelpScreen VerticalScroll { padding: 1 2; }"

    def __init__(self, under: Screen):
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(self._keys(), id="keys")
        yield KeyFooter()

    def _keys(self) -> Table:
        table = Table(title="Keys", show_header=True, header_style="bold", expand=False, box=None, padding=(0, 2))
        table.add_column("Key")
        table.add_column("Does")
        table.add_column("Where")
        seen = set()
        # The screen's own keys first, then the app's, then the focused widget's (cursor keys and the
        # like): on a small terminal what the screen is for is what shows without scrolling.
        generic = {b.action for b in Screen.BINDINGS if isinstance(b, Binding)}  # Tab, copy: every screen's

        def rank(active) -> int:
            if active.node is self.under and active.binding.action not in generic:
                return 0
            return 1 if active.node is self.app else 2

        for key, active in sorted(self.under.active_bindings.items(), key=lambda item: rank(item[1])):
            binding = active.binding
            if binding.action in seen and not binding.description:
                continue
            seen.add(binding.action)
            where = "everywhere" if active.node is self.app else type(active.node).__name__.removesuffix("Screen")
            table.add_row(KEY_NAMES.get(key, key), DESCRIBED.get(binding.action, binding.description or binding.action),
                          where)
        return table
