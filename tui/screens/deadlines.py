"""My deadlines: everything open on the signed-in worker's notes and reviews, soonest first, with
the next planned absence and its cut-off; for a supervisor or director a tab with their team's; and
the case plans due of the families whose plans they (or, for a supervisor, their team) draft.
``t`` goes to the next tab, ``a`` plans an absence, ``c`` cancels one (the highlighted one on the
absences tab, else the next); enter opens the note, or the family of a plan."""

from __future__ import annotations

from datetime import date, datetime

import pendulum
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from store.core.plan_results import CasePlanDue
from store.core.results import AbsenceView, Obligation
from tui import formatting
from tui.messages import AbsenceCancelled, DeadlinesRead
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

MINE = ("Due", "What", "Family", "Stage", "Contact", "Event", "Note status")
NARROW = 110  # columns: below this the tables keep what fits; the line under the table has the rest
REVIEWS = ("Due", "What", "Author", "Family", "Stage", "Contact", "Event")  # mine, with others' notes to review
TEAM = ("Due", "Who", "What", "Family", "Stage", "Contact", "Event")  # What says the status
AWAY = ("First day", "Last day", "Reason", "Submit pending notes by", "Pending notes")
AWAY_NARROW = ("First day", "Last day", "Reason", "Submit notes by", "Pending")
PLANS = ("Due", "What", "Family", "Whose plan", "Drafted by")
FREEZES_FIRST = "freezes before it is due: correct it with an addendum"


class DeadlinesScreen(SaysWorkerFailures, Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="deadlines.back"),
        Binding("enter", "open", "Open note", id="deadlines.open", show=False),
        Binding("t", "next_tab", "Next tab", id="deadlines.next_tab"),
        Binding("a", "plan_absence", "Absence", tooltip="Plan an absence", id="deadlines.plan_absence"),
        Binding("c", "cancel_absence", "Cancel", tooltip="Cancel a planned absence", id="deadlines.cancel_absence"),
        Binding("v", "app.visits", "Visits", id="deadlines.visits"),
    ]
    DEFAULT_CSS = """
    DeadlinesScreen #summary, DeadlinesScreen #absence { padding: 0 1; height: auto; }
    DeadlinesScreen #detail { padding: 0 1; height: 2; color: $text-muted; }
    DeadlinesScreen #tabs { height: 1fr; }
    DeadlinesScreen TabPane { height: 1fr; padding: 0; }
    DeadlinesScreen DataTable { height: 1fr; }
    """

    def __init__(self, plan_absence: bool = False) -> None:
        """``plan_absence``: open the absence dialog at once (the palette's "Plan an absence")."""
        super().__init__()
        self.plan_first = plan_absence
        self.rows: dict[str, list] = {"mine": [], "team": [], "plans": [], "away": []}
        self.next_away: AbsenceView | None = None
        self.narrow = False
        self.boss = False
        self.desk = None  # the signed-in worker's when the screen was opened

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading your deadlines…", id="summary")
        yield Static("", id="absence")
        with TabbedContent(id="tabs"):
            with TabPane("My deadlines", id="mine"):
                yield DataTable(id="mine-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Team deadlines", id="team"):
                yield DataTable(id="team-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Plans due", id="plans"):
                yield DataTable(id="plans-table", cursor_type="row", zebra_stripes=True)
            with TabPane("My absences", id="away"):
                yield DataTable(id="away-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        for tab, columns in (("mine", MINE), ("team", TEAM), ("plans", PLANS), ("away", AWAY)):
            self.query_one(f"#{tab}-table", DataTable).add_columns(*columns)
        self.query_one(TabbedContent).get_tab("team").display = False
        self.query_one(TabbedContent).get_tab("plans").display = False
        if self.plan_first:
            self.call_after_refresh(self.action_plan_absence)

    @while_shown
    def on_screen_resume(self) -> None:
        self.load()  # also sent when the screen is first shown

    @work(thread=True, exclusive=True, group="deadlines", exit_on_error=False)
    def load(self) -> None:
        desk = self.desk  # a refusal: SaysWorkerFailures
        mine, team = desk.my_deadlines(), desk.team_deadlines()
        away, next_away, boss = desk.my_absences(), desk.next_absence(), desk.supervises()
        plans = desk.plans_due()
        if boss:
            mine_plans = {(p.case_id, p.child_id) for p in plans}
            plans += [p for p in desk.team_plans_due() if (p.case_id, p.child_id) not in mine_plans]
        self.post_message(DeadlinesRead(mine, team, away, next_away, boss, plans))

    @on(DeadlinesRead)
    @while_shown
    def _read(self, message: DeadlinesRead) -> None:
        self._show(message.mine, message.team, message.away, message.next_away, message.boss, message.plans)

    @while_shown
    def on_resize(self) -> None:
        if (self.size.width < NARROW) != self.narrow:
            self.narrow = self.size.width < NARROW
            self._fill_tables()
        self._fit()

    def _fit(self) -> None:
        """At 80 columns the footer packs its keys (^q and F1 stay in view) and the line under the
        table gets a third row."""
        self.query_one(KeyFooter).compact = self.narrow
        self.query_one("#detail").styles.height = 3 if self.narrow else 2

    def _show(self, mine: list[Obligation], team: list[Obligation], away: list[AbsenceView],
              next_away: AbsenceView | None, boss: bool = False, plans: list[CasePlanDue] | None = None) -> None:
        plans = plans or []
        self.rows, self.next_away, self.boss = {"mine": mine, "team": team, "plans": plans, "away": away}, next_away, boss
        self.narrow = self.size.width < NARROW
        self._fit()
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("team").display = boss
        tabs.get_tab("plans").display = bool(plans)
        if team and not mine and tabs.active == "mine":  # a director: the team is what is due
            tabs.active = "team"
        self._fill_tables()
        self.query_one("#summary", Static).update(self._summary(mine) + _team_summary(team) + _plans_summary(plans))
        self.query_one("#absence", Static).update(self._absence_line(next_away))
        self._table().focus()
        self._describe()

    def _fill_tables(self) -> None:
        mine, team, away = self.rows["mine"], self.rows["team"], self.rows["away"]
        zone, narrow = self.app.zone, self.narrow
        reviewer = any(o.author != self.app.login for o in mine)
        columns = REVIEWS if reviewer else MINE
        self._columns("mine", (columns[:4] if reviewer else columns[:5]) if narrow else columns)
        self._columns("team", TEAM[:4] if narrow else TEAM)
        self._columns("away", AWAY_NARROW if narrow else AWAY)
        self._fill("mine", [self._cells(o, team=False, author=reviewer) for o in mine], [str(o.note_id) for o in mine])
        self._fill("team", [self._cells(o, team=True) for o in team], [str(o.note_id) for o in team])
        self._columns("plans", PLANS[:4] if narrow else PLANS)
        self._fill("plans", [self._plan_cells(p) for p in self.rows["plans"]],
                   [f"{p.case_id}:{p.child_id or ''}" for p in self.rows["plans"]])
        when = formatting.weekday_date if not narrow else (lambda day: formatting.weekday_date(day, year=False))
        self._fill("away", [[when(a.starts_on), when(a.ends_on), Text(_clip(a.reason or "—", 20 if narrow else 60)),
                             formatting.when_due(a.cutoff_at, zone) if narrow else formatting.moment(a.cutoff_at, zone),
                             str(len(a.pending))] for a in away],
                   [str(a.id) for a in away])

    def _columns(self, tab: str, columns: tuple[str, ...]) -> None:
        table = self.query_one(f"#{tab}-table", DataTable)
        if tuple(str(c.label) for c in table.ordered_columns) != columns:
            table.clear(columns=True)
            table.add_columns(*columns)

    def _fill(self, tab: str, rows: list[list[str]], keys: list[str]) -> None:
        table = self.query_one(f"#{tab}-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for cells, key in zip(rows, keys, strict=True):
            table.add_row(*cells, key=key)
        table.move_cursor(row=min(keep, max(len(rows) - 1, 0)))

    def _cells(self, o: Obligation, *, team: bool, author: bool = False) -> list[str]:
        """A row of MINE, REVIEWS (``author``) or TEAM, narrow enough for 120 columns (the line under
        the table has it all); What says the note's status where there is no room for it."""
        zone = self.app.zone
        if self.narrow:  # four or five columns; the rest is in the line under the table
            due = ("OVERDUE " if o.overdue else "") + formatting.short_day(o.next_due_at, zone) + " " + formatting.clock(
                o.next_due_at, zone) + (" cut-off" if o.cutoff_at else "")
            if team or author:
                return [due, o.who_name if team else o.what, o.what if team else o.author_name, o.family_name]
            return [due, o.what, o.family_name, o.stage_label, _clip(o.contact_type, 14)]
        due = ("OVERDUE " if o.overdue else "") + formatting.when_due(o.next_due_at, zone)
        if o.cutoff_at:
            due += " absence cut-off"
        event = formatting.short_day(o.event_at, zone)
        if team:
            return [due, o.who_name, o.what, o.family_name, o.stage_label, _clip(o.contact_type, 18), event]
        if author:
            return [due, o.what, o.author_name, o.family_name, o.stage_label, _clip(o.contact_type, 20), event]
        status = o.status.capitalize() + (", freezes first" if o.after_freeze else "")
        return [due, o.what, o.family_name, o.stage_label, _clip(o.contact_type, 24), event, status]

    def _plan_cells(self, p: CasePlanDue) -> list[str]:
        zone = self.app.zone
        due = ("OVERDUE " if p.overdue else "") + (formatting.short_day(p.due_at, zone) if self.narrow
                                                   else formatting.when_due(p.due_at, zone))
        whose = "Family" if p.child_id is None else p.subject
        cells = [due, p.what, p.family_name, _clip(whose, 16 if self.narrow else 24)]
        return cells if self.narrow else [*cells, _clip(", ".join(p.drafters) or "—", 30)]

    def _summary(self, mine: list[Obligation]) -> str:
        if not mine:
            return "No notes are waiting on you." if self.rows["plans"] else "Nothing is waiting on you."
        local_now = pendulum.instance(self.app.store.clock.now()).in_timezone(self.app.zone)
        today, week_ends = local_now.date(), local_now.end_of("week").date()
        days = [_local_day(o.next_due_at, self.app.zone) for o in mine if not o.overdue]
        overdue = sum(o.overdue for o in mine)
        return " · ".join([f"[b $error]{overdue} overdue[/]" if overdue else "nothing overdue",
                           f"{sum(d == today for d in days)} due today",
                           f"{sum(today < d <= week_ends for d in days)} more due this week",
                           f"{len(mine)} waiting on you"])

    def _absence_line(self, away: AbsenceView | None) -> str:
        if away is None:
            return "[$text-muted]No absence planned · a plans one[/]"
        reason = f" ({escape(away.reason)})" if away.reason else ""
        pending, cutoff = len(away.pending), formatting.when_due(away.cutoff_at, self.app.zone)
        late = "[b $error]past the cut-off:[/] " if away.past_cutoff else ""
        todo = (f"{late}[b]submit your {pending} pending note{'s' if pending != 1 else ''} by {cutoff}[/b]" if pending
                else f"nothing pending; the cut-off is {cutoff}")
        return (f"Away {formatting.weekday_date(away.starts_on, year=False)} – {formatting.weekday_date(away.ends_on, year=False)}"
                f"{reason}: {todo} · c cancels")

    def _tab(self) -> str:
        return self.query_one(TabbedContent).active or "mine"

    def _table(self) -> DataTable:
        return self.query_one(f"#{self._tab()}-table", DataTable)

    def _current(self):
        rows, row = self.rows.get(self._tab(), []), self._table().cursor_row
        return rows[row] if rows and 0 <= row < len(rows) else None

    @on(DataTable.RowHighlighted)
    @on(TabbedContent.TabActivated)
    def _describe(self) -> None:
        """The highlighted note's freeze date under the table, and the warning when it freezes first."""
        o = self._current()
        text = ""
        if isinstance(o, Obligation):
            zone = self.app.zone
            text = (f"Note {o.note_id} ({o.status}), {o.contact_type} by {o.author_name} on "
                    f"{formatting.moment(o.event_at, zone)} · "
                    f"{o.what.lower()} by {formatting.moment(o.due_at, zone)}"
                    + (f", before your absence by {formatting.moment(o.cutoff_at, zone)}" if o.cutoff_at else "")
                    + f" · freezes {formatting.moment(o.freezes_at, zone)}")
            if o.after_freeze:
                text += f"\n[b $warning]This note {FREEZES_FIRST}.[/]"
        elif isinstance(o, CasePlanDue):
            text = escape(o.sentence)
        self.query_one("#detail", Static).update(text)

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        shown = [pane.id for pane in tabs.query(TabPane) if tabs.get_tab(pane.id).display]
        tabs.active = shown[(shown.index(self._tab()) + 1) % len(shown)]
        self._table().focus()

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        o = self._current()
        if isinstance(o, Obligation):
            self.app.open_note(o.note_id)
        elif isinstance(o, CasePlanDue):
            self.app.open_case(o.case_id)

    @while_shown  # also called after a refresh, by which time the user may have left
    def action_plan_absence(self) -> None:
        from tui.dialogs.absence import AbsenceDialog

        self.app.push_screen(AbsenceDialog(), self._planned)

    def _planned(self, absence: AbsenceView | None) -> None:
        if absence is None:
            return
        pending = len(absence.pending)
        self.notify(f"Absence planned. Submit {pending} pending note{'s' if pending != 1 else ''} by "
                    f"{formatting.moment(absence.cutoff_at, self.app.zone)}." if pending else
                    "Absence planned; nothing pending before it.", timeout=8)
        # the screen reloads when the dialog closes (ScreenResume)

    def action_cancel_absence(self) -> None:
        current = self._current()
        away = current if isinstance(current, AbsenceView) else self.next_away
        if away is None:
            self.notify("You have no planned absence to cancel.", severity="warning")
            return
        from tui.dialogs.confirm import ConfirmDialog

        question = (f"Cancel your absence {formatting.weekday_date(away.starts_on)} – {formatting.weekday_date(away.ends_on)}"
                    + (f" ({escape(away.reason)})" if away.reason else "") + "?")
        self.app.push_screen(ConfirmDialog("Cancel a planned absence", question,
                                           {"y": "Cancel the absence", "escape": "Keep it"}),
                             lambda answer: answer == "y" and self._cancel(away.id))

    @work(thread=True, exclusive=True, group="cancel-absence", exit_on_error=False)
    def _cancel(self, absence_id: int) -> None:
        self.desk.cancel_absence(absence_id)  # a refusal: SaysWorkerFailures
        self.post_message(AbsenceCancelled())

    @on(AbsenceCancelled)
    @while_shown
    def _cancelled(self) -> None:
        self.notify("Absence cancelled.", timeout=4)
        self.load()


def _team_summary(team: list[Obligation]) -> str:
    if not team:
        return ""
    overdue = sum(o.overdue for o in team)
    return f" · your team: {len(team)} open" + (f", [b $error]{overdue} overdue[/]" if overdue else ", none overdue")


def _plans_summary(plans: list[CasePlanDue]) -> str:
    if not plans:
        return ""
    overdue = sum(p.overdue for p in plans)
    return (f" · {len(plans)} plan{'s' if len(plans) != 1 else ''} due"
            + (f", [b $error]{overdue} overdue[/]" if overdue else ""))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _local_day(at: datetime, zone: str) -> date:
    return pendulum.instance(at).in_timezone(zone).date()
