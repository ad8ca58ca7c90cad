"""Waiting in a Pilot test until a screen shows what it was opened for, rather than until the CPU
looks idle.

``Pilot.pause()`` waits for the process to look idle (at most a second): on a loaded machine
(``pytest -n auto`` on two cores) a snapshot taken after it can catch a screen still filling in.
``until`` waits for a condition the test names and says which one when it never comes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.widgets import Tree

SECONDS = 30.0  # far beyond a loaded machine's slowest screen: only a real hang reaches it


async def until(pilot, shown: Callable[[], bool], what: str, seconds: float = SECONDS) -> None:
    """Pause until ``shown()`` is true; fail saying ``what`` was never shown."""
    deadline = time.monotonic() + seconds
    while not shown():
        if time.monotonic() > deadline:
            raise AssertionError(f"not shown after {seconds:.0f} s: {what}")
        await pilot.pause(0.02)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()  # one more frame: what the last message changed is painted


def case_shown(screen) -> bool:
    """The case screen has read the case, put the tree's cursor on the stage it shows and listed
    that stage's notes (its title says "loading…" until they come)."""
    from tui.screens.case import CaseScreen

    if not isinstance(screen, CaseScreen) or screen.case is None or screen.stage_id is None:
        return False
    cursor = screen.query_one(Tree).cursor_node
    title = str(screen.query_one("#stage-title").render())
    return cursor is not None and cursor.data == screen.stage_id and "loading…" not in title


async def home_shown(pilot) -> None:
    """Wait until the signed-in worker's first screen is up: a screen opened before it would end up
    under it."""
    app = pilot.app
    await until(pilot, lambda: app.screen is getattr(app, "_home", None), "the home screen")


async def screen_shown(pilot, kind: type) -> None:
    """Wait until the top screen is a ``kind`` (a dialog a key opens after asking the store)."""
    await until(pilot, lambda: isinstance(pilot.app.screen, kind), kind.__name__)


async def open_case(pilot, case_id: int, stage_id: int | None = None) -> None:
    """Open the case screen (at the stage) over the home screen and wait until it shows the case."""
    await home_shown(pilot)
    pilot.app.open_case(case_id, stage_id)
    await until(pilot, lambda: case_shown(pilot.app.screen), f"case {case_id} at stage {stage_id}")
