"""``Store``: the one way into the record. Opens the database, runs units of work, and hands out a
``Desk`` that acts as one signed-in worker."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import arguments, errors, opening
from .clock import Clock, SystemClock
from .db import SQLITE_BUSY_SECONDS, make_engines, upgrade_schema
from .models import Meta, Worker
from .policy import Policy
from .views import WorkerView
from .viewing import worker_view

if TYPE_CHECKING:
    from .desk import Desk
    from .feed import Feed
    from .staffing import Staffing

TRIGGER_MESSAGE = re.compile(r"casenotes\[(\w+)\]: ([^\n]+)")


class Store:
    def __init__(self, url: str, clock: Clock, policy: Policy, busy_seconds: float = SQLITE_BUSY_SECONDS):
        self.url = url
        self.clock = clock
        self.policy = policy
        self.read_engine, self.write_engine = make_engines(url, clock, busy_seconds)

    @classmethod
    def open(cls, url: str | None = None, clock: Clock | None = None, policy: Policy | None = None, *,
             busy_seconds: float = SQLITE_BUSY_SECONDS) -> "Store":
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
                upgrade_schema(store.write_engine)
        return store

    def close(self) -> None:
        self.read_engine.dispose()
        self.write_engine.dispose()

    def as_user(self, login: str) -> "Desk":
        from .desk import Desk

        login = arguments.login(login, "login", errors.NoAccess)
        with self.reading() as session:
            worker = session.scalar(select(Worker).where(Worker.login == login))
            if worker is None or not worker.active:
                raise errors.NoAccess(f"There is no active casenotes user with the login {login!r}.")
        return Desk(self, worker.id, login)

    def staffing(self, by: str | None = None) -> "Staffing":
        """Administration, audited as done by the login ``by`` (None: the system, e.g. the demo)."""
        from .staffing import Staffing

        return Staffing(self, by)

    def feed(self) -> "Feed":
        """The change log and note documents, for the search index."""
        from .feed import Feed

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

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._unit(self.read_engine) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        with self._unit(self.write_engine) as session:
            yield session

    @contextmanager
    def _unit(self, engine) -> Iterator[Session]:
        """One transaction; database refusals come out as the matching ``StoreError``."""
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                # Connect (BEGIN) now, so the triggers' clock is stamped before the desk reads its own.
                session.connection()
                yield session
        except StaleDataError:
            raise errors.StaleEdit() from None
        except DBAPIError as exc:
            raise _refusal(exc) from exc


def _refusal(exc: DBAPIError) -> Exception:
    found = TRIGGER_MESSAGE.search(str(exc.orig))
    if found:
        kind = getattr(errors, found.group(1), errors.StoreError)
        sentence = found.group(2).strip()
        return kind(f"The database refused this: {sentence[0].upper()}{sentence[1:]}.")
    if isinstance(exc, OperationalError) and ("locked" in str(exc.orig) or "busy" in str(exc.orig)):
        return errors.DatabaseBusy()
    if isinstance(exc, OperationalError):
        return errors.DatabaseUnavailable()
    if getattr(exc.orig, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return errors.DatabaseUnavailable(
            "The database file is damaged and this could not be read or saved; nothing was saved. Tell your "
            "administrator, who can restore it from a backup.")
    return exc
