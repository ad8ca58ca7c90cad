"""``Store``: the one way into the record. Opens the database and hands out a ``Desk`` that acts as
one signed-in worker, the system's ``Staffing`` and the search index's ``Feed``."""

from __future__ import annotations

from sqlalchemy import func, select

from store.core import arguments, errors
from store.core.clock import Clock, SystemClock
from store.core.policy import Policy
from store.core.results import WorkerView
from store.db import opening
from store.db.database import Database
from store.db.engines import SQLITE_BUSY_SECONDS, stored_revisions, upgrade_schema
from store.db.policy_facts import keep_policy_facts
from store.db.server import mark_test_database
from store.db.models import AdvocateAccount, Meta, Worker
from store.desks.advocate_accounts import check_advocate_may_sign_in, note_sign_in
from store.desks.desk import Desk
from store.desks.to_results import worker_view
from store.feed import Feed
from store.server_admin import ServerAdmin, set_up
from store.staffing import Staffing


class Store(Database):
    """The database opened, and the ways into it: a signed-in ``Desk``, the system's ``Staffing``, the
    index's ``Feed``."""

    @classmethod
    def open(cls, url: str | None = None, clock: Clock | None = None, policy: Policy | None = None, *,
             busy_seconds: float = SQLITE_BUSY_SECONDS) -> Store:
        """Open (creating or upgrading) the database at ``url``; None is the default SQLite file.
        ``busy_seconds`` is how long a SQLite save waits for another writer before ``DatabaseBusy``.
        Refuses with ``CannotOpen`` (a sentence naming the database and what to do) whatever cannot
        be opened: not a URL, a backend or driver casenotes does not use, a folder, an empty, foreign or
        damaged file, one it may not write, a server it cannot reach, a newer schema, a lock held too long."""
        url, parsed = opening.checked_address(url)
        policy = policy or Policy.load()
        with opening.refusals(parsed, busy_seconds):
            store = cls(url, clock or SystemClock(), policy, busy_seconds)
        with opening.refusals(parsed, busy_seconds, cleanup=store.close):
            if not opening.schema_is_current(store.read_engine, parsed):
                opening.check_may_upgrade(store.write_engine, parsed)
                store.upgraded_from = stored_revisions(store.read_engine)[0]
                upgrade_schema(store.write_engine)
            keep_policy_facts(store)
        return store

    upgraded_from: tuple[str, ...] | None = None  # the revisions Store.open upgraded from (None: none)

    def allow_test_clock(self) -> None:
        """Let the database's triggers follow this store's clock (a frozen one: tests, the generated
        demo) from now on; on PostgreSQL only the owner may, and any session of the database could
        then move its trigger clock, so never on a real agency's. SQLite's triggers always follow the
        clock of the store that opened the file."""
        with self.writing() as session:
            if session.get_bind().dialect.name == "postgresql":
                mark_test_database(session.connection())

    def as_user(self, login: str) -> Desk:
        login = arguments.login(login, "login", errors.NoAccess)
        with self.reading() as session:
            worker = session.scalar(select(Worker).where(Worker.login == login))
            if worker is not None and not worker.active:
                check_advocate_may_sign_in(session, worker)
            if worker is None or not worker.active:
                raise errors.NoAccess(f"There is no active casenotes user with the login {login!r}.")
        self._signed_in(worker.id)
        return Desk(self, worker.id, login)

    def _signed_in(self, worker_id: int) -> None:
        """An advocate's sign-in is kept for the representatives' list (nothing for anyone else)."""
        with self.reading() as session:
            if session.get(AdvocateAccount, worker_id) is None:
                return
        with self.writing() as session:
            note_sign_in(session, worker_id, self.now())

    def signed_in(self) -> Desk:
        """The desk of the worker this database connection signed in as: on the agency server
        (PostgreSQL) the worker whose ``db_role`` is the session's login role. ``NoAccess`` if that
        role is no active worker's (the owner, a superuser, a deactivated worker) or on SQLite, where
        the database has no users."""
        with self.reading() as session:
            if session.get_bind().dialect.name != "postgresql":
                raise errors.NoAccess("A casenotes file on this computer has no database users; choose who you are.")
            role = session.scalar(select(func.session_user()))
            worker = session.scalar(select(Worker).where(Worker.db_role == role))
            if worker is not None and not worker.active:
                check_advocate_may_sign_in(session, worker)
            if worker is None or not worker.active:
                raise errors.NoAccess(f"The database user {role!r} is no active casenotes worker's; ask your "
                                      "administrator to add you, or sign in as yourself.")
        self._signed_in(worker.id)
        return Desk(self, worker.id, worker.login)

    def staffing(self, by: str | None = None) -> Staffing:
        """Administration, audited as done by the login ``by`` (None: the system, e.g. the demo)."""
        return Staffing(self, by)

    def set_up_server(self) -> list[str]:
        """``casenotes admin init`` once the schema is current (``Store.open`` migrated it): the agency
        server's roles, privileges and login functions, run by the database's owner; what was done, in
        sentences. ``InvalidRequest`` on SQLite, ``NoAccess`` for anyone but the owner or a superuser."""
        return set_up(self, self.upgraded_from)

    def server_admin(self) -> ServerAdmin:
        """The owner's commands on workers' sign-ins (``casenotes admin add-login``, ``end-login``,
        ``logins``)."""
        return ServerAdmin(self)

    @property
    def has_database_users(self) -> bool:
        """Whether the workers sign in to the database as themselves (PostgreSQL; ``signed_in``)."""
        return self.write_engine.dialect.name == "postgresql"

    def feed(self) -> Feed:
        """The change log and note documents, for the search index."""
        return Feed(self)

    def staff(self) -> list[WorkerView]:
        """Everyone who may sign in, by unit and name (for the demo's picker and sign-in)."""
        with self.reading() as session:
            workers = session.scalars(select(Worker).where(Worker.active).order_by(Worker.unit_id, Worker.name))
            return [worker_view(w) for w in workers]

    def meta(self, key: str) -> str | None:
        with self.reading() as session:
            row = session.get(Meta, key)
            return row.value if row else None

    @property
    def is_demo(self) -> bool:
        return self.meta("demo") == "yes"
