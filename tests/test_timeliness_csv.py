"""The Timeliness CSV says the numbers the screen shows: 1 late entry of 7 is 14 (the screen's 14%),
not 14.285714285714286."""

import csv
import io
from datetime import datetime, timezone

import pytest

from store.core.results import Timeliness, UnitTimeliness, WorkerTimeliness
from tui.timeliness_csv import cells, write_csv


def report_of(**numbers) -> Timeliness:
    fields = dict(notes_entered=7, late_entries=1, median_entry_lag_hours=None, reviews=3, median_review_hours=None,
                  overdue_reviews=0, overdue_corrections=0, overdue_entries=0, frozen_unapproved=0,
                  visits_required=7, visits_made=6)
    fields.update(numbers)
    worker = WorkerTimeliness(login="cw", name="Cara Worker", unit="Unit A", **fields)
    total = WorkerTimeliness(login="", name="Unit total", unit="Unit A", **fields)
    return Timeliness(since=datetime(2026, 8, 22, 15, tzinfo=timezone.utc),
                      until=datetime(2026, 11, 20, 15, tzinfo=timezone.utc),
                      units=(UnitTimeliness("Unit A", "Sam Supervisor", (worker,), total),))


def csv_row(report: Timeliness) -> dict:
    out = io.StringIO()
    write_csv(report, out)
    return next(csv.DictReader(io.StringIO(out.getvalue())))


def test_csv_percentages_are_whole_as_on_screen():
    report = report_of()
    row = csv_row(report)
    assert row["late_entry_percent"] == "14" and row["visit_percent"] == "86"  # 100/7 and 600/7
    shown = cells(report.units[0].workers[0])
    assert shown[2] == "14% (1/7)" and shown[9] == "86% (6/7)"


@pytest.mark.parametrize("lag, review, lag_csv, review_csv, lag_shown", [
    (5.5, 49.0, "5.5", "49.0", "5.5 h"),
    (2.0 / 3, 200.0 / 3, "0.7", "66.7", "0.7 h"),
    (29.44, 30.04, "29", "30.0", "29 h"),  # 10 hours and more: whole hours, as the screen
    (9.96, 0.04, "10.0", "0.0", "10.0 h"),
])
def test_csv_hours_are_rounded_as_the_screen_rounds_them(lag, review, lag_csv, review_csv, lag_shown):
    report = report_of(median_entry_lag_hours=lag, median_review_hours=review)
    row = csv_row(report)
    assert (row["median_entry_lag_hours"], row["median_review_hours"]) == (lag_csv, review_csv)
    assert cells(report.units[0].workers[0])[3] == lag_shown


@pytest.mark.parametrize("late, entered", [(1, 8), (3, 8), (5, 8), (1, 200), (1, 3), (2, 3), (1, 7)])
def test_csv_and_screen_round_halves_alike(late, entered):
    """12.5 and 37.5 round to even on screen (f-string) and in the CSV (round()): both say the same."""
    report = report_of(late_entries=late, notes_entered=entered)
    assert csv_row(report)["late_entry_percent"] + "%" == cells(report.units[0].workers[0])[2].split()[0]
