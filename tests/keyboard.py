"""Typing a whole string in one step in a Pilot test.

``Pilot.press`` waits for the app to go idle after every key (at least 40 ms, up to a second on a
busy machine), so typing a narrative one ``press`` per character costs seconds. ``type_text`` posts
the same key events a terminal sends for a fast typist, in order, and waits once when all are in.
Tests about the keystrokes themselves (keys typed ahead of a load, a key per field) keep ``press``.
"""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key


async def type_text(pilot, text: str) -> None:
    app = pilot.app
    for char in text:
        key = events.Key(char if char.isalnum() else _character_to_key(char), char)
        key.set_sender(app)
        app.post_message(key)
    # The app forwards each key to the focused widget's queue: the first wait sees the app through
    # them all, the second the widget.
    await pilot.pause()
    await pilot.pause()
