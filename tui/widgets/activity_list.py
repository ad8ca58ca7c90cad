"""A case's activity history beside its notes: every maintenance change (a stage opened, a role
assigned, a person added, a placement ended…) one line each, newest first, and under the list who
made the highlighted change, when, and the values before and after.

The pane reads the history itself, in a worker, through the desk it is given (``show_case``): a page
at a time, the next asked for as the cursor comes near the end of what is listed. What it may read
and how each change is worded are the store's (``Desk.case_activity``); a reader the store refuses
(the entry clerk, a child's advocate) sees the store's sentence in place of the list.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from store import StoreError
from store.core.results import ActivityEntry, CaseActivity
from tui import formatting
from tui.messages import ActivityRead, ActivityRefused
from tui.while_shown import while_shown
from tui.widgets.row_list import Cells, RowList, fit
from tui.worker_failures import SaysWorkerFailures

PAGE = 100  # changes read at a time
NEAR_END = 10  # rows from the end of what is listed at which the next page is asked for
NARROW = 70  # below this many columns: the day only, and no "who" column (the detail below says)
_TIME, _WHO, _GAP = 17, 16, 2
_SENTENCE, _WHO_LEAST = 56, 10  # the room a sentence keeps before a "who" column (of at least 10) is shown


class ActivityList(RowList):
    """The changes, one line each: when, who, what."""

    COMPONENT_CLASSES = {"activity-list--time", "activity-list--who"}
    DEFAULT_CSS = """
    ActivityList {
        & > .activity-list--time { color: $text-muted; }
        & > .activity-list--who { color: $text-secondary; }
    }
    """
    BINDINGS = [Binding("enter", "select", "Open", show=False)]
    EMPTY = "No changes recorded in this case yet."

    def __init__(self, *, zone: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone = zone
        self.entries: list[ActivityEntry] = []

    @property
    def row_count(self) -> int:
        return len(self.entries)

    @property
    def cursor_entry(self) -> ActivityEntry | None:
        return self.entries[self.cursor] if self.entries else None

    def show(self, entries: list[ActivityEntry]) -> None:
        keep = self.cursor_entry.id if self.cursor_entry else None
        self.entries = entries
        self.rows_changed(next((i for i, e in enumerate(entries) if e.id == keep), 0))

    def row_highlighted(self) -> None:
        pane = self.parent
        if isinstance(pane, ActivityPane):
            pane.highlighted(self.cursor_entry, near_end=self.cursor >= self.row_count - NEAR_END)

    def row_cells(self, row: int, width: int) -> Cells:
        entry = self.entries[row]
        gap = " " * _GAP
        if width < NARROW:
            start = " " + formatting.short_date(entry.at, self.zone) + gap
            return ((start, "activity-list--time"), (fit(entry.sentence, width - cell_len(start)), None))
        # The sentence first: who made the change ends the line (in full below the list).
        start = " " + formatting.short_moment(entry.at, self.zone).rjust(_TIME) + gap
        rest = width - cell_len(start)
        who = min(_WHO, max(0, rest - _SENTENCE - _GAP))
        who = who if who >= _WHO_LEAST else 0
        return ((start, "activity-list--time"), (fit(entry.sentence, rest - who - (_GAP if who else 0)), None),
                ((gap + fit(entry.who, who).rstrip().rjust(who)) if who else "", "activity-list--who"))


class ActivityPane(SaysWorkerFailures, Vertical):
    """The history of one case: a title, the list, and the highlighted change in full."""

    DEFAULT_CSS = """
    ActivityPane { height: 1fr; }
    ActivityPane #activity-title { padding: 0 1; text-style: bold; }
    ActivityPane ActivityList { height: 1fr; min-height: 4; }
    ActivityPane #activity-detail { height: auto; max-height: 12; border-top: solid $panel; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "screen.activity", "Notes", id="activity.back")]

    def __init__(self, *, zone: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone = zone
        self.desk = None
        self.case_id: int | None = None
        self.family = ""
        self.more = False  # older changes follow those listed
        self.asking = False  # a page is being read

    def compose(self) -> ComposeResult:
        yield Static("", id="activity-title")
        yield ActivityList(zone=self.zone, id="activity-list")
        with VerticalScroll(id="activity-detail"):
            yield Static("", id="activity-entry")

    def show_case(self, desk, case_id: int) -> None:
        """Read the case's history afresh (the newest first page) with this desk."""
        self.desk, self.case_id = desk, case_id
        self.asking = True
        if not self.query_one(ActivityList).entries:
            self.query_one("#activity-title", Static).update("Activity · reading…")
        self.read_page(desk, case_id, None)

    def focus_list(self) -> None:
        self.query_one(ActivityList).focus()

    @work(thread=True, exclusive=True, group="activity", exit_on_error=False)
    def read_page(self, desk, case_id: int, before_id: int | None) -> None:
        try:
            activity = desk.case_activity(case_id, limit=PAGE, before_id=before_id)
        except StoreError as refusal:
            self.post_message(ActivityRefused(case_id, str(refusal)))
            return
        self.post_message(ActivityRead(activity, older=before_id is not None))

    @on(ActivityRead)
    @while_shown
    def _read(self, message: ActivityRead) -> None:
        activity: CaseActivity = message.activity
        if activity.case_id != self.case_id:
            return
        self.asking, self.more, self.family = False, activity.more, activity.family_name
        listed = self.query_one(ActivityList)
        listed.display = True
        entries = list(activity.entries)
        if message.older:
            known = {e.id for e in listed.entries}
            entries = listed.entries + [e for e in entries if e.id not in known]
        self._title(len(entries))
        listed.show(entries)

    @on(ActivityRefused)
    @while_shown
    def _refused(self, message: ActivityRefused) -> None:
        if message.case_id != self.case_id:
            return
        self.asking = False
        self.query_one("#activity-title", Static).update("Activity")
        self.query_one(ActivityList).display = False
        self.query_one("#activity-entry", Static).update(escape(message.sentence))

    def _title(self, count: int) -> None:
        shown = f"{count:,} change{'s' if count != 1 else ''}" + (", older ones as you scroll" if self.more else "")
        self.query_one("#activity-title", Static).update(f"Activity in the {escape(self.family)} family's case "
                                                         f"· {shown}")

    def highlighted(self, entry: ActivityEntry | None, *, near_end: bool) -> None:
        """The list's cursor moved: the change in full below, and the next page if the end is near."""
        self.query_one("#activity-entry", Static).update(self._detail(entry) if entry else "")
        if near_end and self.more and not self.asking and entry is not None and self.case_id is not None:
            self.asking = True
            last = self.query_one(ActivityList).entries[-1]
            self.read_page(self.desk, self.case_id, last.id)

    def _detail(self, entry: ActivityEntry) -> str:
        who = escape(entry.who) + (f" [dim]({escape(entry.who_login)})[/dim]" if entry.who_login else "")
        lines = [f"[b]{escape(entry.sentence)}[/b]",
                 f"{formatting.moment(entry.at, self.zone)} · {who} · [dim]{escape(entry.action)}[/dim]"]
        for change in entry.changes:
            before, after = escape(change.before or "—"), escape(change.after or "—")
            lines.append(f"  {escape(change.name)}: [dim]{before}[/dim] → {after}")
        return "\n".join(lines)
