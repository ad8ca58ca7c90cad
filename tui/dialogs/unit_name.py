"""Add a unit, or rename one: its name, saved with Enter or ctrl+s. The store refuses a name another
unit has, and the dialog stays open with it. Dismissed with a notice of what was done, or None."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from store import StoreError
from store.core.results import UnitView
from tui.messages import StaffChanged, StaffChangeRefused
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures


class UnitNameDialog(SaysWorkerFailures, ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="unit_name.save"),
        Binding("escape", "cancel", "Cancel", id="unit_name.cancel"),
    ]
    DEFAULT_CSS = """
    UnitNameDialog { align: center middle; }
    UnitNameDialog > Vertical { width: 60; max-width: 100%; height: auto; border: thick $accent;
                                background: $surface; padding: 0 2; }
    UnitNameDialog .title { text-style: bold; margin-bottom: 1; }
    UnitNameDialog #problem { color: $error; height: auto; }
    UnitNameDialog .keys { color: $text-muted; }
    """
    saving = False

    def __init__(self, unit: UnitView | None = None):
        """``unit``: the unit to rename (None: a new unit)."""
        super().__init__()
        self.unit = unit

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Rename the unit {self.unit.name}" if self.unit else "Add a unit", classes="title")
            yield Input(self.unit.name if self.unit else "", id="name", placeholder="e.g. Adoption Unit")
            yield Static("", id="problem")
            yield Static("[b]Enter[/b] save   [b]Esc[/b] cancel", classes="keys")

    @while_shown
    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _clear_problem(self) -> None:
        self.query_one("#problem", Static).update("")

    @on(Input.Submitted)
    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self._save(self.app.desk, self.query_one(Input).value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="save-unit", exit_on_error=False)
    def _save(self, desk, name: str) -> None:
        try:
            if self.unit is None:
                desk.add_unit(name)
                notice = f"The unit {name} was added."
            else:
                desk.rename_unit(self.unit.id, name)
                notice = f"The unit is now called {name}."
        except StoreError as refusal:
            self.post_message(StaffChangeRefused(str(refusal)))
            return
        self.post_message(StaffChanged(notice))

    @on(StaffChangeRefused)
    @while_shown
    def _refused(self, message: StaffChangeRefused) -> None:
        self.saving = False
        self.query_one("#problem", Static).update(message.sentence)

    @on(StaffChanged)
    @while_shown
    def _saved(self, message: StaffChanged) -> None:
        if self.is_active:
            self.dismiss(message.notice)
