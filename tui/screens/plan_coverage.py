"""A child's plan coverage (issue 19): each element of the child's current approved plan and of the
family's, the last submitted or approved note that discussed it, and the elements no such note has
discussed within the policy's window flagged (the store decides: ``Desk.family_coverage``).

From the case screen (C) it shows the family's children one at a time (n: the next child); Enter opens
the note that last discussed the highlighted element."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.widgets import DataTable, Static

from store.core.coverage_results import ChildCoverage, ElementCoverage
from tui.messages import FamilyCoverageRead
from tui.screens.table_screen import ReadTableScreen
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

COLUMNS = (("Plan", 14), ("Element", 52), ("Last discussed", 14), ("By", 18), ("Days", 5), ("", 9))
NARROW_COLUMNS = (("Plan", 7), ("Element", 42), ("Last", 9), ("Days", 5), ("", 9))


def gap_text(coverage: ChildCoverage) -> str:
    """The longest an element has gone undiscussed, and which."""
    oldest = coverage.oldest_gap
    return "—" if oldest is None else f"{oldest.days_undiscussed} d · {oldest.title}"


def standing(element: ElementCoverage) -> Text:
    if element.flagged:
        return Text(" FLAGGED", style="bold red")
    return Text(" covered") if element.covered else Text(" not yet", style="dim")


class PlanCoverageScreen(SaysWorkerFailures, ReadTableScreen):
    LOADING = "Reading the plans and the notes that discussed them…"
    NARROW, COLUMNS, NARROW_COLUMNS = 110, COLUMNS, NARROW_COLUMNS
    COMPACT_FOOTER = True
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="coverage.back"),
        Binding("n", "next_child", "Next child", id="coverage.next_child"),
        Binding("enter", "open", "Open the note", id="coverage.open", show=False),
    ]

    def __init__(self, case_id: int, child_id: int | None = None) -> None:
        super().__init__()
        self.case_id, self.child_id = case_id, child_id
        self.coverages: list[ChildCoverage] = []

    @work(thread=True, exclusive=True, group="coverage", exit_on_error=False)
    def load(self) -> None:
        self.post_message(FamilyCoverageRead(self.desk.family_coverage(self.case_id)))  # a refusal: SaysWorkerFailures

    @on(FamilyCoverageRead)
    @while_shown
    def _read(self, message: FamilyCoverageRead) -> None:
        self.coverages = message.children
        if self.child_id not in {c.child_id for c in self.coverages}:
            planned = [c.child_id for c in self.coverages if c.child_plan_id is not None]
            self.child_id = (planned or [c.child_id for c in self.coverages] or [None])[0]
        self._show()
        self.refresh_bindings()
        self.query_one(DataTable).focus()

    @property
    def child(self) -> ChildCoverage | None:
        return next((c for c in self.coverages if c.child_id == self.child_id), None)

    def _show(self) -> None:
        self._fill()
        child, summary = self.child, self.query_one("#summary", Static)
        if child is None:
            summary.update("No child is recorded in this family.")
            return
        which = f" · child {self.coverages.index(child) + 1} of {len(self.coverages)}" if len(self.coverages) > 1 else ""
        head = f"[b]{escape(child.child_name)}[/b] · {escape(child.family_name)} family{which}"
        if not child.elements:
            summary.update(f"{head}\nNo approved plan for this child or the family yet: nothing to cover.")
            return
        flagged = (f"[b $error]{child.flagged} not discussed in over {child.window_days} days[/]" if child.flagged
                   else f"none undiscussed over {child.window_days} days")
        plans = " and ".join(p for p, plan_id in (("the child's plan", child.child_plan_id),
                                                   ("the family plan", child.family_plan_id)) if plan_id)
        waiting = f" · {child.not_yet} not discussed yet" if child.not_yet else ""
        summary.update(f"{head} · {child.covered} of {len(child.elements)} elements of {plans} covered{waiting} · "
                       f"{flagged}"
                       f"\nLongest gap: {escape(gap_text(child))} · counted from submitted and approved notes, "
                       f"by the day of the contact")

    def _fill(self) -> None:
        child = self.child
        elements = child.elements if child else ()
        self._refill((self._cells(child, element), f"{element.whose}:{element.section_key}")
                     for element in elements if child is not None)

    def _cells(self, child: ChildCoverage, element: ElementCoverage) -> list:
        whose = child.child_name if element.child_id is not None else "Family"
        last = f"{element.last_discussed_on:%m/%d/%Y}" if element.last_discussed_on else "never"
        days = str(element.days_undiscussed)
        if self.narrow:
            short = f"{element.last_discussed_on:%m/%d/%y}" if element.last_discussed_on else last
            return [" " + whose.split()[0], " " + cut(element.title, 41), " " + short, f" {days:>4}",
                    standing(element)]
        return [" " + whose, " " + cut(element.title, 51), " " + last, " " + (element.last_author or "—"), f" {days:>4}",
                standing(element)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_child":
            return len(self.coverages) > 1
        return True

    def action_next_child(self) -> None:
        ids = [c.child_id for c in self.coverages]
        if len(ids) > 1 and self.child_id in ids:
            self.child_id = ids[(ids.index(self.child_id) + 1) % len(ids)]
            self._show()
            self.query_one(DataTable).move_cursor(row=0)

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        child, row = self.child, self.query_one(DataTable).cursor_row
        if child is None or not 0 <= row < len(child.elements):
            return
        element = child.elements[row]
        if element.last_note_id is None:
            self.notify("No submitted or approved note has discussed this element yet.", timeout=4)
        else:
            self.app.open_note(element.last_note_id)


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
