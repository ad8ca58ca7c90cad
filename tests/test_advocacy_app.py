"""Advocates' access in the app (issue 18, A): the representative's Advocates screen, the advocate's
request for access with the court's letter, the caseworker's decision from the case screen and from
the inbox; keys in, the database checked (demo agency, frozen clock); snapshots of each."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import text

from tests.keyboard import type_text
from tests.test_flows import first_caseworker, open_app, press, settle
from tui.dialogs.decide_request import DecideRequestDialog
from tui.dialogs.request_access import RequestAccessDialog
from tui.screens.advocate_home import AdvocateHomeScreen
from tui.screens.advocates import AdvocatesScreen

SIZE = (120, 40)
LETTER = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _representative(store) -> str:
    return next(w.login for w in store.staff() if "ADVOCATE ACCESS" in w.functions)


def _with_new_advocate(store, approve: bool = False) -> None:
    """The demo's ncole, who asked for an account the day before its story ends (demo/agency.py)."""
    assert _account(store, "ncole") == ("requested", False)
    if approve:
        store.as_user(_representative(store)).approve_advocate("ncole")


def _a_childs_case(store) -> tuple[int, int, str]:
    """A child of the first caseworker's first family: (child id, case id, the caseworker's login)."""
    worker = first_caseworker(store)
    desk = store.as_user(worker)
    for row in desk.caseload():
        case = desk.case(row.case_id)
        children = [p for p in case.persons if p.is_child]
        if children:
            return children[0].id, case.id, worker
    raise AssertionError("no family with a child")


def _file_request(store) -> tuple[int, int, str]:
    child, case_id, worker = _a_childs_case(store)
    request = store.as_user("ncole").file_access_request(
        child, court="Family Court, Kings County", cause_number="NN-01234-26", appointed_on=date(2026, 11, 2),
        ends_on=None, letter_name="letter.pdf", letter_content=LETTER)
    return request.id, case_id, worker


def _account(store, login):
    with store.read_engine.connect() as conn:
        return conn.execute(text("SELECT a.status, w.active FROM advocate_accounts a JOIN workers w "
                                 "ON w.id = a.worker_id WHERE w.login = :l"), {"l": login}).one()


def _appointments(store):
    with store.read_engine.connect() as conn:
        return conn.execute(text("SELECT a.person_id, a.status, a.active, a.court, a.cause_number FROM "
                                 "advocate_appointments a JOIN workers w ON w.id = a.worker_id "
                                 "WHERE w.login = 'ncole'")).all()


def test_the_representative_approves_then_terminates_an_advocate(demo_store, tmp_path):
    _with_new_advocate(demo_store)

    async def run():
        app = open_app(demo_store, _representative(demo_store), tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            seen = [type(app.screen)]
            await press(pilot, ["a"])  # the requested account is listed first
            seen.append(_account(demo_store, "ncole"))
            await press(pilot, ["t"])
            await type_text(pilot, "Left the programme.")
            await press(pilot, ["enter"])
            seen.append(_account(demo_store, "ncole"))
            return seen

    screen, approved, terminated = asyncio.run(run())
    assert screen is AdvocatesScreen
    assert tuple(approved) == ("approved", True)
    assert tuple(terminated) == ("terminated", False)


def test_the_representative_files_a_new_account(demo_store, tmp_path):
    async def run():
        app = open_app(demo_store, _representative(demo_store), tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["n"])
            for value in ("odell", "Otis Dell"):
                await type_text(pilot, value)
                await press(pilot, ["enter"])
            await press(pilot, ["ctrl+s"])

    asyncio.run(run())
    assert tuple(_account(demo_store, "odell")) == ("requested", False)


def test_the_advocate_files_a_request_with_the_letter(demo_store, tmp_path):
    _with_new_advocate(demo_store, approve=True)
    child, _case, _worker = _a_childs_case(demo_store)
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(LETTER)

    async def run():
        app = open_app(demo_store, "ncole", tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            seen = [type(app.screen)]
            await press(pilot, ["r"])
            dialog = app.screen
            seen.append(type(dialog))
            dialog.letter = letter  # the file picker's choice (its own tests drive it by keys)
            for value in (str(child), "Family Court, Kings County", "NN-01234-26", "11/02/2026"):
                await type_text(pilot, value)
                await press(pilot, ["enter"])
            await press(pilot, ["ctrl+s"])
            seen.append(type(app.screen))
            return seen

    seen = asyncio.run(run())
    assert seen == [AdvocateHomeScreen, RequestAccessDialog, AdvocateHomeScreen]
    assert _appointments(demo_store) == [(child, "requested", False, "Family Court, Kings County", "NN-01234-26")]


def test_the_caseworker_approves_from_the_case_screen(demo_store, tmp_path):
    _with_new_advocate(demo_store, approve=True)
    _request_id, case_id, worker = _file_request(demo_store)

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_case(case_id)
            await settle(pilot)
            waiting = app.screen.query_one("#requests-waiting")
            seen_waiting = (waiting.display, str(waiting.render()))
            await press(pilot, ["i"])
            await press(pilot, ["1"])  # the request waiting, listed first
            seen = [type(app.screen)]
            await type_text(pilot, "Letter matches the order on file.")
            await press(pilot, ["ctrl+s"])
            gone = app.screen.query_one("#requests-waiting").display
            return seen, seen_waiting, gone

    seen, waiting, gone = asyncio.run(run())
    assert seen == [DecideRequestDialog]
    assert waiting == (True, "1 advocate request for access waits for your decision: i") and gone is False
    [(_child, status, active, *_rest)] = _appointments(demo_store)
    assert (status, active) == ("approved", True)
    assert [c.name for c in demo_store.as_user("ncole").advocate_children()]


def test_the_inbox_opens_the_request_to_decide(demo_store, tmp_path):
    _with_new_advocate(demo_store, approve=True)
    request_id, _case, worker = _file_request(demo_store)

    async def run():
        app = open_app(demo_store, worker, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            [told] = [n for n in demo_store.as_user(worker).inbox() if n.kind == "access request"]
            app.open_notified(told)
            await settle(pilot)
            seen = type(app.screen), app.screen.request.id
            await press(pilot, ["ctrl+r"])  # declining needs a reason: refused, nothing changed
            seen += (type(app.screen),)
            return seen

    assert asyncio.run(run()) == (DecideRequestDialog, request_id, DecideRequestDialog)
    assert [row[1] for row in _appointments(demo_store)] == ["requested"]


# -- snapshots ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_advocates_screen_snapshot(snap_compare, demo_store, tmp_path, size):
    _with_new_advocate(demo_store)
    app = open_app(demo_store, _representative(demo_store), tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_request_access_dialog_snapshot(snap_compare, demo_store, tmp_path):
    _with_new_advocate(demo_store, approve=True)
    app = open_app(demo_store, "ncole", tmp_path)

    async def open_dialog(pilot):
        await settle(pilot)
        await press(pilot, ["r"])
        await type_text(pilot, "1042")

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dialog)


def test_decide_request_dialog_snapshot(snap_compare, demo_store, tmp_path):
    _with_new_advocate(demo_store, approve=True)
    _request_id, case_id, worker = _file_request(demo_store)
    app = open_app(demo_store, worker, tmp_path)

    async def open_dialog(pilot):
        await settle(pilot)
        app.open_case(case_id)
        await settle(pilot)
        await press(pilot, ["i", "1"])
        await settle(pilot)  # the reason box focused, its cursor drawn

    assert snap_compare(app, terminal_size=SIZE, run_before=open_dialog)
