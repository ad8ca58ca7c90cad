"""The Timeliness report outside the screen: as CSV (numbers rounded as the screen shows them, one row
per worker and a total row per unit) and as the text cells the screen and ``casenotes timeliness`` both show."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pendulum

from store.core.results import Timeliness, WorkerTimeliness
from tui import formatting

FIELDS = ("unit", "supervisor", "row", "login", "name", "notes_entered", "late_entries", "late_entry_percent",
          "median_entry_lag_hours", "reviews", "median_review_hours", "overdue_reviews", "overdue_corrections",
          "overdue_entries", "frozen_unapproved", "visits_required", "visits_made", "visit_percent", "plans_approved",
          "plans_on_time", "plans_on_time_percent", "plans_overdue", "since", "until")
COLUMNS = ("Worker", "Notes", "Late entries", "Median lag", "Median review", "Overdue reviews",
           "Overdue corrections", "Overdue entries", "Frozen unapproved", "Visits made", "Plans on time")


def records(report: Timeliness) -> Iterator[dict]:
    """Each unit's workers, then the unit's total, as dicts of FIELDS (None where there is no value)."""
    for unit in report.units:
        for kind, row in [*(("worker", w) for w in unit.workers), ("unit total", unit.total)]:
            yield {"unit": unit.unit, "supervisor": unit.supervisor, "row": kind, "login": row.login,
                   "name": row.name, "notes_entered": row.notes_entered, "late_entries": row.late_entries,
                   "late_entry_percent": _whole(row.late_entry_percent),
                   "median_entry_lag_hours": _lag_hours(row.median_entry_lag_hours),
                   "reviews": row.reviews, "median_review_hours": _tenths(row.median_review_hours),
                   "overdue_reviews": row.overdue_reviews, "overdue_corrections": row.overdue_corrections,
                   "overdue_entries": row.overdue_entries, "frozen_unapproved": row.frozen_unapproved, "visits_required": row.visits_required,
                   "visits_made": row.visits_made, "visit_percent": _whole(row.visit_percent),
                   "plans_approved": row.plans_approved, "plans_on_time": row.plans_on_time,
                   "plans_on_time_percent": _whole(row.plans_on_time_percent), "plans_overdue": row.plans_overdue,
                   "since": report.since.isoformat(), "until": report.until.isoformat()}


# Rounded as tui.formatting shows them (a spreadsheet should not read 14.285714285714286 where the screen
# says 14%); round() and the format specification both round half to even, so the two always agree.
def _whole(percent: float | None) -> int | None:
    return None if percent is None else round(percent)


def _lag_hours(hours: float | None) -> float | int | None:
    return None if hours is None else (round(hours, 1) if hours < 10 else round(hours))


def _tenths(hours: float | None) -> float | None:
    return None if hours is None else round(hours, 1)  # the screen shows days; the CSV keeps hours, to a tenth


def write_csv(report: Timeliness, out: TextIO) -> None:
    """The report as CSV on ``out``: a header row, then rows of FIELDS; an empty cell where there is no value."""
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records(report):
        writer.writerow({k: "" if v is None else v for k, v in record.items()})


def save_csv(report: Timeliness, path: Path) -> Path:
    """Write the report to ``path``, making its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        write_csv(report, out)
    return path


def default_path(home: Path, report: Timeliness, zone: str) -> Path:
    """Where the screen saves the report: the user's casenotes folder, named for its last day and length."""
    until = pendulum.instance(report.until).in_timezone(zone)
    days = round((report.until - report.since).total_seconds() / 86400)
    return home / "reports" / f"timeliness-{until.to_date_string()}-{days}d.csv"


def cells(row: WorkerTimeliness) -> list[str]:
    """One row of the report as the screen and the command line show it (COLUMNS)."""
    return [row.name, str(row.notes_entered), _share(row.late_entry_percent, row.late_entries, row.notes_entered),
            formatting.hours(row.median_entry_lag_hours), formatting.days(row.median_review_hours),
            str(row.overdue_reviews), str(row.overdue_corrections), str(row.overdue_entries),
            str(row.frozen_unapproved),
            _share(row.visit_percent, row.visits_made, row.visits_required),
            f"{row.plans_on_time}/{row.plans_approved}" if row.plans_approved else "—"]


def text_table(report: Timeliness, zone: str) -> str:
    """The report as fixed-width text for a terminal: a heading per unit, its workers, its total."""
    headings: dict[int, str] = {}
    rows = [list(COLUMNS)]
    for unit in report.units:
        headings[len(rows)] = f"{unit.unit} · {unit.supervisor}"
        rows += [["  " + name, *rest] for name, *rest in map(cells, (*unit.workers, unit.total))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [f"Timeliness {formatting.day(report.since, zone)} – {formatting.day(report.until, zone)}"]
    for n, row in enumerate(rows):
        if n in headings:
            lines.append(headings[n])
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    return "\n".join(lines)


def _share(percent: float | None, part: int, whole: int) -> str:
    return "—" if percent is None else f"{formatting.percent(percent)} ({part}/{whole})"
