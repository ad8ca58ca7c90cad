"""The case screen's keys for a stage's people, pressed as the FSS's Case Manager (cw): assign a Case
Planner, hand the role over on a later day, end a person in the stage, record and end a placement,
each checked in the database; as a Case Worker (cw2) the keys say the store's sentence and change
nothing. Snapshots of each dialog at the project's size and at 80x24."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pendulum
import pytest
from sqlalchemy import text

from tests.stage_keeping import written
from tests.test_flows import open_app, press, settle
from tests.keyboard import type_text
from tui.dialogs.day import DayDialog, read_past_day
from tui.dialogs.pick import PickDialog
from tui.dialogs.placements import PlacementsDialog
from tui.dialogs.stage_people import PersonsDialog
from tui.dialogs.stage_roles import RolesDialog

SIZE, SMALL = (120, 40), (80, 24)
ZONE = "America/New_York"


def _rows(store, sql, **params):
    with store.write_engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _roles(store, stage_id, role):
    return _rows(store, "SELECT w.login, r.starts_at, r.ends_at FROM role_assignments r JOIN workers w ON "
                        "w.id = r.worker_id WHERE r.stage_id = :s AND r.role = :r ORDER BY r.id", s=stage_id, r=role)


def _said(app):
    return [n.message for n in app._notifications]


def _today(store):
    return pendulum.instance(store.clock.now()).in_timezone(ZONE).date()


async def _open_stage(app, pilot, agency):
    await settle(pilot)
    app.open_case(agency.case, agency.fss)
    await settle(pilot)


def test_the_case_manager_assigns_a_case_planner_by_keys(store, agency, tmp_path):
    store.staffing().end_role(agency.fss, "vaplanner", "Case Planner")

    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_stage(app, pilot, agency)
            await press(pilot, ["r"])
            shown = type(app.screen)
            await press(pilot, ["a"])
            picking_role = type(app.screen)
            await type_text(pilot, "planner")
            await press(pilot, ["enter"])
            await type_text(pilot, "cole")
            await press(pilot, ["enter"])
            await press(pilot, ["y"])
            return shown, picking_role, type(app.screen), _said(app)

    shown, picking_role, after, said = asyncio.run(run())
    assert (shown, picking_role, after) == (RolesDialog, PickDialog, RolesDialog)
    assert "Cole Worker assigned as Case Planner" in said
    [(_, _, ends)] = [r for r in _roles(store, agency.fss, "Case Planner") if r[0] == "cw2"]
    assert ends is None


def test_the_case_manager_hands_the_planner_role_over_on_a_later_day(store, agency, tmp_path):
    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_stage(app, pilot, agency)
            await press(pilot, ["r", "down", "n"])  # the Case Planner's row, under the Case Manager's
            await type_text(pilot, "cole")
            await press(pilot, ["enter"])
            asked = type(app.screen)
            await press(pilot, ["backspace"] * 5)
            await type_text(pilot, "+3d")
            await press(pilot, ["enter", "y"])
            return asked, _said(app)

    asked, said = asyncio.run(run())
    assert asked is DayDialog and "Case Planner handed to Cole Worker" in said
    day = _today(store) + timedelta(days=3)
    midnight = pendulum.datetime(day.year, day.month, day.day, tz=ZONE)
    (old_login, _, old_ends), (new_login, _, new_ends) = _roles(store, agency.fss, "Case Planner")
    assert (old_login, old_ends is not None, new_login, new_ends) == ("vaplanner", True, "cw2", None)
    roles = store.as_user("cw").roles_in_stage(agency.fss)
    [old] = [r for r in roles.current if r.role == "Case Planner"]
    [new] = roles.coming
    assert old.ends_at == new.starts_at == midnight


def test_the_case_manager_ends_a_person_in_the_stage_by_keys(store, agency, tmp_path):
    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_stage(app, pilot, agency)
            await press(pilot, ["o", "down", "down", "e"])  # Jay, Mia, Ana
            asked = app.screen.query_one("#question").render()
            await press(pilot, ["y"])
            return str(asked), _said(app)

    asked, said = asyncio.run(run())
    assert "Ana Rivera stays in the notes" in asked and "Ana Rivera ended in the stage" in said
    [(ended,)] = _rows(store, "SELECT ended_at FROM stage_persons WHERE stage_id = :s AND person_id = :p",
                       s=agency.fss, p=agency.ana)
    assert ended is not None


def test_the_case_manager_records_and_ends_a_placement_by_keys(store, agency, tmp_path):
    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_stage(app, pilot, agency)
            await press(pilot, ["l", "a", "1"])  # the stage's first child: Jay
            await press(pilot, ["backspace"] * 5)
            await type_text(pilot, "2d")
            await press(pilot, ["enter"])
            await type_text(pilot, "court")
            await press(pilot, ["enter"])
            await type_text(pilot, "kinship")
            await press(pilot, ["enter", "y"])
            recorded = _rows(store, "SELECT person_id, starts_on, setting, ends_on, basis FROM placements")
            await press(pilot, ["e", "enter", "y"])  # the open placement, its last day today
            await press(pilot, ["s", "y"])  # services beyond visitation to a parent: now provided
            return recorded, _said(app)

    recorded, said = asyncio.run(run())
    today = _today(store)
    assert [(p, str(s), setting, e, b) for p, s, setting, e, b in recorded] == [
        (agency.jay, str(today - timedelta(days=2)), "Kinship home", None, "court order")]
    assert [str(e) for *_, e in _rows(store, "SELECT id, ends_on FROM placements")] == [str(today)]
    assert "Placement of Jay Rivera recorded" in said and "Placement of Jay Rivera ended" in said
    assert "Services to a parent recorded" in said
    assert _rows(store, "SELECT parent_services FROM stages WHERE id = :s", s=agency.fss) == [(True,)]


def test_a_child_committed_at_home_and_a_basis_recorded_later_by_keys(store, agency, tmp_path):
    store.staffing().place_child(agency.fss, agency.mia, _today(store) - timedelta(days=5))  # no basis
    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_stage(app, pilot, agency)
            await press(pilot, ["l", "b"])  # the highlighted (only) placement: Mia's
            await type_text(pilot, "agreement")
            await press(pilot, ["enter", "y"])
            await press(pilot, ["a", "1", "enter"])  # Jay from today
            await type_text(pilot, "committed")
            await press(pilot, ["enter", "y"])  # no setting asked: his own home
            return _said(app)

    said = asyncio.run(run())
    assert "Legal basis of Mia Rivera's placement recorded" in said
    assert sorted(_rows(store, "SELECT person_id, setting, basis FROM placements")) == sorted([
        (agency.mia, "Foster home", "voluntary placement agreement"),
        (agency.jay, "Own home", "committed to the agency at home")])


@pytest.mark.parametrize(("key", "dialog"), [("o", PersonsDialog), ("r", RolesDialog), ("l", PlacementsDialog)])
def test_a_case_worker_sees_the_list_and_the_stores_sentence(store, agency, tmp_path, key, dialog):
    before = written(store)

    async def run():
        app = open_app(store, "cw2", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_stage(app, pilot, agency)
            await press(pilot, [key])
            shown = type(app.screen)
            await press(pilot, ["a"])
            still, said = type(app.screen), _said(app)
            await press(pilot, ["e"])
            return shown, still, type(app.screen), said

    shown, still, after_end, said = asyncio.run(run())
    assert shown is dialog and still is dialog and after_end is dialog  # nothing opened to be refused later
    assert any("Only the FSS-CWS stage's Case Manager or Case Planner" in s for s in said)
    assert written(store) == before


def test_a_day_gone_is_read_back_from_today():
    today = pendulum.date(2026, 1, 10)
    assert read_past_day("12/30", today) == pendulum.date(2025, 12, 30)
    assert read_past_day("3d", today) == pendulum.date(2026, 1, 7)
    assert read_past_day("yesterday", today) == pendulum.date(2026, 1, 9)
    with pytest.raises(ValueError, match="not a date"):
        read_past_day("soon", today)


def test_help_and_the_palette_list_the_stage_people_keys(store, agency, tmp_path):
    from tui.palette import CasenotesCommands
    from tui.screens.help import HelpScreen

    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_stage(app, pilot, agency)
            palette = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            helped = HelpScreen(app.screen)._keys()
            return palette, list(zip(helped.columns[0]._cells, helped.columns[1]._cells, strict=True))

    palette, help_rows = asyncio.run(run())
    assert {"Persons of the stage", "Roles in the stage", "Placements in the stage"} <= set(palette)
    assert {("o", "Persons of the stage"), ("r", "Roles in the stage"), ("l", "Placements in the stage")} <= set(
        help_rows)


def test_the_case_planner_adds_a_person_of_the_family_by_keys(store, agency, tmp_path):
    aunt = store.staffing().add_person(agency.case, "Rosa", "Rivera", "aunt/uncle")

    async def run():
        app = open_app(store, "vaplanner", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_stage(app, pilot, agency)
            await press(pilot, ["o", "a"])
            await type_text(pilot, "rosa")
            await press(pilot, ["enter"])
            return _said(app)

    said = asyncio.run(run())
    assert "Rosa Rivera added to the stage" in said
    [(ended,)] = _rows(store, "SELECT ended_at FROM stage_persons WHERE stage_id = :s AND person_id = :p",
                       s=agency.fss, p=aunt)
    assert ended is None


@pytest.mark.parametrize("key", ["o", "r", "l"])
def test_leaving_a_dialog_while_it_reads_is_harmless(store, agency, tmp_path, key):
    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await _open_stage(app, pilot, agency)
            await pilot.press(key, "escape")  # its read still on its way
            await settle(pilot)
            return app.is_running, type(app.screen).__name__, _said(app)

    running, shown, said = asyncio.run(run())
    assert running and shown == "CaseScreen" and said == []
    assert not (tmp_path / "casenotes.log").exists()
