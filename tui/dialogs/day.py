"""Ask for one calendar day (a placement's first or last day, the day a role's old holder stops),
read back as it is typed. ``past``: the day has come (a placement), so "11/15" is the latest such
day not after today and "3d" means three days ago; otherwise the day is today or ahead ("+7d",
"next mon"). Dismissed with the day, or None."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tui.day_reading import two_readings
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui import formatting
from tui.dialogs.absence import read_day

PAST_EXAMPLES = "try today, yesterday, 3d (three days ago), 11/15"


def read_past_day(text: str, today: date) -> date:
    """The day ``text`` names, reading back from ``today``. ValueError with a sentence if none."""
    s = " ".join(text.lower().split())
    if not s:
        raise ValueError(f"Type a day — {PAST_EXAMPLES}")
    if s in ("today", "yesterday"):
        return today - timedelta(days=0 if s == "today" else 1)
    words = s.removesuffix(" ago").removesuffix("ago").strip().lstrip("-").strip()
    for unit, days in (("d", 1), ("days", 1), ("day", 1), ("w", 7), ("weeks", 7), ("week", 7)):
        number = words.removesuffix(unit).strip()
        if number.isdigit() and words.endswith(unit) and int(number) < 3660:
            return today - timedelta(days=int(number) * days)
    a, b = two_readings(s, text.strip(), PAST_EXAMPLES, datetime(today.year, 1, 1))
    if (a.month, a.day) != (b.month, b.day):
        raise ValueError(f"“{text.strip()}” is not a date with a month and a day — {PAST_EXAMPLES}")
    day = a.date()
    if a.year != b.year and day > today:  # "12/30" typed in January means the December gone
        day = day.replace(year=day.year - 1)
    if day.year < 1900:
        raise ValueError(f"The year {day.year} does not look right — {PAST_EXAMPLES}")
    return day


class DayDialog(ModalScreen[date | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="day.cancel"),
                Binding("enter", "take", "Take this day", id="day.take", priority=True)]
    DEFAULT_CSS = """
    DayDialog { align: center middle; }
    DayDialog > Vertical { width: 70; max-width: 100%; height: auto; border: thick $accent; background: $surface;
                           padding: 0 2; }
    DayDialog .title { text-style: bold; margin-bottom: 1; }
    DayDialog #read { height: auto; color: $text-muted; }
    DayDialog #read.-bad { color: $error; }
    DayDialog .muted { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, title: str, question: str, today: date, *, past: bool, value: str = "today"):
        super().__init__()
        self.title_text, self.question, self.today, self.past, self.value = title, question, today, past, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            yield Static(self.question)
            yield Input(self.value, id="day")
            yield Static("", id="read")
            yield Static("[b]Enter[/b] take this day  [b]Esc[/b] cancel", classes="muted")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._show(self.value)

    def read(self, text: str) -> date:
        return read_past_day(text, self.today) if self.past else read_day(text, self.today)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, text: str) -> None:
        shown = self.query_one("#read", Static)
        try:
            day = self.read(text)
        except ValueError as error:
            shown.update(str(error))
            shown.add_class("-bad")
            return
        shown.remove_class("-bad")
        shown.update(formatting.weekday_date(day))

    def action_take(self) -> None:
        try:
            self.dismiss(self.read(self.query_one(Input).value))
        except ValueError as error:
            self.notify(str(error), severity="warning")
