"""The plan screen's keys for the plan as a whole (a part of PlanScreen, kept apart so that its file stays
about the sections): who took part (p), a request to contest a provision (c), send for review (ctrl+r),
a supervisor's approve (y) and return (r), a new version of an approved plan (n), the history (h).
Each is offered as the store's ``plan_actions`` says; a change goes through the screen's one writer, so
that it names the version the sections' saves left."""

from __future__ import annotations

from textual.binding import Binding

from store.core.plan_results import PlanView
from tui.messages import PlanChanged
from tui.plan_words import plan_name

PLAN_BINDINGS = [
    Binding("ctrl+r", "submit", "Send for review", id="plan.submit"),
    Binding("p", "participants", "Took part", id="plan.participants"),
    Binding("c", "contest", "Contest", id="plan.contest", show=False),
    Binding("y", "approve", "Approve", id="plan.approve"),
    Binding("r", "return", "Return", id="plan.return"),
    Binding("n", "new_version", "New version", id="plan.new_version"),
    Binding("h", "history", "History", id="plan.history"),
]


class PlanKeys:
    # (key, plan action, label): listed under the plan with the store's reasons
    ACTION_KEYS = (("p", "edit", "Who took part"), ("ctrl+r", "submit", "Send for review"),
                   ("c", "contest", "Request to contest"), ("y", "approve", "Approve"), ("r", "return", "Return"),
                   ("n", "new_version", "New version"))
    ACTION_OF = {"save": "edit", "participants": "edit", "submit": "submit", "contest": "contest", "approve": "approve",
                 "return": "return", "new_version": "new_version"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key for the plan as a whole is offered when the store allows it (its reason is listed under
        the plan); letters only while the list of sections has focus, the text taking them otherwise."""
        name = self.ACTION_OF.get(action)
        if name is None:
            return True
        return self.plan is not None and self.actions.get(name, "") is None

    def _allowed(self, name: str) -> bool:
        reason = self.actions.get(name, "Reading the plan…")
        if reason:
            self.notify(reason, severity="warning", timeout=6)
        return reason is None

    def action_submit(self) -> None:
        if not self._allowed("submit"):
            return
        plan_id, name = self.plan_id, plan_name(self.plan)
        supervisor = self.app.me.supervisor_name or "your supervisor"

        def submit(desk, version: int) -> PlanChanged:
            return PlanChanged(desk.submit_plan(plan_id, version), f"{name} sent to {supervisor} for review.", True)

        self._save_typed(after=submit)

    def action_approve(self) -> None:
        if not self._allowed("approve"):
            return
        from tui.dialogs.confirm import ConfirmDialog

        plan_id, name = self.plan_id, plan_name(self.plan)

        def approve(desk, version: int) -> PlanChanged:
            return PlanChanged(desk.approve_plan(plan_id, version), f"{name} approved; it is final.", True)

        self.app.push_screen(
            ConfirmDialog(f"Approve {name}?", "Once approved the plan is final: a change is a new version, and "
                          "this one stays as approved.", {"enter": "Approve it", "escape": "Cancel"}),
            lambda answer: answer == "enter" and self._save_typed(after=approve))

    def action_return(self) -> None:
        if not self._allowed("return"):
            return
        from tui.dialogs.return_plan import PlanReturnDialog

        self.app.push_screen(PlanReturnDialog(self.plan_id, self._writer()),
                             lambda returned: returned and self.is_current and self.app.pop_screen())

    def action_new_version(self) -> None:
        if not self._allowed("new_version"):
            return
        plan_id = self.plan_id

        def new_version(desk, _version: int) -> PlanChanged:
            plan = desk.new_plan_version(plan_id)
            return PlanChanged(plan, f"Version {plan.plan_version} started as a draft from the approved plan.")

        self._save_typed(after=new_version)

    def action_participants(self) -> None:
        if not self._allowed("edit") or self.case is None:
            return
        from tui.dialogs.plan_participants import PlanParticipantsDialog

        self.app.push_screen(PlanParticipantsDialog(self.case, self.plan, self._writer()),
                             lambda plan: plan is not None and self._replaced(plan, "Who took part is saved."))

    def action_contest(self) -> None:
        if not self._allowed("contest") or self.case is None:
            return
        from tui.dialogs.plan_contest import PlanContestDialog

        self.app.push_screen(PlanContestDialog(self.case, self.plan_id),
                             lambda plan: plan is not None and self._replaced(plan, "The request to contest is recorded."))

    def action_history(self) -> None:
        from tui.screens.plan_history import PlanHistoryScreen

        self.app.push_screen(PlanHistoryScreen(self.plan_id))

    def _writer(self):
        """A change a dialog makes in its own worker, through this screen's one writer: ``write(change)``
        calls ``change(desk, version)`` (a store call giving a PlanView) with the version the last save
        left. It touches no widget."""
        record, desk = self.in_record, self.desk

        def write(change) -> PlanView:
            with record.lock:
                plan = change(desk, record.version)
                record.version = plan.version
                return plan

        return write

    def _replaced(self, plan: PlanView, said: str) -> None:
        self.notify(said, timeout=3)
        self.load()
