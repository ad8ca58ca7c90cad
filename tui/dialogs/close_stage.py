"""Start closing a stage (its Case Planner or Case Manager proposes it) or close it (its Case Manager
or someone above), with one of the agency's reasons. Closing cannot be undone, so it asks first. The
store decides; a refusal is shown here. Dismissed with the stage, or None."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.core.results import StageView
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.stage_change import STAGE_DIALOG_CSS, StageChangeDialog


class CloseStageDialog(StageChangeDialog):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="close_stage.cancel")]
    DEFAULT_CSS = STAGE_DIALOG_CSS.format(name="CloseStageDialog") + """
    CloseStageDialog OptionList { height: auto; max-height: 12; margin-top: 1; }
    """

    def __init__(self, stage: StageView, reasons: tuple[str, ...], *, finish: bool):
        """``finish``: close the stage; else start closing it."""
        super().__init__()
        self.stage, self.reasons, self.finish = stage, reasons, finish

    def compose(self) -> ComposeResult:
        stage = self.stage
        with Vertical():
            yield Static(f"{'Close' if self.finish else 'Start closing'} the {stage.label} stage · "
                         f"{stage.family_name} family", classes="title")
            proposed = (f"Closing was started: {stage.closing_reason}." if stage.closing_reason
                        else "Nobody has started closing it.")
            yield Static(proposed if self.finish else "The Case Manager then closes it with the reason given here.")
            yield OptionList(*[Option(reason, id=str(n)) for n, reason in enumerate(self.reasons)], id="reason")
            yield Static("", id="problem")
            yield Static(f"[b]↑↓[/b] choose the reason   [b]Enter[/b] {'close' if self.finish else 'start closing'}"
                         "   [b]Esc[/b] cancel", classes="keys")

    def on_mount(self) -> None:
        reasons = self.query_one(OptionList)
        if self.stage.closing_reason in self.reasons:
            reasons.highlighted = self.reasons.index(self.stage.closing_reason)
        reasons.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        reason, stage_id = self.reasons[int(str(event.option.id))], self.stage.id
        if not self.finish:
            self.send(lambda desk: desk.start_closing(stage_id, reason), f"Closing started: {reason}")
            return

        def answered(key: str | None) -> None:
            if key == "y":
                self.send(lambda desk: desk.close_stage(stage_id, reason), f"{self.stage.label} stage closed")

        self.app.push_screen(ConfirmDialog(
            f"Close the {self.stage.label} stage?",
            f"Reason: {reason}.\nA closed stage takes no new notes and is never reopened; this cannot be undone.",
            {"y": "Close it", "escape": "Go back"}), answered)
