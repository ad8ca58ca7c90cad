"""Notes cover the plan, in the app (issue 19), on the test agency with Jay's plan and the family's
approved 40 days ago (every element flagged): the caseworker writes a note with Jay present, ticks two
plan elements in the editor's pick list by keys, sends it, and C on the case screen shows those two
covered (database and screen asserted); the new screens as snapshots at 120x40 and 80x24."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from textual.widgets import DataTable, SelectionList, Static

from tests.conftest import visit
from tests.keyboard import type_text
from tests.settling import home_shown, open_case, until
from tests.test_flows import open_app, settle
from tests.test_plan_coverage import approved_family_plan
from tests.test_plans import approved_child_plan
from tui.screens.note import NoteScreen
from tui.screens.note_editor import NoteEditorScreen
from tui.screens.plan_coverage import PlanCoverageScreen
from tui.screens.unit_coverage import UnitCoverageScreen
from tui.widgets.plan_elements_picklist import PlanElementsPicklist

SIZES = {"120x40": (120, 40), "80x24": (80, 24)}
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def plans(store, agency, clock):
    """Jay's plan and the family's, approved; then 40 days pass with no note about them."""
    child_plan, family_plan = approved_child_plan(store, agency), approved_family_plan(store, agency)
    clock.advance(days=40)
    return child_plan, family_plan


def note_elements(store, note_id: int) -> set[tuple[int, str]]:
    with store.read_engine.connect() as conn:
        return {tuple(r) for r in conn.execute(text(
            "SELECT plan_id, section_key FROM note_plan_elements WHERE note_id = :n"), {"n": note_id})}


def latest_note(store) -> tuple[int, str]:
    with store.read_engine.connect() as conn:
        return tuple(conn.execute(text("SELECT id, status FROM notes ORDER BY id DESC LIMIT 1")).one())


async def coverage_shown(pilot) -> PlanCoverageScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, PlanCoverageScreen) and pilot.app.screen.coverages
                and pilot.app.screen.query_one(DataTable).row_count > 0, "the plan coverage")
    return pilot.app.screen


async def offered(pilot) -> PlanElementsPicklist:
    picklist = pilot.app.screen.query_one(PlanElementsPicklist)
    await until(pilot, lambda: len(picklist.choices) > 0, "the plan elements offered")
    return picklist


@sqlite_only
def test_a_note_tagged_with_two_elements_by_keys_covers_them(store, agency, plans, tmp_path):
    child_plan, family_plan = plans

    async def run():
        app = open_app(store, "cw", tmp_path)
        async with app.run_test(size=SIZES["120x40"]) as pilot:
            await open_case(pilot, agency.case, agency.fss)
            await pilot.press("ctrl+n")
            await until(pilot, lambda: isinstance(app.screen, NoteEditorScreen) and app.screen.ready, "the editor")
            editor = app.screen
            await type_text(pilot, "-1h")
            await pilot.press("tab")
            await type_text(pilot, "cw child")
            await pilot.press("enter")
            await settle(pilot)
            assert agency.jay in editor.query_one("#participants", SelectionList).selected  # the visit's default
            picklist = await offered(pilot)
            assert "Jay Rivera: Education" in picklist.choices and "Family: Safety and risk" in picklist.choices
            picklist.query_one(SelectionList).focus()
            await pilot.press("4")  # the family's fourth section: Safety and risk
            await type_text(pilot, "education")
            await pilot.press("enter")  # the best match for the letters: Jay's Education
            await settle(pilot)
            assert picklist.elements == sorted([[family_plan.id, "safety"], [child_plan.id, "education"]])
            editor.query_one("#narrative").focus()
            await type_text(pilot, "Jay talked about school and the safety plan.")
            await pilot.press("ctrl+r")
            await until(pilot, lambda: not isinstance(app.screen, NoteEditorScreen), "the note sent")
            note_id, status = latest_note(store)
            assert status == "submitted"
            assert note_elements(store, note_id) == {(child_plan.id, "education"), (family_plan.id, "safety")}

            await pilot.press("C")
            screen = await coverage_shown(pilot)
            table = screen.query_one(DataTable)
            for key in ("child:education", "family:safety"):
                row = [str(cell).strip() for cell in table.get_row(key)]
                assert row[2:] == ["04/11/2026", "Cara Worker", "0", "covered"]  # 40 days after T0
            assert [str(c).strip() for c in table.get_row("child:physical_health")][-1] == "FLAGGED"
            coverage = store.as_user("cw").plan_coverage(agency.jay)
            assert {e.section_key for e in coverage.elements if not e.flagged} == {"education", "safety"}
            assert {e.last_note_id for e in coverage.elements if not e.flagged} == {note_id}
    asyncio.run(run())


@sqlite_only
@pytest.mark.parametrize("size", SIZES)
def test_plan_coverage_snapshot(snap_compare, store, agency, clock, plans, tmp_path, size):
    child_plan, family_plan = plans
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.set_note_plan_elements(note.id, [(child_plan.id, "education"), (family_plan.id, "safety")])
    cw.submit(note.id)
    app = open_app(store, "cw", tmp_path)

    async def run_before(pilot):
        await open_case(pilot, agency.case, agency.fss)
        await pilot.press("C")
        await coverage_shown(pilot)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@sqlite_only
@pytest.mark.parametrize("size", SIZES)
def test_unit_coverage_snapshot(snap_compare, store, agency, clock, plans, tmp_path, size):
    child_plan, _ = plans
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.set_note_plan_elements(note.id, [(child_plan.id, "education")])
    cw.submit(note.id)
    app = open_app(store, "supa", tmp_path)

    async def run_before(pilot):
        await home_shown(pilot)
        pilot.app.action_unit_coverage()
        await until(pilot, lambda: isinstance(pilot.app.screen, UnitCoverageScreen) and pilot.app.screen.rows,
                    "the unit coverage")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@sqlite_only
@pytest.mark.parametrize("size", SIZES)
def test_editor_plan_elements_snapshot(snap_compare, store, agency, plans, tmp_path, size):
    app = open_app(store, "cw", tmp_path)

    async def run_before(pilot):
        await open_case(pilot, agency.case, agency.fss)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(pilot.app.screen, NoteEditorScreen) and pilot.app.screen.ready,
                    "the editor")
        await type_text(pilot, "-1h")
        await pilot.press("tab")
        await type_text(pilot, "cw child")
        await pilot.press("enter")
        picklist = await offered(pilot)
        picklist.query_one(SelectionList).focus()
        await pilot.press("4")
        pilot.app.clear_notifications()
        await settle(pilot)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@sqlite_only
def test_the_supervisor_goes_from_the_unit_to_the_child_to_the_note_that_discussed_an_element(
        store, agency, clock, plans, tmp_path):
    child_plan, _ = plans
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock))
    cw.set_note_plan_elements(note.id, [(child_plan.id, "education")])
    cw.submit(note.id)

    async def run():
        app = open_app(store, "supa", tmp_path)
        async with app.run_test(size=SIZES["120x40"]) as pilot:
            await home_shown(pilot)
            app.action_unit_coverage()
            await until(pilot, lambda: isinstance(app.screen, UnitCoverageScreen) and app.screen.rows, "the unit")
            assert [(r.coverage.child_name, r.coverage.covered) for r in app.screen.rows] == [("Jay Rivera", 1)]
            await pilot.press("enter")
            screen = await coverage_shown(pilot)
            assert screen.child_id == agency.jay
            screen.query_one(DataTable).move_cursor(row=screen.query_one(DataTable).get_row_index("child:education"))
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, NoteScreen) and app.screen.history is not None,
                        "the note")
            shown = str(app.screen.query_one("#plan-elements", Static).render())
            assert "Plan elements discussed" in shown and "Jay Rivera: Education" in shown
    asyncio.run(run())
