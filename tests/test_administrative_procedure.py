"""The administrative FSI -> FSS opening end to end, by keys (issue 16, item 4), as a state manual lays
it out: the intake worker opens the family (a mother and a child) with its FSI (source worker,
narrative, preventive only No, application date today, linked to the family's earlier closed case,
administrative) on the Intake screen; the FSI's Case Manager progresses it to an FSS-CWS with the same
persons and a Case Manager, App/Regs it with the mother as primary caretaker, assigns a Case Planner
(the roles keys), who logs a note there; the Case Manager closes it "Services no longer necessary".
The database is checked at each step, and the stage stays administrative and out of My deadlines,
Timeliness and the visit standards."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from tests.conftest import visit
from tests.keyboard import type_text
from tests.test_flows import open_app, press, settle
from tests.test_intake_app import _add_person
from tui.dialogs.app_reg import AppRegDialog
from tui.dialogs.close_stage import CloseStageDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.progress_stage import ProgressStageDialog
from tui.screens.case import CaseScreen
from tui.screens.intake import IntakeScreen

SIZE = (120, 40)
TODAY = date(2026, 3, 2)  # the agency fixture's clock (T0 + 2 h) in New York
PAID = "Services no longer necessary"


def _row(store, sql, **params):
    with store.read_engine.connect() as conn:
        return conn.execute(text(sql), params).one()


def _said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_administrative_fsi_to_fss_opening_end_to_end_by_keys(store, agency, clock, tmp_path):
    staffing = store.staffing()
    staffing.add_worker("intake", "Ida Intake", "Intake Worker", unit=1, supervisor="supa", functions=["INTAKE"])
    earlier = staffing.open_case("Delgado")  # the family's earlier case, served and closed
    lucia = staffing.add_person(earlier, "Lucia", "Delgado", "child", is_child=True)
    store.as_user("cw").close_stage(staffing.open_stage(earlier, "FSS", subtype="CWS", case_manager="cw",
                                                        person_ids=[lucia]), PAID)

    async def run():
        app = open_app(store, "intake", tmp_path)
        seen = {}
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            # 1. Intake: the family, its persons and its FSI's facts, linked to the earlier case.
            await press(pilot, ["ctrl+f"])
            assert isinstance(app.screen, IntakeScreen)
            await type_text(pilot, "Delgado")
            await _add_person(pilot, "Rosa", "5/1/1990", "fem", "mother")
            await _add_person(pilot, "Lucia", "7/9/2018", "fem", "child", child=True)
            screen = app.screen
            await press(pilot, ["tab", "tab", "tab", "tab"])  # the persons, the stage type, the Case Manager
            assert screen.focused.id == "source"
            await type_text(pilot, "Sam Supervisor")
            await press(pilot, ["tab"])
            await type_text(pilot, "Payment of the rent arrears authorised.")
            await press(pilot, ["tab", "tab", "space", "tab"])  # preventive only: No; administrative: yes
            assert screen.focused.id == "linked"
            await type_text(pilot, str(earlier))
            await settle(pilot)
            await press(pilot, ["tab", "enter"])  # the first earlier closed case found
            assert f"Linked to case {earlier}" in str(screen.query_one("#linked-read").render())
            await press(pilot, ["ctrl+s"])
            await press(pilot, ["enter"])  # "Open it"
            assert isinstance(app.screen, CaseScreen)
            case_id = app.screen.case_id
            seen["case"] = case_id
            seen["fsi"] = app.screen.stage_id
            # 2. g: the FSS-CWS with both persons and the FSI's Case Manager, asked, opened.
            await press(pilot, ["g"])
            assert isinstance(app.screen, ProgressStageDialog)
            await press(pilot, ["ctrl+s"])
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, ["y"])
            assert isinstance(app.screen, CaseScreen)
            seen["fss"] = app.screen.stage_id
            # 3. c: App/Reg with the mother (the first person) as primary caretaker.
            await press(pilot, ["c"])
            assert isinstance(app.screen, AppRegDialog)
            await press(pilot, ["enter", "y"])
            assert isinstance(app.screen, CaseScreen)
            # 4. r: a Case Planner, Vic Planner.
            await press(pilot, ["r", "a"])
            await type_text(pilot, "planner")
            await press(pilot, ["enter"])
            await type_text(pilot, "vic")
            await press(pilot, ["enter", "y", "escape"])
            assert isinstance(app.screen, CaseScreen)
            seen["said"] = _said(app)
        return seen

    seen = asyncio.run(run())
    case_id, fsi, fss = seen["case"], seen["fsi"], seen["fss"]
    desk = store.as_user("intake")
    facts = _row(store, "SELECT s.type, s.narrative, s.application_date, s.preventive_only, s.administrative, "
                        "s.linked_case_id, w.login AS source FROM stages s JOIN workers w ON w.id = s.source_worker_id "
                        "WHERE s.id = :s", s=fsi)
    assert (facts.type, facts.narrative, str(facts.application_date), bool(facts.preventive_only),
            bool(facts.administrative), facts.linked_case_id, facts.source) == (
        "FSI", "Payment of the rent arrears authorised.", str(TODAY), False, True, earlier, "supa")
    mother, child = [p.id for p in desk.case(case_id).persons]
    stage = desk.stage(fss)
    assert (stage.label, stage.parent_id, stage.administrative) == ("FSS-CWS", fsi, True)
    assert [p.id for p in stage.persons] == [mother, child]
    assert (stage.primary_caretaker_id, stage.app_reg_at) == (mother, clock.now())
    assert [(r.worker_login, r.role) for r in stage.roles] == [("intake", "Case Manager"), ("vaplanner", "Case Planner")]
    assert desk.stage(fsi).close_reason == "Progressed to another stage"

    # The planner logs a note there, late; then the Case Manager closes the stage by keys.
    clock.advance(days=5)
    note = store.as_user("vaplanner").add_note(
        fss, **visit(agency, clock, event_at=clock.now() - timedelta(hours=100), participants=[child]))

    async def close():
        app = open_app(store, "intake", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_case(case_id, fss)
            await settle(pilot)
            await press(pilot, ["x"])
            assert isinstance(app.screen, CloseStageDialog)
            await press(pilot, ["enter"])  # the first reason: Services no longer necessary
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, ["y"])
            return type(app.screen)

    assert asyncio.run(close()) is CaseScreen
    closed = desk.stage(fss)
    assert (closed.close_reason, closed.closed_at, closed.administrative) == (PAID, clock.now(), True)

    # The administrative stage is in none of the casework reports.
    assert note.id not in {o.note_id for o in store.as_user("vaplanner").my_deadlines()}
    assert note.id not in {o.note_id for o in store.as_user("supa").team_deadlines()}
    rows = {r.login: r for unit in store.as_user("supa").timeliness().units for r in unit.workers}
    assert "vaplanner" not in rows or rows["vaplanner"].notes_entered == 0
    assert case_id not in {c.case_id for c in store.as_user("supa").team_visit_standards()}
    with store.read_engine.connect() as conn:
        actions = [a for (a,) in conn.execute(text("SELECT action FROM audit_log WHERE case_id = :c ORDER BY id"),
                                              {"c": case_id})]
    for action in ("open case", "add person", "open stage", "progress stage", "app/reg", "assign role"):
        assert action in actions, action
    assert actions[-1] == "close stage"
