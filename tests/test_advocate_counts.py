"""The representatives' Advocates list counts an advocate's open appointments by the rule the advocate's
own home lists their children by (``rules.access.open_appointment``: switched on, the last day not
passed, the child in an open stage), so the two never differ: through the API on both backends, as each
way access closes, and on the demo agency."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from tests.test_advocacy import LETTER, approved_advocate, file_for_jay


def _counted(store, login):
    """What the representative's list says of the advocate: open appointments, and whose."""
    listed = {a.login: a for a in store.as_user("pbanerjee" if login == "tmerriweather" else "rep")
              .advocate_accounts()}[login]
    return listed.open_appointments, listed.children


def _home(store, login):
    """What the advocate's own home lists: the children whose records are open to them."""
    children = store.as_user(login).advocate_children()
    return len(children), tuple(sorted(c.name for c in children))


def _request(desk, child_id, **override):
    fields = dict(court="Family Court, Kings County", cause_number="NN-1234-26", appointed_on=date(2026, 2, 20),
                  ends_on=None, letter_name="letter.pdf", letter_content=LETTER)
    fields.update(override)
    return desk.file_access_request(child_id, **fields)


def test_the_representatives_count_is_the_advocates_own_list_as_access_closes(store, agency, clock):
    ncole = approved_advocate(store)
    cw, cwb = store.as_user("cw"), store.as_user("cwb")
    lan = cwb.case(agency.other_case).persons[0].id
    jays = file_for_jay(ncole, agency)
    assert _counted(store, "ncole") == _home(store, "ncole") == (0, ())  # waiting for a decision: not open
    cw.decide_access_request(jays.id, True, "")
    cw.decide_access_request(_request(ncole, agency.mia, ends_on=clock.now().date() + timedelta(days=1)).id,
                             True, "")
    cwb.decide_access_request(_request(ncole, lan).id, True, "")
    assert _counted(store, "ncole") == _home(store, "ncole") == (3, ("Jay Rivera", "Lan Nguyen", "Mia Rivera"))

    clock.advance(days=2)  # Mia's appointment's last day has passed
    assert _counted(store, "ncole") == _home(store, "ncole") == (2, ("Jay Rivera", "Lan Nguyen"))

    with store.writing() as session:  # Lan's only stage closed (as the stage's course would)
        session.execute(text("UPDATE stages SET closed_at = :t, close_reason = 'Services no longer necessary' "
                             "WHERE id = :s"), {"t": clock.now(), "s": agency.other_fss})
    assert _counted(store, "ncole") == _home(store, "ncole") == (1, ("Jay Rivera",))

    store.staffing().appoint_advocate("ncole", agency.jay, active=False)  # switched off
    assert _counted(store, "ncole") == _home(store, "ncole") == (0, ())


def test_the_count_follows_the_childs_stages_as_the_home_does(store, agency, clock):
    """Whatever ``open_appointment`` says of a child whose stages all closed and who is then in a new one,
    the representative's count says the same as the advocate's home."""
    ncole = approved_advocate(store)
    store.as_user("cw").decide_access_request(file_for_jay(ncole, agency).id, True, "")
    with store.writing() as session:
        session.execute(text("UPDATE stages SET closed_at = :t, close_reason = 'Services no longer necessary' "
                             "WHERE id IN (SELECT stage_id FROM stage_persons WHERE person_id = :p)"),
                        {"t": clock.now(), "p": agency.jay})
    assert _counted(store, "ncole") == _home(store, "ncole") == (0, ())
    clock.advance(days=1)
    store.staffing().open_stage(agency.case, "FSI", case_manager="cw", person_ids=[agency.jay, agency.ana])
    assert _counted(store, "ncole") == _home(store, "ncole")


def test_the_demo_advocates_count_is_their_home(demo_store):
    """The demo's advocate at work: the representative's "Open" column and the advocate's home agree,
    though one of her appointments is for a child whose stages have all closed."""
    with demo_store.write_engine.connect() as conn:
        appointments = conn.execute(text(
            "SELECT count(*) FROM advocate_appointments a JOIN workers w ON w.id = a.worker_id "
            "WHERE w.login = 'tmerriweather' AND a.active")).scalar_one()
    counted = _counted(demo_store, "tmerriweather")
    assert counted == _home(demo_store, "tmerriweather")
    assert 0 < counted[0] < appointments  # switched on is not open: the child must be in an open stage
