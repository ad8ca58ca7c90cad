"""A supervisor's plan review queue (issue 19): the plans their workers sent, the review due soonest
first, overdue ones marked. Enter opens one (tui/screens/plan.py), where y approves and r returns it.
Reached from the notes' review queue (key p) and the palette."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.core.plan_results import PlanView
from tui import formatting
from tui.messages import PlanQueueRead
from tui.plan_words import plan_name
from tui.screens.table_screen import ReadTableScreen
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures


class PlanReviewQueueScreen(SaysWorkerFailures, ReadTableScreen):
    LOADING = "Loading the plans waiting for your review…"
    NARROW = 110
    COLUMNS = (("Review due", 18), ("Plan", 28), ("Ver.", 4), ("Drafted by", 18), ("Sent", 18), ("", 18))
    NARROW_COLUMNS = (("Review due", 18), ("Plan", 24), ("Drafted by", 16), ("", 12))
    COMPACT_FOOTER = True
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="plan_queue.back"),
        Binding("enter", "open", "Open", id="plan_queue.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plans: list[PlanView] = []

    @work(thread=True, exclusive=True, group="plan-queue", exit_on_error=False)
    def load(self) -> None:
        self.post_message(PlanQueueRead(self.desk.plan_review_queue()))  # a refusal: SaysWorkerFailures

    @on(PlanQueueRead)
    @while_shown
    def _read(self, message: PlanQueueRead) -> None:
        self.plans = message.plans
        self._fill()
        self.query_one(DataTable).focus()

    def _overdue(self, plan: PlanView) -> bool:
        return plan.review_due_at is not None and plan.review_due_at < self.app.store.clock.now()

    def _fill(self) -> None:
        zone = self.app.zone
        rows = []
        for plan in self.plans:
            late = self._overdue(plan)
            due = Text(" " + formatting.when_due(plan.review_due_at, zone), style="bold red" if late else "")
            mark = Text(" OVERDUE" if late else (" sent again" if plan.status == "resubmitted" else ""),
                        style="bold red" if late else "")
            whose = Text(" " + plan_name(plan))
            drafter = Text(" " + plan.drafter_name)
            cells = ([due, whose, drafter, mark] if self.narrow else
                     [due, whose, Text(f" {plan.plan_version}"), drafter,
                      Text(" " + formatting.when_due(plan.submitted_at, zone)), mark])
            rows.append((cells, str(plan.id)))
        self._refill(rows)
        overdue = sum(self._overdue(plan) for plan in self.plans)
        self.query_one("#summary", Static).update(
            (f"{len(self.plans)} plan{'s' if len(self.plans) != 1 else ''} waiting for your review"
             + (f" · [b $error]{overdue} overdue[/]" if overdue else "") + " · Enter opens one to approve or return")
            if self.plans else "No plans waiting for your review.")

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.plans and table.cursor_row is not None and table.cursor_row < len(self.plans):
            from tui.screens.plan import PlanScreen

            self.app.push_screen(PlanScreen(self.plans[table.cursor_row].id))
