"""Return a plan to its drafter (issue 19): the notes' return dialog (tui/dialogs/return_note.py), with
what to correct (required) and an optional day to correct it by (empty: the notes' correction window),
sent through the plan screen's writer. Dismissed with True when returned."""

from __future__ import annotations

from datetime import date

from textual import on, work

from store import StoreError
from tui import formatting
from tui.dialogs.return_note import ReturnDialog
from tui.messages import ReturnRefused
from tui.messages import PlanChanged
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures


class PlanReturnDialog(ReturnDialog, SaysWorkerFailures):
    def __init__(self, plan_id: int, write):
        super().__init__(plan_id, 0)
        self.plan_id, self.write = plan_id, write

    def plan(self, due: date | None) -> None:
        """What the day typed reads as (the store says the time of day when the plan is returned)."""
        self.query_one("#due-shown").update(
            f"Correct by {due:%a %m/%d/%Y}" if due else "Correct by the policy's day for corrections, as for notes")

    @work(thread=True, exclusive=True, group="send", exit_on_error=False)
    def _send(self, comment: str, due: date | None) -> None:
        plan_id = self.plan_id
        try:
            plan = self.write(lambda desk, version: desk.return_plan(plan_id, comment, due, version))
        except StoreError as error:
            self.post_message(ReturnRefused(str(error)))
            return
        self.post_message(PlanChanged(plan, "Returned."))

    @on(PlanChanged)
    @while_shown
    def _plan_returned(self, message: PlanChanged) -> None:
        self.notify(f"Returned; correction due {formatting.moment(message.plan.correction_due_at, self.app.zone)}",
                    timeout=6)
        if self.is_active:  # dismiss() takes down whichever screen is on top
            self.dismiss(True)
