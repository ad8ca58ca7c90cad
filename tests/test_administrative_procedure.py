"""The administrative FSI -> FSS opening end to end (issue 16, item 4), as a state manual lays it out:
the intake worker opens the family (an adult and a child) with its FSI (source worker, narrative,
preventive only No, application date today, linked to the family's earlier closed case,
administrative); the FSI's Case Manager progresses it by keys to an FSS-CWS with the same persons and
a Case Manager; App/Reg names the primary caretaker; a Case Planner is assigned and writes a note;
the stage closes "Services no longer necessary". The database is checked at each step, and the stage
stays administrative and out of My deadlines, Timeliness and the visit standards.

Intake goes through the desk (``open_family``, what the Intake screen calls): that screen is not on
main as this test is written."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from store.core.intake_forms import IntakeStage, NewPerson
from tests.conftest import visit
from tests.keyboard import type_text
from tests.test_flows import open_app, press, settle
from tui.dialogs.app_reg import AppRegDialog
from tui.dialogs.close_stage import CloseStageDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.progress_stage import ProgressStageDialog
from tui.screens.case import CaseScreen

SIZE = (120, 40)
TODAY = date(2026, 3, 2)  # the agency fixture's clock (T0 + 2 h) in New York
PAID = "Services no longer necessary"


def _row(store, sql, **params):
    with store.read_engine.connect() as conn:
        return conn.execute(text(sql), params).one()


def _stage(store, stage_id):
    return _row(store, "SELECT type, subtype, parent_id, administrative, closed_at, close_reason, source_worker_id, "
                       "narrative, application_date, preventive_only, linked_case_id, primary_caretaker_id, "
                       "app_reg_at FROM stages WHERE id = :s", s=stage_id)


def _login_of(store, worker_id):
    return _row(store, "SELECT login FROM workers WHERE id = :w", w=worker_id).login


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_administrative_fsi_to_fss_opening_end_to_end(store, agency, clock, tmp_path):
    staffing = store.staffing()
    staffing.add_worker("intake", "Ida Intake", "Intake Worker", supervisor="supa", functions=["INTAKE"])
    # The family had a case before: opened, served, closed.
    earlier = staffing.open_case("Delgado")
    before = staffing.add_person(earlier, "Lucia", "Delgado", "child", is_child=True)
    old = staffing.open_stage(earlier, "FSS", subtype="CWS", case_manager="cw", person_ids=[before])
    store.as_user("cw").close_stage(old, PAID)

    # 1. Intake (the store: the Intake screen is not on main yet).
    opened = store.as_user("intake").open_family(
        "Delgado", [NewPerson("Rosa", "Delgado", "mother", "Female", date(1990, 5, 1)),
                    NewPerson("Lucia", "Delgado", "child", "Female", date(2018, 7, 9), is_child=True)],
        IntakeStage("FSI", "cw", source_worker="supa", narrative="Payment of the rent arrears authorised.",
                    preventive_only=False, administrative=True, linked_case_id=earlier))
    mother, child = opened.person_ids
    fsi = _stage(store, opened.stage_id)
    assert (fsi.type, fsi.administrative, fsi.preventive_only, fsi.linked_case_id) == ("FSI", True, False, earlier)
    assert (_login_of(store, fsi.source_worker_id), fsi.narrative, fsi.application_date) == (
        "supa", "Payment of the rent arrears authorised.", str(TODAY))  # raw SQLite: ISO text

    async def by_keys(login, stage_id, steps):
        app = open_app(store, login, tmp_path)
        seen = []
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_case(opened.case_id, stage_id)
            await settle(pilot)
            for keys in steps:  # a list of keys, or a text typed in one step
                if isinstance(keys, str):
                    await type_text(pilot, keys)
                    await settle(pilot)
                else:
                    await press(pilot, keys)
                seen.append(type(app.screen))
            shown = app.screen.stage_id if isinstance(app.screen, CaseScreen) else None
        return seen, shown

    # 2. g: the FSI's Case Manager opens the FSS-CWS (the first FSS type) with both persons, Case
    # Manager Cara Worker (the dialog's first choice), and confirms.
    seen, fss_id = asyncio.run(by_keys("cw", opened.stage_id, [["g"], ["ctrl+s"], ["y"]]))
    assert seen == [ProgressStageDialog, ConfirmDialog, CaseScreen]
    fss = _stage(store, fss_id)
    assert (fss.type, fss.subtype, fss.parent_id, fss.administrative) == ("FSS", "CWS", opened.stage_id, True)
    view = store.as_user("cw").stage(fss_id)
    assert [p.id for p in view.persons] == [mother, child]
    assert [(r.worker_login, r.role) for r in view.roles] == [("cw", "Case Manager")]
    assert _stage(store, opened.stage_id).close_reason == "Progressed to another stage"

    # 3. c: App/Reg with the mother as primary caretaker (the first person), confirmed.
    seen, _ = asyncio.run(by_keys("cw", fss_id, [["c"], ["enter"], ["y"]]))
    assert seen == [AppRegDialog, ConfirmDialog, CaseScreen]
    registered = store.as_user("cw").stage(fss_id)
    assert (registered.primary_caretaker_id, registered.app_reg_at) == (mother, clock.now())

    # 4. r, a: the Case Manager assigns a Case Planner, Vic Planner (the roles keys), who logs a note
    # there, late.
    seen, _ = asyncio.run(by_keys("cw", fss_id, [["r", "a"], "planner", ["enter"], "vic", ["enter", "y"],
                                                 ["escape"]]))
    assert seen[-1] is CaseScreen
    planners = [(r.worker_login, r.role) for r in store.as_user("cw").stage(fss_id).roles if r.role == "Case Planner"]
    assert planners == [("vaplanner", "Case Planner")]
    clock.advance(days=5)
    note = store.as_user("vaplanner").add_note(
        fss_id, **visit(agency, clock, event_at=clock.now() - timedelta(hours=100), participants=[child]))

    # 5. x: the Case Manager closes it "Services no longer necessary" (the first reason), confirmed.
    seen, _ = asyncio.run(by_keys("cw", fss_id, [["x"], ["enter"], ["y"]]))
    assert seen == [CloseStageDialog, ConfirmDialog, CaseScreen]
    closed = store.as_user("cw").stage(fss_id)
    assert (closed.close_reason, closed.closed_at, closed.administrative) == (PAID, clock.now(), True)

    # The administrative stage is in none of the casework reports.
    planner = store.as_user("vaplanner")
    assert note.id not in {o.note_id for o in planner.my_deadlines()}
    assert note.id not in {o.note_id for o in store.as_user("supa").team_deadlines()}
    rows = {r.login: r for unit in store.as_user("supa").timeliness().units for r in unit.workers}
    assert "vaplanner" not in rows or rows["vaplanner"].notes_entered == 0
    assert opened.case_id not in {c.case_id for c in store.as_user("supa").team_visit_standards()}
    # Each step is in the family's activity history.
    with store.read_engine.connect() as conn:
        actions = [a for (a,) in conn.execute(text("SELECT action FROM audit_log WHERE case_id = :c ORDER BY id"),
                                              {"c": opened.case_id})]
    for action in ("open case", "add person", "open stage", "progress stage", "close stage", "app/reg",
                   "assign role"):
        assert action in actions, action
    assert actions[-1] == "close stage"
