"""``Database``: the one handle every desk works through — the engines, the clock and the policy,
and units of work whose database refusals come out as the matching ``StoreError`` with its sentence."""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from store.core import errors
from store.core.clock import Clock
from store.core.policy import Policy
from store.db.engines import BEGAN, SQLITE_BUSY_SECONDS, make_engines

TRIGGER_MESSAGE = re.compile(r"casenotes\[(\w+)\]: ([^\n]+)")
# The instant the current unit of work began on the store's clock (None outside one).
_began: ContextVar[datetime | None] = ContextVar("casenotes_began", default=None)


class Database:
    def __init__(self, url: str, clock: Clock, policy: Policy, busy_seconds: float = SQLITE_BUSY_SECONDS):
        self.url = url
        self.clock = clock
        self.policy = policy
        self.read_engine, self.write_engine = make_engines(url, clock, busy_seconds)

    def now(self) -> datetime:
        """The store's clock: inside a unit of work, the instant it began, which is the triggers'
        ``casenotes_now()`` too (SQLite always; PostgreSQL in a database marked for a test clock)."""
        return _began.get() or self.clock.now()

    def close(self) -> None:
        self.read_engine.dispose()
        self.write_engine.dispose()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._unit(self.read_engine) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        with self._unit(self.write_engine) as session:
            yield session

    @contextmanager
    def _unit(self, engine: Engine) -> Iterator[Session]:
        """One transaction; database refusals come out as the matching ``StoreError``."""
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                # Connect (BEGIN) now: the triggers' clock is stamped, and the desk reads the same instant.
                began = _began.set(session.connection().info.get(BEGAN))
                try:
                    yield session
                finally:
                    _began.reset(began)
        except StaleDataError:
            raise errors.StaleEdit() from None
        except DBAPIError as exc:
            raise _refusal(exc) from exc

def as_refusal(exc: DBAPIError) -> errors.StoreError:
    """A database's refusal inside a unit of work that goes on (a savepoint undone), as its ``StoreError``."""
    refusal = _refusal(exc)
    return refusal if isinstance(refusal, errors.StoreError) else errors.StoreError(str(exc.orig))


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
