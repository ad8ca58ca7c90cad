"""A database that cannot be opened is refused with ``CannotOpen``: one sentence that names it and
says what to do, and nothing written to it. Through ``Store.open`` here; through the command line
(every sub-command, no traceback, a non-zero exit) in test_cli_cannot_open.py."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from store import CannotOpen, Store, StoreError
from tests.conftest import unique_name

NOBODY = 65534


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def agency_file(path: Path) -> Path:
    """A real casenotes SQLite file with one worker, closed (its journal folded back into the file)."""
    store = Store.open(sqlite_url(path))
    store.staffing().add_worker("cw", "Cara Worker", "Caseworker")
    store.close()
    assert not Path(f"{path}-wal").exists()
    return path


def refused(url: str, **kw) -> str:
    with pytest.raises(CannotOpen) as caught:
        Store.open(url, **kw)
    assert isinstance(caught.value, StoreError)
    sentence = str(caught.value)
    assert "\n" not in sentence and sentence.endswith(".") and "Traceback" not in sentence
    return sentence


# Files SQLite cannot use


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    garbage = tmp_path / "notes.db"
    content = os.urandom(4096)
    garbage.write_bytes(content)
    sentence = refused(sqlite_url(garbage))
    assert sentence == f"The database file {garbage} is not a SQLite database (perhaps another kind of file); " \
                       "check the path in --db."
    assert garbage.read_bytes() == content


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.02])
def test_a_truncated_database_is_called_damaged(tmp_path, keep):
    path = agency_file(tmp_path / "agency.db")
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    sentence = refused(sqlite_url(path))
    assert f"The database file {path} is damaged" in sentence and "restore it from a backup" in sentence


def test_a_folder_is_not_a_database_file(tmp_path):
    sentence = refused(sqlite_url(tmp_path))
    assert sentence.startswith(f"{tmp_path} is a folder, not a database file")
    assert f"sqlite:///{tmp_path / 'casenotes.db'}" in sentence


def test_a_zero_byte_file_is_refused_not_given_a_schema(tmp_path):
    """An empty file where a record is expected is more likely a copy cut short than a new agency."""
    empty = tmp_path / "agency.db"
    empty.touch()
    sentence = refused(sqlite_url(empty))
    assert "is empty (0 bytes)" in sentence and "delete it to start a new database there" in sentence
    assert empty.stat().st_size == 0 and not Path(f"{empty}-wal").exists()


def test_a_missing_file_is_still_created(tmp_path):
    path = tmp_path / "new" / "agency.db"
    Store.open(sqlite_url(path)).close()
    assert path.stat().st_size > 0


def test_a_sqlite_file_of_another_program_is_left_alone(tmp_path):
    path = tmp_path / "places.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    sentence = refused(sqlite_url(path))
    assert "holds another program's tables (moz_places)" in sentence
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["moz_places"]


def test_a_path_through_a_file_cannot_be_made(tmp_path):
    (tmp_path / "plain").write_text("x")
    sentence = refused(sqlite_url(tmp_path / "plain" / "agency.db"))
    assert sentence.startswith(f"Cannot make the folder of the database file {tmp_path / 'plain' / 'agency.db'}")


# A schema this code does not know


def test_a_newer_schema_is_refused_on_both_backends(db_url):
    Store.open(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    sentence = refused(db_url)
    assert "was made by a newer casenotes (schema revision '0099_from_the_future'" in sentence
    assert "nothing was changed" in sentence
    with engine.connect() as conn:  # not downgraded, not stamped
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099_from_the_future"
    engine.dispose()


def test_a_store_at_the_newest_schema_opens_while_another_program_writes(tmp_path):
    """Opening reads the schema revision without the write lock: a long save elsewhere does not stop it."""
    path = agency_file(tmp_path / "agency.db")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        store = Store.open(sqlite_url(path), busy_seconds=0.2)
        assert [w.login for w in store.staff()] == ["cw"]
        store.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_database_locked_at_start_is_a_sentence(tmp_path):
    path = agency_file(tmp_path / "agency.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        sentence = refused(sqlite_url(path), busy_seconds=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert sentence == (f"The database file {path} has been held by another program for over 0.2 s (perhaps "
                        "casenotes creating the demo or upgrading); nothing was changed — try again in a moment.")


# Addresses and servers


def test_a_string_that_is_not_a_url(tmp_path):
    assert refused("not a url") == ("'not a url' is not a database address; give one like "
                                    "sqlite:////full/path/casenotes.db or postgresql://user@host/dbname.")


@pytest.mark.parametrize("url, says", [
    ("mysql://agency@db.example/casenotes", "The record is kept in SQLite or PostgreSQL, not in 'mysql'"),
    ("oracle+oracledb://agency@db.example/casenotes", "not in 'oracle'"),
    ("postgresql+nosuchdriver://agency@db.example/casenotes",
     "The database driver 'postgresql+nosuchdriver' is not one casenotes knows"),
    ("postgresql+pg8000://agency@db.example/casenotes", "The driver 'postgresql+pg8000' needed for the PostgreSQL "
                                                        "database 'casenotes' on db.example:5432 is not installed"),
])
def test_a_backend_or_driver_casenotes_does_not_use(url, says):
    if "pg8000" in url and _importable("pg8000"):
        pytest.skip("pg8000 is installed here")
    assert says in refused(url)


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def test_an_unreachable_postgresql_server_is_named_without_its_password():
    sentence = refused("postgresql://nouser:s3cret@127.0.0.1:1/x")
    assert sentence == ("Cannot reach the PostgreSQL database 'x' on 127.0.0.1:1 (Connection refused); check that "
                        "the server is running and that --db names it, or ask your administrator.")
    assert "s3cret" not in sentence


@pytest.mark.postgres
def test_an_unknown_postgresql_role_says_to_check_the_user(pg_database):
    from sqlalchemy.engine import make_url

    url = make_url(pg_database).set(username="no_such_role_h2").render_as_string(hide_password=False)
    sentence = refused(url)
    assert '(role "no_such_role_h2" does not exist); check the user, password and database name' in sentence


# Read-only files and folders (as root, whom permissions do not stop, the check runs as "nobody")


@pytest.fixture
def shared_dir(monkeypatch):
    """A folder outside pytest's private tmp (which "nobody" cannot enter), HOME pointing into it."""
    folder = Path(tempfile.mkdtemp(prefix="casenotes-ro-"))
    folder.chmod(0o777)
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("CASENOTES_POLICY", raising=False)
    yield folder
    for path in folder.rglob("*"):
        path.chmod(0o777)
    import shutil

    shutil.rmtree(folder)


@contextmanager
def unprivileged():
    """Run as an ordinary user: root may write to any file, so read-only would not be read-only."""
    if os.geteuid() != 0:
        yield
        return
    # Everything the refusal needs is imported now: the standard library may sit where "nobody" cannot read.
    Store.open("sqlite://").close()
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def read_only_file(folder: Path) -> Path:
    path = agency_file(folder / "agency.db")
    path.chmod(0o444)
    return path


def read_only_folder(folder: Path) -> Path:
    path = agency_file(folder / "locked" / "agency.db")
    path.chmod(0o666)
    path.parent.chmod(0o555)
    return path


def test_a_read_only_file_is_refused_before_it_is_used(shared_dir):
    path = read_only_file(shared_dir)
    before = path.read_bytes()
    with unprivileged():
        sentence = refused(sqlite_url(path))
    assert sentence == (f"The database file {path} is read-only for you, and casenotes writes to it (notes, its "
                        "journal, the audit of reading); ask your administrator for write access.")
    assert path.read_bytes() == before


def test_a_read_only_folder_is_named(shared_dir):
    path = read_only_folder(shared_dir)
    with unprivileged():
        sentence = refused(sqlite_url(path))
    assert sentence == (f"The folder {path.parent} is read-only for you, and casenotes keeps its journal files "
                        "(agency.db-wal, agency.db-shm) beside the database; ask your administrator for write access.")


def test_a_folder_you_may_not_enter(shared_dir):
    private = shared_dir / "private"
    private.mkdir(mode=0o700)
    if os.geteuid() != 0:  # as an ordinary user, a folder of one's own is closed by removing its x bit
        private.chmod(0o600)
    with unprivileged():
        sentence = refused(sqlite_url(private / "agency.db"))
    assert sentence == (f"Cannot look at the database file {private / 'agency.db'} ({private / 'agency.db'}: "
                        "Permission denied); check the path and its folders' permissions.")


@pytest.mark.postgres
def test_a_postgresql_login_without_the_right_to_create_the_tables(pg_database):
    from sqlalchemy.engine import make_url

    role, schema = unique_name("reader"), unique_name("closed")  # roles are server-wide
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))  # may look, not create
    try:
        url = make_url(pg_database).set(username=role).update_query_dict(
            {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        sentence = refused(url)  # said before the server refuses the first CREATE (issue 17)
        assert sentence.startswith("The PostgreSQL database")
        assert f"holds no casenotes record yet, and only the database's owner creates or upgrades it, not the " \
               f"database user {role}" in sentence
        assert sentence.endswith("run `casenotes admin init` with this casenotes. Nothing was changed.")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
