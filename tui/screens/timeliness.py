"""Timeliness: for a supervisor their unit, for a director every unit — late entries, how long entry
and review take, what is overdue now, what froze unapproved, the monthly visits made, and the case
plans approved on time of those approved (at 80 columns in the chart and the CSV only) — with a
bar chart of one measure (``m`` picks the next), a period (``d``) and a CSV export (``e``)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import NamedTuple

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from store import StoreError
from store.core.results import Timeliness, WorkerTimeliness
from tui import formatting
from tui.messages import ReportExported, ReportRead, ReportRefused
from tui.timeliness_csv import COLUMNS, cells, default_path, save_csv
from tui.while_shown import while_shown
from tui.widgets.bar_chart import BarChart
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures


class Measure(NamedTuple):
    name: str
    value: Callable[[WorkerTimeliness], float | None]
    ceiling: float | None  # a percentage is drawn against 100, a count or a time against the largest
    shown: Callable[[float], str]


def _whole(value: float) -> str:
    return f"{value:.0f}"


MEASURES = (
    Measure("Late entries (% of notes entered)", lambda r: r.late_entry_percent, 100.0, formatting.percent),
    Measure("Median entry lag", lambda r: r.median_entry_lag_hours, None, formatting.hours),
    Measure("Median review turnaround", lambda r: r.median_review_hours, None, formatting.days),
    Measure("Open overdue reviews", lambda r: r.overdue_reviews, None, _whole),
    Measure("Open overdue corrections", lambda r: r.overdue_corrections, None, _whole),
    Measure("Open overdue entries (drafts past their deadline)", lambda r: r.overdue_entries, None, _whole),
    Measure("Notes frozen without approval", lambda r: r.frozen_unapproved, None, _whole),
    Measure("Visit standard met (% of required visits)", lambda r: r.visit_percent, 100.0, formatting.percent),
    Measure("Case plans approved on time (% of plans approved)", lambda r: r.plans_on_time_percent, 100.0,
            formatting.percent),
    Measure("Case plans overdue now", lambda r: r.plans_overdue, None, _whole),
)
PERIODS = (90, 30, 180, 365)  # days; the first is the store's default, the last quarter
HEADERS = ("Notes", "Late\nentries", "Median\nentry lag", "Median\nreview", "Overdue\nreviews",
           "Overdue\ncorrections", "Overdue\nentries", "Frozen\nunapproved", "Visits\nmade",
           "Plans\non time")  # COLUMNS after the first, folded
NAME_WIDTH = 22  # the workers' names; a unit's longer name wraps
# Below NARROW columns (80x24): shares without their counts, the three overdue counts in one column,
# a narrower name column whose unit headings wrap.
NARROW = 110
NARROW_HEADERS = ("Notes", "Late\nentries", "Entry\nlag", "Review\ntime", "Overdue now\nrev cor ent",
                  "Frozen\nunappr.", "Visits\nmade")
NARROW_NAME_WIDTH = 22


def _narrow(shown: list[str]) -> list[str]:
    """A row's cells (COLUMNS) folded for NARROW_HEADERS."""
    name, notes, late, lag, review, reviews, corrections, entries, frozen, visits, _plans = shown
    overdue = " ".join(n.rjust(3) for n in (reviews, corrections, entries))
    return [name, notes, late.split(" (")[0], lag, review, overdue, frozen, visits.split(" (")[0]]


def _row(shown: list[str], style: str = "") -> list[Text]:
    """A worker's or a total's cells: the name indented under its unit, the numbers to the right."""
    name, *numbers = shown
    return [Text("  " + name, style=style), *(Text(n, style=style, justify="right") for n in numbers)]


class TimelinessScreen(SaysWorkerFailures, Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="timeliness.back"),
        Binding("m", "next_measure", "Chart measure", id="timeliness.measure"),
        Binding("d", "next_period", "Period", id="timeliness.period"),
        Binding("e", "export", "Export CSV", id="timeliness.export"),
    ]
    DEFAULT_CSS = """
    TimelinessScreen #summary { padding: 0 1; height: auto; }
    TimelinessScreen DataTable { height: 1fr; }
    TimelinessScreen BarChart { border-top: solid $primary; max-height: 50%; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.report: Timeliness | None = None
        self.measure = 0
        self.period = 0
        self.narrow = False
        self.desk = None  # the signed-in worker's when the screen was opened

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the Timeliness report…", id="summary")
        yield DataTable(cursor_type="row", zebra_stripes=True, header_height=2)
        yield BarChart("")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.desk = self.app.desk

    @while_shown
    def on_screen_resume(self) -> None:
        self.load()  # also sent when the screen is first shown

    @while_shown
    def on_resize(self) -> None:
        if self.report is not None and (self.size.width < NARROW) != self.narrow:
            self._show(self.report)

    def load(self) -> None:
        self._read_report(self.desk, PERIODS[self.period])

    @work(thread=True, exclusive=True, group="timeliness", exit_on_error=False)
    def _read_report(self, desk, days: int) -> None:
        try:
            report = desk.timeliness(days=days)
        except StoreError as error:
            self.post_message(ReportRefused(str(error)))
            return
        self.post_message(ReportRead(report, days))

    @on(ReportRefused)
    @while_shown
    def _refused(self, message: ReportRefused) -> None:
        sentence = message.sentence
        self.query_one("#summary", Static).update(f"[$error]{escape(sentence)}[/]")
        self.notify(sentence, severity="error", timeout=8)

    @on(ReportRead)
    @while_shown
    def _read(self, message: ReportRead) -> None:
        if message.days == PERIODS[self.period]:  # else the period changed meanwhile: its report comes
            self._show(message.report)

    def _show(self, report: Timeliness) -> None:
        self.report = report
        self.narrow = narrow = self.size.width < NARROW
        fold = _narrow if narrow else list
        headers, name_width = (NARROW_HEADERS, NARROW_NAME_WIDTH) if narrow else (HEADERS, NAME_WIDTH)
        zone = self.app.zone
        rows = []
        for unit in report.units:
            # A unit's name longer than its column wraps (each line indented) rather than being cut.
            heading = "\n".join(" " + line for line in textwrap.wrap(unit.unit, name_width - 1))
            rows.append((f"unit:{unit.unit}", [Text(heading, style="bold")]))
            rows += [(f"worker:{w.login}", _row(fold(cells(w)))) for w in unit.workers]
            rows.append((f"total:{unit.unit}", _row(fold(cells(unit.total)), style="bold")))
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        # Widths given, not measured: a table measured after rows arrive kept some cells at the
        # header's width in snapshots (Textual measures on idle; a render in between was cached).
        # No cell padding (ten columns must fit 120 cells): each figure column is one wider instead,
        # its right-justified text keeping a space from its neighbour.
        table.cell_padding = 0
        table.add_column(COLUMNS[0], width=name_width)
        for n, label in enumerate(headers, start=1):
            width = max([len(line) for line in label.splitlines()] + [len(r[n]) for _, r in rows if len(r) > n])
            table.add_column(Text(label, justify="right"), width=width + 1)
        for key, row in rows:
            table.add_row(*row, key=key, height=len(row[0].plain.splitlines()))
        table.move_cursor(row=min(keep, max(table.row_count - 1, 0)))
        scope = escape(report.units[0].unit) if len(report.units) == 1 else f"{len(report.units)} units"
        self.query_one("#summary", Static).update(
            f"[b]{scope}[/b] · {formatting.day(report.since, zone)} – {formatting.day(report.until, zone)} "
            f"({(report.until - report.since).days} days) · overdue counts are as of now"
            if report.units else "Nobody in your units has notes to report on.")
        self._chart()
        table.focus()

    def _chart(self) -> None:
        report, measure = self.report, MEASURES[self.measure]
        if report is None:
            return
        if len(report.units) > 1:
            rows, by = [(u.unit, u.total) for u in report.units], "by unit"
        else:
            rows, by = [(w.name, w) for u in report.units for w in u.workers], "by worker"
        self.query_one(BarChart).show(f"{measure.name}, {by}  (m: next measure)",
                                      [(label, measure.value(row)) for label, row in rows],
                                      ceiling=measure.ceiling, shown=measure.shown)

    def action_next_measure(self) -> None:
        self.measure = (self.measure + 1) % len(MEASURES)
        self._chart()

    def action_next_period(self) -> None:
        self.period = (self.period + 1) % len(PERIODS)
        self.query_one("#summary", Static).update(f"Loading the last {PERIODS[self.period]} days…")
        self.load()

    def action_export(self) -> None:
        if self.report is None:
            self.notify("Nothing to export yet.", severity="warning")
            return
        self._export(self.report, default_path(self.app.home, self.report, self.app.zone))

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, report: Timeliness, path) -> None:
        try:
            save_csv(report, path)
        except OSError as error:
            self.post_message(ReportExported(f"The report was not saved: {error}", "error"))
            return
        self.post_message(ReportExported(f"Saved the report to {path}"))

    @on(ReportExported)
    def _said(self, message: ReportExported) -> None:
        self.notify(message.sentence, severity=message.severity, timeout=10)
