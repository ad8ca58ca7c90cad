"""Add a worker, or change one: login (kept once given), name, title, employer, agency, e-mail (where
notifications are e-mailed, if the agency has a relay), unit, supervisor and business functions. The store checks everything (a login taken, a supervisor who
would end up below the worker, a function the agency does not know) and says why not; the form stays
open with what was typed. Dismissed with a notice of what was done, or None."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, SelectionList, Static

from store import StoreError
from store.core.results import StaffMember, UnitView
from tui.messages import StaffChanged, StaffChangeRefused
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

EMPLOYERS = (("LDSS, local district", "LDSS"), ("VA, voluntary agency", "VA"), ("CASA, advocate", "CASA"))


class WorkerForm(SaysWorkerFailures, ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="worker_form.save"),
        Binding("escape", "cancel", "Cancel", id="worker_form.cancel"),
    ]
    DEFAULT_CSS = """
    WorkerForm { align: center middle; }
    WorkerForm > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
                            background: $surface; padding: 0 2; }
    WorkerForm Grid { grid-size: 2; grid-columns: 12 1fr; grid-rows: auto; height: auto; grid-gutter: 0 1; }
    WorkerForm Grid > Label { padding: 0; }
    WorkerForm .title { text-style: bold; margin-bottom: 1; }
    WorkerForm #functions-row { height: auto; }
    WorkerForm #functions-row > Label { width: 13; }
    WorkerForm SelectionList { width: 1fr; border: none; padding: 0; }
    WorkerForm #problem { color: $error; height: auto; }
    WorkerForm .keys { color: $text-muted; margin-top: 1; }
    """
    saving = False  # a save is on its way to the store

    def __init__(self, units: list[UnitView], staff: list[StaffMember], functions: tuple[str, ...],
                 member: StaffMember | None = None):
        """``member``: the worker to change (None: a new worker)."""
        super().__init__()
        self.units, self.functions, self.member = units, functions, member
        self.supervisors = sorted((m for m in staff if m.active and (member is None or m.login != member.login)),
                                  key=lambda m: m.name.lower())

    def compose(self) -> ComposeResult:
        m = self.member
        with Vertical():
            yield Label(f"Change {m.name} ({m.login})" if m else "Add a worker", classes="title")
            with Grid():
                yield Label("Login")
                yield Input(m.login if m else "", id="login", compact=True, disabled=m is not None,
                            placeholder="one word, e.g. jsmith")
                yield Label("Name")
                yield Input(m.name if m else "", id="name", compact=True, placeholder="e.g. Jordan Smith")
                yield Label("Title")
                yield Input(m.title if m else "", id="title", compact=True, placeholder="e.g. Caseworker")
                yield Label("Employer")
                yield Select(EMPLOYERS, value=m.employer if m else "LDSS", allow_blank=False, id="employer",
                             compact=True)
                yield Label("Agency")
                yield Input(m.agency if m else "", id="agency", compact=True,
                            placeholder="a voluntary agency's or advocate programme's name")
                yield Label("E-mail")
                yield Input((m.email or "") if m else "", id="email", compact=True,
                            placeholder="for notifications, e.g. jsmith@agency.example (optional)")
                yield Label("Unit")
                yield Select([(u.name, u.id) for u in self.units], prompt="No unit", id="unit", compact=True,
                             value=m.unit_id if m and m.unit_id is not None else Select.NULL)
                yield Label("Supervisor")
                yield Select([(f"{s.name} ({s.login})", s.login) for s in self.supervisors], prompt="No supervisor",
                             id="supervisor", compact=True,
                             value=m.supervisor if m and m.supervisor in {s.login for s in self.supervisors}
                             else Select.NULL)
            with Horizontal(id="functions-row"):  # below the grid, whose rows are one line each
                yield Label("Functions")
                functions = SelectionList[str](*[(f, f, bool(m and f in m.functions)) for f in self.functions],
                                               id="functions")
                functions.styles.height = len(self.functions)  # every function in view
                yield functions
            yield Static("", id="problem")
            yield Static("[b]ctrl+s[/b] save   [b]Tab[/b] next field   [b]Space[/b] ticks a function   "
                         "[b]Esc[/b] cancel", classes="keys")

    @while_shown
    def on_mount(self) -> None:
        self.query_one("#name" if self.member else "#login", Input).focus()

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    @on(Input.Changed)
    @on(Select.Changed)
    def _clear_problem(self) -> None:
        self.query_one("#problem", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _value(self, field: str):
        value = self.query_one(f"#{field}", Select).value
        return None if value is Select.NULL else value

    def action_save(self) -> None:
        if self.saving:
            return
        profile = {"name": self.query_one("#name", Input).value.strip(),
                   "title": self.query_one("#title", Input).value.strip(),
                   "employer": self._value("employer"), "agency": self.query_one("#agency", Input).value.strip(),
                   "email": self.query_one("#email", Input).value.strip() or None,
                   "unit": self._value("unit"), "supervisor": self._value("supervisor"),
                   "functions": list(self.query_one(SelectionList).selected)}
        self.saving = True
        login = self.member.login if self.member else self.query_one("#login", Input).value.strip()
        self._save(self.app.desk, login, profile, self.member is None)

    @work(thread=True, exclusive=True, group="save-worker", exit_on_error=False)
    def _save(self, desk, login: str, profile: dict, new: bool) -> None:
        try:
            if new:
                name, title = profile.pop("name"), profile.pop("title")
                desk.add_worker(login, name, title, **profile)
                notice = f"{name} ({login}) was added."
                # On the agency server the store made their database user: whom to tell them to sign in as.
                user = next((m.database_user for m in desk.staff() if m.login == login), None)
                if user:
                    notice += f" They sign in to the agency's database as {user}."
            else:
                desk.change_worker(login, profile)
                notice = f"{profile['name']}'s profile was saved."
        except StoreError as refusal:
            self.post_message(StaffChangeRefused(str(refusal)))
            return
        self.post_message(StaffChanged(notice))

    @on(StaffChangeRefused)
    @while_shown
    def _refused(self, message: StaffChangeRefused) -> None:
        self.saving = False
        self.query_one("#problem", Static).update(message.sentence)

    @on(StaffChanged)
    @while_shown
    def _saved(self, message: StaffChanged) -> None:
        if self.is_active:  # dismiss() takes down whichever screen is on top
            self.dismiss(message.notice)
