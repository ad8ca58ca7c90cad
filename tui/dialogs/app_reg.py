"""App/Reg of a Family Services Stage: its primary caretaker, one of the persons now in the stage,
or "child only" when only children are in it. Recorded once, so it asks before it is sent. The
store decides; a refusal is shown here. Dismissed with the stage, or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.core.results import StageCourse, StageView
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.stage_change import STAGE_DIALOG_CSS, StageChangeDialog

CHILD_ONLY = "child only"


class AppRegDialog(StageChangeDialog):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="app_reg.cancel")]
    DEFAULT_CSS = STAGE_DIALOG_CSS.format(name="AppRegDialog") + """
    AppRegDialog OptionList { height: auto; max-height: 12; margin-top: 1; }
    """

    def __init__(self, stage: StageView, course: StageCourse):
        super().__init__()
        self.stage, self.course = stage, course

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"App/Reg the {self.stage.label} stage · {self.stage.family_name} family", classes="title")
            yield Static("Who is the primary caretaker? Child only: no caretaker, only children in the stage.")
            options = [Option(f"{p.name} · {p.relationship}", id=str(p.id)) for p in self.course.persons]
            yield OptionList(*options, Option("Child only — no primary caretaker", id=CHILD_ONLY), id="caretaker")
            yield Static("", id="problem")
            yield Static("[b]↑↓[/b] choose   [b]Enter[/b] App/Reg   [b]Esc[/b] cancel", classes="keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        caretaker = None if chosen == CHILD_ONLY else int(str(chosen))
        who = next((p.name for p in self.course.persons if p.id == caretaker), None)
        stage_id = self.stage.id
        said = f"{who} as primary caretaker" if who else "child only, with no primary caretaker"

        def answered(key: str | None) -> None:
            if key == "y":
                self.send(lambda desk: desk.app_reg(stage_id, caretaker), f"App/Reg recorded: {said}")

        self.app.push_screen(ConfirmDialog(
            f"App/Reg the {self.stage.label} stage?", f"{said[0].upper()}{said[1:]}. App/Reg is recorded once; "
            "this cannot be undone.", {"y": "App/Reg it", "escape": "Go back"}), answered)
