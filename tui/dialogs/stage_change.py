"""What the dialogs of a stage's course share (progress, App/Reg, start closing, close): the change
goes to the store in a worker; a refusal is shown in the dialog, which stays open with what was
chosen; done, the dialog is dismissed with the stage as the store left it (a progression: the new one)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.screen import ModalScreen
from textual.widgets import Static

from store import StoreError
from store.core.results import StageView
from tui.messages import StageChanged, StageChangeRefused
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

STAGE_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
                    background: $surface; padding: 0 2; }}
{name} .title {{ text-style: bold; }}
{name} .label {{ margin-top: 1; color: $text-muted; }}
{name} #problem {{ color: $error; height: auto; }}
{name} .keys {{ color: $text-muted; }}
"""


class StageChangeDialog(SaysWorkerFailures, ModalScreen[StageView | None]):
    sending = False  # a change is on its way to the store

    def send(self, call: Callable[[object], StageView], done: str) -> None:
        """Run ``call(desk)`` in a worker, once at a time."""
        if self.sending:
            return
        self.sending = True
        self.problem("")
        self._send(self.app.desk, call, done)

    @work(thread=True, exclusive=True, group="stage-change", exit_on_error=False)
    def _send(self, desk, call: Callable[[object], StageView], done: str) -> None:
        try:
            stage = call(desk)
        except StoreError as refusal:
            self.post_message(StageChangeRefused(str(refusal)))
            return
        self.post_message(StageChanged(stage, done))

    def problem(self, sentence: str) -> None:
        self.query_one("#problem", Static).update(sentence)

    @on(StageChangeRefused)
    @while_shown
    def _refused(self, message: StageChangeRefused) -> None:
        self.sending = False
        self.problem(message.sentence)

    @on(StageChanged)
    @while_shown
    def _changed(self, message: StageChanged) -> None:
        if self.is_active:  # dismiss() takes down whichever screen is on top
            self.notify(message.done, timeout=4)
            self.dismiss(message.stage)

    def action_cancel(self) -> None:
        self.dismiss(None)
