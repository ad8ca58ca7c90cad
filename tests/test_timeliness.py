"""The Timeliness report through the store's API: each figure from notes made on a known clock."""

from datetime import date, datetime, timedelta, timezone

import pytest

from store import InvalidReport, NoAccess
from tests.conftest import visit


def rows(report):
    return {row.login: row for unit in report.units for row in unit.workers}


def test_late_entries_lag_turnaround_and_overdue_items_per_worker(store, agency, clock):
    clock.advance(days=5)
    cw, cw2, supa = store.as_user("cw"), store.as_user("cw2"), store.as_user("supa")
    on_time = cw.add_note(agency.fss, **visit(agency, clock, event_at=clock.now() - timedelta(hours=1)))
    late = cw.add_note(agency.fss, **visit(agency, clock, event_at=clock.now() - timedelta(hours=100)))
    cw.submit(on_time.id)
    clock.advance(hours=30)
    supa.approve(on_time.id)
    cw.submit(late.id)
    fix = cw2.submit(cw2.add_note(agency.fss, **visit(agency, clock)).id)
    supa.return_note(fix.id, "Say who drove.")
    cw2.add_note(agency.fss, **visit(agency, clock))  # a draft left past its 72 hours
    clock.advance(days=7)  # past the review and correction deadlines, before the freeze

    report = supa.timeliness()
    assert [unit.unit for unit in report.units] == ["Unit A"]
    mine = rows(report)
    assert set(mine) == {"cw", "cw2", "vaplanner"}  # the entry clerk holds no role and writes no notes
    cara, cole = mine["cw"], mine["cw2"]
    assert (cara.notes_entered, cara.late_entries, cara.late_entry_percent) == (2, 1, 50.0)
    assert cara.median_entry_lag_hours == pytest.approx((1 + 100) / 2)
    assert (cara.reviews, cara.median_review_hours) == (1, pytest.approx(30))
    assert (cara.overdue_reviews, cara.overdue_corrections, cara.overdue_entries) == (1, 0, 0)
    assert (cole.reviews, cole.median_review_hours, cole.overdue_corrections, cole.overdue_entries) == (1, 0, 1, 1)
    total = report.units[0].total
    assert (total.notes_entered, total.late_entries, total.reviews, total.overdue_reviews,
            total.overdue_corrections, total.overdue_entries) == (4, 1, 2, 1, 1, 1)
    assert total.median_review_hours == pytest.approx(15)


def test_frozen_without_approval_and_visit_standard_per_worker(store, agency, clock):
    store.staffing().place_child(agency.fss, agency.jay, date(2026, 3, 2))
    clock.advance(days=5)
    store.as_user("cw").add_note(agency.fss, **visit(agency, clock))  # Jay seen at home in March
    store.as_user("cwb").add_note(agency.other_fss, **visit(agency, clock, participants=[],
                                                             narrative="Called the school."))
    clock.set(datetime(2026, 5, 10, 15, 0, tzinfo=timezone.utc))
    report = store.as_user("director").timeliness()
    assert [unit.unit for unit in report.units] == ["CPS", "Unit A", "Unit B"]
    everyone = rows(report)
    assert "supa" not in everyone and "director" not in everyone  # supervisors head their units
    assert everyone["cwb"].frozen_unapproved == 1 and everyone["cw"].frozen_unapproved == 1
    # Jay's case worker is cw2: March visited, April not; May is the current month and not counted.
    cole = everyone["cw2"]
    assert (cole.visits_required, cole.visits_made, cole.visit_percent) == (2, 1, 50.0)
    assert everyone["cw"].visits_required == 0 and everyone["cw"].visit_percent is None


def test_the_period_leaves_older_notes_out(store, agency, clock):
    clock.advance(days=5)
    store.as_user("cw").add_note(agency.fss, **visit(agency, clock))
    clock.advance(days=40)
    assert rows(store.as_user("supa").timeliness(days=30))["cw"].notes_entered == 0
    assert rows(store.as_user("supa").timeliness(days=90))["cw"].notes_entered == 1


def test_only_supervisors_and_directors_get_the_report(store, agency):
    with pytest.raises(NoAccess, match="supervisors and directors"):
        store.as_user("cw").timeliness()
    assert (store.as_user("cw").supervises(), store.as_user("supa").supervises()) == (False, True)
    for days in (0, -5, 10_000, "90"):
        with pytest.raises(InvalidReport, match="1 to 3,660 days"):
            store.as_user("supa").timeliness(days=days)
    assert [u.unit for u in store.as_user("supb").timeliness().units] == ["Unit B"]
