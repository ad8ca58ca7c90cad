"""A request for a hearing to contest a provision of a plan (issue 19): who asked (one of the family,
picked by typing, or anyone by name), the day they asked (empty: today; or 11/27) and the provision.
ctrl+s records it; a refusal stays here with the store's sentence. Dismissed with the plan, or None."""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static, TextArea

from store.core.results import CaseView
from tui.dialogs.plan_form import PlanFormDialog
from tui.dialogs.return_note import read_day
from tui.while_shown import while_shown
from tui.widgets.picklist import Picklist
from tui.worker_failures import SaysWorkerFailures


class PlanContestDialog(SaysWorkerFailures, PlanFormDialog):
    BINDINGS = [
        Binding("ctrl+s", "send", "Record it", id="contest.send"),
        Binding("escape", "cancel", "Cancel", id="contest.cancel"),
    ]
    DEFAULT_CSS = """
    PlanContestDialog { align: center middle; }
    PlanContestDialog > Vertical { width: 84; max-width: 100%; height: auto; max-height: 100%;
                                   border: thick $accent; background: $surface; padding: 0 2; }
    PlanContestDialog Input { border: none; height: 1; padding: 0 1; background: $boost; }
    PlanContestDialog TextArea { height: 4; }
    PlanContestDialog #problem { color: $error; height: auto; }
    PlanContestDialog .muted { color: $text-muted; }
    """

    def __init__(self, case: CaseView, plan_id: int):
        super().__init__()
        self.plan_id = plan_id
        self.persons = {f"{p.name} ({p.relationship})": p for p in case.persons}
        self.desk = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Request for a hearing to contest the plan[/b]")
            yield Picklist("Who asked: one of the family", list(self.persons), id="person")
            yield Label("…or someone else, by name")
            yield Input(id="name")
            yield Label("Asked on (empty = today; or 11/27)")
            yield Input(id="day")
            yield Label("The provision contested")
            yield TextArea(id="provision", tab_behavior="focus")
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] record it   [b]Tab[/b] next field   [b]Esc[/b] cancel", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.query_one("#person Input").focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_send(self) -> None:
        picked = self.query_one(Picklist).value
        person = self.persons.get(picked) if picked else None
        name = self.query_one("#name", Input).value.strip() or (person.name if person else "")
        try:
            now = self.app.store.clock.now()
            day = read_day(self.query_one("#day", Input).value, now, self.app.zone) or read_day("+0d", now, self.app.zone)
        except ValueError as error:
            self.query_one("#problem", Static).update(str(error))
            return
        self._send(name, day, self.query_one("#provision", TextArea).text,
                   person.id if person and not self.query_one("#name", Input).value.strip() else None)

    @work(thread=True, exclusive=True, group="send", exit_on_error=False)
    def _send(self, name: str, day: date, provision: str, person_id: int | None) -> None:
        self._written(lambda: self.desk.record_contest(self.plan_id, name, day, provision, person_id),
                      "The request to contest is recorded.")
