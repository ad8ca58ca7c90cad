"""Home: the worker's stages, most urgent first, and for a supervisor a second tab with the unit's;
beside each family the next case plan it needs (OVERDUE when it is late: the Plans due tab of My
deadlines says which and why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static, TabbedContent, TabPane

from store.core.plan_results import CasePlanDue
from store.core.results import AbsenceView, CaseloadRow
from tui import formatting
from tui.messages import CaseloadRead
from tui.while_shown import is_shown, while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

if TYPE_CHECKING:
    from store.desks.desk import Desk

MINE = ("Family", "Stage", "My role", "Last contact", "Drafts", "Returned", "Next deadline", "Plan due")
UNIT = ("Family", "Stage", "Worker", "Role", "Last contact", "Drafts", "Returned", "Next deadline", "Plan due")
# Narrower than NARROW (80 columns, say): the next deadline comes third, where it is never cut off, and
# the columns are the short ones (a returned note's due date is the next deadline's, or after it), and a
# family with an overdue plan is marked after its name.
NARROW = 110
PLAN_OVERDUE = "⚑"
MINE_NARROW = ("Family", "Stage", "Next deadline", "Drafts", "Ret.", "Contact", "Role")
UNIT_NARROW = ("Family", "Stage", "Worker", "Next deadline", "Drafts", "Ret.")


@dataclass(frozen=True)
class Caseload:
    mine: list[CaseloadRow]
    unit: list[CaseloadRow]
    away: AbsenceView | None
    plans: dict[int, CasePlanDue] = field(default_factory=dict)  # each family's next plan due, by case id


def read_caseload(desk: Desk) -> Caseload:
    """What the home screen shows (a worker thread's call: the store is asked four things)."""
    mine, unit = desk.caseload(), desk.unit_caseload()
    plans: dict[int, CasePlanDue] = {}
    for due in desk.plans_due(sorted({row.case_id for row in mine + unit})):  # soonest first
        plans.setdefault(due.case_id, due)
    return Caseload(mine, unit, desk.next_absence(), plans)


class CaseloadScreen(SaysWorkerFailures, Screen):
    AUTO_FOCUS = "#mine-table"  # where the rows are (the filter takes the first typed letter itself)
    BINDINGS = [
        Binding("enter", "open_case", "Open case", id="caseload.open", show=False),
        Binding("ctrl+n", "new_note", "New note", id="caseload.new_note"),
        Binding("ctrl+r", "app.review_queue", "Review queue", id="caseload.review"),
        Binding("slash", "app.search", "Search", id="caseload.search"),
        Binding("ctrl+l", "app.deadlines", "Deadlines", id="caseload.deadlines"),
        Binding("ctrl+g", "app.timeliness", "Timeliness", id="caseload.timeliness"),
        Binding("ctrl+f", "app.intake", "New family", id="caseload.intake", show=False),
        Binding("ctrl+o", "app.staff", "Staff", id="caseload.staff", show=False),
        Binding("escape", "clear_filter", "Clear filter", id="caseload.clear", show=False),
    ]
    DEFAULT_CSS = """
    CaseloadScreen #filter { margin: 0 1; }
    CaseloadScreen #summary { padding: 0 1; height: auto; max-height: 2; color: $text-muted; }
    CaseloadScreen #tabs { height: 1fr; }
    CaseloadScreen TabPane { height: 1fr; padding: 0; }
    CaseloadScreen DataTable { height: 1fr; }
    """

    def __init__(self, first: Caseload | None = None, *, coming: bool = False, desk: Desk | None = None) -> None:
        """``first``: the caseload read before the screen was made (painted with its first frame);
        ``coming``: it is being read for this screen, which gets it through ``show``; ``desk``: the
        signed-in worker's (the app's at mount if not given). The screen reads with that desk even
        after the demo user is switched: its answers then come to a screen that is gone."""
        super().__init__()
        self.desk = desk
        self.rows: dict[str, list[CaseloadRow]] = {"mine": [], "unit": []}
        self.plans: dict[int, CasePlanDue] = {}
        self.away: AbsenceView | None = None
        self.first = first
        self.waiting = coming and first is None  # for the caseload the app is reading
        self.shown_once = False
        self.ready = False  # mounted: its tables have their columns
        self.narrow = False  # the columns for a narrow terminal

    def compose(self) -> ComposeResult:
        yield Header()
        # Not select_on_focus: the key that moved focus here is already in the box, and the next key
        # would replace it.
        yield Input(placeholder="Type to filter by family, stage or worker", id="filter", select_on_focus=False)
        yield Static("Loading your caseload…", id="summary")
        with TabbedContent(id="tabs"):
            with TabPane("My caseload", id="mine"):
                yield DataTable(id="mine-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Unit caseload", id="unit"):
                yield DataTable(id="unit-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.desk or self.app.desk
        self._set_columns(self.app.size.width < NARROW)
        self.ready = True
        if self.first is not None:
            self.show(self.first)

    def _set_columns(self, narrow: bool) -> None:
        self.narrow = narrow
        footer = self.query_one(KeyFooter)
        # Every key fits on 80 columns, ^q and F1 included; ctrl+p is named in the summary and in F1.
        footer.compact, footer.show_command_palette = narrow, not narrow
        for tab, columns in (("mine", MINE_NARROW if narrow else MINE), ("unit", UNIT_NARROW if narrow else UNIT)):
            table = self.query_one(f"#{tab}-table", DataTable)
            table.clear(columns=True)
            table.add_columns(*columns)

    @while_shown
    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        if self.ready and narrow != self.narrow:
            self._set_columns(narrow)
            self._fill()

    @while_shown
    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown, which has (or is about to get) its caseload.
        if self.shown_once or not (self.first or self.waiting):
            self.load()
        self.shown_once = True

    @work(thread=True, exclusive=True, group="caseload", exit_on_error=False)
    def load(self) -> None:
        self.post_message(CaseloadRead(read_caseload(self.desk)))  # a refusal: SaysWorkerFailures

    @on(CaseloadRead)
    @while_shown
    def _loaded(self, message: CaseloadRead) -> None:
        self.show(message.caseload)

    def show(self, caseload: Caseload) -> None:
        if self.ready and not is_shown(self):  # left (the demo user switched) before it came
            return
        if not self.ready:  # came while the screen was still being built: shown once it is
            self.first = caseload
            return
        self.waiting = False
        mine, unit = caseload.mine, caseload.unit
        self.rows = {"mine": mine, "unit": unit}
        self.away = caseload.away
        self.plans = caseload.plans
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("unit").display = bool(unit)
        if unit and not mine:  # a director: the units are the caseload
            tabs.active = "unit"
        self._fill()
        self._table().focus()
        self.refresh_bindings()  # ctrl+n is offered once there is a stage to write in

    def _table(self) -> DataTable:
        return self.query_one(f"#{self.query_one(TabbedContent).active or 'mine'}-table", DataTable)

    def _fill(self) -> None:
        wanted = self.query_one("#filter", Input).value.lower().split()
        zone = self.app.zone
        shown = {}
        for tab in ("mine", "unit"):
            table = self.query_one(f"#{tab}-table", DataTable)
            keep = table.cursor_row
            table.clear()
            rows = [r for r in self.rows[tab]
                    if all(w in f"{r.family_name} {r.stage_label} {r.worker} {r.role}".lower() for w in wanted)]
            cells = _narrow_cells if self.narrow else _cells
            for row in rows:
                table.add_row(*cells(row, tab == "unit", zone, self.plans.get(row.case_id)),
                              key=f"{row.stage_id}:{row.worker}:{row.role}")
            table.move_cursor(row=min(keep, max(len(rows) - 1, 0)))
            shown[tab] = rows
        overdue = sum(1 for r in self.rows["mine"] if r.overdue)
        mine = self.rows["mine"]
        self.query_one("#summary", Static).update(
            ("No stages assigned to you; ctrl+p finds a family by family or person name"
             if not mine else f"{_count(len(mine), 'stage')} assigned to you")
            + (f" · {overdue} with an overdue deadline" if overdue else "")
            + _late_plans(self.plans, self.narrow)
            + _unit(self.rows["unit"], self.app.me)
            + _away(self.away, self.app.zone))
        self.shown = shown

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        """Enter on the filter goes to the list, or opens the one stage the filter leaves."""
        self._table().focus()
        tab = self.query_one(TabbedContent).active or "mine"
        if len(getattr(self, "shown", {}).get(tab, [])) == 1:
            self.action_open_case()

    def on_key(self, event) -> None:
        """Type to filter: a printable key pressed on the table goes to the filter."""
        if isinstance(self.focused, DataTable) and event.is_printable and event.character not in "?/":
            try:
                box = self.query_one("#filter", Input)
            except NoMatches:  # a key typed ahead reached the screen while its parts were not all there
                return
            box.value += event.character
            box.cursor_position = len(box.value)
            box.focus()
            event.stop()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self._table().focus()

    def _current(self) -> CaseloadRow | None:
        tab = self.query_one(TabbedContent).active or "mine"
        table = self._table()
        rows = getattr(self, "shown", {}).get(tab, [])
        return rows[table.cursor_row] if rows and 0 <= table.cursor_row < len(rows) else None

    @on(DataTable.RowSelected)
    def action_open_case(self) -> None:
        row = self._current()
        if row:
            self.app.open_case(row.case_id, row.stage_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+n (a note in the highlighted stage) is not offered to those who write no notes (a child's
        advocate reads only), nor while no stage is listed (staff who hold none: the clerk enters notes
        in a family found by search, the administrator and intake worker hold no caseload)."""
        if action == "new_note":
            return getattr(self.app, "writes_notes", True) and bool(self.rows["mine"] or self.rows["unit"])
        return True

    def action_new_note(self) -> None:
        row = self._current()
        if row:
            self.app.new_note(row.stage_id)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        # Asked ahead, so that ctrl+n opens the editor at once (or says at once why not).
        row = self._current()
        if row is not None and row.stage_id not in self.app.note_offers:
            self.app.know_note_offer(row.stage_id)


def _cells(row: CaseloadRow, unit: bool, zone, plan: CasePlanDue | None) -> list:
    cells = [row.family_name, row.stage_label + (" closed" if row.closed_at else "")]
    cells += [row.worker, row.role] if unit else [row.role]
    returned = (f"{row.returned} · due {formatting.short_day(row.correction_due_at, zone)}"
                if row.returned and row.correction_due_at else row.returned or "")
    due = "" if plan is None else ("OVERDUE " if plan.overdue else "") + formatting.short_day(plan.due_at, zone)
    return cells + [formatting.short_date(row.last_contact_at, zone), row.drafts or "", returned, _deadline(row, zone),
                    due]


def _narrow_cells(row: CaseloadRow, unit: bool, zone, plan: CasePlanDue | None) -> list:
    deadline = _deadline(row, zone)
    if row.closed_at:
        deadline = f"{deadline} (closed)" if deadline else "closed"
    family = f"{row.family_name} {PLAN_OVERDUE}" if plan is not None and plan.overdue else row.family_name
    cells = [family, row.stage_label] + ([row.worker] if unit else [])
    cells += [deadline, row.drafts or "", row.returned or ""]
    return cells if unit else cells + [formatting.short_date(row.last_contact_at, zone), row.role.removeprefix("Case ")]


def _late_plans(plans: dict[int, CasePlanDue], narrow: bool) -> str:
    late = sum(due.overdue for due in plans.values())
    if not late:
        return ""
    families = "1 family" if late == 1 else f"{late:,} families"
    return f" · {families} with an overdue plan" + (f" ({PLAN_OVERDUE})" if narrow else "")


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def _unit(rows: list[CaseloadRow], me) -> str:
    """What the second tab counts: a supervisor's unit, or for a director (who heads no single unit)
    the assignments of everyone below them."""
    if not rows:
        return ""
    if me is not None and me.unit:
        return f" · {_count(len(rows), 'assignment')} in your unit"
    workers = len({row.worker for row in rows})
    return f" · {_count(len(rows), 'assignment')} held by the {_count(workers, 'worker')} below you"


def _deadline(row: CaseloadRow, zone) -> str:
    due = row.next_deadline_at
    if due is None:
        return ""
    mark = "OVERDUE " if row.overdue else ""
    return f"{mark}{formatting.short_day(due, zone)} {row.next_deadline_kind}"


def _away(away: AbsenceView | None, zone) -> str:
    """The next planned absence: its cut-off and the notes still to submit before it."""
    if away is None:
        return ""
    notes = f"{len(away.pending)} note{'s' if len(away.pending) != 1 else ''}"
    late = "[b $error]past the cut-off:[/] " if away.past_cutoff else ""
    todo = f"{late}submit {notes} by {formatting.moment(away.cutoff_at, zone)}" if away.pending else "nothing pending"
    return f" · Away from {away.starts_on:%a %m/%d}: {todo}"
