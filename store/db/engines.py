"""Engines and schema upkeep: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL.

Both backends give the triggers the store's clock as ``casenotes_now()`` so that the database and
the service agree on when a note froze, also when tests freeze time. On SQLite the function is
registered on each connection the store opens; on PostgreSQL it reads a transaction-local setting
the store sets, but only in a database its owner marked for a test clock (migration 0009): anywhere
else it is the server's ``now()``, which no session can move.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from store.core.clock import Clock

if TYPE_CHECKING:
    import sqlite3

    from alembic.config import Config
    from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_BUSY_SECONDS = 5.0
PG_CONNECT_SECONDS = 10
SQLITE_NOW_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DATETIME on SQLite
BEGAN = "casenotes_began"  # a connection's info: the store's clock when its transaction began


def default_url() -> str:
    import platformdirs

    data = Path(platformdirs.user_data_dir("casenotes"))
    data.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data / 'casenotes.db'}"


def make_engines(url: str, clock: Clock, busy_seconds: float = SQLITE_BUSY_SECONDS) -> tuple[Engine, Engine]:
    """Return ``(read_engine, write_engine)``. On PostgreSQL they are the same engine.

    SQLite gets two: writes begin with ``BEGIN IMMEDIATE`` so a unit of work checks its rules and
    writes under one lock (a stale read cannot slip between), while reads never take that lock.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return (_sqlite_engine(url, clock, "BEGIN", busy_seconds),
                _sqlite_engine(url, clock, "BEGIN IMMEDIATE", busy_seconds))
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    # An unreachable server is said so within seconds, not after the system's TCP timeout.
    engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": PG_CONNECT_SECONDS})

    @event.listens_for(engine, "begin")
    def _set_clock(conn: Connection) -> None:
        conn.info[BEGAN] = began = clock.now()
        conn.exec_driver_sql("SELECT set_config('casenotes.now', %s, true)", (began.isoformat(),))

    return engine, engine


def _sqlite_engine(url: str, clock: Clock, begin: str, busy_seconds: float) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"isolation_level": None, "timeout": busy_seconds,
                                              "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        # Like PostgreSQL's now(): the instant the transaction began, so that the store (which reads
        # its clock after BEGIN) and the triggers never disagree within one unit of work.
        began: dict[str, str] = {}
        record.info["casenotes_now"] = began
        dbapi_conn.create_function(
            "casenotes_now", 0, lambda: began.get("at") or _sqlite_time(clock.now()), deterministic=False
        )
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.info[BEGAN] = began = clock.now()
        conn.connection.info["casenotes_now"]["at"] = _sqlite_time(began)
        conn.exec_driver_sql(begin)

    return engine


def _sqlite_time(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime(SQLITE_NOW_FORMAT)


def upgrade_schema(engine: Engine) -> None:
    """Create the schema or bring it to the newest Alembic revision."""
    from alembic import command

    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def known_revisions() -> tuple[set[str], str | None]:
    """Every schema revision this code has a migration for, and the newest (None only with no migrations)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return {r.revision for r in script.walk_revisions()}, script.get_current_head()


def stored_revisions(engine: Engine) -> tuple[tuple[str, ...], list[str]]:
    """The database's schema revisions, and (when it has none) the tables it holds anyway. Read
    without the write lock, so that a store at the newest revision opens while another writes."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    with engine.connect() as conn:
        heads = tuple(MigrationContext.configure(conn).get_current_heads())
        return heads, ([] if heads else inspect(conn).get_table_names())


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config
