"""A search across the agency records the families it showed from outside the assignment, as a
search of one family does: once per family and hour (issue 14, item 9)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from search import SearchIndex
from tests.conftest import visit


@pytest.fixture
def index(store, tmp_path):
    return SearchIndex.for_store(store, path=tmp_path / "idx")


def searches_audited(store, login: str) -> list[tuple[int, dict]]:
    """(family, detail) of each "read search" row written for this login, oldest first."""
    with store.write_engine.connect() as conn:
        rows = conn.execute(text("SELECT a.entity_id, a.detail FROM audit_log a JOIN workers w ON w.id = a.worker_id "
                                 "WHERE a.action = 'read search' AND w.login = :login ORDER BY a.id"),
                            {"login": login}).all()
    import json

    return [(family, detail if isinstance(detail, dict) else json.loads(detail)) for family, detail in rows]


@pytest.fixture
def two_families(store, agency, clock):
    """A submitted note in each family (Rivera: cw's; Nguyen: cwb's), both about a lighthouse."""
    cw, cwb = store.as_user("cw"), store.as_user("cwb")
    rivera = cw.submit(cw.add_note(agency.fss, **visit(agency, clock, narrative="Drew a lighthouse.")).id)
    nguyen = cwb.submit(cwb.add_note(agency.other_fss, **visit(agency, clock, participants=[], others=["teacher"],
                                                                 narrative="Lan drew a lighthouse at school.")).id)
    return rivera, nguyen


def test_agency_wide_search_by_the_director_audits_each_family_shown(store, agency, clock, index, two_families):
    director = store.as_user("director")
    hits = index.search(director, "lighthouse").hits
    assert {h.note_id for h in hits} == {n.id for n in two_families}
    assert searches_audited(store, "director") == [
        (agency.case, {"reach": "supervision", "case": agency.case}),
        (agency.other_case, {"reach": "supervision", "case": agency.other_case})]
    index.search(director, "lighthous")  # typing went on within the hour: no new rows
    assert len(searches_audited(store, "director")) == 2
    clock.advance(hours=1, minutes=1)
    index.search(director, "lighthouse")
    assert len(searches_audited(store, "director")) == 4


def test_a_family_not_shown_and_a_family_assigned_are_not_audited(store, agency, clock, index, two_families):
    index.search(store.as_user("director"), "school")  # only Nguyen's note says "school"
    assert [family for family, _ in searches_audited(store, "director")] == [agency.other_case]
    assert len(index.search(store.as_user("cw"), "lighthouse").hits) == 1
    assert searches_audited(store, "cw") == []  # cw is Rivera's Case Manager: an ordinary read
    index.search(store.as_user("director"), "nothing matches this")
    assert len(searches_audited(store, "director")) == 1


def test_family_search_and_agency_wide_search_share_the_hourly_row(store, agency, clock, index, two_families):
    supa = store.as_user("supa")  # supervises cw: reads Rivera through supervision, not Nguyen at all
    index.search(supa, "lighthouse", family=agency.case)
    assert [family for family, _ in searches_audited(store, "supa")] == [agency.case]
    assert [h.case_id for h in index.search(supa, "lighthouse").hits] == [agency.case]
    assert [family for family, _ in searches_audited(store, "supa")] == [agency.case]
