"""The caseload: the signed-in worker's stages, most urgent first (a supervisor also sees the unit's)."""

from __future__ import annotations

from datetime import datetime

import pendulum
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from store import Store, StoreError
from store.views import CaseloadRow

COLUMNS = ("Family", "Stage", "Worker", "Role", "Last contact", "Drafts", "Returned", "Correction due")


class CaseloadScreen(Screen):
    BINDINGS = [("ctrl+q", "app.quit", "Quit")]
    DEFAULT_CSS = """
    #who { padding: 0 1; height: 1; }
    DataTable { height: 1fr; }
    """

    def __init__(self, store: Store, login: str):
        super().__init__()
        self.store = store
        self.login = login

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="who")
        yield DataTable(id="caseload", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        try:
            desk = self.store.as_user(self.login)
            me = next(w for w in self.store.staff() if w.login == self.login)
            rows = desk.caseload() + desk.unit_caseload()
        except StoreError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, me, rows)

    def _show(self, me, rows: list[CaseloadRow]) -> None:
        self.query_one("#who", Static).update(
            f"{me.name} · {me.title} · {me.unit or me.agency or 'Agency-wide'} · {len(rows)} stage assignments")
        table = self.query_one(DataTable)
        zone = self.store.policy.zone
        for row in rows:
            table.add_row(row.family_name, row.stage_label + (" (closed)" if row.closed_at else ""), row.worker,
                          row.role, _day(row.last_contact_at, zone), row.drafts or "", row.returned or "",
                          _day(row.correction_due_at, zone), key=f"{row.stage_id}:{row.worker}")
        table.focus()


def _day(at: datetime | None, zone) -> str:
    return pendulum.instance(at).in_timezone(zone).format("MM/DD/YYYY") if at else "—"
