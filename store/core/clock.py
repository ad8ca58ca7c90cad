"""The one clock of casenotes. Production reads the system time; tests freeze and move it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FrozenClock:
    """A clock that stands still until told to move; thread-safe so worker threads see one time."""

    def __init__(self, at: datetime):
        self._lock = threading.Lock()
        self._at = _as_utc(at)

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = _as_utc(at)

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._at = self._at + timedelta(**delta)
            return self._at


def _as_utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("FrozenClock needs an aware datetime")
    return utc(at)


def utc(at: datetime) -> datetime:
    """A plain ``datetime`` in UTC. Pendulum instances are turned back into stdlib ones because
    pendulum drops a stdlib ``timezone.utc`` in arithmetic (``DateTime + timedelta`` comes out naive)."""
    at = at.astimezone(timezone.utc)
    return datetime(at.year, at.month, at.day, at.hour, at.minute, at.second, at.microsecond, tzinfo=timezone.utc)
