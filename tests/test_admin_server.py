"""Running casenotes for an agency (README): from an empty PostgreSQL database to workers signed in as
their own database users, through ``casenotes admin`` and the Staff screen's desk (issue 17).

Each test makes its own database and its workers' logins carry a name no other test or run uses, so
that their database users (which are the server's, not the database's) never collide; the database
and every user a test made are dropped at its end. ``casenotes_owner`` and ``casenotes_worker`` are
the server's shared roles (the test agency's template uses them too): they stay.
"""

from __future__ import annotations

import re
import subprocess
from argparse import Namespace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from store import CannotOpen, InvalidRequest, Store
from tui.cli.main import main
from tui.cli.sign_in import sign_in

from conftest import _pg_admin, _pg_url, unique_name

pytestmark = pytest.mark.postgres


class Server:
    """One test's agency database, its owner's URL, and its workers' logins (each also a user name)."""

    def __init__(self, admin, prefix: str, own: str | None = None):
        self.admin, self.prefix, self.own = admin, prefix, own or prefix
        self.name = f"{self.own}_db"
        self.url = _pg_url(self.name)

    def login(self, who: str) -> str:
        """The login (and database user) of the agency's worker ``who``."""
        return f"{self.prefix}_{who}"

    def new(self, who: str) -> str:
        """A login or database user this test makes (dropped at its end)."""
        return f"{self.own}_{who}"

    def as_user(self, user: str) -> str:
        return make_url(self.url).set(username=user).render_as_string(hide_password=False)

    def sql(self, statement: str, user: str | None = None, **params):
        engine = create_engine(self.as_user(user) if user else self.url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return result.all() if result.returns_rows else None
        finally:
            engine.dispose()

    def role(self, user: str):
        with self.admin.connect() as conn:
            return conn.execute(text("SELECT rolcanlogin, pg_has_role(rolname, 'casenotes_worker', 'MEMBER') "
                                     "FROM pg_roles WHERE rolname = :r"), {"r": user}).first()


@pytest.fixture
def server(pg_database):
    admin = _pg_admin()
    made = Server(admin, unique_name("h5"))
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{made.name}"'))
    yield made
    _drop(admin, made.name, made.own)
    admin.dispose()


def _drop(admin, database: str, roles: str) -> None:
    """The database, and every database user whose name starts with ``roles``."""
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        for role in conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
                                 {"p": f"{roles}%"}).scalars().all():
            conn.execute(text(f'DROP ROLE "{role}"'))


def write_agency(folder: Path, server: Server) -> None:
    """A tiny agency as import files: a staff administrator, a supervisor, a caseworker whose login has a
    capital and a dot (her database user is the login in lower case, the dot an underscore)."""
    folder.mkdir()
    (folder / "units.csv").write_text("unit_id,name\nU1,Unit 1\n")
    boss, sup, cara = server.login("boss"), server.login("sup"), server.login("Cara").replace("_Cara", ".Cara")
    (folder / "staff.csv").write_text(
        "worker_id,login,name,title,employer,unit_id,supervisor_id,functions\n"
        f"W1,{boss},Dana Boss,Director,LDSS,,,MAINTAIN STAFF\n"
        f"W2,{sup},Sam Supervisor,Supervisor,LDSS,U1,W1,\n"
        f"W3,{cara},Cara Worker,Caseworker,LDSS,U1,W2,\n")


@pytest.fixture(scope="module")
def agency_template(pg_database, tmp_path_factory):
    """The README's path once per module and worker: `casenotes admin init`, `casenotes import --apply`,
    `casenotes admin logins`; each test gets a copy (its workers' database users are the module's)."""
    admin = _pg_admin()
    made = Server(admin, unique_name("h5a"))
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{made.name}"'))
    try:
        assert main(["admin", "init", "--db", made.url]) == 0
        files = tmp_path_factory.mktemp("agency") / "files"
        write_agency(files, made)
        assert main(["--db", made.url, "import", str(files), "--apply"]) == 0
        assert main(["admin", "logins", "--db", made.url]) == 0
        yield made
    finally:
        _drop(admin, made.name, made.prefix)
        admin.dispose()


@pytest.fixture
def agency_server(agency_template, capsys):
    """A copy of the module's agency, set up again for the server (a copy does not keep the database's
    own grants); the names this test makes start with its own prefix."""
    admin = agency_template.admin
    made = Server(admin, agency_template.prefix, own=unique_name("h5"))
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                     {"d": agency_template.name})
        conn.execute(text(f'CREATE DATABASE "{made.name}" TEMPLATE "{agency_template.name}"'))
    assert main(["admin", "init", "--db", made.url]) == 0
    capsys.readouterr()
    yield made
    _drop(admin, made.name, made.own)


def test_readme_path_from_an_empty_database_to_signed_in_workers(server, tmp_path, capsys):
    assert main(["admin", "init", "--db", server.url]) == 0
    said = capsys.readouterr().out
    assert f"Created the casenotes schema in {server.name}" in said
    assert "casenotes_owner owns the" in said and "Other database users may not connect." in said
    write_agency(tmp_path / "agency", server)
    assert main(["--db", server.url, "import", str(tmp_path / "agency"), "--apply"]) == 0
    capsys.readouterr()
    assert main(["admin", "logins", "--db", server.url]) == 0
    said = capsys.readouterr().out
    cara_user = server.login("cara")  # from the login "<prefix>.Cara"
    assert f"Made the database user {cara_user} for Cara Worker ({server.prefix}.Cara)" in said
    assert said.count("Made the database user") == 3
    assert server.role(cara_user) == (True, True)

    signed_in = Store.open(server.as_user(cara_user))
    assert signed_in.signed_in().login == f"{server.prefix}.Cara"
    assert signed_in.signed_in().me().name == "Cara Worker"
    signed_in.close()

    # Idempotent: again after an upgrade, and nothing left to make.
    assert main(["admin", "init", "--db", server.url]) == 0
    assert f"The schema of {server.name} is current" in capsys.readouterr().out
    assert main(["admin", "logins", "--db", server.url]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_a_worker_role_cannot_change_the_schema_truncate_nor_own_tables(agency_server):
    cara, outcomes = agency_server.login("cara"), {}
    for statement in ("CREATE TABLE mine (x int)", "ALTER TABLE notes ADD COLUMN x int", "DROP TABLE audit_log",
                      "TRUNCATE audit_log", "TRUNCATE notes CASCADE", "CREATE TEMP TABLE mine (x int)",
                      "ALTER TABLE workers DISABLE ROW LEVEL SECURITY",
                      "UPDATE workers SET db_role = 'postgres'", "CREATE FUNCTION f() RETURNS int AS 'SELECT 1' "
                      "LANGUAGE sql"):
        try:
            agency_server.sql(statement, user=cara)
        except DBAPIError as refusal:
            outcomes[statement] = str(refusal.orig).splitlines()[0]
        else:
            outcomes[statement] = "allowed"
    assert all(re.search("permission denied|must be owner", said) for said in outcomes.values()), outcomes
    owners = {row[0] for row in agency_server.sql("SELECT DISTINCT tableowner FROM pg_tables "
                                                  "WHERE schemaname = 'public'")}
    assert owners == {"casenotes_owner"}
    functions = {row[0] for row in agency_server.sql(
        "SELECT DISTINCT pg_get_userbyid(p.proowner) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public'")}
    assert functions == {"casenotes_owner"}


def test_a_staff_administrator_signed_in_as_themselves_adds_and_deactivates_a_worker(agency_server):
    boss_store = Store.open(agency_server.as_user(agency_server.login("boss")))
    boss = boss_store.signed_in()
    newbie = agency_server.new("newbie")
    boss.add_worker(newbie, "Nia Newbie", "Caseworker", unit=1, supervisor=agency_server.login("sup"))
    assert agency_server.role(newbie) == (True, True)
    assert agency_server.sql("SELECT db_role FROM workers WHERE login = :l", l=newbie) == [(newbie,)]
    assert next(m for m in boss.staff() if m.login == newbie).database_user == newbie  # the Staff screen says it
    signed_in = Store.open(agency_server.as_user(newbie))
    assert signed_in.signed_in().login == newbie
    signed_in.close()
    assert _psql(agency_server, newbie).returncode == 0

    boss.deactivate_worker(newbie)
    assert agency_server.role(newbie) == (False, True)  # kept, with its history, without LOGIN
    refused = _psql(agency_server, newbie)
    assert refused.returncode != 0 and "is not permitted to log in" in refused.stderr
    actions = [row[0] for row in agency_server.sql(
        "SELECT action FROM audit_log WHERE entity = 'worker' AND entity_id = "
        "(SELECT id FROM workers WHERE login = :l) ORDER BY id", l=newbie)]
    assert actions == ["add worker", "give sign-in", "deactivate worker", "end sign-in"]
    boss_store.close()


def test_a_login_whose_database_user_exists_is_refused_and_nothing_is_written(agency_server):
    taken = agency_server.new("taken")
    with agency_server.admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {taken} LOGIN"))
    boss_store = Store.open(agency_server.as_user(agency_server.login("boss")))
    boss = boss_store.signed_in()
    with pytest.raises(InvalidRequest, match=f"The database user {taken} exists already and was not made by casenotes"):
        boss.add_worker(taken, "Tom Taken", "Caseworker", unit=1, supervisor=agency_server.login("sup"))
    digit = "9" + agency_server.new("x")
    with pytest.raises(InvalidRequest, match="cannot be a database user"):
        boss.add_worker(digit, "Nine", "Caseworker", unit=1, supervisor=agency_server.login("sup"))
    assert agency_server.sql("SELECT count(*) FROM workers WHERE login IN (:a, :b)", a=taken, b=digit) == [(0,)]
    assert agency_server.role(taken) == (True, False)  # not taken over
    boss_store.close()


def test_a_caseworker_role_calling_the_login_functions_is_refused(agency_server):
    cara = agency_server.login("cara")
    for function in ("casenotes_grant_login", "casenotes_end_login"):
        with pytest.raises(DBAPIError, match="only staff administration"):
            agency_server.sql(f"SELECT {function}(1)", user=cara)
    assert agency_server.role(agency_server.login("boss")) == (True, True)
    # A database user that is no worker's may not even connect.
    stranger = agency_server.new("stranger")
    with agency_server.admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {stranger} LOGIN"))
    with pytest.raises(DBAPIError, match="permission denied for database"):
        agency_server.sql("SELECT 1", user=stranger)


def test_the_owner_ends_and_gives_back_a_login_and_logins_ends_deactivated_workers(agency_server, capsys):
    cara_login, cara = f"{agency_server.prefix}.Cara", agency_server.login("cara")
    assert main(["admin", "end-login", cara_login, "--db", agency_server.url]) == 0
    assert f"Cara Worker ({cara_login}) can no longer sign in" in capsys.readouterr().out
    assert agency_server.role(cara) == (False, True)
    assert main(["admin", "add-login", cara_login, "--db", agency_server.url]) == 0
    assert f"Cara Worker ({cara_login}) can sign in again as the database user {cara}" in capsys.readouterr().out
    assert agency_server.role(cara) == (True, True)
    # Deactivated as the system (an import, the owner's store): `logins` takes the sign-in away.
    store = Store.open(agency_server.url)
    store.staffing().add_worker(agency_server.new("gone"), "Gus Gone", "Caseworker")
    store.close()
    assert main(["admin", "add-login", agency_server.new("gone"), "--db", agency_server.url]) == 0
    agency_server.sql("UPDATE workers SET active = false, deactivated_at = now() WHERE login = :l",
                      l=agency_server.new("gone"))
    capsys.readouterr()
    assert main(["admin", "logins", "--db", agency_server.url]) == 0
    assert "Gus Gone" in capsys.readouterr().out
    assert agency_server.role(agency_server.new("gone")) == (False, True)
    # Restored onto a server without the roles: `logins` makes an active worker's user again.
    store = Store.open(agency_server.url)
    store.staffing().add_worker(agency_server.new("back"), "Bea Back", "Caseworker")
    store.close()
    assert main(["admin", "add-login", agency_server.new("back"), "--db", agency_server.url]) == 0
    with agency_server.admin.connect() as conn:
        conn.execute(text(f"DROP ROLE {agency_server.new('back')}"))
    capsys.readouterr()
    assert main(["admin", "logins", "--db", agency_server.url]) == 0
    assert f"Made the database user {agency_server.new('back')} for Bea Back" in capsys.readouterr().out
    assert agency_server.role(agency_server.new("back")) == (True, True)


def test_admin_refusals_print_a_sentence_and_exit_2(agency_server, tmp_path, capsys):
    sqlite = tmp_path / "agency.db"
    assert main(["admin", "init", "--db", f"sqlite:///{sqlite}"]) == 2
    assert "is SQLite, a record on one computer, which has no database users" in capsys.readouterr().err
    assert not sqlite.exists()
    cara = agency_server.as_user(agency_server.login("cara"))
    assert main(["admin", "init", "--db", cara]) == 2
    assert "is not the database's owner nor a superuser" in capsys.readouterr().err
    assert main(["admin", "logins", "--db", cara]) == 2
    assert "is not the database's owner nor a superuser" in capsys.readouterr().err
    assert main(["admin", "add-login", "nobody_here", "--db", agency_server.url]) == 2
    assert "There is no worker with the login 'nobody_here'" in capsys.readouterr().err
    taken = agency_server.new("taken")
    with agency_server.admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {taken} NOLOGIN"))
    store = Store.open(agency_server.url)
    store.staffing().add_worker(taken, "Tom Taken", "Caseworker")
    store.close()
    assert main(["admin", "add-login", taken, "--db", agency_server.url]) == 2
    err = capsys.readouterr().err
    assert f"The database user {taken} exists already" in err and "Traceback" not in err
    assert agency_server.role(taken) == (False, False)


def test_a_worker_is_told_that_the_owner_upgrades_the_schema(agency_server):
    agency_server.sql("UPDATE alembic_version SET version_num = '0009'")
    with pytest.raises(CannotOpen, match=r"holds an older casenotes schema \(revision 0009.*only the database's "
                                         r"owner creates or upgrades it.*casenotes admin init"):
        Store.open(agency_server.as_user(agency_server.login("cara")))


def test_the_command_line_signs_in_as_the_database_user(agency_server, capsys, monkeypatch):
    cara = agency_server.as_user(agency_server.login("cara"))
    signed_in = sign_in(Namespace(db=cara, user=None, command="timeliness"))
    assert signed_in is not None and signed_in[1] == f"{agency_server.prefix}.Cara"
    signed_in[0].close()
    opened = []
    monkeypatch.setattr("tui.cli.main._run_app", lambda store, login: opened.append(login) or 0)
    assert main(["--db", cara]) == 0
    assert opened == [f"{agency_server.prefix}.Cara"]

    # The owner is no worker: the app does not open, with the store's sentence and no traceback.
    assert main(["--db", agency_server.url]) == 2
    err = capsys.readouterr().err
    assert "is no active casenotes worker's; ask your administrator to add you" in err and "Traceback" not in err
    assert main(["--db", agency_server.url, "timeliness"]) == 2
    assert "is no active casenotes worker's" in capsys.readouterr().err
    # --user is the demo's: on the agency server it is refused.
    assert main(["--db", cara, "--user", agency_server.login("boss")]) == 2
    assert "--user works only on a demo database" in capsys.readouterr().err
    assert opened == [f"{agency_server.prefix}.Cara"]


def test_sqlite_has_no_admin_and_signs_in_as_before(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'casenotes.db'}"
    Store.open(url).close()
    assert main(["--db", url, "admin", "logins"]) == 2
    assert "has no database users" in capsys.readouterr().err


def _psql(server: Server, user: str) -> subprocess.CompletedProcess:
    url = make_url(server.url)
    return subprocess.run(["psql", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", user,
                           "-d", server.name, "-Atc", "SELECT 1"], capture_output=True, text=True, timeout=30,
                          check=False)


def test_the_app_opened_on_the_server_without_user_is_the_database_users_worker(agency_server, tmp_path):
    import asyncio

    from tui.app import CasenotesApp
    from tui.screens.caseload import CaseloadScreen

    store, login = sign_in(Namespace(db=agency_server.as_user(agency_server.login("cara")), user=None, command=None))
    app = CasenotesApp(store, login, home=tmp_path, indexing=False)

    async def run():
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(100):
                if isinstance(app.screen, CaseloadScreen):
                    break
                await asyncio.sleep(0.05)
            await pilot.pause()
            return app.me.name, isinstance(app.screen, CaseloadScreen), app.sub_title

    name, caseload_shown, sub_title = asyncio.run(run())
    store.close()
    assert (name, caseload_shown) == ("Cara Worker", True)
    assert sub_title.startswith("Cara Worker · Unit 1")


def test_a_database_owner_who_is_no_superuser_sets_up_and_upgrades(server, capsys):
    from alembic import command

    from store.db.engines import _alembic_config, known_revisions

    owner = server.new("owner")
    with server.admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {owner} LOGIN CREATEDB CREATEROLE"))
        conn.execute(text(f'ALTER DATABASE "{server.name}" OWNER TO {owner}'))
    as_owner = server.as_user(owner)
    assert main(["admin", "init", "--db", as_owner]) == 0
    assert f"Signed in as {owner}" in capsys.readouterr().out
    # The previous casenotes's schema, as an upgrade finds it: the owner migrates it and grants again.
    config, engine = _alembic_config(), create_engine(as_owner)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "-1")
    engine.dispose()
    (before,), head = server.sql("SELECT version_num FROM alembic_version")[0], known_revisions()[1]
    assert main(["admin", "init", "--db", as_owner]) == 0
    assert f"Upgraded the schema of {server.name} from revision {before} to {head}." in capsys.readouterr().out
    owners = {row[0] for row in server.sql("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")}
    assert owners == {"casenotes_owner"}


def test_import_and_export_are_the_owners_on_the_server(agency_server, tmp_path, capsys):
    cara = agency_server.as_user(agency_server.login("cara"))
    write_agency(tmp_path / "again", agency_server)
    assert main(["--db", cara, "import", str(tmp_path / "again"), "--apply"]) == 2
    assert "casenotes import works on the whole agency as the system" in capsys.readouterr().err
    assert main(["--db", cara, "export", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "the database's owner runs it" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert main(["--db", agency_server.url, "export", str(tmp_path / "out")]) == 0


def test_the_servers_notification_sweep_runs_as_the_owner(agency_server, capsys):
    """`casenotes admin notify` (cron on the agency server): the sweep over every worker, then e-mail."""
    assert main(["admin", "notify", "--db", agency_server.url]) == 0
    said = capsys.readouterr().out
    assert "No new notifications" in said and "No mail relay is set in the policy" in said
    assert main(["admin", "notify", "--db", agency_server.url]) == 0  # again: nothing twice
    assert "No new notifications" in capsys.readouterr().out
