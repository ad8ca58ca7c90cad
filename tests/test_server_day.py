"""A day on the agency server by keyboard: the caseworker and the supervisor each signed in as their own
PostgreSQL login role (row-level security and the triggers apply), the database checked after each."""

from __future__ import annotations

import asyncio
from sqlalchemy import create_engine, text

from bench.keystrokes import CONTACT, EVENT_KEYS, NARRATIVE
from store import Policy, Store
from tests.test_flows import press, settle
from tui.app import CasenotesApp

SIZE = (120, 40)


def _as_owner(db_url: str, sql: str, **params):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        row = conn.execute(text(sql), params).one()
    engine.dispose()
    return row


def test_a_visit_logged_sent_and_approved_by_workers_signed_in_as_themselves(db_url, role_url, agency, clock,
                                                                             tmp_path):
    clock.set(clock.now().replace(hour=20))  # 3 PM in New York: "2" is 2 PM today
    contacts = [c for c in Policy.load().contact_types if c != "Addendum"]

    async def day(login, *key_groups, case=None):
        store = Store.open(role_url(login), clock=clock)
        app = CasenotesApp(store, store.signed_in().login, home=tmp_path, indexing=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            if case is not None:
                app.open_case(*case)
                await settle(pilot)
            for keys in key_groups:
                await press(pilot, keys)
        store.close()

    pick = str(contacts.index(CONTACT) + 1)
    asyncio.run(day("cw", ["ctrl+n"], [*EVENT_KEYS, "tab"], [pick], [NARRATIVE], ["ctrl+r"],
                    case=(agency.case, agency.fss)))
    note_id, author, entered_by, status, narrative = _as_owner(db_url, """
        SELECT n.id, a.login, e.login, n.status, n.narrative FROM notes n
        JOIN workers a ON a.id = n.author_id JOIN workers e ON e.id = n.entered_by_id
        ORDER BY n.id DESC LIMIT 1""")
    assert (author, entered_by, status, narrative) == ("cw", "cw", "submitted", NARRATIVE)

    asyncio.run(day("supa", ["ctrl+r"], ["y"], ["enter"]))  # the queue's first note: y asks, Enter approves
    status, by = _as_owner(db_url, """
        SELECT n.status, w.login FROM notes n JOIN review_actions r ON r.note_id = n.id
        JOIN workers w ON w.id = r.by_id WHERE n.id = :n ORDER BY r.id DESC LIMIT 1""", n=note_id)
    assert (status, by) == ("approved", "supa")
