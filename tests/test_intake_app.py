"""The Intake screen by keyboard (issue 16): the demo's intake worker opens a new family with a mother
and a child and its Family Services Intake, and the database holds exactly that; a caseworker
pressing the key is told the store's reason. Snapshots of the screen, empty and filled, and of its
dialogs, at the project's size and at 80x24."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from tests.keyboard import type_text
from tests.test_flows import first_caseworker, open_app, press, settle
from tui.dialogs.intake_person import PersonDialog, read_birth_date
from tui.screens.case import CaseScreen
from tui.screens.intake import IntakeScreen

SIZE, SMALL = (120, 40), (80, 24)


def intake_worker(store) -> str:
    """The demo's worker with the INTAKE function."""
    return next(w.login for w in store.staff() if "INTAKE" in w.functions)


def _rows(store, sql, **params):
    with store.read_engine.connect() as conn:
        return conn.execute(text(sql), params).all()


async def _add_person(pilot, first, born, sex, relationship, *, child=False, caretaker=False):
    """ctrl+n, then the dialog's fields by keys (the last name is the family's, kept)."""
    await press(pilot, ["ctrl+n"])
    assert isinstance(pilot.app.screen, PersonDialog)
    await type_text(pilot, first)
    await press(pilot, ["enter", "enter"])  # past the last name, to the birth date
    await type_text(pilot, born)
    await press(pilot, ["enter"])
    await type_text(pilot, sex)
    await press(pilot, ["enter"])
    await type_text(pilot, relationship)
    await press(pilot, ["enter"])  # to "A child"
    if child:
        await press(pilot, ["space"])
    await press(pilot, ["enter"])  # to "primary caretaker"
    if caretaker:
        await press(pilot, ["space"])
    await press(pilot, ["ctrl+s"])
    assert isinstance(pilot.app.screen, IntakeScreen)


async def _fill(pilot):
    """The family, a mother (primary caretaker) and a child, and the FSI's facts."""
    await type_text(pilot, "Quintero")
    await _add_person(pilot, "Marisol", "4/12/1991", "fem", "mother", caretaker=True)
    await _add_person(pilot, "Tomas", "9/3/2017", "male", "child", child=True)
    screen = pilot.app.screen
    assert screen.focused.id == "family"  # back where the person was added from
    await press(pilot, ["tab", "tab", "tab", "tab"])  # the persons, the stage type, the Case Manager, the source
    assert screen.focused.id == "source"
    await type_text(pilot, screen.choices.source_workers[0].name)
    await press(pilot, ["tab"])
    assert screen.focused.id == "narrative"
    await type_text(pilot, "Mother asks for help with a security deposit; payment to be authorised.")
    await press(pilot, ["tab", "tab", "space"])  # past "Preventive only" (no), to "Administrative": yes


def test_intake_worker_opens_a_family_and_its_fsi_by_keys(demo_store, tmp_path):
    login = intake_worker(demo_store)
    before = _rows(demo_store, "SELECT max(id) FROM cases")[0][0]

    async def run():
        app = open_app(demo_store, login, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+f"])
            assert isinstance(app.screen, IntakeScreen)
            await _fill(pilot)
            source = app.screen.choices.source_workers[0].login
            await press(pilot, ["ctrl+s"])
            await press(pilot, ["enter"])  # "Open it"
            assert isinstance(app.screen, CaseScreen)
            return source

    import asyncio

    source = asyncio.run(run())
    cases = _rows(demo_store, "SELECT id, family_name FROM cases WHERE id > :b", b=before)
    assert [c[1] for c in cases] == ["Quintero"]
    case_id = cases[0][0]
    persons = _rows(demo_store, "SELECT id, first_name, last_name, relationship, sex, birth_date, is_child "
                                "FROM persons WHERE case_id = :c ORDER BY id", c=case_id)
    assert [(p[1], p[2], p[3], p[4], str(p[5]), bool(p[6])) for p in persons] == [
        ("Marisol", "Quintero", "mother", "Female", "1991-04-12", False),
        ("Tomas", "Quintero", "child", "Male", "2017-09-03", True)]
    stages = _rows(demo_store, "SELECT s.id, s.type, s.narrative, s.application_date, s.preventive_only, "
                               "s.administrative, s.linked_case_id, s.primary_caretaker_id, w.login "
                               "FROM stages s JOIN workers w ON w.id = s.source_worker_id WHERE s.case_id = :c",
                   c=case_id)
    assert len(stages) == 1
    stage = stages[0]
    assert stage[1] == "FSI" and stage[2].startswith("Mother asks for help")
    assert str(stage[3]) == str(date(2026, 11, 20)) and not stage[4] and stage[5] and stage[6] is None
    assert stage[7] == persons[0][0] and stage[8] == source
    roles = _rows(demo_store, "SELECT w.login, r.role FROM role_assignments r JOIN workers w ON w.id = r.worker_id "
                              "WHERE r.stage_id = :s", s=stage[0])
    assert roles == [(login, "Case Manager")]  # the intake worker, offered by default
    assert len(_rows(demo_store, "SELECT stage_id FROM stage_persons WHERE stage_id = :s", s=stage[0])) == 2
    details = [json.loads(d) if isinstance(d, str) else d for (d,) in _rows(
        demo_store, "SELECT detail FROM audit_log WHERE case_id = :c AND action = 'record intake'", c=case_id)]
    assert details[0]["after"]["administrative"] is True


def test_a_caseworker_pressing_the_key_is_told_why_not(demo_store, tmp_path):
    import asyncio

    async def run():
        app = open_app(demo_store, first_caseworker(demo_store), tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+f"])
            assert not isinstance(app.screen, IntakeScreen)
            from tui.palette import CasenotesCommands

            offered = [name for name, _, _ in CasenotesCommands(app.screen)._fixed()]
            return [n.message for n in app._notifications], offered

    said, offered = asyncio.run(run())
    assert "New family (intake)" in offered  # offered to all: the store says who may
    assert any("intake staff (the INTAKE function) or a supervisor" in m for m in said), said


def test_leaving_with_typed_work_asks_first(demo_store, tmp_path):
    import asyncio

    async def run():
        app = open_app(demo_store, intake_worker(demo_store), tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+f"])
            await type_text(pilot, "Quintero")
            await press(pilot, ["escape"])
            asked = type(app.screen).__name__
            await press(pilot, ["escape"])  # keep editing
            kept = isinstance(app.screen, IntakeScreen)
            await press(pilot, ["escape", "d"])
            return asked, kept, isinstance(app.screen, IntakeScreen)

    assert asyncio.run(run()) == ("ConfirmDialog", True, False)


def test_a_refused_family_stays_on_screen_with_the_stores_sentence(demo_store, tmp_path):
    import asyncio

    async def run():
        app = open_app(demo_store, intake_worker(demo_store), tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+f"])
            await type_text(pilot, "Quintero")
            await _add_person(pilot, "Marisol", "4/12/2091", "female", "mother")
            await press(pilot, ["ctrl+s", "enter"])
            return isinstance(app.screen, IntakeScreen), str(app.screen.query_one("#problem").render())

    still, problem = asyncio.run(run())
    assert still and "still to come" in problem, problem


@pytest.mark.parametrize(("typed", "day"), [("4/12/1991", date(1991, 4, 12)), ("2017-09-03", date(2017, 9, 3)),
                                            ("jul 9 2018", date(2018, 7, 9)), ("", None)])
def test_a_birth_date_is_read_as_typed(typed, day):
    assert read_birth_date(typed) == day


@pytest.mark.parametrize("typed", ["4/12", "soon", "13/45/2001"])
def test_a_birth_date_without_a_whole_date_is_said(typed):
    with pytest.raises(ValueError, match="—"):
        read_birth_date(typed)


# -- snapshots --------------------------------------------------------------------------------------

async def _open_intake(pilot):
    await settle(pilot)
    await press(pilot, ["ctrl+f"])


async def _filled(pilot):
    await _open_intake(pilot)
    await _fill(pilot)
    pilot.app.screen.query_one("#family").focus()
    await settle(pilot)


async def _person_dialog(pilot):
    await _open_intake(pilot)
    await type_text(pilot, "Quintero")
    await press(pilot, ["ctrl+n"])
    await type_text(pilot, "Marisol")
    await press(pilot, ["enter", "enter"])
    await type_text(pilot, "4/12/1991")
    await settle(pilot)


async def _confirm(pilot):
    await _filled(pilot)
    await press(pilot, ["ctrl+s"])


async def _leaving(pilot):
    await _open_intake(pilot)
    await type_text(pilot, "Quintero")
    await press(pilot, ["escape"])


SNAPSHOTS = {"empty": _open_intake, "filled": _filled, "person": _person_dialog, "confirm": _confirm,
             "leaving": _leaving}


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x40", "80x24"])
@pytest.mark.parametrize("name", sorted(SNAPSHOTS))
def test_intake_snapshot(snap_compare, demo_store, tmp_path, name, size):
    async def run_before(pilot):
        await SNAPSHOTS[name](pilot)
        for screen in pilot.app.screen_stack:  # the same picture however long it took: no blinking cursor
            for field in screen.query("Input, TextArea"):
                field.cursor_blink = False
        await settle(pilot)

    app = open_app(demo_store, intake_worker(demo_store), tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def _closed_family(store):
    """A demo family every stage of which is closed (one an FSI may link to)."""
    rows = _rows(store, "SELECT c.id, c.family_name FROM cases c WHERE EXISTS (SELECT 1 FROM stages s WHERE "
                        "s.case_id = c.id) AND NOT EXISTS (SELECT 1 FROM stages s WHERE s.case_id = c.id AND "
                        "s.closed_at IS NULL) ORDER BY c.id")
    return rows[0]


def test_an_fsi_is_linked_to_the_familys_earlier_closed_case_by_keys(demo_store, tmp_path):
    import asyncio

    earlier_id, earlier_name = _closed_family(demo_store)

    async def run():
        app = open_app(demo_store, intake_worker(demo_store), tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+f"])
            await _fill(pilot)
            screen = app.screen
            await press(pilot, ["tab"])  # from "Administrative" to the link box
            assert screen.focused.id == "linked"
            await type_text(pilot, str(earlier_id))
            await settle(pilot)
            await press(pilot, ["tab", "enter"])  # the first match
            linked = str(screen.query_one("#linked-read").render())
            await press(pilot, ["ctrl+s", "enter"])
            return linked

    linked = asyncio.run(run())
    assert f"Linked to case {earlier_id}" in linked and earlier_name in linked
    (stage,) = _rows(demo_store, "SELECT s.linked_case_id FROM stages s JOIN cases c ON c.id = s.case_id "
                                 "WHERE c.family_name = 'Quintero'")
    assert stage[0] == earlier_id


def test_an_int_is_chosen_by_keys_and_takes_no_fsi_facts(demo_store, tmp_path):
    import asyncio

    async def run():
        app = open_app(demo_store, intake_worker(demo_store), tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+f"])
            await type_text(pilot, "Quintero")
            await _add_person(pilot, "Tomas", "9/3/2017", "male", "child", child=True)
            await press(pilot, ["tab", "tab"])  # the persons, then the stage type
            assert app.screen.focused.id == "stage-type"
            await press(pilot, ["down", "enter"])  # INT
            hidden = app.screen.query_one("#fsi").display is False
            await press(pilot, ["ctrl+s", "enter"])
            return hidden

    assert asyncio.run(run())
    stages = _rows(demo_store, "SELECT s.type, s.narrative, s.source_worker_id, s.application_date FROM stages s "
                               "JOIN cases c ON c.id = s.case_id WHERE c.family_name = 'Quintero'")
    assert stages == [("INT", None, None, None)]
