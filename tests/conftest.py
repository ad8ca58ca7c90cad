"""Shared fixtures: a frozen clock, a store on each backend, a small agency with known people.

PostgreSQL tests use one database created for this run (dropped at the end) and a fresh schema per
test. Without a reachable server they skip with the reason, except under CI, where they fail.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store import FrozenClock, Store

PG_ADMIN_URL = os.environ.get("CASENOTES_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# Monday 2 March 2026, 10:00 in New York (EST, UTC-5); DST starts Sunday 8 March.
T0 = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)


def _pg_database():
    """Create this run's PostgreSQL database; returns (url, drop) or (None, reason)."""
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        name = f"casenotes_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server, no driver, no rights
        return None, f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}: {str(exc).splitlines()[0]}"

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def pg_database():
    url, drop_or_reason = _pg_database()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests. {drop_or_reason}")
        pytest.skip(drop_or_reason)
    yield url
    drop_or_reason()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'casenotes.db'}"
    return pg_schema_url(request.getfixturevalue("pg_database"))


def pg_schema_url(database_url: str) -> str:
    """A URL whose connections work in a new, empty schema of the run's database."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


@pytest.fixture
def clock():
    return FrozenClock(T0)


@pytest.fixture
def store(db_url, clock):
    opened = Store.open(db_url, clock=clock)
    yield opened
    opened.close()


@dataclass
class Agency:
    """Who is who in the test agency (logins) and the ids of the Rivera family's records."""

    case: int
    jay: int      # child
    mia: int      # child
    ana: int      # mother
    fss: int      # FSS-CWS: Case Manager cw, Case Planner vaplanner, Case Worker cw2 (for Jay)
    int_: int     # INT: Case Manager cpsw
    inv: int      # INV: Case Manager cpsw
    fsi: int      # FSI: Case Manager cw
    other_case: int
    other_fss: int  # FSS-COI of another family: Case Manager cwb (unit B)


@pytest.fixture
def agency(store) -> Agency:
    s = store.staffing()
    a, b, cps = s.add_unit("Unit A"), s.add_unit("Unit B"), s.add_unit("CPS")
    s.add_worker("director", "Dana Director", "Director")
    s.add_worker("supa", "Sam Supervisor", "Supervisor", unit=a, supervisor="director")
    s.add_worker("supb", "Bea Supervisor", "Supervisor", unit=b, supervisor="director")
    s.add_worker("supcps", "Cy Supervisor", "Supervisor", unit=cps, supervisor="director")
    s.add_worker("cw", "Cara Worker", "Caseworker", unit=a, supervisor="supa")
    s.add_worker("cw2", "Cole Worker", "Caseworker", unit=a, supervisor="supa")
    s.add_worker("vaplanner", "Vic Planner", "Case Planner", employer="VA", agency="Harbor", unit=a,
                 supervisor="supa")
    s.add_worker("cwb", "Bo Worker", "Caseworker", unit=b, supervisor="supb")
    s.add_worker("cpsw", "Pat Investigator", "Caseworker", unit=cps, supervisor="supcps")
    s.add_worker("clerk", "Cleo Clerk", "Senior Clerk", unit=a, supervisor="supa", functions=["ENT PROG NOTE"])
    s.add_worker("casa", "Cass Advocate", "CASA Volunteer", employer="CASA", agency="County CASA")
    case = s.open_case("Rivera")
    jay = s.add_person(case, "Jay", "Rivera", "child", is_child=True)
    mia = s.add_person(case, "Mia", "Rivera", "child", is_child=True)
    ana = s.add_person(case, "Ana", "Rivera", "mother")
    int_ = s.open_stage(case, "INT", case_manager="cpsw", person_ids=[jay, mia, ana])
    inv = s.open_stage(case, "INV", parent_id=int_, case_manager="cpsw", person_ids=[jay, mia, ana])
    fss = s.open_stage(case, "FSS", subtype="CWS", parent_id=inv, case_manager="cw", person_ids=[jay, mia, ana])
    s.assign_role(fss, "vaplanner", "Case Planner")
    s.assign_role(fss, "cw2", "Case Worker", children=[jay])
    fsi = s.open_stage(case, "FSI", case_manager="cw", person_ids=[jay, ana])
    other_case = s.open_case("Nguyen")
    kid = s.add_person(other_case, "Lan", "Nguyen", "child", is_child=True)
    other_fss = s.open_stage(other_case, "FSS", subtype="COI", case_manager="cwb", person_ids=[kid])
    store.clock.advance(hours=2)  # so that events an hour ago fall after the stages opened
    return Agency(case, jay, mia, ana, fss, int_, inv, fsi, other_case, other_fss)


def visit(agency: Agency, clock: FrozenClock, **override):
    """The fields of a complete home visit an hour ago."""
    fields = dict(event_at=clock.now() - timedelta(hours=1), contact_type="Caseworker/Child Contact",
                  method="Face to face", location="Child's residence (foster/kinship home)",
                  purposes=["Safety", "Well-being"], participants=[agency.jay, agency.ana],
                  others=["foster parent"], narrative="Jay was seen at home. He showed his new school bag.")
    fields.update(override)
    return fields


def end_of_day(at: datetime, days: int = 0, zone: str = "America/New_York") -> datetime:
    """11:59:59 PM, agency time, ``days`` calendar days after the local day of ``at``: where a day window
    of the casework clock ends."""
    import pendulum

    day = pendulum.instance(at).in_timezone(zone).add(days=days)
    return day.set(hour=23, minute=59, second=59, microsecond=0).in_timezone("UTC")


def counts(store: Store) -> dict[str, int]:
    """Rows in every table the store writes, to prove a refused call wrote nothing."""
    tables = ("notes", "note_participants", "note_revisions", "review_actions", "audit_log", "change_log")
    with store.write_engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


# The demo agency as the snapshot and demo tests see it: seed 1, story ending Friday 20 November 2026.
DEMO_AS_OF = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """Path of a demo SQLite database generated once per run; copy it before changing it."""
    from demo.agency import generate

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    clock = FrozenClock(DEMO_AS_OF)
    seeded = Store.open(f"sqlite:///{path}", clock=clock)
    generate(seeded, clock, seed=1)
    seeded.close()
    return path


@pytest.fixture
def demo_store(demo_db, tmp_path):
    """A private copy of the demo database, opened with the clock stopped at the demo's end."""
    import shutil

    copy = tmp_path / "demo.db"
    shutil.copy(demo_db, copy)
    opened = Store.open(f"sqlite:///{copy}", clock=FrozenClock(DEMO_AS_OF))
    yield opened
    opened.close()
