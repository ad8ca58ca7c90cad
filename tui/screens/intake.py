"""Intake: a new family, its persons one by one, and its first stage (a Family Services Intake or a
CPS Intake) with the intake's facts, saved in one change after a confirmation (families, persons and
stages are never deleted). Offered to those the store allows (the INTAKE function, a supervisor);
the store checks everything again when the family is saved and says what is wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, DataTable, Header, Input, Label, OptionList, RadioButton, RadioSet, Static, TextArea
from textual.widgets.option_list import Option

from store import StoreError
from store.core.intake_forms import EarlierCase, IntakeChoices, IntakeStage, NewPerson, WorkerChoice
from tui import formatting
from tui.messages import EarlierCasesRead, FamilyNotOpened, FamilyOpened, IntakeChoicesRead
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

if TYPE_CHECKING:
    from store.desks.desk import Desk

COLUMNS = ("Name", "Relationship", "Sex", "Born", "Child", "Caretaker")


def worker_named(typed: str, workers: tuple[WorkerChoice, ...]) -> WorkerChoice | None:
    """The offered worker whose login or name was typed (any case)."""
    wanted = " ".join(typed.split()).lower()
    return next((w for w in workers if wanted in (w.login.lower(), w.name.lower())), None)


class IntakeScreen(SaysWorkerFailures, Screen):
    AUTO_FOCUS = "#family"
    BINDINGS = [
        Binding("ctrl+s", "save", "Open the family", id="intake.save"),
        Binding("ctrl+n", "add_person", "Add person", id="intake.add_person"),
        Binding("delete", "remove_person", "Remove person", id="intake.remove_person", show=False),
        Binding("escape", "leave", "Leave", id="intake.leave"),
    ]
    DEFAULT_CSS = """
    IntakeScreen #form { padding: 0 2; }
    IntakeScreen #intro { margin-bottom: 1; }
    IntakeScreen Label { margin-top: 1; text-style: bold; }
    IntakeScreen #persons { height: auto; max-height: 8; }
    IntakeScreen .read { color: $text-muted; height: auto; }
    IntakeScreen .read.-bad { color: $warning; }
    IntakeScreen RadioSet { border: none; padding: 0; height: auto; }
    IntakeScreen Checkbox { border: none; padding: 0; height: 1; }
    IntakeScreen #narrative { height: 5; }
    IntakeScreen #earlier { height: auto; max-height: 7; display: none; }
    IntakeScreen #earlier.-found { display: block; }
    IntakeScreen #problem { color: $error; height: auto; margin-top: 1; }
    IntakeScreen #fsi { height: auto; }
    IntakeScreen #fsi.-int { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.desk: Desk | None = None
        self.choices: IntakeChoices | None = None
        self.persons: list[NewPerson] = []
        self.linked: EarlierCase | None = None
        self.earlier: dict[str, EarlierCase] = {}  # the matches shown, by case number
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            yield Static("[b]New family[/b] · reading what intake may choose…", id="intro")
            yield Label("Family name")
            yield Input(id="family", placeholder="e.g. Delgado")
            yield Label("Persons")
            yield DataTable(id="persons", cursor_type="row", zebra_stripes=True)
            yield Static("No one yet: [b]ctrl+n[/b] adds a person (Enter on one changes it, Delete removes it).",
                         id="persons-help", classes="read")
            yield Label("First stage")
            with RadioSet(id="stage-type"):
                yield RadioButton("FSI · Family Services Intake", value=True, id="type-fsi")
                yield RadioButton("INT · CPS Intake", id="type-int")
            yield Label("Case Manager (local-district staff)")
            yield Input(id="manager", placeholder="name or login")
            yield Static("", id="manager-read", classes="read")
            with Vertical(id="fsi"):
                yield Label("Source: the worker asking, or authorising the payment")
                yield Input(id="source", placeholder="name or login")
                yield Static("", id="source-read", classes="read")
                yield Label("Narrative: the family's circumstances")
                yield TextArea(id="narrative")
                yield Checkbox("Preventive only", id="preventive")
                yield Checkbox("Administrative: opened only to authorise a payment", id="administrative")
                yield Label("The family's earlier, closed case (optional)")
                yield Input(id="linked", placeholder="family name, a person's name or case number")
                yield OptionList(id="earlier")
                yield Static("Not linked to an earlier case.", id="linked-read", classes="read")
            yield Static("", id="problem")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.query_one("#persons", DataTable).add_columns(*COLUMNS)
        self._read_choices(self.desk)

    @work(thread=True, exclusive=True, group="intake-choices", exit_on_error=False)
    def _read_choices(self, desk: Desk) -> None:
        self.post_message(IntakeChoicesRead(desk.intake_choices()))

    @on(IntakeChoicesRead)
    @while_shown
    def _choices_read(self, message: IntakeChoicesRead) -> None:
        choices: IntakeChoices = message.choices
        self.choices = choices
        self.query_one("#intro", Static).update(
            f"[b]New family[/b] · application date {formatting.weekday_date(choices.application_date)} (the day "
            "of the work) · saved in one change after you confirm")
        manager, source = self.query_one("#manager", Input), self.query_one("#source", Input)
        manager.suggester = SuggestFromList([w.name for w in choices.case_managers], case_sensitive=False)
        source.suggester = SuggestFromList([w.name for w in choices.source_workers], case_sensitive=False)
        me = worker_named(self.app.login or "", choices.case_managers)
        if me is not None and not manager.value:  # the intake worker manages the intake by default
            manager.value = me.name
        self.query_one("#form", VerticalScroll).scroll_home(animate=False)

    # -- persons --------------------------------------------------------------------------------------

    def action_add_person(self) -> None:
        self._person_dialog(None)

    @on(DataTable.RowSelected, "#persons")
    def _change_person(self, event: DataTable.RowSelected) -> None:
        self._person_dialog(event.cursor_row)

    def _person_dialog(self, index: int | None) -> None:
        if self.choices is None:
            self.notify("Still reading the picklists; try again in a moment.", timeout=3)
            return
        from tui.dialogs.intake_person import PersonDialog

        def kept(person: NewPerson | None) -> None:
            if person is None:
                return
            if index is None:
                self.persons.append(person)
            else:
                self.persons[index] = person
            self._fill_persons()

        family = self.query_one("#family", Input).value.strip()
        self.app.push_screen(PersonDialog(self.choices, family, None if index is None else self.persons[index]),
                             kept)

    def action_remove_person(self) -> None:
        table = self.query_one("#persons", DataTable)
        if self.focused is table and self.persons:
            del self.persons[table.cursor_row]
            self._fill_persons()

    def _fill_persons(self) -> None:
        table = self.query_one("#persons", DataTable)
        table.clear()
        for p in self.persons:
            table.add_row(escape(f"{p.first_name} {p.last_name}"), escape(p.relationship), p.sex or "—",
                          f"{p.birth_date:%m/%d/%Y}" if p.birth_date else "—", "yes" if p.is_child else "",
                          "yes" if p.primary_caretaker else "")
        count = len(self.persons)
        self.query_one("#persons-help", Static).update(
            "No one yet: [b]ctrl+n[/b] adds a person (Enter on one changes it, Delete removes it)." if not count else
            f"{count} {'person' if count == 1 else 'persons'} · [b]ctrl+n[/b] adds another · Enter on one changes "
            "it · Delete removes it")

    # -- the first stage ------------------------------------------------------------------------------

    @on(RadioSet.Changed, "#stage-type")
    def _stage_type_changed(self, event: RadioSet.Changed) -> None:
        self.query_one("#fsi").set_class(self._stage_type() == "INT", "-int")

    def _stage_type(self) -> str:
        return "INT" if self.query_one("#type-int", RadioButton).value else "FSI"

    @on(Input.Changed, "#manager, #source")
    def _worker_typed(self, event: Input.Changed) -> None:
        if self.choices is None:
            return
        offered = self.choices.case_managers if event.input.id == "manager" else self.choices.source_workers
        found = worker_named(event.value, offered)
        shown = self.query_one(f"#{event.input.id}-read", Static)
        shown.set_class(found is None and bool(event.value.strip()), "-bad")
        if found is not None:
            shown.update(escape(f"{found.name} · {found.title} · {found.employer}"))
        else:
            shown.update("" if not event.value.strip() else
                         "Not one of the workers offered here: "
                         + ("local-district staff" if event.input.id == "manager" else "active staff") + ".")

    @on(Input.Changed, "#linked")
    def _linked_typed(self, event: Input.Changed) -> None:
        self.linked = None
        self._show_link()
        earlier = self.query_one("#earlier", OptionList)
        earlier.clear_options()
        earlier.set_class(False, "-found")
        if event.value.strip() and self.desk is not None:
            self._find_earlier(self.desk, event.value)

    @work(thread=True, exclusive=True, group="earlier", exit_on_error=False)
    def _find_earlier(self, desk: Desk, typed: str) -> None:
        self.post_message(EarlierCasesRead(typed, desk.earlier_cases(typed, 5)))

    @on(EarlierCasesRead)
    @while_shown
    def _earlier_read(self, message: EarlierCasesRead) -> None:
        if message.typed != self.query_one("#linked", Input).value:
            return  # typed on since
        options = self.query_one("#earlier", OptionList)
        options.clear_options()
        self.earlier = {str(c.case_id): c for c in message.cases}
        options.add_options(Option(escape(_earlier_label(c)), id=str(c.case_id)) for c in message.cases)
        options.set_class(bool(message.cases), "-found")
        if message.cases:
            options.highlighted = 0  # Enter takes the first match
        if not message.cases:
            self.query_one("#linked-read", Static).update("No closed family matches that.")

    @on(OptionList.OptionSelected, "#earlier")
    def _earlier_chosen(self, event: OptionList.OptionSelected) -> None:
        self.linked = self.earlier.get(event.option.id or "")
        self._show_link()

    def _show_link(self) -> None:
        self.query_one("#linked-read", Static).update(
            "Not linked to an earlier case." if self.linked is None else
            escape(f"Linked to {_earlier_label(self.linked)}."))

    # -- saving and leaving ---------------------------------------------------------------------------

    def _typed(self) -> bool:
        return bool(self.query_one("#family", Input).value.strip() or self.persons
                    or self.query_one("#narrative", TextArea).text.strip())

    def _form(self) -> tuple[str, list[NewPerson], IntakeStage]:
        def login(field: str, offered: tuple[WorkerChoice, ...]) -> str:
            typed = self.query_one(f"#{field}", Input).value
            found = worker_named(typed, offered)
            return found.login if found is not None else typed.strip()

        assert self.choices is not None
        manager = login("manager", self.choices.case_managers)
        if self._stage_type() == "INT":
            stage = IntakeStage("INT", manager)
        else:
            stage = IntakeStage("FSI", manager, login("source", self.choices.source_workers),
                                self.query_one("#narrative", TextArea).text,
                                self.query_one("#preventive", Checkbox).value,
                                self.query_one("#administrative", Checkbox).value,
                                None if self.linked is None else self.linked.case_id)
        return self.query_one("#family", Input).value, list(self.persons), stage

    def action_save(self) -> None:
        if self.saving or self.choices is None:
            return
        family, persons, stage = self._form()
        from tui.dialogs.confirm import ConfirmDialog

        kind = "Family Services Intake (FSI)" if stage.type == "FSI" else "CPS Intake (INT)"
        names = ", ".join(f"{p.first_name} {p.last_name}" for p in persons) or "no one"
        question = escape(f"Open the {family.strip() or '(no name)'} family with {names}, and its {kind}? "
                          "Families, persons and stages are never deleted: this cannot be undone.")

        def answered(answer: str | None) -> None:
            if answer == "enter" and self.desk is not None:
                self.saving = True
                self.query_one("#problem", Static).update("Opening the family…")
                self._open(self.desk, family, persons, stage)

        self.app.push_screen(ConfirmDialog("Open this family?", question,
                                           {"enter": "Open it", "escape": "Keep editing"}), answered)

    @work(thread=True, exclusive=True, group="intake-save", exit_on_error=False)
    def _open(self, desk: Desk, family: str, persons: list[NewPerson], stage: IntakeStage) -> None:
        try:
            opened = desk.open_family(family, persons, stage)
        except StoreError as refusal:
            self.post_message(FamilyNotOpened(refusal.message))
            return
        self.post_message(FamilyOpened(opened))

    @on(FamilyNotOpened)
    @while_shown
    def _not_opened(self, message: FamilyNotOpened) -> None:
        self.saving = False
        self.query_one("#problem", Static).update(escape(message.sentence))

    @on(FamilyOpened)
    @while_shown
    def _opened(self, message: FamilyOpened) -> None:
        opened = message.opened
        if self.is_current:
            self.app.pop_screen()
        if not opened.readable:  # opened for another worker's caseload: it is theirs to open
            self.app.notify(f"Family opened: case {opened.case_id}. It is now with its Case Manager; you hold no "
                            "role in it, so it does not open here.", timeout=8)
            return
        self.app.notify(f"Family opened: case {opened.case_id}.", timeout=4)
        self.app.open_case(opened.case_id, opened.stage_id)

    def action_leave(self) -> None:
        if not self._typed():
            self.app.pop_screen()
            return
        from tui.dialogs.confirm import ConfirmDialog

        def answered(answer: str | None) -> None:
            if answer == "d" and self.is_current:
                self.app.pop_screen()

        self.app.push_screen(ConfirmDialog("Leave intake?", "Nothing of this family is saved yet.",
                                           {"d": "Throw it away", "escape": "Keep editing"}), answered)


def _earlier_label(case: EarlierCase) -> str:
    matched = f" ({case.matched})" if case.matched != case.family_name else ""
    return f"case {case.case_id} · {case.family_name}{matched} · closed {case.closed_on:%m/%d/%Y}"
