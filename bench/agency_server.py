"""An agency server for the benchmarks: a fresh PostgreSQL database holding a bench corpus, set up as
an agency runs it (``init_server``), with a login role for each worker who will sign in.

The corpus (bench/corpus.py, a SQLite file) is copied table by table with COPY through the owner's
connection, as a migration from a legacy system would load it: the record's triggers (which stamp a
new note with the server's clock and the session's worker, and refuse participants of an approved
note) are lifted for the load and put back, except any trigger that maintains a text-search
column (its function builds a ``tsvector``), so the notes' search documents are what the store's own
saves would have made. Sequences then continue after the loaded ids, and the tables are analysed.

Every name is unique to the run (database and roles) and ``drop`` removes both.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import JSON, Table, create_engine, select, text
from sqlalchemy.engine import make_url

from store import Store
from store.db.models import (Case, Meta, Note, NoteParticipant, Person, RoleAssignment, Stage, StagePerson, Unit,
                             Worker)
from store.db.server import create_login, init_server

ADMIN_URL = os.environ.get("CASENOTES_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# In the order foreign keys need them.
TABLES = [Unit, Worker, Case, Person, Stage, StagePerson, RoleAssignment, Note, NoteParticipant]
BATCH = 5_000


@dataclass
class AgencyServer:
    """One run's database and login roles; ``url_as(login)`` is the URL a worker signs in with."""

    name: str
    url: str  # the owner's (the admin's) URL of the database
    roles: dict[str, str] = field(default_factory=dict)  # login -> role
    load: dict = field(default_factory=dict)  # what loading took

    def url_as(self, login: str, via: str | None = None) -> str:
        """The worker's URL; ``via``: through a pooler at host:port instead of the server itself."""
        url = make_url(self.url).set(username=self.roles[login])
        if via:
            host, port = via.rsplit(":", 1)
            url = url.set(host=host, port=int(port))
        return url.render_as_string(hide_password=False)

    def drop(self) -> None:
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            for role in self.roles.values():
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def make(corpus: Path, logins: list[str], log=print) -> AgencyServer:
    """A new database with the corpus loaded, ``init_server``-ed, and a login role for each of ``logins``."""
    run = uuid.uuid4().hex[:6]
    name = f"casenotes_load_{os.getpid()}_{run}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    server = AgencyServer(name, make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False))
    try:
        started = time.perf_counter()
        Store.open(server.url).close()  # migrated as the store migrates
        server.load["migrate_s"] = round(time.perf_counter() - started, 1)
        server.load.update(copy_corpus(corpus, server.url, log))
        engine = create_engine(server.url)
        with engine.begin() as conn:
            init_server(conn)
            for login in logins:
                role = f"cnload_{run}_{login}"
                create_login(conn, role)
                conn.execute(text("UPDATE workers SET db_role = :r WHERE login = :l"), {"r": role, "l": login})
                server.roles[login] = role
        with engine.connect() as conn:
            server.load["database_mb"] = round(conn.execute(
                text("SELECT pg_database_size(current_database())")).scalar_one() / 2**20)
        engine.dispose()
    except BaseException:
        server.drop()
        raise
    return server


def copy_corpus(corpus: Path, url: str, log=print) -> dict:
    """Copy the corpus's tables into the migrated database at ``url``; returns seconds and rows."""
    source = create_engine(f"sqlite:///{corpus}")
    target = create_engine(url)
    figures: dict = {}
    try:
        lifted = _lift_triggers(target)
        started = time.perf_counter()
        with source.connect() as read, target.begin() as write:
            raw = write.connection.driver_connection
            for model in TABLES:
                table: Table = model.__table__  # type: ignore[assignment]
                began, count = time.perf_counter(), 0
                names = [c.name for c in table.columns]
                as_json = {i for i, c in enumerate(table.columns) if isinstance(c.type, JSON)}
                sql = f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN'
                with raw.cursor().copy(sql) as copy:
                    for row in read.execute(select(table)).yield_per(BATCH):
                        copy.write_row([json.dumps(v) if i in as_json and v is not None else v
                                        for i, v in enumerate(row)])
                        count += 1
                        if count % 100_000 == 0:
                            log(f"  {table.name}: {count:,} ({count / (time.perf_counter() - began):,.0f}/s)")
                figures[table.name] = {"rows": count, "seconds": round(time.perf_counter() - began, 1)}
                log(f"  {table.name}: {count:,} rows in {figures[table.name]['seconds']} s")
            kept = {k: v for k, v in read.execute(select(Meta.key, Meta.value)).all() if k.startswith("bench_")}
            for key, value in kept.items():
                write.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) ON CONFLICT DO NOTHING"),
                              {"k": key, "v": value})
            for model in TABLES:
                name = model.__tablename__
                if "id" in model.__table__.c:
                    write.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                       f"(SELECT coalesce(max(id), 0) + 1 FROM \"{name}\"), false)"))
        figures["load_s"] = round(time.perf_counter() - started, 1)
        _restore_triggers(target, lifted)
        began = time.perf_counter()
        with target.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        figures["vacuum_analyze_s"] = round(time.perf_counter() - began, 1)
        figures["kept_triggers"] = lifted["kept"]
    finally:
        source.dispose()
        target.dispose()
    return figures


def _lift_triggers(engine) -> dict:
    """Disable the record's triggers on the loaded tables, except those building a tsvector."""
    tables = [m.__tablename__ for m in TABLES]
    with engine.begin() as conn:
        rows = conn.execute(text(
            "SELECT c.relname, t.tgname, p.prosrc ILIKE '%tsvector%' FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE NOT t.tgisinternal AND c.relname = ANY(:tables)"), {"tables": tables}).all()
        lifted = [(table, name) for table, name, search in rows if not search]
        for table, name in lifted:
            conn.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"'))
    return {"lifted": lifted, "kept": sorted(f"{t}.{n}" for t, n, search in rows if search)}


def _restore_triggers(engine, lifted: dict) -> None:
    with engine.begin() as conn:
        for table, name in lifted["lifted"]:
            conn.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"'))
