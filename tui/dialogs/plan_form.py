"""What a plan's small forms share (who took part, a request to contest): the change is written in a
worker, a refusal stays in the form with the store's sentence (``#problem``) and nothing typed is lost,
and a change that landed dismisses the form with the plan as saved."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.screen import ModalScreen
from textual.widgets import Static

from store import StoreError
from store.core.plan_results import PlanView
from tui.messages import PlanChanged, PlanRefused
from tui.while_shown import while_shown


class PlanFormDialog(ModalScreen[PlanView | None]):
    """Mixed after ``SaysWorkerFailures`` by each form, whose worker calls ``_written``."""

    def _written(self, write: Callable[[], PlanView], said: str) -> None:
        """Run ``write`` (in the form's worker) and post what came of it."""
        try:
            plan = write()
        except StoreError as error:
            self.post_message(PlanRefused(str(error)))
            return
        self.post_message(PlanChanged(plan, said))

    @on(PlanRefused)
    @while_shown
    def _refused(self, message: PlanRefused) -> None:
        self.query_one("#problem", Static).update(message.sentence)

    @on(PlanChanged)
    @while_shown
    def _saved(self, message: PlanChanged) -> None:
        if self.is_active:  # dismiss() takes down whichever screen is on top
            self.dismiss(message.plan)
