"""The unit's plan coverage, for a supervisor (issue 19): each child with an approved plan in a family
where they or someone they supervise has a role, with how many of the plan's elements (the child's and
the family's) notes discussed within the policy's window, how many are flagged, and the longest gap;
the children with most flagged first (``Desk.unit_coverage``). Enter opens the child's coverage."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.core.coverage_results import UnitCoverageRow
from tui.messages import UnitCoverageRead
from tui.screens.plan_coverage import cut, gap_text
from tui.screens.table_screen import ReadTableScreen
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

COLUMNS = (("Child", 20), ("Family", 12), ("Workers", 28), ("Covered", 8), ("Flagged", 8), ("Longest gap", 36))
NARROW_COLUMNS = (("Child", 18), ("Covered", 8), ("Flagged", 8), ("Longest gap", 38))


class UnitCoverageScreen(SaysWorkerFailures, ReadTableScreen):
    LOADING = "Reading the unit's plans and the notes that discussed them…"
    NARROW, COLUMNS, NARROW_COLUMNS = 110, COLUMNS, NARROW_COLUMNS
    COMPACT_FOOTER = True
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="unit_coverage.back"),
        Binding("enter", "open", "Open the child's coverage", id="unit_coverage.open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[UnitCoverageRow] = []

    @work(thread=True, exclusive=True, group="unit-coverage", exit_on_error=False)
    def load(self) -> None:
        self.post_message(UnitCoverageRead(self.desk.unit_coverage()))  # a refusal: SaysWorkerFailures

    @on(UnitCoverageRead)
    @while_shown
    def _read(self, message: UnitCoverageRead) -> None:
        self.rows = message.rows
        self._fill()
        window = self.app.store.policy.plans.coverage_window_days
        flagged = sum(row.coverage.flagged for row in self.rows)
        children = sum(bool(row.coverage.flagged) for row in self.rows)
        self.query_one("#summary", Static).update(
            (f"{_count(len(self.rows), 'child', 'children')} with an approved plan in your unit's families · "
             + (f"[b $error]{_count(flagged, 'element', 'elements')} of {_count(children, 'child', 'children')} "
                f"not discussed in over {window} days[/]" if flagged else f"every element discussed within {window} days")
             + " · Enter opens a child's coverage")
            if self.rows else "No child of your unit's families has an approved plan yet.")
        self.query_one(DataTable).focus()

    def _fill(self) -> None:
        self._refill((self._cells(row), str(row.coverage.child_id)) for row in self.rows)

    def _cells(self, row: UnitCoverageRow) -> list:
        coverage = row.coverage
        total = len(coverage.elements)
        flagged = Text(f" {coverage.flagged:>6}", style="bold red" if coverage.flagged else "")
        covered = f" {coverage.covered:>3}/{total:<3}"
        if self.narrow:
            return [" " + cut(coverage.child_name, 17), covered, flagged, " " + cut(gap_text(coverage), 37)]
        return [" " + cut(coverage.child_name, 19), " " + cut(coverage.family_name, 11),
                " " + cut(", ".join(row.workers), 27), covered, flagged, " " + cut(gap_text(coverage), 35)]

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        from tui.screens.plan_coverage import PlanCoverageScreen

        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.rows):
            coverage = self.rows[row].coverage
            self.app.push_screen(PlanCoverageScreen(coverage.case_id, coverage.child_id))


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
