"""A family's case plans (issue 19): the family plan and each child's, every version, where each stands.
Enter opens one (tui/screens/plan.py); n starts a plan for the family or a chosen child, once the store
says this worker drafts the family's plans (else its sentence says who does)."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.core.plan_results import PlanView
from store.core.results import CaseView
from tui.messages import PlanStarted, PlansRead
from tui.plan_words import plan_name, standing
from tui.screens.table_screen import ReadTableScreen
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

FAMILY = "family"  # the pick for the family plan (a child is picked by their person number)


class PlansScreen(SaysWorkerFailures, ReadTableScreen):
    LOADING = "Loading the family's plans…"
    NARROW = 110
    COLUMNS = (("Plan", 30), ("Ver.", 4), ("Dated", 10), ("Where it stands", 48), ("Drafted by", 18))
    NARROW_COLUMNS = (("Plan", 24), ("Ver.", 4), ("Where it stands", 44))
    COMPACT_FOOTER = True
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="plans.back"),
        Binding("enter", "open", "Open", id="plans.open"),
        Binding("n", "start", "New plan", id="plans.start"),
    ]

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.case: CaseView | None = None
        self.plans: list[PlanView] = []
        self.drafting_refusal: str | None = "Reading the family's plans…"

    @work(thread=True, exclusive=True, group="plans", exit_on_error=False)
    def load(self) -> None:
        desk = self.desk  # a refusal: SaysWorkerFailures
        self.post_message(PlansRead(desk.case(self.case_id), desk.plans(self.case_id),
                                    desk.may_draft_plans(self.case_id)))

    @on(PlansRead)
    @while_shown
    def _read(self, message: PlansRead) -> None:
        self.case, self.plans, self.drafting_refusal = message.case, message.plans, message.drafting_refusal
        self._fill()
        self.query_one(DataTable).focus()

    def _fill(self) -> None:
        zone = self.app.zone
        rows = []
        for plan in self.plans:
            cells = [Text(" " + plan_name(plan)), Text(f" {plan.plan_version}"), Text(" " + plan.plan_date.strftime("%m/%d/%Y")),
                     Text(" " + standing(plan, zone), style="bold" if plan.status == "returned" else ""),
                     Text(" " + plan.drafter_name)]
            rows.append(([cells[0], cells[1], cells[3]] if self.narrow else cells, str(plan.id)))
        self._refill(rows)
        family = f"{escape(self.case.family_name)} family" if self.case else "The family"
        count = f"{len(self.plans)} plan{'s' if len(self.plans) != 1 else ''}" if self.plans else "no plans yet"
        start = ("[b]n[/b] starts one for the family or a child" if self.drafting_refusal is None
                 else f"[dim]{escape(self.drafting_refusal)}[/dim]")
        self.query_one("#summary", Static).update(f"[b]{family}[/b] · {count} · Enter opens one · {start}")

    def _current(self) -> PlanView | None:
        table = self.query_one(DataTable)
        if not self.plans or table.cursor_row is None or table.cursor_row >= len(self.plans):
            return None
        return self.plans[table.cursor_row]

    @on(DataTable.RowSelected)
    def _selected(self) -> None:  # Enter on the table: the table takes the key before the screen
        self.action_open()

    def action_open(self) -> None:
        plan = self._current()
        if plan is not None:
            from tui.screens.plan import PlanScreen

            self.app.push_screen(PlanScreen(plan.id))

    def action_start(self) -> None:
        """Whose plan: the family or one of its children (picked by typing or by number)."""
        if self.case is None:
            return
        if self.drafting_refusal:
            self.notify(self.drafting_refusal, title="No new plan", severity="warning", timeout=8)
            return
        from tui.dialogs.pick import PickDialog

        options = [("The family (family plan)", FAMILY)] + [
            (f"{p.name} (child{', born ' + p.birth_date.strftime('%m/%d/%Y') if p.birth_date else ''})", p.id)
            for p in self.case.persons if p.is_child]
        self.app.push_screen(PickDialog("Start a plan", "Whose plan?", options),
                             lambda whose: whose is not None and self._start(None if whose == FAMILY else whose))

    @work(thread=True, group="start", exit_on_error=False)
    def _start(self, child_id: int | None) -> None:
        plan = self.desk.start_plan(self.case_id, child_id)  # a refusal: SaysWorkerFailures
        self.post_message(PlanStarted(plan, f"{plan_name(plan)} started as a draft."))

    @on(PlanStarted)
    @while_shown
    def _started(self, message: PlanStarted) -> None:
        from tui.screens.plan import PlanScreen

        self.notify(message.said, timeout=3)
        if self.is_current:
            self.app.push_screen(PlanScreen(message.plan.id))
