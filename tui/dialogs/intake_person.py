"""One person of a new family, as intake types them: names, birth date (typed like any date in the
app, read back as it is typed), sex and relationship (from the store's picklists, completed as they
are typed), whether a child, whether the primary caretaker. The store checks everything when the
family is saved; this dialog only reads what was typed. Dismissed with a ``NewPerson``, or None."""

from __future__ import annotations

from datetime import date, datetime

from tui.day_reading import two_readings
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, Static

from store.core.intake_forms import IntakeChoices, NewPerson
from tui import formatting

EXAMPLES = "e.g. 5/1/1990, 2018-07-09, jul 9 2018"


def read_birth_date(text: str) -> date | None:
    """The day ``text`` names, with its year (None: left empty). ValueError with a sentence if it is
    not a whole date; whether it has come is the store's rule, said when the family is saved."""
    s = " ".join(text.split())
    if not s:
        return None
    a, b = two_readings(s, s, EXAMPLES, datetime(2000, 1, 1), datetime(2004, 2, 2))
    if (a.year, a.month, a.day) != (b.year, b.month, b.day):
        raise ValueError(f"“{s}” needs a month, a day and a year — {EXAMPLES}")
    return a.date()


def _chosen(typed: str, allowed: tuple[str, ...]) -> str:
    """The picklist word typed (any case) or the one suggested as it was typed (the first that begins
    so); else what was typed, for the store to refuse with its sentence."""
    wanted = " ".join(typed.split()).lower()
    if not wanted:
        return ""
    return next((word for word in allowed if word.lower() == wanted),
                next((word for word in allowed if word.lower().startswith(wanted)), typed.strip()))


class PersonDialog(ModalScreen[NewPerson | None]):
    BINDINGS = [
        Binding("ctrl+s", "keep", "Keep this person", id="person.keep"),
        Binding("escape", "cancel", "Cancel", id="person.cancel"),
        Binding("enter", "next_field", "Next field", id="person.next", show=False, priority=True),
    ]
    DEFAULT_CSS = """
    PersonDialog { align: center middle; }
    PersonDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
                              background: $surface; padding: 0 2; }
    PersonDialog Horizontal { height: auto; }
    PersonDialog Horizontal > Vertical { width: 1fr; height: auto; }
    PersonDialog Input { width: 100%; }
    PersonDialog .read { color: $text-muted; height: 1; }
    PersonDialog .read.-bad { color: $error; }
    PersonDialog #problem { color: $error; height: auto; }
    PersonDialog Checkbox { border: none; padding: 0; height: 1; }
    """

    def __init__(self, choices: IntakeChoices, family_name: str, person: NewPerson | None = None):
        super().__init__()
        self.choices, self.family_name, self.person = choices, family_name, person

    def compose(self) -> ComposeResult:
        person = self.person
        with Vertical():
            yield Label("[b]A person of the family[/b]" if person is None else "[b]Change this person[/b]")
            with Horizontal():
                with Vertical():
                    yield Label("First name")
                    yield Input(person.first_name if person else "", id="first")
                with Vertical():
                    yield Label("Last name")
                    yield Input(person.last_name if person else self.family_name, id="last")
            yield Label("Birth date (optional)")
            yield Input(f"{person.birth_date:%m/%d/%Y}" if person and person.birth_date else "", id="born",
                        placeholder=EXAMPLES)
            yield Static("", id="born-read", classes="read")
            with Horizontal():
                with Vertical():
                    yield Label("Sex")
                    yield Input(person.sex or "" if person else "", id="sex", placeholder=", ".join(self.choices.sexes),
                                suggester=SuggestFromList(self.choices.sexes, case_sensitive=False))
                with Vertical():
                    yield Label("Relationship to the family")
                    yield Input(person.relationship if person else "", id="relationship", placeholder="e.g. mother",
                                suggester=SuggestFromList(self.choices.relationships, case_sensitive=False))
            yield Static(f"[dim]{', '.join(self.choices.relationships)}[/dim]", id="relationships")
            yield Checkbox("A child", person.is_child if person else False, id="child")
            yield Checkbox("The family's primary caretaker (an adult)", person.primary_caretaker if person else False,
                           id="caretaker")
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] keep this person   [b]Enter[/b] next field   [b]→[/b] take the suggestion   "
                         "[b]Esc[/b] cancel", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#first", Input).focus()
        self._show_birth_date(self.query_one("#born", Input).value)

    @on(Input.Changed, "#born")
    def _born_changed(self, event: Input.Changed) -> None:
        self._show_birth_date(event.value)

    def _show_birth_date(self, text: str) -> None:
        shown = self.query_one("#born-read", Static)
        try:
            born = read_birth_date(text)
        except ValueError as error:
            shown.set_class(True, "-bad")
            shown.update(str(error))
            return
        shown.set_class(False, "-bad")
        shown.update("" if born is None else formatting.weekday_date(born))

    def action_next_field(self) -> None:
        """Enter: the next field (a suggestion typed into is taken first); from the last, keep the person."""
        focused = self.focused
        if isinstance(focused, Input) and focused.id in ("sex", "relationship"):
            focused.value = _chosen(focused.value, self.choices.sexes if focused.id == "sex"
                                    else self.choices.relationships)
        if isinstance(focused, Checkbox) and focused.id == "caretaker":
            self.action_keep()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_keep(self) -> None:
        value = {name: self.query_one(f"#{name}", Input).value for name in ("first", "last", "born", "sex",
                                                                             "relationship")}
        problem = self.query_one("#problem", Static)
        try:
            born = read_birth_date(value["born"])
        except ValueError as error:
            problem.update(f"Birth date: {error}")
            return
        for field, what in (("first", "a first name"), ("last", "a last name"), ("relationship", "a relationship")):
            if not value[field].strip():
                problem.update(f"Type {what}.")
                self.query_one(f"#{field}", Input).focus()
                return
        self.dismiss(NewPerson(
            first_name=value["first"].strip(), last_name=value["last"].strip(),
            relationship=_chosen(value["relationship"], self.choices.relationships),
            sex=_chosen(value["sex"], self.choices.sexes) if value["sex"].strip() else None, birth_date=born,
            is_child=self.query_one("#child", Checkbox).value,
            primary_caretaker=self.query_one("#caretaker", Checkbox).value))
