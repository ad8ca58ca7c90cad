"""Answers that come back to a screen after it has gone are dropped.

Workers post their answers as messages; Textual drops a message posted to a screen that has been
removed. A message queued just before the screen was popped can still be handled while its widgets
are being taken down (switching the demo user, Esc while a stage loads): such a handler does nothing.
"""

from __future__ import annotations

from functools import wraps

from textual.css.query import NoMatches
from textual.dom import DOMNode


def is_shown(node: DOMNode) -> bool:
    """Still in the app and not being taken down."""
    return node.is_attached and not (node._closing or node._closed or node._pruning)


def while_shown(handler):
    """Run this message handler only while its screen (or widget) is shown; a query that finds
    nothing because the screen started leaving during the handler is not an error either."""
    @wraps(handler)
    def guarded(self, *args, **kwargs):
        if not is_shown(self):
            return None
        try:
            return handler(self, *args, **kwargs)
        except NoMatches:
            if is_shown(self):
                raise
            return None
    return guarded
