"""Row-level security on the agency server (issue 17): a worker's own database session reads what the
store shows them, and writes only what the store's rules allow.

The access matrix asks, for every worker of the test agency, what the store shows them through the
owner's connection (the rules of ``store/rules/access.py``), what the store shows them when it is
connected as their own login role (the agency server's way: row-level security underneath), and what
raw SQL returns in their own session; the three must agree exactly, so the database's policies and the
store's rules cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from store import Store, StoreError
from tests.conftest import Agency, visit

LOGINS = ("director", "supa", "supb", "supcps", "cw", "cw2", "vaplanner", "cwb", "cpsw", "clerk", "casa")


@dataclass
class Seen:
    """What one reader sees of the record."""

    cases: set[int]
    stages: set[int]
    persons: set[int]
    notes: dict[int, set[int]]  # stage → note ids
    roles: set[tuple[int, str, str]]  # (stage, worker login, role), the active ones


def the_agencys_notes(store, agency: Agency, clock) -> dict[str, int]:
    """A few notes of every kind, written through the store: drafts, sent, approved and returned
    notes, one with only Jay present, one with only the mother, notes the clerk entered for cw, an
    investigation's and another unit's, an FSI entry (final when saved)."""
    def add(login, stage, author=None, **override):
        return store.as_user(login).add_note(stage, author=author, **visit(agency, clock, **override)).id

    store.staffing().appoint_advocate("casa", agency.jay)
    notes = {
        "cw draft": add("cw", agency.fss),
        "cw sent": add("cw", agency.fss),
        "cw approved": add("cw", agency.fss),
        "cw returned": add("cw", agency.fss),
        "cw2 jay only": add("cw2", agency.fss, participants=[agency.jay]),
        "cw2 draft jay": add("cw2", agency.fss, participants=[agency.jay]),
        "vaplanner mother only": add("vaplanner", agency.fss, participants=[agency.ana]),
        "clerk for cw draft": add("clerk", agency.fss, author="cw"),
        "clerk for cw sent": add("clerk", agency.fss, author="cw"),
        "cpsw inv": add("cpsw", agency.inv),
        "cwb other": add("cwb", agency.other_fss, participants=[]),
        "cwb other draft": add("cwb", agency.other_fss, participants=[]),
        "cw fsi": add("cw", agency.fsi, participants=[agency.jay]),
    }
    for name in ("cw sent", "cw approved", "cw returned", "cw2 jay only", "vaplanner mother only", "cpsw inv",
                 "cwb other"):
        store.as_user(name.split()[0]).submit(notes[name])
    store.as_user("cw").submit(notes["clerk for cw sent"])
    store.as_user("supa").approve(notes["cw approved"])
    store.as_user("supa").return_note(notes["cw returned"], "Say where the visit was.")
    return notes


def seen_through_the_store(desk, agency: Agency) -> Seen:
    seen = Seen(set(), set(), set(), {}, set())
    for case_id in (agency.case, agency.other_case):
        try:
            view = desk.case(case_id)
        except StoreError:
            continue
        seen.cases.add(case_id)
        seen.persons |= {p.id for p in view.persons}
        everyone = {p.name: p.id for stage in view.stages for p in stage.persons}
        for stage in view.stages:
            seen.stages.add(stage.id)
            seen.roles |= {(stage.id, r.worker_login, r.role) for r in stage.roles}
            notes = desk.stage_notes(stage.id)
            seen.notes[stage.id] = {n.id for n in notes}
            # Whom the screens name: those present at the notes, a Case Worker's children.
            seen.persons |= {p.id for n in notes for p in n.participants}
            seen.persons |= {everyone.get(name, -1) for r in stage.roles for name in r.children}
    seen.persons.discard(-1)
    return seen


def seen_in_sql(url: str, clock) -> Seen:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('casenotes.now', :now, true)"), {"now": clock.now().isoformat()})
            notes: dict[int, set[int]] = {}
            for note_id, stage_id in conn.execute(text("SELECT id, stage_id FROM notes")):
                notes.setdefault(stage_id, set()).add(note_id)
            roles = {tuple(row) for row in conn.execute(text(
                "SELECT r.stage_id, w.login, r.role FROM role_assignments r JOIN workers w ON w.id = r.worker_id "
                "WHERE r.starts_at <= casenotes_now() AND (r.ends_at IS NULL OR r.ends_at > casenotes_now())"
            )).all()}
            return Seen(set(conn.execute(text("SELECT id FROM cases")).scalars()),
                        set(conn.execute(text("SELECT id FROM stages")).scalars()),
                        set(conn.execute(text("SELECT id FROM persons")).scalars()), notes, roles)
    finally:
        engine.dispose()


def without_empty(seen: Seen) -> Seen:
    return Seen(seen.cases, seen.stages, seen.persons, {s: n for s, n in seen.notes.items() if n}, seen.roles)


@pytest.mark.parametrize("login", LOGINS)
def test_each_worker_sees_the_same_through_the_store_its_role_and_raw_sql(store, agency, clock, role_url, login):
    notes = the_agencys_notes(store, agency, clock)
    by_rules = seen_through_the_store(store.as_user(login), agency)
    as_role = Store.open(role_url(login), clock=clock)
    try:
        through_rls = seen_through_the_store(as_role.signed_in(), agency)
    finally:
        as_role.close()
    in_sql = seen_in_sql(role_url(login), clock)
    assert without_empty(through_rls) == without_empty(by_rules)
    assert without_empty(in_sql) == without_empty(by_rules)
    assert by_rules.cases or login in ("supb",) or login == "cwb", "the matrix should read something"
    assert all(notes["cw draft"] not in ids for ids in in_sql.notes.values()) or login == "cw"
