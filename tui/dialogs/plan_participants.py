"""Who took part in making a plan (issue 19): the family's persons ticked with Space (each in their role in
the family: child, mother…), and others by name and role, one "Name, role" a line. ctrl+s saves through
the plan screen's writer; a refusal stays here with the store's sentence and nothing typed is lost.
Dismissed with the plan as saved, or None."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, SelectionList, Static, TextArea

from store.core.plan_results import PlanView
from store.core.results import CaseView
from tui.dialogs.plan_form import PlanFormDialog
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures


class PlanParticipantsDialog(SaysWorkerFailures, PlanFormDialog):
    BINDINGS = [
        Binding("ctrl+s", "send", "Save", id="participants.save"),
        Binding("escape", "cancel", "Cancel", id="participants.cancel"),
    ]
    DEFAULT_CSS = """
    PlanParticipantsDialog { align: center middle; }
    PlanParticipantsDialog > Vertical { width: 84; max-width: 100%; height: auto; max-height: 100%;
                                        border: thick $accent; background: $surface; padding: 0 2; }
    PlanParticipantsDialog SelectionList { height: auto; max-height: 8; }
    PlanParticipantsDialog TextArea { height: 5; }
    PlanParticipantsDialog #problem { color: $error; height: auto; }
    PlanParticipantsDialog .muted { color: $text-muted; }
    """

    def __init__(self, case: CaseView, plan: PlanView, write):
        super().__init__()
        self.case, self.plan, self.write = case, plan, write
        self.roles = {p.id: p.relationship for p in case.persons}

    def compose(self) -> ComposeResult:
        chosen = {p.person_id: p.role for p in self.plan.participants if p.person_id is not None}
        others = "\n".join(f"{p.name}, {p.role}" for p in self.plan.participants if p.person_id is None)
        with Vertical():
            yield Label("[b]Who took part in making the plan[/b]")
            yield Label("The family (Space ticks)")
            yield SelectionList[int](*[(f"{p.name} ({chosen.get(p.id, p.relationship)})", p.id, p.id in chosen)
                                       for p in self.case.persons], id="family")
            yield Label("Others: one a line, “Name, role” (e.g. Rosa Diaz, foster parent)")
            yield TextArea(others, id="others", tab_behavior="focus")
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] save   [b]Tab[/b] next field   [b]Esc[/b] cancel", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def participants(self) -> list[dict]:
        """The form as the store takes it; ValueError with a sentence for an "other" without a role."""
        chosen = [{"person_id": pid, "role": self.roles[pid]} for pid in self.query_one(SelectionList).selected]
        for number, line in enumerate(self.query_one("#others", TextArea).text.splitlines(), 1):
            if not line.strip():
                continue
            name, comma, role = line.rpartition(",")
            if not comma or not name.strip() or not role.strip():
                raise ValueError(f"Line {number} of the others, “{line.strip()}”, needs a name and a role "
                                 "after a comma (Rosa Diaz, foster parent).")
            chosen.append({"name": name.strip(), "role": role.strip()})
        return chosen

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_send(self) -> None:
        try:
            given = self.participants()
        except ValueError as error:
            self.query_one("#problem", Static).update(str(error))
            return
        self._send(given)

    @work(thread=True, exclusive=True, group="send", exit_on_error=False)
    def _send(self, given: list[dict]) -> None:
        plan_id = self.plan.id
        self._written(lambda: self.write(lambda desk, version: desk.set_plan_participants(plan_id, given, version)),
                      "Who took part is saved.")
