"""The demo's cast and its story clock: who works where, and actions run in time order."""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from datetime import datetime
from collections.abc import Callable

from store.core.clock import FrozenClock


@dataclass
class DemoStaff:
    director: str = ""
    supervisors: list[str] = field(default_factory=list)
    workers: dict[int, list[str]] = field(default_factory=dict)  # unit index → logins
    ldss: set[str] = field(default_factory=set)
    supervisor_of: dict[str, str] = field(default_factory=dict)
    clerk: str = ""
    advocate: str = ""
    administrator: str = ""  # MAINTAIN STAFF: adds, changes and deactivates workers and units
    intake: str = ""  # INTAKE: opens families and their INT and FSI stages
    representative: str = ""  # ADVOCATE ACCESS: the advocate programme's access-management representative
    requested_advocate: str = ""  # an advocate whose account waits for the representative's approval
    walk_case: int = 0  # the Halvorsen family (demo.plans): a 14-year-old in care whose plan the walk drafts
    walk_child: int = 0
    walk_planner: str = ""  # her stage's Case Planner


class Timeline:
    """Actions to run at given instants, in time order; nothing after ``as_of`` happens."""

    def __init__(self, clock: FrozenClock, as_of: datetime):
        self.clock, self.as_of = clock, as_of
        self._queue: list[tuple[datetime, int, Callable[[], object]]] = []
        self._order = itertools.count()

    def at(self, when: datetime, action: Callable[[], object]) -> None:
        if when <= self.as_of:
            heapq.heappush(self._queue, (when, next(self._order), action))

    def run(self) -> None:
        while self._queue:
            when, _, action = heapq.heappop(self._queue)
            self.clock.set(when)
            action()
        self.clock.set(self.as_of)
