"""Why a database cannot be opened, in one sentence that names it and says what to do.

``Store.open`` asks here before connecting (is the address a URL, of a backend casenotes uses, naming
a file SQLite can open?), checks the schema it finds, and turns whatever the driver, the file system
or Alembic said while opening into ``CannotOpen``. A zero-byte SQLite file is refused, not given a
schema: an empty file where a record is expected is more often a copy cut short than a new agency.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from store.db.engines import default_url, known_revisions, stored_revisions
from store.core.errors import CannotOpen

BACKENDS = ("sqlite", "postgresql")
ADDRESS_EXAMPLE = "sqlite:////full/path/casenotes.db or postgresql://user@host/dbname"


def checked_address(url: str | None) -> tuple[str, URL]:
    """The URL (None: the default SQLite file) and its parts, after refusing what cannot be a casenotes
    database before anything connects."""
    if url is None:
        try:
            url = default_url()
        except OSError as exc:
            raise CannotOpen(f"Cannot make casenotes' data folder ({exc.filename}: {exc.strerror}); give a "
                             f"database with --db, e.g. {ADDRESS_EXAMPLE}.") from None
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CannotOpen(f"{url!r} is not a database address; give one like {ADDRESS_EXAMPLE}.") from None
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise CannotOpen(f"The record is kept in SQLite or PostgreSQL, not in {backend!r} "
                         f"({describe(parsed)}); give an address like {ADDRESS_EXAMPLE}.")
    path = sqlite_path(parsed)
    if path is not None:
        try:
            _refuse_unusable_file(path)
        except OSError as exc:  # e.g. a folder on the way that you may not enter
            raise CannotOpen(f"Cannot look at the database file {path} ({exc.filename}: {exc.strerror}); check the "
                             "path and its folders' permissions.") from None
    return url, parsed


def _refuse_unusable_file(path: Path) -> None:
    if path.is_dir():
        raise CannotOpen(f"{path} is a folder, not a database file; give the file's path, "
                         f"e.g. sqlite:///{path / 'casenotes.db'}.")
    if path.is_file() and path.stat().st_size == 0:
        raise CannotOpen(f"The database file {path} is empty (0 bytes), so it holds no record; if it should, "
                         "restore it from a backup, or delete it to start a new database there.")
    # SQLite would open a file it may not write read-only, and the first save would fail instead.
    if path.is_file() and not os.access(path, os.W_OK, effective_ids=True):
        raise CannotOpen(_read_only_file(path))


def sqlite_path(parsed: URL) -> Path | None:
    """The file of a SQLite URL; None for other backends, memory and ``file:`` URIs."""
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.query.get("uri") == "true" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database).expanduser().absolute()


def describe(parsed: URL) -> str:
    """The database as a person would name it (never with its password)."""
    path = sqlite_path(parsed)
    if path is not None:
        return f"the database file {path}"
    if parsed.get_backend_name() == "postgresql":
        service = parsed.query.get("service")
        if service and not parsed.database:  # postgresql:///?service=casenotes: pg_service.conf says where
            return f"the PostgreSQL database of the service {service!r} (pg_service.conf)"
        return f"the PostgreSQL database {parsed.database!r} on {parsed.host or 'localhost'}:{parsed.port or 5432}"
    return parsed.render_as_string(hide_password=True)


def schema_is_current(engine: Engine, parsed: URL) -> bool:
    """Whether the schema is at the newest revision this code knows (False: upgrade it). Refuses a
    database at a revision this code does not know, and a SQLite file holding another program's tables."""
    heads, tables = stored_revisions(engine)
    known, head = known_revisions()
    unknown = [h for h in heads if h not in known]
    if unknown:
        raise CannotOpen(f"{_capital(describe(parsed))} was made by a newer casenotes (schema revision "
                         f"{unknown[0]!r}, this one knows up to {head!r}); open it with that version or "
                         "update casenotes — nothing was changed.")
    if not heads and tables and parsed.get_backend_name() == "sqlite":
        raise CannotOpen(f"{_capital(describe(parsed))} holds another program's tables "
                         f"({', '.join(sorted(tables)[:3])}), not a casenotes record; check the path, nothing was "
                         "changed.")
    return heads == (head,)


def check_may_upgrade(engine: Engine, parsed: URL) -> None:
    """On the agency server only the database's owner (or a superuser) creates or upgrades the schema: a
    worker signed in as themselves is told so, rather than seeing the server refuse the first statement."""
    if parsed.get_backend_name() != "postgresql":
        return
    from store.db.server import may_change_schema

    with engine.connect() as conn:
        if may_change_schema(conn):
            return
        user = conn.execute(text("SELECT session_user")).scalar_one()
    heads, _tables = stored_revisions(engine)
    _known, head = known_revisions()
    state = (f"holds an older casenotes schema (revision {', '.join(heads)}; this casenotes needs {head})" if heads
             else "holds no casenotes record yet")
    raise CannotOpen(f"{_capital(describe(parsed))} {state}, and only the database's owner creates or upgrades "
                     f"it, not the database user {user}: ask your administrator to run `casenotes admin init` "
                     "with this casenotes. Nothing was changed.")


@contextmanager
def refusals(parsed: URL, busy_seconds: float, cleanup: Callable[[], None] | None = None) -> Iterator[None]:
    """Inside: what the driver, the file system or Alembic raises comes out as ``CannotOpen``."""
    try:
        yield
    except CannotOpen:
        if cleanup:
            cleanup()
        raise
    except (DBAPIError, ImportError, ArgumentError, OSError) as exc:
        if cleanup:
            cleanup()
        raise CannotOpen(_sentence(parsed, exc, busy_seconds)) from exc


def _sentence(parsed: URL, exc: DBAPIError | ImportError | ArgumentError | OSError, busy_seconds: float) -> str:
    where = describe(parsed)
    if isinstance(exc, ImportError):  # the dialect's driver module (psycopg, pg8000, …) is not installed
        if parsed.drivername in ("postgresql", "postgresql+psycopg", "postgresql+psycopg2"):
            return (f"PostgreSQL support is not installed, so {where} cannot be opened; "
                    "pip install 'casenotes[postgres]'.")
        return (f"The driver {parsed.drivername!r} needed for {where} is not installed; install it, or use "
                "postgresql://user@host/dbname (psycopg, from pip install 'casenotes[postgres]').")
    if isinstance(exc, ArgumentError):  # includes NoSuchModuleError: an unknown driver name
        return (f"The database driver {parsed.drivername!r} is not one casenotes knows; give an address like "
                f"{ADDRESS_EXAMPLE}.")
    if isinstance(exc, OSError):
        return (f"Cannot make the folder of {where} ({exc.filename}: {exc.strerror or exc}); check the path and "
                "its folders' permissions.")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_sentence(sqlite_path(parsed), where, exc.orig, busy_seconds)
    if not isinstance(exc, OperationalError):  # connected, then refused (e.g. no right to create the tables)
        return f"Cannot open {where} ({_first_line(exc.orig)}); ask your administrator."
    return _server_sentence(where, exc.orig)


def _sqlite_sentence(path: Path | None, where: str, orig: BaseException | None, busy_seconds: float) -> str:
    code = getattr(orig, "sqlite_errorname", "")
    if code.startswith("SQLITE_NOTADB"):
        return f"{_capital(where)} is not a SQLite database (perhaps another kind of file); check the path in --db."
    if code.startswith("SQLITE_CORRUPT"):
        return (f"{_capital(where)} is damaged (cut short or overwritten) and cannot be read; nothing was changed — "
                "restore it from a backup or ask your administrator.")
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (f"{_capital(where)} has been held by another program for over {busy_seconds:g} s (perhaps casenotes "
                "creating the demo or upgrading); nothing was changed — try again in a moment.")
    if code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) and path is not None:
        if path.exists() and not os.access(path, os.W_OK, effective_ids=True):
            return _read_only_file(path)
        if not os.access(path.parent, os.W_OK, effective_ids=True):
            return (f"The folder {path.parent} is read-only for you, and casenotes keeps its journal files "
                    f"({path.name}-wal, {path.name}-shm) beside the database; ask your administrator for write access.")
        if code.startswith("SQLITE_READONLY"):
            return (f"{_capital(where)} cannot be written (read-only file, folder or disk); casenotes writes to it "
                    "even to read, so ask your administrator for write access.")
    return f"Cannot open {where}: {_first_line(orig)}; check the path in --db or ask your administrator."


def _read_only_file(path: Path) -> str:
    return (f"The database file {path} is read-only for you, and casenotes writes to it (notes, its journal, the "
            "audit of reading); ask your administrator for write access.")


def _server_sentence(where: str, orig: BaseException | None) -> str:
    reason = _first_line(orig)
    for prefix in ("connection failed:", "connection to server at"):
        if reason.startswith(prefix):
            reason = reason.removeprefix(prefix).strip()
    if " failed: " in reason:  # '"127.0.0.1", port 1 failed: Connection refused'
        reason = reason.split(" failed: ", 1)[1]
    reason = reason.removeprefix("FATAL:").strip()
    if "does not exist" in reason or "authentication" in reason or "password" in reason:
        advice = "check the user, password and database name in --db, or ask your administrator"
    else:
        advice = "check that the server is running and that --db names it, or ask your administrator"
    return f"Cannot reach {where} ({reason}); {advice}."


def _first_line(orig: BaseException | None) -> str:
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(orig).__name__


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
