"""Plan an absence: first day, last day and why. Days are typed however they come to mind ("12/21",
"dec 21", "next mon", "+10d"); each is read back as a date as it is typed. The store decides whether
the absence may be recorded and says why not; the dialog stays open with everything typed.
Dismissed with the recorded ``AbsenceView``, or None."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

import pendulum
from tui.day_reading import two_readings
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from store import StoreError
from store.core.results import AbsenceView
from tui import formatting
from tui.messages import AbsencePlanned, AbsenceRefused
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

EXAMPLES = "try 12/21, dec 21, next mon, +7d"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_AHEAD = re.compile(r"\+\s*(\d+)\s*(d|days?|w|wks?|weeks?)?|(\d+)\s*(d|days?|w|wks?|weeks?)")


def read_day(text: str, today: date) -> date:
    """The calendar day ``text`` names, reading ahead of ``today``: a month and day without a year is
    the next one to come, a weekday the next one after today. ValueError with a sentence if it is none."""
    s = " ".join(text.lower().split()).removeprefix("next ").strip()
    if not s:
        raise ValueError(f"Type a day — {EXAMPLES}")
    if s in ("today", "tomorrow", "tmrw"):
        return today + timedelta(days=0 if s == "today" else 1)
    if match := _AHEAD.fullmatch(s):
        count, unit = (match[1], match[2]) if match[1] else (match[3], match[4])
        n = int(count) * (7 if (unit or "d").startswith("w") else 1)
        if n > 3660:
            raise ValueError(f"“{text.strip()}” is too far ahead — {EXAMPLES}")
        return today + timedelta(days=n)
    for n, name in enumerate(_WEEKDAYS):
        if s.startswith(name) and calendar.day_name[n].lower().startswith(s):
            return today + timedelta(days=(n - today.weekday() - 1) % 7 + 1)
    a, b = two_readings(s, text.strip(), EXAMPLES, datetime(today.year, 1, 1))
    if (a.month, a.day) != (b.month, b.day):
        raise ValueError(f"“{text.strip()}” is not a date with a month and a day — {EXAMPLES}")
    day = a.date()
    if a.year != b.year and day < today:  # "1/4" typed in December means the coming January
        day = day.replace(year=day.year + 1)
    if day.year < 1900:
        raise ValueError(f"The year {day.year} does not look right — {EXAMPLES}")
    return day


class AbsenceDialog(SaysWorkerFailures, ModalScreen[AbsenceView | None]):
    BINDINGS = [
        Binding("ctrl+s", "plan", "Plan the absence", id="absence.plan"),
        Binding("escape", "cancel", "Cancel", id="absence.cancel"),
        Binding("enter", "next_field", "Next field", id="absence.next", show=False, priority=True),
    ]
    DEFAULT_CSS = """
    AbsenceDialog { align: center middle; }
    AbsenceDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
                               background: $surface; padding: 0 2; }  /* 80x24: each day read back stays in view */
    AbsenceDialog .read { color: $text-muted; height: auto; margin-bottom: 1; }
    AbsenceDialog .read.-bad { color: $error; }
    AbsenceDialog #problem { color: $error; height: auto; }
    """
    planning = False  # a plan is on its way to the store

    def __init__(self, worker: tuple[str, str] | None = None):
        """``worker``: (login, name) of someone else whose absence staff administration plans; None: mine."""
        super().__init__()
        self.worker = worker

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.worker is None:
                yield Label("[b]Plan an absence[/b] — your pending notes fall due before it starts")
            else:
                yield Static(f"[b]Plan an absence for {self.worker[1]}[/b] — their pending notes fall due "
                             "before it starts")
            yield Label("First day away")
            yield Input(id="starts", placeholder="e.g. 12/21, next mon, +14d")
            yield Static("", id="starts-read", classes="read")
            yield Label("Last day away")
            yield Input(id="ends", placeholder="e.g. 12/31")
            yield Static("", id="ends-read", classes="read")
            yield Label("Reason (optional)")
            yield Input(id="reason", placeholder="e.g. vacation, training")
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] plan it   [b]Esc[/b] cancel", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.query_one("#starts", Input).focus()

    def _today(self) -> date:
        return pendulum.instance(self.app.store.clock.now()).in_timezone(self.app.zone).date()

    def _read(self, field: str) -> date | str:
        """The day typed in ``field``, or the sentence saying why it is not one."""
        try:
            return read_day(self.query_one(f"#{field}", Input).value, self._today())
        except ValueError as error:
            return str(error)

    @on(Input.Changed, "#starts, #ends")
    def _day_changed(self, event: Input.Changed) -> None:
        field = event.input.id
        read = self._read(field) if event.value.strip() else ""
        shown = self.query_one(f"#{field}-read", Static)
        shown.set_class(isinstance(read, str) and bool(read), "-bad")
        text = formatting.weekday_date(read) if isinstance(read, date) else read
        if field == "starts" and isinstance(read, date):  # the store's cut-off, shown before planning
            text += f" · pending notes due by {formatting.moment(self.app.desk.absence_cutoff(read), self.app.zone)}"
        shown.update(text)
        self.query_one("#problem", Static).update("")

    def action_next_field(self) -> None:
        """Enter: the next field, or plan it from the last. A binding, not Input.Submitted, so that
        keys typed ahead of the screen (a fast typist, a paste) land in the field they were meant for."""
        if self.focused is not None and self.focused.id == "reason":
            self.action_plan()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_plan(self) -> None:
        if self.planning:  # ctrl+s pressed twice: the first is already on its way to the store
            return
        starts, ends = self._read("starts"), self._read("ends")
        for label, read in (("First day", starts), ("Last day", ends)):
            if isinstance(read, str):
                self.query_one("#problem", Static).update(f"{label}: {read}")
                return
        self.planning = True
        self._plan(self.app.desk, starts, ends, self.query_one("#reason", Input).value, self.worker)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def _plan(self, desk, starts: date, ends: date, reason: str, worker: tuple[str, str] | None) -> None:
        try:
            if worker is None:
                absence = desk.plan_absence(starts, ends, reason)
            else:
                absence = desk.plan_absence_for(worker[0], starts, ends, reason)
        except StoreError as error:
            self.post_message(AbsenceRefused(str(error)))
            return
        self.post_message(AbsencePlanned(absence))

    @on(AbsenceRefused)
    @while_shown
    def _refused(self, message: AbsenceRefused) -> None:
        self.planning = False
        self.query_one("#problem", Static).update(message.sentence)

    @on(AbsencePlanned)
    @while_shown
    def _planned(self, message: AbsencePlanned) -> None:
        if self.is_active:  # dismiss() takes down whichever screen is on top
            self.dismiss(message.absence)
