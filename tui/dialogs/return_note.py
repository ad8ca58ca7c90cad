"""Return a note to its author: what to correct (required) and by when (the policy's default,
with the store's warning when that falls after the note freezes). Dismissed with True when returned."""

from __future__ import annotations

from datetime import date, timedelta

import pendulum
from dateutil import parser as dateparser
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from store import StoreError
from tui import formatting
from tui.messages import NoteReturned, ReturnPlanned, ReturnPlanRefused, ReturnRefused
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures


class ReturnDialog(SaysWorkerFailures, ModalScreen[bool]):
    BINDINGS = [
        Binding("ctrl+s", "send", "Return the note", id="return.send"),
        Binding("escape", "cancel", "Cancel", id="return.cancel"),
    ]
    DEFAULT_CSS = """
    ReturnDialog { align: center middle; }
    ReturnDialog > Vertical { width: 84; max-width: 100%; height: auto; max-height: 100%;  /* 80 columns too */
                              border: thick $accent; background: $surface; padding: 1 2; }
    ReturnDialog TextArea { height: 6; }
    ReturnDialog #due-shown { color: $text-muted; height: auto; }
    ReturnDialog #problem { color: $error; height: auto; }
    """

    def __init__(self, note_id: int, version: int):
        super().__init__()
        self.note_id, self.version = note_id, version
        self.due: date | ValueError | None = None
        self.desk = None  # the signed-in worker's when the dialog was opened

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Return for correction[/b] — what must the worker correct?")
            yield TextArea(id="comment", tab_behavior="focus")
            yield Label("Correct by (empty = policy default; or 11/27, +5d)")
            yield Input(id="due")
            yield Static("", id="due-shown")
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] return it   [b]Esc[/b] cancel", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.query_one("#comment", TextArea).focus()
        self.plan(None)

    @on(Input.Changed, "#due")
    @while_shown
    def _due_changed(self, event: Input.Changed) -> None:
        try:
            self.due = read_day(event.value, self.app.store.clock.now(), self.app.zone)
        except ValueError as error:
            self.due = error  # not sent until it reads as a date
            self.query_one("#due-shown", Static).update(f"[red]{error}[/red]")
            return
        self.plan(self.due)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def plan(self, due: date | None) -> None:
        try:
            plan = self.desk.plan_return(self.note_id, due)
        except StoreError as error:
            self.post_message(ReturnPlanRefused(str(error)))
            return
        self.post_message(ReturnPlanned(plan))

    @on(ReturnPlanRefused)
    @while_shown
    def _plan_refused(self, message: ReturnPlanRefused) -> None:
        self.query_one("#due-shown", Static).update(f"[red]{message.sentence}[/red]")

    @on(ReturnPlanned)
    @while_shown
    def _show_plan(self, message: ReturnPlanned) -> None:
        plan = message.plan
        text = f"Due {formatting.moment(plan.due_at, self.app.zone)} · the note freezes {formatting.moment(plan.freezes_at, self.app.zone)}"
        if plan.warning:
            text += f"\n[b $warning]{plan.warning}[/]"
        self.query_one("#due-shown", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_send(self) -> None:
        if isinstance(self.due, ValueError):
            self.query_one("#problem", Static).update(str(self.due))
            return
        self._send(self.query_one("#comment", TextArea).text, self.due)

    @work(thread=True, exclusive=True, group="send", exit_on_error=False)
    def _send(self, comment: str, due: date | None) -> None:
        try:
            result = self.desk.return_note(self.note_id, comment, due, self.version)
        except StoreError as error:
            self.post_message(ReturnRefused(str(error)))
            return
        self.post_message(NoteReturned(result))

    @on(ReturnRefused)
    @while_shown
    def _refused(self, message: ReturnRefused) -> None:
        self.query_one("#problem", Static).update(message.sentence)

    @on(NoteReturned)
    @while_shown
    def _returned(self, message: NoteReturned) -> None:
        result = message.result
        said = f"Returned; correction due {formatting.moment(result.due_at, self.app.zone)}"
        self.notify(said + (f". {result.warning}" if result.warning else ""),
                    severity="warning" if result.warning else "information", timeout=6)
        if self.is_active:  # dismiss() takes down whichever screen is on top
            self.dismiss(True)


def read_day(text: str, now, zone: str) -> date | None:
    """'' → None (policy default); '+5d' or '5d' → that many days from today; else a date."""
    text = text.strip().lower()
    if not text:
        return None
    today = pendulum.instance(now).in_timezone(zone).date()
    if text.lstrip("+").rstrip("d").isdigit():
        return today + timedelta(days=int(text.lstrip("+").rstrip("d")))
    try:
        parsed = dateparser.parse(text, default=pendulum.datetime(today.year, today.month, today.day)).date()
    except (ValueError, OverflowError):
        raise ValueError(f"“{text}” is not a date; try 11/27 or +5d") from None
    return parsed
