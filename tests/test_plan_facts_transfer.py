"""The plan facts of migration 0016 in ``casenotes import`` / ``export``: a placement's legal basis
(placements.csv ``basis``: given with the placement or once later, never changed) and a stage's services
beyond visitation to a parent (stages.csv ``parent_services``), round-tripping and refused as the store
refuses them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from store.rules.plan_need import COURT_ORDER, VPA
from store.transfer import export_folder, import_folder
from tests.test_import_export import fresh  # noqa: F401 (a fixture)
from tests.test_import_export import rows_in

OPENED = date(2026, 3, 2)


def column_values(store, sql: str) -> list[tuple]:
    with store.write_engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_the_basis_and_the_services_round_trip(store, agency, fresh, tmp_path):  # noqa: F811
    cw = store.as_user("cw")
    cw.place_child(agency.fss, agency.jay, OPENED, basis=COURT_ORDER)
    cw.place_child(agency.fss, agency.mia, OPENED)  # no basis yet
    cw.set_parent_services(agency.fss, True)
    export_folder(store, tmp_path / "one")
    report = import_folder(fresh, tmp_path / "one", apply=True)
    assert report.problems == [] and report.applied
    assert sorted(column_values(fresh, "SELECT setting, basis FROM placements"), key=str) == [
        ("Foster home", COURT_ORDER), ("Foster home", None)]
    assert column_values(fresh, "SELECT type FROM stages WHERE parent_services") == [("FSS",)]
    export_folder(fresh, tmp_path / "two")
    assert (tmp_path / "two" / "placements.csv").read_text() == (tmp_path / "one" / "placements.csv").read_text()

    # A basis given later is written once; a change of basis, or services in a closed stage, are refused.
    placements = tmp_path / "one" / "placements.csv"
    placements.write_text(placements.read_text().replace(",Foster home,\n", f",Foster home,{VPA}\n"))
    stages = tmp_path / "one" / "stages.csv"
    stages.write_text(stages.read_text().replace(",yes\n", ",no\n"))
    report = import_folder(fresh, tmp_path / "one", apply=True)
    assert report.problems == [] and report.counts["placements.csv"]["changed"] == 1
    assert report.counts["stages.csv"]["changed"] == 1
    assert sorted(column_values(fresh, "SELECT basis FROM placements")) == [(COURT_ORDER,), (VPA,)]
    assert column_values(fresh, "SELECT count(*) FROM stages WHERE parent_services") == [(0,)]
    placements.write_text(placements.read_text().replace(f",{COURT_ORDER}\n", ",voluntarily placed\n"))
    before = rows_in(fresh)
    report = import_folder(fresh, tmp_path / "one", apply=True)
    assert [str(p) for p in report.problems] == [
        "placements.csv, line 2: the basis of placement L1 cannot be changed by an import (casenotes has court "
        "order, the file says voluntarily placed)."]
    assert rows_in(fresh) == before


def test_a_basis_outside_the_rules_and_services_outside_an_fss_are_refused(store, agency, fresh, tmp_path):  # noqa: F811
    store.as_user("cw").place_child(agency.fss, agency.jay, OPENED)
    export_folder(store, tmp_path / "one")
    placements = tmp_path / "one" / "placements.csv"
    placements.write_text(placements.read_text().replace(",Foster home,\n", ",Foster home,a handshake\n"))
    stages = tmp_path / "one" / "stages.csv"
    lines = stages.read_text().splitlines()
    lines[1] = lines[1][: -len(",no")] + ",yes"  # the INT stage
    stages.write_text("\n".join(lines) + "\n")
    report = import_folder(fresh, tmp_path / "one", apply=True)
    said = [str(p) for p in report.problems]
    assert any(s.startswith("placements.csv, line 2:") and "legal basis is one of" in s for s in said), said
    assert "stages.csv, line 2: services to a parent are recorded in an FSS or CCR stage, not in this INT stage." in said
    assert not report.applied
