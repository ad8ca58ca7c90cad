"""Handlers that run on a screen which is being taken down do nothing.

Workers post their answers as messages; Textual drops a message posted to a screen that has been
removed. A message queued just before the screen was popped can still be handled while its widgets
are being taken down (switching the demo user, Esc while a stage loads), and so can the screen's own
events queued then (its mount, a resize, a timer, a key): such a handler does nothing. Textual's
own widgets can trip over their removal the same way (a header's title, a tab's focus): the app
lets such an error of a node that is leaving go (CasenotesApp._handle_exception).
"""

from __future__ import annotations

from functools import wraps

from textual.app import ScreenStackError
from textual.css.query import NoMatches
from textual.dom import DOMNode, NoScreen
from textual.screen import Screen


def is_shown(node: DOMNode) -> bool:
    """On a screen of the app's stack, and not being taken down (nor is anything above it: a widget
    composed into a screen already leaving is not marked itself). A screen just popped is not shown,
    although Textual has not begun to take it down."""
    if not node.is_attached or any(each._closing or each._closed or each._pruning for each in node.ancestors_with_self):
        return False
    try:
        screen = node if isinstance(node, Screen) else node.screen
        return screen in node.app.screen_stack
    except (NoScreen, ScreenStackError):
        return False


def while_shown(handler):
    """Run this handler only while its screen (or widget) is shown; a query that finds nothing
    because the screen started leaving during the handler is not an error either."""
    @wraps(handler)
    def guarded(self, *args, **kwargs):
        if not is_shown(self):
            return None
        return quiet_when_gone(handler)(self, *args, **kwargs)
    return guarded


def quiet_when_gone(handler):
    """Run this handler in any case (it has something to keep as the screen leaves), but a query that
    finds nothing because the screen is being taken down is not an error."""
    @wraps(handler)
    def guarded(self, *args, **kwargs):
        try:
            return handler(self, *args, **kwargs)
        except NoMatches:
            if is_shown(self):
                raise
            return None
    return guarded
