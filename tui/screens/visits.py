"""Visits: each child in foster care I am responsible for visiting (and, for a supervisor or
director, every child of their team) against the contact standards: this month's visit, visits in
the residence, and a new placement's first-month contacts. Children not yet seen this month first."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.desks.visits import ChildVisits
from tui import formatting
from tui.messages import VisitsRead
from tui.screens.table_screen import ReadTableScreen
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

COLUMNS = (("This month", 19), ("Child", 18), ("Family", 10), ("Stage", 8), ("Visited by", 17),
           ("Last visit", 10), ("At home", 10), ("New placement", 18))
# Below NARROW columns: the child's name holds the family, the stage is the case's, and the cells are
# shorter ("NOT YET 11d", "1/2" months at home, "0/2, 28d left").
NARROW = 110
NARROW_COLUMNS = (("This month", 12), ("Child", 17), ("Visited by", 14), ("Last visit", 10), ("At home", 7),
                  ("New placement", 13))


class VisitsScreen(SaysWorkerFailures, ReadTableScreen):
    LOADING = "Loading the children in foster care…"
    NARROW, COLUMNS, NARROW_COLUMNS = NARROW, COLUMNS, NARROW_COLUMNS
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="visits.back"),
        Binding("enter", "open", "Open case", id="visits.open", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.standings: list[ChildVisits] = []

    @work(thread=True, exclusive=True, group="visits", exit_on_error=False)
    def load(self) -> None:
        desk = self.desk  # a refusal: SaysWorkerFailures
        mine = desk.visit_standards()
        team = desk.team_visit_standards() if desk.supervises() else []
        seen = {c.placement_id for c in mine}
        children = mine + [c for c in team if c.placement_id not in seen]
        self.post_message(VisitsRead(sorted(children, key=_urgency)))

    @on(VisitsRead)
    @while_shown
    def _show(self, message: VisitsRead) -> None:
        children = self.standings = message.children
        self._fill()
        at_risk = sum(c.at_risk for c in children)
        due = sum(c.new_placement in ("due", "missed") for c in children)
        self.query_one("#summary", Static).update(
            (f"{len(children)} children in foster care · " + (f"[b $error]{at_risk} not yet visited this month[/]"
                                                              if at_risk else "all visited this month")
             + (f" · {due} new placements short of their first-month contacts" if due else ""))
            if children else "No child in foster care is yours to visit.")
        self.query_one(DataTable).focus()

    def _fill(self) -> None:
        self._refill(((self._narrow_cells(child) if self.narrow else self._cells(child)), str(child.placement_id))
                     for child in self.standings)

    def _narrow_cells(self, child: ChildVisits) -> list:
        month = (Text(f" NOT YET {child.days_left_in_month}d", style="bold red") if child.at_risk
                 else Text(" visited"))
        residence = ("—" if child.residence_majority is None
                     else f"{child.months_in_residence}/{child.months_with_visits}")
        placement = {"met": f"met ({child.new_placement_contacts})",
                     "due": f"{child.new_placement_contacts}/{self.app.store.policy.visits.new_placement_contacts},"
                            f" {child.new_placement_days_left}d left",
                     "missed": f"MISSED ({child.new_placement_contacts})"}.get(child.new_placement or "", "—")
        first, _, last = child.worker_name.partition(" ")
        worker = f"{first[:1]}. {last}" if last else first  # "D. Kwarteng": the column is narrow
        last_visit = formatting.short_date(child.last_visit_at, self.app.zone)
        return [month, *(" " + cell for cell in (child.child_name, worker, last_visit, residence, placement))]

    def _cells(self, child: ChildVisits) -> list:
        zone = self.app.zone
        if child.at_risk:
            month = Text(f" NOT YET, {child.days_left_in_month} d left", style="bold red")
        else:
            month = Text(" visited")
        residence = ("—" if child.residence_majority is None else
                     f"{child.months_in_residence}/{child.months_with_visits} months")
        placement = {"met": f"met ({child.new_placement_contacts})",
                     "due": f"{child.new_placement_contacts} of {self.app.store.policy.visits.new_placement_contacts},"
                            f" {child.new_placement_days_left} d left",
                     "missed": f"MISSED ({child.new_placement_contacts})"}.get(child.new_placement or "", "—")
        return [month, *(" " + cell for cell in (child.child_name, child.family_name, child.stage_label,
                                                 child.worker_name, formatting.short_date(child.last_visit_at, zone),
                                                 residence, placement))]

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if self.standings and 0 <= row < len(self.standings):
            child = self.standings[row]
            self.app.open_case(child.case_id, child.stage_id)


def _urgency(child: ChildVisits) -> tuple:
    """Not yet visited first (fewest days left first), then new placements short of contacts."""
    return (not child.at_risk, child.new_placement not in ("due", "missed"), child.family_name, child.child_name)
