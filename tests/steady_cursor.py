"""Text cursors that do not blink in tests, so a snapshot is the same picture however long a slow run
took to take it (a cursor caught mid-blink made snapshots fail at random).

The app itself keeps Textual's blinking cursor; only the test process stops the blink timers' toggle.
An Input's cursor stays as focusing it left it (shown), a TextArea's likewise.
"""

from __future__ import annotations

from textual.widgets import Input, TextArea


def _stay(widget) -> None:  # the blink timer's tick, made to leave the cursor as it is
    return None


def hold_cursors_still() -> None:
    Input._toggle_cursor = _stay  # type: ignore[method-assign]
    TextArea._toggle_cursor_blink_visible = _stay  # type: ignore[method-assign]
