"""The casenotes Textual app: sign-in (a staff picker on the demo database) and the caseload."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from store import Store


class CasenotesApp(App):
    TITLE = "casenotes"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", id="quit")]

    def __init__(self, store: Store, login: str | None = None):
        super().__init__()
        self.store = store
        self.login = login

    def on_mount(self) -> None:
        from tui.screens.caseload import CaseloadScreen
        from tui.screens.staff_picker import StaffPickerScreen

        if self.login:
            self.push_screen(CaseloadScreen(self.store, self.login))
        else:
            self.push_screen(StaffPickerScreen(self.store), self._signed_in)

    def _signed_in(self, login: str | None) -> None:
        from tui.screens.caseload import CaseloadScreen

        if login is None:
            self.exit()
            return
        self.login = login
        self.push_screen(CaseloadScreen(self.store, login))
