"""A representative files a new advocate's account: login, name, programme, e-mail. The advocate
cannot sign in until the account is approved. Dismissed with the fields typed (a dict), or None; the
Advocates screen sends them and shows the store's answer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

FIELDS = (("login", "Login (one word)", "e.g. ncole"), ("name", "Name", "e.g. Nora Cole"),
          ("agency", "Programme", "e.g. County CASA Program"), ("email", "E-mail (optional)", "name@example.org"))


class NewAdvocateDialog(ModalScreen[dict | None]):
    BINDINGS = [
        Binding("ctrl+s", "done", "File the account", id="new_advocate.done"),
        Binding("escape", "cancel", "Cancel", id="new_advocate.cancel"),
    ]
    DEFAULT_CSS = """
    NewAdvocateDialog { align: center middle; }
    NewAdvocateDialog > Vertical { width: 72; max-width: 100%; height: auto; max-height: 100%;
                                   border: thick $accent; background: $surface; padding: 0 2; }
    NewAdvocateDialog .title { text-style: bold; }
    NewAdvocateDialog .muted { color: $text-muted; }
    """

    def __init__(self, agency: str = ""):
        super().__init__()
        self.agency = agency

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("A new advocate's account", classes="title")
            for key, label, placeholder in FIELDS:
                yield Static(label)
                yield Input(value=self.agency if key == "agency" else "", id=key, placeholder=placeholder)
            yield Static("They sign in once you approve the account.  [b]ctrl+s[/b] file it  [b]Esc[/b] cancel",
                         classes="muted")

    def on_mount(self) -> None:
        self.query_one("#login", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        keys = [key for key, *_ in FIELDS]
        if event.input.id in keys[:-1]:
            self.query_one(f"#{keys[keys.index(event.input.id) + 1]}", Input).focus()
        else:
            self.action_done()

    def action_done(self) -> None:
        self.dismiss({key: self.query_one(f"#{key}", Input).value for key, *_ in FIELDS})

    def action_cancel(self) -> None:
        self.dismiss(None)
