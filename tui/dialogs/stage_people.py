"""A stage's people, one dialog per kind (its persons here; roles in stage_roles.py, placements in
placements.py), opened from the case screen on the highlighted stage. Each reads its list and the
store's answer whether this worker may change it; a change key the worker may not use shows the
store's sentence, a change that cannot be undone asks first, and the store checks the change again
when it is made (a refusal shows its sentence). Dismissed with True if anything changed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pendulum
from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.core.results import StageView
from tui import formatting
from tui.messages import StagePeopleChanged, StagePeopleRead
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures


class StagePeopleDialog(SaysWorkerFailures, ModalScreen[bool]):
    """The frame the three dialogs share: a list, the keys, reading and changing in workers."""

    TOPIC = ""
    HEADING = ""
    KEYS: tuple[tuple[str, str], ...] = ()  # (key, what it does) shown under the list
    BINDINGS = [Binding("escape", "leave", "Close", id="stage_people.close")]
    DEFAULT_CSS = """
    StagePeopleDialog { align: center middle; }
    StagePeopleDialog > Vertical { width: 96; max-width: 100%; height: auto; max-height: 100%;
                                   border: thick $accent; background: $surface; padding: 0 1; }
    StagePeopleDialog .title { text-style: bold; }
    StagePeopleDialog OptionList { height: auto; max-height: 16; min-height: 3; }
    StagePeopleDialog #keys { height: auto; }
    StagePeopleDialog #refusal { height: auto; color: $text-muted; }
    """

    def __init__(self, desk: Any, stage: StageView, zone: str, today: date):
        super().__init__()
        self.desk, self.stage, self.zone, self.today = desk, stage, zone, today
        self.view: Any = None
        self.refusal: str | None = "Reading…"
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"{self.HEADING} · {self.stage.label} · {escape(self.stage.family_name)} family",
                         classes="title")
            yield OptionList(id="rows")
            yield Static("", id="refusal")
            keys = "  ".join(f"[b]{key}[/b] {what}" for key, what in self.KEYS)
            yield Static(f"{keys}  [b]Esc[/b] close", id="keys")

    @while_shown
    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    def load(self) -> None:
        self._read(self.desk, self.stage.id)

    # What each dialog reads and shows -------------------------------------------------------------

    def read(self, desk: Any, stage_id: int) -> Any:
        raise NotImplementedError

    def may(self, desk: Any, stage_id: int) -> str | None:
        raise NotImplementedError

    def rows(self, view: Any) -> Sequence[Option]:
        raise NotImplementedError

    # ----------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="stage-people-read", exit_on_error=False)
    def _read(self, desk: Any, stage_id: int) -> None:
        self.post_message(StagePeopleRead(self.TOPIC, stage_id, self.read(desk, stage_id), self.may(desk, stage_id)))

    @on(StagePeopleRead)
    @while_shown
    def _shown(self, message: StagePeopleRead) -> None:
        if message.topic != self.TOPIC:
            return
        self.view, self.refusal = message.view, message.refusal
        rows = self.query_one(OptionList)
        at = rows.highlighted
        rows.clear_options()
        rows.add_options(self.rows(message.view) or [Option("[dim]None yet.[/dim]", disabled=True)])
        if rows.option_count:
            rows.highlighted = min(at or 0, rows.option_count - 1)
        self.query_one("#refusal", Static).update(f"Changes: {escape(message.refusal)}" if message.refusal else "")

    def allowed(self) -> bool:
        """Whether a change key may go on; if not, the store's sentence is shown."""
        if self.refusal:
            self.notify(self.refusal, severity="warning", timeout=8)
            return False
        return self.view is not None

    def chosen(self) -> str | None:
        rows = self.query_one(OptionList)
        if rows.highlighted is None:
            return None
        return rows.get_option_at_index(rows.highlighted).id

    def confirm(self, title: str, question: str, yes: str, then: Callable[[], None]) -> None:
        from tui.dialogs.confirm import ConfirmDialog

        self.app.push_screen(ConfirmDialog(title, question, {"y": yes, "escape": "Cancel"}),
                             lambda answer: then() if answer == "y" else None)

    def pick(self, title: str, label: str, options: Sequence[tuple[str, Any]], then: Callable[[Any], None]) -> None:
        from tui.dialogs.pick import PickDialog

        self.app.push_screen(PickDialog(title, label, options), lambda value: then(value) if value is not None else None)

    def ask_day(self, title: str, question: str, then: Callable[[date], None], *, past: bool) -> None:
        from tui.dialogs.day import DayDialog

        self.app.push_screen(DayDialog(title, question, self.today, past=past),
                             lambda day: then(day) if day is not None else None)

    def change(self, call: Callable[[Any], object], done: str) -> None:
        self._change(self.desk, call, done)

    @work(thread=True, group="stage-people-change", exit_on_error=False)
    def _change(self, desk: Any, call: Callable[[Any], object], done: str) -> None:
        call(desk)  # a refusal: SaysWorkerFailures says the store's sentence
        self.post_message(StagePeopleChanged(self.TOPIC, done))

    @on(StagePeopleChanged)
    @while_shown
    def _changed(self, message: StagePeopleChanged) -> None:
        self.changed = True
        self.notify(message.done, timeout=4)
        self.load()

    def action_leave(self) -> None:
        self.dismiss(self.changed)

    def day(self, at: Any) -> str:
        return formatting.day(at, self.zone)


def today_in(zone: str, now: Any) -> date:
    return pendulum.instance(now).in_timezone(zone).date()


class PersonsDialog(StagePeopleDialog):
    """The stage's persons (those ended in it marked); a adds one of the family, e ends the highlighted one."""

    TOPIC, HEADING = "persons", "Persons of the stage"
    KEYS = (("a", "add one of the family"), ("e", "end the highlighted person in the stage"))
    BINDINGS = [Binding("a", "add", "Add person", id="persons.add"),
                Binding("e", "end", "End person", id="persons.end")]

    def read(self, desk: Any, stage_id: int) -> Any:
        return desk.persons_in_stage(stage_id)

    def may(self, desk: Any, stage_id: int) -> str | None:
        return desk.may_change_stage_persons(stage_id)

    def rows(self, view: Any) -> Sequence[Option]:
        return [Option(f"{escape(p.person.name):<24} [dim]{p.person.relationship}"
                       f"{' · born ' + p.person.birth_date.strftime('%m/%d/%Y') if p.person.birth_date else ''}"
                       f"{' · ended ' + self.day(p.ended_at) if p.ended_at else ''}[/dim]",
                       id=str(p.person.id), disabled=p.ended_at is not None)
                for p in view.persons]

    def action_add(self) -> None:
        if not self.allowed():
            return
        family = [(f"{p.name} ({p.relationship})", p) for p in self.view.family]
        if not family:
            self.notify("Everyone of the family is already in this stage (or was ended in it).", timeout=6)
            return
        self.pick(f"Add a person to {self.stage.label}", "Person", family, self._add)

    def _add(self, person: Any) -> None:
        stage_id = self.stage.id
        self.change(lambda desk: desk.add_person_to_stage(stage_id, person.id), f"{person.name} added to the stage")

    def action_end(self) -> None:
        if not self.allowed():
            return
        chosen = self.chosen()
        person = next((p.person for p in self.view.persons if str(p.person.id) == chosen and p.ended_at is None), None)
        if person is None:
            self.notify("Highlight a person in the stage first.", severity="warning")
            return
        stage_id = self.stage.id
        self.confirm(f"End {person.name} in {self.stage.label}?",
                     f"{person.name} stays in the notes that name them, but is no longer offered for new notes "
                     "here. This cannot be undone.", "End in the stage",
                     lambda: self.change(lambda desk: desk.end_person_in_stage(stage_id, person.id),
                                         f"{person.name} ended in the stage"))
