"""An agency server for the benchmarks: a fresh PostgreSQL database holding a bench corpus, set up as
an agency runs it (``init_server``), with a login role for each worker who will sign in.

The corpus (bench/corpus.py, a SQLite file) is copied table by table with COPY through the owner's
connection, as a migration from a legacy system would load it: the record's triggers (which stamp a
new note with the server's clock and the session's worker, refuse participants of an approved note,
and refresh a note's search words row by row) are lifted for the load and put back. The notes'
search words are then computed set-wise by the database's own function, as migration 0011 does for
the notes it finds (``casenotes_search_refresh``, on ``REFRESHERS`` connections at once), so
``note_search`` holds what the store's own saves would have made. Sequences then continue after the
loaded ids, and the tables are vacuumed and analysed.

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
REFRESHERS = 2  # connections computing search words at once (the machine has 2 cores)
REFRESH_CHUNK = 5_000  # notes per statement


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
        with target.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))  # the search words' statement is planned badly on empty statistics
        figures.update(refresh_search(target, log))
        began = time.perf_counter()
        with target.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        figures["vacuum_analyze_s"] = round(time.perf_counter() - began, 1)
        figures["lifted_triggers"] = len(lifted)
    finally:
        source.dispose()
        target.dispose()
    return figures


def refresh_search(engine, log=print) -> dict:
    """Every note's search words by the database's own function (migration 0011), chunk by chunk on
    ``REFRESHERS`` connections; nothing where the schema has no search table."""
    import threading

    with engine.connect() as conn:
        if conn.execute(text("SELECT to_regproc('casenotes_search_refresh')")).scalar() is None:
            return {}
        top = conn.execute(text("SELECT coalesce(max(id), 0) FROM notes")).scalar_one()
    chunks = [(start, min(start + REFRESH_CHUNK, top + 1)) for start in range(1, top + 1, REFRESH_CHUNK)]
    started, done = time.perf_counter(), [0]
    lock = threading.Lock()

    def refresh(mine: list[tuple[int, int]]) -> None:
        with engine.connect() as conn:
            for low, high in mine:
                conn.execute(text("SELECT casenotes_search_refresh(ARRAY(SELECT generate_series(:l, :h - 1)))"),
                             {"l": low, "h": high})
                conn.commit()
                with lock:
                    done[0] += high - low
                    if done[0] % 100_000 < REFRESH_CHUNK:
                        log(f"  search words: {done[0]:,} notes ({done[0] / (time.perf_counter() - started):,.0f}/s)")

    threads = [threading.Thread(target=refresh, args=(chunks[n::REFRESHERS],)) for n in range(REFRESHERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM note_search")).scalar_one()
    return {"search_words": {"notes": count, "seconds": round(seconds, 1), "notes_per_s": round(count / seconds)}}


def _lift_triggers(engine) -> list[tuple[str, str]]:
    """Disable the record's triggers on the loaded tables (not the foreign keys' internal ones)."""
    tables = [m.__tablename__ for m in TABLES]
    with engine.begin() as conn:
        lifted = [(table, name) for table, name in conn.execute(text(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname = ANY(:tables)"), {"tables": tables}).all()]
        for table, name in lifted:
            conn.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"'))
    return lifted


def _restore_triggers(engine, lifted: list[tuple[str, str]]) -> None:
    with engine.begin() as conn:
        for table, name in lifted:
            conn.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"'))
