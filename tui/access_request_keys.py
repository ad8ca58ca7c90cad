"""The app's keys for advocates' access, from whichever screen asks: r on an advocate's home files a
request for a child's record (with the court's letter), Enter on an access request in the inbox or on
the case screen opens the decide dialog, and the advocate programme's representatives' home is the
Advocates screen.

Mixed into ``CasenotesApp``. Reading a request (for the inbox, which knows only its number) runs in a
worker that posts ``AccessRequestsRead``; the dialogs run their own.
"""

from __future__ import annotations

from typing import Any

from textual import work

from store import StoreError
from tui.messages import AccessRequestRefused, AccessRequestsRead
from tui.worker_failures import SaysWorkerFailures

ADVOCATE_ACCESS = "ADVOCATE ACCESS"


class AccessRequestKeys(SaysWorkerFailures):
    def manages_advocates(self) -> bool:
        me = getattr(self, "me", None)
        return me is not None and ADVOCATE_ACCESS in me.functions

    def request_access(self, then: Any = None) -> None:
        """r on an advocate's home: a request for access to a child, with the court's letter."""
        from tui.dialogs.request_access import RequestAccessDialog

        self.push_screen(RequestAccessDialog(home=getattr(self, "files_from", None)), then)  # type: ignore[attr-defined]

    def decide_request(self, request: Any, then: Any = None) -> None:
        from tui.dialogs.decide_request import DecideRequestDialog

        self.push_screen(DecideRequestDialog(request), then)  # type: ignore[attr-defined]

    def open_request(self, request_id: int) -> None:
        """Enter on an access request's notification: the request's decide dialog."""
        self._read_request(self.desk, request_id)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="access-request", exit_on_error=False)
    def _read_request(self, desk: Any, request_id: int) -> None:
        try:
            self.post_message(AccessRequestsRead([desk.access_request(request_id)]))  # type: ignore[attr-defined]
        except StoreError as error:
            self.post_message(AccessRequestRefused(str(error)))  # type: ignore[attr-defined]

    # Handlers named for their message: Textual finds those on a plain mixin of the app, not ``@on``'s.
    def on_access_requests_read(self, message: AccessRequestsRead) -> None:
        if message.requests:
            self.decide_request(message.requests[0])

    def on_access_request_refused(self, message: AccessRequestRefused) -> None:
        self.notify(message.sentence, severity="warning", timeout=8)  # type: ignore[attr-defined]
