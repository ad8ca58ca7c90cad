"""Staff: the agency's workers by unit, for staff administration (the MAINTAIN STAFF function): add and
change a worker, deactivate one who left, plan someone's absence, add or rename a unit.

Typing filters the list (name, login, unit, title, supervisor, functions, "deactivated"). The store
decides every change and says why not; the screen shows its sentence and reads the list again."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from store import StoreError
from store.core.results import StaffMember, UnitView
from tui import formatting
from tui.messages import StaffChanged, StaffChangeRefused, StaffListRead
from tui.screens.table_screen import TableScreen
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

# Fixed widths (auto widths are measured on idle, after a first paint), each with a space before it.
COLUMNS = (("Unit", 18), ("Name", 19), ("Login", 12), ("Title", 14), ("Emp.", 4), ("Supervisor", 15),
           ("Functions", 11), ("Roles", 5), ("Status", 12))
NARROW = 110  # below this: the unit, name, supervisor, roles and status only
NARROW_COLUMNS = (("Unit", 19), ("Name", 19), ("Supervisor", 16), ("Roles", 5), ("Status", 12))
SHORT = {"ENT PROG NOTE": "ENT", "MAINTAIN STAFF": "STAFF", "ADVOCATE ACCESS": "ADV"}  # the column is narrow


class StaffScreen(SaysWorkerFailures, TableScreen):
    NARROW, COLUMNS, NARROW_COLUMNS, COMPACT_FOOTER = NARROW, COLUMNS, NARROW_COLUMNS, True
    AUTO_FOCUS = "DataTable"
    BINDINGS = [
        Binding("escape", "back", "Back", id="staff.back"),
        Binding("ctrl+n", "add_worker", "Add worker", id="staff.add_worker"),
        Binding("enter", "edit_worker", "Edit", id="staff.edit_worker"),
        Binding("ctrl+d", "deactivate", "Deactivate", id="staff.deactivate"),
        Binding("ctrl+b", "plan_absence", "Absence", id="staff.plan_absence"),
        Binding("ctrl+u", "add_unit", "Add unit", id="staff.add_unit"),
        Binding("ctrl+r", "rename_unit", "Rename unit", id="staff.rename_unit", show=False),
    ]
    DEFAULT_CSS = """
    StaffScreen #filter { margin: 0 1; }
    StaffScreen #summary { padding: 0 1; height: auto; color: $text-muted; }
    StaffScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.desk = None  # the signed-in worker's when the screen was opened
        self.staff: list[StaffMember] = []
        self.units: list[UnitView] = []
        self.shown: list[StaffMember] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Type to filter by name, login, unit, title, supervisor or function", id="filter",
                    select_on_focus=False)
        yield Static("Loading the agency's staff…", id="summary")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self._columns()
        self.load()

    @work(thread=True, exclusive=True, group="staff", exit_on_error=False)
    def load(self) -> None:
        desk = self.desk  # a refusal: SaysWorkerFailures
        self.post_message(StaffListRead(desk.staff(), desk.units()))

    @on(StaffListRead)
    @while_shown
    def _read(self, message: StaffListRead) -> None:
        self.staff, self.units = message.staff, message.units
        self._fill()

    def _fill(self) -> None:
        wanted = self.query_one("#filter", Input).value.lower().split()
        self.shown = [m for m in self.staff if all(w in _words(m) for w in wanted)]
        self._refill(((self._narrow_cells(m) if self.narrow else self._cells(m)), m.login) for m in self.shown)
        active = sum(m.active for m in self.staff)
        gone = len(self.staff) - active
        self.query_one("#summary", Static).update(
            f"{active} active workers in {len(self.units)} units"
            + (f" · {gone} deactivated" if gone else "")
            + (f" · showing {len(self.shown)}" if wanted else "")
            + " · Enter edits the highlighted worker")

    def _cells(self, m: StaffMember) -> list:
        functions = ", ".join(SHORT.get(f, f) for f in m.functions)
        return [" " + cell for cell in (m.unit or "—", m.name, m.login, m.title, m.employer, m.supervisor_name or "—",
                                        functions or "—", str(m.open_roles) if m.open_roles else "—")] + [
            self._status(m)]

    def _narrow_cells(self, m: StaffMember) -> list:
        return [" " + cell for cell in (m.unit or "—", m.name, m.supervisor_name or "—",
                                        str(m.open_roles) if m.open_roles else "—")] + [self._status(m, short=True)]

    def _status(self, m: StaffMember, short: bool = False) -> Text:
        if m.active:
            return Text(" active")
        day = formatting.short_day(m.deactivated_at, self.app.zone) if m.deactivated_at else ""
        return Text(f" {'off' if short else 'deact'} {day}".rstrip(), style="dim")

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def on_key(self, event) -> None:
        """Type to filter: a printable key pressed on the list goes to the filter."""
        if isinstance(self.focused, DataTable) and event.is_printable and event.character not in "?/":
            box = self.query_one("#filter", Input)
            box.value += event.character
            box.cursor_position = len(box.value)
            box.focus()
            event.stop()

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
            self.query_one(DataTable).focus()
        else:
            self.app.pop_screen()

    def _current(self) -> StaffMember | None:
        row = self.query_one(DataTable).cursor_row
        return self.shown[row] if self.shown and 0 <= row < len(self.shown) else None

    # -- the changes -------------------------------------------------------------------------------

    def action_add_worker(self) -> None:
        from tui.dialogs.worker_form import WorkerForm

        self.app.push_screen(WorkerForm(self.units, self.staff, self.app.store.policy.business_functions),
                             self._changed)

    @on(DataTable.RowSelected)
    def action_edit_worker(self) -> None:
        from tui.dialogs.worker_form import WorkerForm

        member = self._current()
        if member is None:
            return
        if not member.active:
            self.notify(f"{member.name} was deactivated; their record is kept as it was.", severity="warning")
            return
        self.app.push_screen(WorkerForm(self.units, self.staff, self.app.store.policy.business_functions, member),
                             self._changed)

    def action_deactivate(self) -> None:
        from tui.dialogs.confirm import ConfirmDialog

        member = self._current()
        if member is None:
            return
        question = (f"{member.name} ({member.login}) will no longer be able to sign in, from this moment. Their notes, "
                    "roles and history are kept. Their open roles must be reassigned first.")

        def answered(answer: str | None) -> None:
            if answer == "d":
                self._deactivate(self.desk, member.login, member.name)

        self.app.push_screen(ConfirmDialog(f"Deactivate {member.name}?", question,
                                           {"d": "Deactivate", "escape": "Keep"}), answered)

    @work(thread=True, group="staff-change", exit_on_error=False)
    def _deactivate(self, desk, login: str, name: str) -> None:
        try:
            desk.deactivate_worker(login)
        except StoreError as refusal:
            self.post_message(StaffChangeRefused(str(refusal)))
            return
        self.post_message(StaffChanged(f"{name} was deactivated; they can no longer sign in."))

    @on(StaffChangeRefused)
    @while_shown
    def _refused(self, message: StaffChangeRefused) -> None:
        from tui.dialogs.confirm import ConfirmDialog

        listed = message.sentence.replace("then deactivate: ", "then deactivate:\n").replace("; ", ";\n")
        self.app.push_screen(ConfirmDialog("Not deactivated", listed, {"escape": "Close"}))

    @on(StaffChanged)
    @while_shown
    def _done(self, message: StaffChanged) -> None:
        self._changed(message.notice)

    def action_plan_absence(self) -> None:
        from tui.dialogs.absence import AbsenceDialog

        member = self._current()
        if member is None:
            return

        def planned(absence) -> None:
            if absence is not None:
                self._changed(f"Absence planned for {member.name}: {absence.starts_on:%m/%d} to "
                              f"{absence.ends_on:%m/%d}.")

        self.app.push_screen(AbsenceDialog(worker=(member.login, member.name)), planned)

    def action_add_unit(self) -> None:
        from tui.dialogs.unit_name import UnitNameDialog

        self.app.push_screen(UnitNameDialog(), self._changed)

    def action_rename_unit(self) -> None:
        from tui.dialogs.unit_name import UnitNameDialog

        member = self._current()
        unit = next((u for u in self.units if member is not None and u.id == member.unit_id), None)
        if unit is None:
            self.notify("Highlight a worker of the unit to rename.", severity="warning")
            return
        self.app.push_screen(UnitNameDialog(unit), self._changed)

    def _changed(self, notice: str | None) -> None:
        if notice:
            self.notify(notice, timeout=4)
            self.load()


def _words(m: StaffMember) -> str:
    return " ".join((m.name, m.login, m.unit or "", m.title, m.employer, m.supervisor_name or "", *m.functions,
                     "active" if m.active else "deactivated")).lower()
