"""The one handler for a worker that failed: the person reads a sentence, never a traceback.

Every ``@work`` in tui/ runs with ``exit_on_error=False`` (a failed worker used to end the app) and
its app or screen mixes in ``SaysWorkerFailures``. A refusal of the store (a ``StoreError``) is shown
as the store's own sentence; anything else as a general sentence, its traceback written to
casenotes.log in the app's home folder. A worker whose screen has gone is not said: Textual drops its
state change with the screen, as it drops the worker's answers.
"""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path

from textual.worker import Worker, WorkerState

from store import StoreError

LOG_NAME = "casenotes.log"


def say_failure(app, error: BaseException | None) -> None:
    if isinstance(error, StoreError):
        app.notify(str(error), severity="error", timeout=8)
        return
    where = Path(getattr(app, "home", ".")) / LOG_NAME
    write_down(where, "a worker failed", error)
    app.notify(f"Something went wrong and this was not finished. What is saved in the record is safe; "
               f"the details are in {where}.", severity="error", timeout=10)


def write_down(path: Path, what: str, error: BaseException | None) -> None:
    """Append ``what`` and the error's traceback to the log at ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z} {what}\n")
            out.write("".join(traceback.format_exception(error)) if error else "(no error given)\n")
    except OSError:  # nowhere to write it: the sentence is still said
        pass


class SaysWorkerFailures:
    """Mixed into the app and each screen that runs workers (Worker.StateChanged goes only to the
    node that started the worker)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            say_failure(self.app, event.worker.error)
