"""Textual's Footer, rebuilt only when the keys it shows change.

The Footer rebuilds all of its keys whenever the screen's bindings are refreshed: every focus change,
every screen shown. Each rebuild mounts a widget per key and restyles each of them twice (measured:
a third of the time from launch to the caseload painted went on four or five rebuilds showing the
same keys). This one compares what it would show with what it shows and keeps it when they match.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = _keys_shown(self, screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)


def _keys_shown(footer: Footer, screen: Screen) -> tuple:
    """What the footer's rebuild would show: each key with its label, state and tooltip."""
    active = screen.active_bindings
    keys = tuple((binding.key, binding.key_display, binding.action, binding.description, binding.group, enabled,
                  tooltip) for _, binding, enabled, tooltip in active.values() if binding.show)
    palette = active.get(screen.app.COMMAND_PALETTE_BINDING)
    return keys + ((footer.show_command_palette, footer.compact, palette and palette[2:]),)
