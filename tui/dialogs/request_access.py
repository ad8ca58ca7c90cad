"""Request access to a child's record with the court's letter of introduction: the child's number (on
the court's order), the court, the cause number, the appointment's first and (if known) last day, and
the letter (chosen with the file picker: ctrl+o). ctrl+s files it; the store checks everything and the
child's caseworker is told. Filed by the advocate, or by a representative for an advocate
(``advocate``: their login). Dismissed with the filed ``AccessRequestView``, or None."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store import StoreError
from tui.messages import AccessRequestFiled, AccessRequestRefused
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

FIELDS = (("child", "Child number (on the court's order)", "e.g. 1042"),
          ("court", "Court", "e.g. Family Court, Kings County"),
          ("cause", "Cause number", "e.g. NN-01234-26"),
          ("appointed", "Appointed on", "mm/dd/yyyy"),
          ("ends", "Last day of the appointment (if the order says)", "mm/dd/yyyy, or leave empty"))


def read_day(typed: str) -> date | None:
    """A day typed as 3/1/2026, 03/01/2026 or 2026-03-01; None if empty. ValueError if unreadable."""
    typed = typed.strip()
    if not typed:
        return None
    for shape in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"):
        try:
            return datetime.strptime(typed, shape).date()
        except ValueError:
            continue
    raise ValueError(f"{typed!r} is not a day casenotes can read; type it as mm/dd/yyyy.")


class RequestAccessDialog(SaysWorkerFailures, ModalScreen[object]):
    BINDINGS = [
        Binding("ctrl+s", "file", "File the request", id="request.send"),
        Binding("ctrl+o", "choose_letter", "Choose the letter", id="request.letter"),
        Binding("escape", "cancel", "Cancel", id="request.cancel"),
    ]
    DEFAULT_CSS = """
    RequestAccessDialog { align: center middle; }
    RequestAccessDialog > Vertical { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                     border: thick $accent; background: $surface; padding: 0 1; }
    RequestAccessDialog .title { text-style: bold; }
    RequestAccessDialog Input { height: 1; border: none; padding: 0 1; margin-bottom: 1; background: $boost; }
    RequestAccessDialog Input:focus { border: none; background: $accent 30%; }
    RequestAccessDialog #problem { color: $error; height: auto; }
    RequestAccessDialog .muted { color: $text-muted; }
    """

    def __init__(self, *, advocate: str | None = None, advocate_name: str = "", letter: Path | None = None,
                 home: Path | None = None):
        """``letter``: a file already chosen (tests); ``home``: shown as "~" in the file picker."""
        super().__init__()
        self.advocate, self.advocate_name, self.letter, self.home = advocate, advocate_name, letter, home
        self.sending = False
        self.desk = None

    def compose(self) -> ComposeResult:
        whom = f" for {escape(self.advocate_name or self.advocate)}" if self.advocate else ""
        with Vertical():
            yield Static(f"Request access to a child's record{whom}", classes="title")
            for key, label, placeholder in FIELDS:
                yield Static(label)
                yield Input(id=key, placeholder=placeholder)
            yield Static("", id="letter")
            yield Static("", id="problem")
            yield Static("[b]ctrl+o[/b] choose the letter  [b]ctrl+s[/b] file the request  [b]Esc[/b] cancel",
                         classes="muted")

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.query_one("#child", Input).focus()
        self._show_letter()

    def _show_letter(self) -> None:
        if self.letter is None:
            shown = "[dim]none chosen yet: ctrl+o[/dim]"
        else:
            home = self.home or Path.home()
            where = f"~/{self.letter.relative_to(home)}" if self.letter.is_relative_to(home) else str(self.letter)
            shown = f"[b]{escape(where)}[/b]"
        self.query_one("#letter", Static).update(f"Letter of introduction: {shown}")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one, the letter is asked for (or the request filed)."""
        keys = [key for key, *_ in FIELDS]
        if event.input.id in keys[:-1]:
            self.query_one(f"#{keys[keys.index(event.input.id) + 1]}", Input).focus()
        elif self.letter is None:
            self.action_choose_letter()
        else:
            self.action_file()

    def action_choose_letter(self) -> None:
        from tui.dialogs.file_picker import FilePickerDialog

        def chosen(path: Path | None) -> None:
            if path is not None and self.is_attached:
                self.letter = path
                self._show_letter()

        start = self.letter.parent if self.letter else getattr(self.app, "files_from", None)
        self.app.push_screen(FilePickerDialog("The court's letter of introduction", start=start, home=self.home,
                                              note="PDF, photo (JPEG, PNG, TIFF, HEIC), Word (.docx) or plain text"),
                             chosen)

    def action_file(self) -> None:
        problem = self.query_one("#problem", Static)
        typed = {key: self.query_one(f"#{key}", Input).value for key, *_ in FIELDS}
        try:
            child = int(typed["child"].strip())
        except ValueError:
            problem.update("Type the child's number as the court's order gives it (digits only).")
            self.query_one("#child", Input).focus()
            return
        try:
            appointed, ends = read_day(typed["appointed"]), read_day(typed["ends"])
        except ValueError as error:
            problem.update(escape(str(error)))
            return
        if appointed is None:
            problem.update("Type the day the court appointed you (mm/dd/yyyy).")
            self.query_one("#appointed", Input).focus()
            return
        if self.letter is None:
            problem.update("Choose the court's letter of introduction first: ctrl+o.")
            return
        if self.sending:
            return
        self.sending = True
        problem.update("[dim]Filing…[/dim]")
        self.send(child, typed["court"], typed["cause"], appointed, ends, self.letter)

    @work(thread=True, exclusive=True, group="request", exit_on_error=False)
    def send(self, child: int, court: str, cause: str, appointed: date, ends: date | None, letter: Path) -> None:
        from store.rules.documents import read_upload

        try:
            name, content = read_upload(letter, self.desk.policy.documents.max_bytes)
            request = self.desk.file_access_request(child, court=court, cause_number=cause, appointed_on=appointed,
                                                    ends_on=ends, letter_name=name, letter_content=content,
                                                    advocate=self.advocate)
        except StoreError as error:
            self.post_message(AccessRequestRefused(str(error)))
            return
        self.post_message(AccessRequestFiled(request))

    @on(AccessRequestRefused)
    @while_shown
    def _refused(self, message: AccessRequestRefused) -> None:
        self.sending = False
        self.query_one("#problem", Static).update(escape(message.sentence))

    @on(AccessRequestFiled)
    @while_shown
    def _filed(self, message: AccessRequestFiled) -> None:
        told = message.request.told
        whom = (f"{escape(told)}, who answers for the child, is told" if told else
                "nobody answers for the child now, so nobody was told: the request waits in the child's case")
        self.notify(f"Request for child number {message.request.child_id} filed; {whom}.", timeout=8)
        if self.is_active:
            self.dismiss(message.request)

    def action_cancel(self) -> None:
        self.dismiss(None)
