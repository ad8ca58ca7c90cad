"""The agency server's owner at work (``casenotes admin``): setting the database up for workers who
sign in as themselves, and giving or ending their sign-ins.

Run connected as the database's owner or a superuser, never as a worker: ``set_up_server`` creates
or upgrades the schema (migrations are the owner's alone: a worker's session runs no DDL) and then
``store.db.server.init_server`` (the ``casenotes_owner`` owner, the ``casenotes_worker`` group with
least privilege, the login functions). ``ServerAdmin`` gives a worker their database user, ends it,
and brings every worker's in line with the record after an import (``logins``). Each answer is a
sentence for the person at the server; each change of a worker's sign-in is audited as done by the
system. On SQLite there are no database users: each refuses with a sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, String, column, select, table, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.errors import InvalidRequest, NoAccess, NotFound
from store.core.results import LoginChange
from store.db import opening, server
from store.db.engines import known_revisions
from store.db.models import Worker
from store.desks.base import Work
from store.desks.staff import end_sign_in, give_sign_in

if TYPE_CHECKING:
    from store.db.database import Database

ADMIN_INIT = "casenotes admin init --db URL"


def check_server_address(url: str | None) -> None:
    """Refuse, before anything is opened or made, an address that is no PostgreSQL agency server."""
    _url, parsed = opening.checked_address(url)
    _check_postgresql(parsed)


def check_agency_server(db: Database) -> None:
    """Refuse a database without users (SQLite) with the sentence saying where they are."""
    _check_postgresql(db.write_engine.url)


def _check_postgresql(parsed: URL) -> None:
    if parsed.get_backend_name() != "postgresql":
        where = opening.describe(parsed)
        raise InvalidRequest(f"{where[0].upper()}{where[1:]} is SQLite, a record on one computer, which has no "
                             "database users; casenotes admin sets up and signs in workers on a PostgreSQL "
                             "agency server (--db postgresql://owner@host/dbname). Nothing was changed.")


def check_owner(conn: Connection) -> None:
    """Only the database's owner or a superuser sets the server up or changes sign-ins from here."""
    if not server.may_change_schema(conn):
        user = conn.execute(text("SELECT session_user")).scalar_one()
        raise NoAccess(f"The database user {user} is not the database's owner nor a superuser, and only they set "
                       "up the agency server and give sign-ins with casenotes admin (a staff administrator does "
                       "it in the app's Staff screen). Nothing was changed.")


def set_up(db: Database, upgraded_from: tuple[str, ...] | None) -> list[str]:
    """``init_server`` on a database whose schema is current; what was done, in sentences.
    ``upgraded_from``: the schema's revisions before this run's migration (None: it was current)."""
    check_agency_server(db)
    head = known_revisions()[1]
    with db.write_engine.begin() as conn:
        check_owner(conn)
        made = {role: _role_exists(conn, role) for role in (server.OWNER, server.GROUP)}
        user, database = conn.execute(text("SELECT session_user, current_database()")).one()
        server.init_server(conn)
        tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")).scalar()
        waiting = conn.execute(text("SELECT count(*) FROM workers WHERE active AND db_role IS NULL")).scalar()
    if upgraded_from is None:
        said = [f"The schema of {database} is current (revision {head}); no migration was needed."]
    elif not upgraded_from:
        said = [f"Created the casenotes schema in {database} (revision {head})."]
    else:
        said = [f"Upgraded the schema of {database} from revision {', '.join(upgraded_from)} to {head}."]
    for role, existed in made.items():
        if not existed:
            said.append(f"Made the role {role} ({_ROLE_PURPOSE[role]}).")
    said += [
        f"{server.OWNER} owns the {tables} tables and the schema's functions; it cannot sign in, and it alone "
        "gives and ends workers' sign-ins, through casenotes_grant_login and casenotes_end_login.",
        f"{server.GROUP} may connect to {database}, read, and write only what the app writes (never TRUNCATE, "
        "own tables or change the schema); row-level security and the triggers narrow each statement to what "
        "the rules allow. Other database users may not connect.",
        f"Signed in as {user}: run this again after every upgrade of casenotes, which migrates the schema.",
    ]
    if waiting:
        said.append(f"{waiting} active worker{'s have' if waiting != 1 else ' has'} no database user yet: "
                    "`casenotes admin logins` makes them.")
    return said


_ROLE_PURPOSE = {server.OWNER: "owns casenotes' tables; no sign-in",
                 server.GROUP: "the workers' group: the privileges every worker's database user holds"}


def _role_exists(conn: Connection, role: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is not None


class ServerAdmin:
    """The owner's ``casenotes admin`` commands on workers' sign-ins (PostgreSQL)."""

    def __init__(self, db: Database):
        self.db = db

    def add_login(self, login: str) -> LoginChange:
        """Give the worker ``login`` their database user (made from the login: lower case, any other
        character than a-z, 0-9 and _ as _), or LOGIN back; refused, writing nothing, when that user
        exists and is not theirs or the login cannot be one."""
        login = arguments.login(login, "worker's login", NotFound)
        with self._owner_work() as work:
            worker = _worker(work.session, login)
            done = give_sign_in(work, worker.id)
            return self._change(work.session, worker, "signs_in" if done == "unchanged" else done)

    def end_login(self, login: str) -> LoginChange:
        """Take LOGIN from the worker's database user (the user and its history are kept)."""
        login = arguments.login(login, "worker's login", NotFound)
        with self._owner_work() as work:
            worker = _worker(work.session, login)
            done = end_sign_in(work, worker.id)
            return self._change(work.session, worker, "already_ended" if done == "unchanged" else done)

    def logins(self) -> list[LoginChange]:
        """Bring every worker's sign-in in line with the record (after an import, or a restore): a
        database user for each active worker without one (also one whose user is missing from the
        server, e.g. restored without the roles), LOGIN taken from each deactivated worker's. All in one
        transaction: one refusal (a name taken) and nothing is changed."""
        with self._owner_work() as work:
            session = work.session
            changes = []
            server_users = select(column("rolname", String)).select_from(table("pg_roles"))
            missing = Worker.db_role.is_(None) | Worker.db_role.not_in(server_users.scalar_subquery())
            for worker in session.scalars(select(Worker).where(Worker.active, missing)
                                          .order_by(Worker.login)).all():
                changes.append(self._change(session, worker, give_sign_in(work, worker.id)))
            for worker in session.scalars(select(Worker).where(~Worker.active, Worker.db_role.is_not(None))
                                          .order_by(Worker.login)).all():
                done = end_sign_in(work, worker.id)
                if done == "ended":
                    changes.append(self._change(session, worker, done))
            return changes

    def _change(self, session: Session, worker: Worker, done: str) -> LoginChange:
        session.refresh(worker, ["db_role"])
        return LoginChange(worker.login, worker.name, worker.db_role, done)

    @contextmanager
    def _owner_work(self) -> Iterator[Work]:
        """One unit of work of the owner on the agency server, acting as the system."""
        check_agency_server(self.db)
        with self.db.writing() as session:
            check_owner(session.connection())
            yield Work(session, self.db.clock.now(), self.db.policy, None)


def _worker(session: Session, login: str) -> Worker:
    worker = session.scalar(select(Worker).where(Worker.login == login))
    if worker is None:
        raise NotFound(f"There is no worker with the login {login!r}; nothing was changed.")
    return worker
