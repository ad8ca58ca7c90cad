"""The case screen's key for advocates' requests: i lists the requests for access to this family's
children (the ones waiting first) and Enter on one opens its decide dialog (the letter, approve or
decline with a reason). Mixed into ``CaseScreen``, which supplies ``desk`` and ``case_id``."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.binding import Binding
from textual.screen import Screen

from store import StoreError
from textual.widgets import Static

from tui.messages import AccessRequestsRead, AccessRequestsWaiting
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

CASE_REQUESTS_BINDINGS = [
    # Not in the footer (as the documents' keys): F1 and the palette list it.
    Binding("i", "access_requests", "Advocates' requests", id="case.access_requests", show=False),
]


class CaseRequestsKeys(SaysWorkerFailures, Screen):
    """A screen base (not a bare mixin: Textual collects handlers from its own classes)."""

    def look_for_waiting_requests(self) -> None:
        """Say under the family's name how many requests wait for the reader's decision (nothing if none)."""
        self._count_waiting(self.desk, self.case_id)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="case-requests-waiting", exit_on_error=False)
    def _count_waiting(self, desk: Any, case_id: int) -> None:
        try:
            waiting = [r for r in desk.access_requests() if r.case_id == case_id and r.may_decide]
        except StoreError:  # a convenience: the case itself says what is refused
            return
        self.post_message(AccessRequestsWaiting(len(waiting)))

    @on(AccessRequestsWaiting)
    @while_shown
    def _waiting(self, message: AccessRequestsWaiting) -> None:
        said = self.query_one("#requests-waiting", Static)
        n = message.count
        said.update(f"{n} advocate request{'s' if n != 1 else ''} for access wait{'s' if n == 1 else ''} "
                    "for your decision: i")
        said.display = n > 0

    def action_access_requests(self) -> None:
        self._read_requests(self.desk, self.case_id)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="case-requests", exit_on_error=False)
    def _read_requests(self, desk: Any, case_id: int) -> None:
        requests = [r for r in desk.access_requests() if r.case_id == case_id]  # a refusal: SaysWorkerFailures
        self.post_message(AccessRequestsRead(requests))

    @on(AccessRequestsRead)
    @while_shown
    def _requests_read(self, message: AccessRequestsRead) -> None:
        from tui.dialogs.pick import PickDialog

        requests = sorted(message.requests, key=lambda r: r.status != "requested")
        if not requests:
            self.notify("No advocate has asked for access to this family's children.", timeout=5)
            return
        options = [(f"{r.child_name} · {r.advocate_name} · {r.status}"
                    + (" (you may decide)" if r.may_decide else ""), r) for r in requests]
        waiting = sum(1 for r in requests if r.status == "requested")
        self.app.push_screen(PickDialog("Advocates' requests for access", f"{waiting} waiting for a decision",
                                        options), self._picked)

    def _picked(self, request: Any) -> None:
        if request is not None:
            self.app.decide_request(request, lambda _: self.look_for_waiting_requests())  # type: ignore[attr-defined]
