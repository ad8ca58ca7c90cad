"""Shared fixtures: a frozen clock, a store on each backend, a small agency with known people.

Each worker (pytest-xdist) migrates an empty database once and builds the test agency once, per
backend: a SQLite file copied per test, a PostgreSQL template database (``CREATE DATABASE ..
TEMPLATE ..``) per test. ``db_url`` hands a test the copy its fixtures need: the agency's when it uses
``agency``, the empty migrated schema when it uses ``store``, and an empty database otherwise (a test
that opens the store itself sees it created). Database, role and file names carry the worker's id.
PostgreSQL tests skip with the reason when no server is reachable, except under CI, where they fail.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import queue
import shutil
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store import FrozenClock, Store
from tests.steady_cursor import hold_cursors_still

PG_ADMIN_URL = os.environ.get("CASENOTES_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# Monday 2 March 2026, 10:00 in New York (EST, UTC-5); DST starts Sunday 8 March.
T0 = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
# This process's xdist worker ("gw0", "gw1", ...; "main" without xdist), in every name a test creates
# outside its tmp_path, and this run's tag, so that workers and concurrent runs never collide.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
RUN = uuid.uuid4().hex[:8]
hold_cursors_still()  # snapshots never catch a cursor mid-blink


def unique_name(prefix: str) -> str:
    """A database, schema, role or session name of this worker that no other worker or run uses."""
    return f"{prefix}_{WORKER}_{uuid.uuid4().hex[:8]}"


def _pg_admin():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def _pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _pg_database():
    """Create this run's PostgreSQL database; returns (url, drop) or (None, reason)."""
    try:
        admin = _pg_admin()
        name = unique_name("casenotes_test")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server, no driver, no rights
        return None, f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}: {str(exc).splitlines()[0]}"

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return _pg_url(name), drop


@pytest.fixture(scope="session")
def pg_database():
    url, drop_or_reason = _pg_database()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests. {drop_or_reason}")
        pytest.skip(drop_or_reason)
    yield url
    drop_or_reason()


@dataclass(frozen=True)
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


class Templates:
    """Databases built once per worker and copied per test: "schema" (migrated, empty) and "agency"
    (the test agency of ``build_agency`` on top, its clock still at T0). Subclasses say how a backend
    makes, fills and copies one."""

    def __init__(self):
        self.made: dict[str, str] = {}
        self.agency_ids: Agency | None = None

    def template(self, kind: str) -> str:
        if kind not in self.made:
            if kind == "schema":
                url = self.make("schema", None)
                built = Store.open(url, clock=FrozenClock(T0))
                built.allow_test_clock()  # the tests' frozen clock is the triggers' too (PostgreSQL)
                built.close()
            else:
                url = self.make("agency", self.template("schema"))
                built = Store.open(url, clock=FrozenClock(T0))
                self.agency_ids = build_agency(built)
                built.close()
                self.after_agency(url)
            self.made[kind] = self.seal(url)
        return self.made[kind]


    def after_agency(self, url: str) -> None:
        """What a backend adds to the agency's template once it is built."""


class SqliteTemplates(Templates):
    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def make(self, kind: str, source: str | None) -> str:
        path = self.folder / f"{kind}.db"
        if source:
            shutil.copy(source, path)
        return f"sqlite:///{path}"

    def seal(self, url: str) -> str:
        """The file alone holds everything (no write-ahead log beside it): the path to copy."""
        path = make_url(url).database
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        assert not Path(path + "-wal").exists() or Path(path + "-wal").stat().st_size == 0
        return path

    def copy(self, kind: str, target: Path) -> str:
        shutil.copy(self.template(kind), target)
        return f"sqlite:///{target}"


class PostgresTemplates(Templates):
    def __init__(self, admin):
        super().__init__()
        self.admin = admin
        self.names = (f"casenotes_t_{WORKER}_{RUN}_{n}" for n in itertools.count())
        self.templates: list[str] = []
        self.roles: list[str] = []
        # Dropping a database waits for a checkpoint (seconds when the server is busy): a thread of
        # this worker drops the tests' copies while the next tests run.
        self.dropping: queue.Queue[str | None] = queue.Queue()
        self.dropper = threading.Thread(target=self._drop_each, name=f"drop-{WORKER}", daemon=True)
        self.dropper.start()

    def make(self, kind: str, source: str | None) -> str:
        name = f"casenotes_tmpl_{WORKER}_{RUN}_{kind}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{source}"' if source else "")))
        self.templates.append(name)
        return _pg_url(name)

    def seal(self, url: str) -> str:
        return make_url(url).database  # the builder's engines are closed: it may serve as a template

    def after_agency(self, url: str) -> None:
        """The agency server's set-up on the template: the owner and group roles with their grants,
        and a login role per worker (named by ``worker_role``: roles are the server's, not the
        database's, so each run and worker has its own), mapped through ``workers.db_role``."""
        from store.db.server import create_login, init_server

        engine = create_engine(url)
        with engine.begin() as conn:
            init_server(conn)
            for login in conn.execute(text("SELECT login FROM workers")).scalars().all():
                role = worker_role(login)
                create_login(conn, role)
                self.roles.append(role)
                conn.execute(text("UPDATE workers SET db_role = :r WHERE login = :l"), {"r": role, "l": login})
        engine.dispose()

    def copy(self, kind: str) -> tuple[str, str]:
        name = next(self.names)
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template(kind)}"'))
        return name, _pg_url(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_later(self, name: str) -> None:
        self.dropping.put(name)

    def _drop_each(self) -> None:
        while (name := self.dropping.get()) is not None:
            self.drop(name)

    def close(self) -> None:
        self.dropping.put(None)
        self.dropper.join()
        for name in reversed(self.templates):
            self.drop(name)
        with self.admin.connect() as conn:
            for role in self.roles:
                conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        self.admin.dispose()


def worker_role(login: str) -> str:
    """The PostgreSQL login role of the test agency's worker ``login`` in this run and xdist worker."""
    return f"cn{RUN}_{WORKER}_{login}"


@pytest.fixture
def role_url(db_url, agency):
    """On PostgreSQL, ``role_url(login)``: the agency copy's URL signed in as that worker's own login
    role (row-level security and the triggers then apply as on an agency server). Skips on SQLite."""
    if not db_url.startswith("postgresql"):
        pytest.skip("database roles exist on PostgreSQL only")
    return lambda login: make_url(db_url).set(username=worker_role(login)).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory):
    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def pg_templates(pg_database):
    templates = PostgresTemplates(_pg_admin())
    yield templates
    templates.close()


def _needs(request) -> str | None:
    """What the test's fixtures will build on the database: a template to start from instead."""
    if "agency" in request.fixturenames:
        return "agency"
    if "store" in request.fixturenames:
        return "schema"
    return None


AGENCY_COPIED = pytest.StashKey[Agency]()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    kind, copied = _needs(request), None
    if request.param == "sqlite":
        if kind is None:
            yield f"sqlite:///{tmp_path / 'casenotes.db'}"
            return
        templates = request.getfixturevalue("sqlite_templates")
        url = templates.copy(kind, tmp_path / "casenotes.db")
    else:
        if kind is None:
            yield pg_schema_url(request.getfixturevalue("pg_database"))
            return
        templates = request.getfixturevalue("pg_templates")
        copied, url = templates.copy(kind)
    if kind == "agency":
        request.node.stash[AGENCY_COPIED] = templates.agency_ids
    yield url
    if copied:
        templates.drop_later(copied)


def pg_schema_url(database_url: str) -> str:
    """A URL whose connections work in a new, empty schema of the run's database."""
    schema = unique_name("t")
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


def build_agency(store) -> Agency:
    """The test agency, written through the staffing API at the store's clock."""
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
    # The advocate programme's access-management representative (issue 18), last so that no id moves.
    s.add_worker("rep", "Rae Representative", "CASA Program Manager", employer="CASA", agency="County CASA",
                 functions=["ADVOCATE ACCESS"])
    return Agency(case, jay, mia, ana, fss, int_, inv, fsi, other_case, other_fss)


@pytest.fixture
def agency(request, store) -> Agency:
    """The test agency: ``db_url`` gave the store a copy of it, built at T0 as ``build_agency`` does."""
    copied = request.node.stash.get(AGENCY_COPIED, None)
    if copied is None:
        built = build_agency(store)
    else:
        assert store.clock.now() == T0, "the agency's copy was built at T0: move the clock after `agency`"
        built = copied
    store.clock.advance(hours=2)  # so that events an hour ago fall after the stages opened
    return built


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


@contextmanager
def run_wide(tmp_path_factory, name: str):
    """A folder all of this run's workers share, held by this worker alone meanwhile (a file lock):
    what one worker builds there the others copy rather than build again."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if WORKER != "main" else base) / name
    folder.mkdir(exist_ok=True)
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """Path of a demo SQLite database generated once per run (by the first worker to need it);
    copy it before changing it."""
    from demo.agency import generate

    with run_wide(tmp_path_factory, "demo") as folder:
        path = folder / "demo.db"
        if not path.exists():
            building = folder / f"building-{WORKER}.db"
            clock = FrozenClock(DEMO_AS_OF)
            seeded = Store.open(f"sqlite:///{building}", clock=clock)
            generate(seeded, clock, seed=1)
            seeded.close()
            os.replace(building, path)
    return path


@pytest.fixture
def demo_store(demo_db, tmp_path):
    """A private copy of the demo database, opened with the clock stopped at the demo's end."""
    copy = tmp_path / "demo.db"
    shutil.copy(demo_db, copy)
    opened = Store.open(f"sqlite:///{copy}", clock=FrozenClock(DEMO_AS_OF))
    yield opened
    opened.close()
