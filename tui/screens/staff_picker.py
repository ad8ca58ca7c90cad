"""Sign-in for the demo agency: pick any member of staff to see casenotes through their eyes."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from store import Store
from store.core.results import WorkerView
from tui.messages import StaffRead
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures


class StaffPickerScreen(SaysWorkerFailures, Screen[str | None]):
    BINDINGS = [("escape", "dismiss(None)", "Quit")]
    DEFAULT_CSS = """
    StaffPickerScreen { align: center middle; }
    #intro { width: 110; max-width: 100%; padding: 1 2; }
    #staff { width: 110; max-width: 100%; height: 1fr; max-height: 30; }
    """

    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("This is a demo agency with invented families. Choose whom to sign in as "
                     "(↑/↓ and Enter): each role sees and may do different things.", id="intro")
        yield OptionList(id="staff")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load_staff()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_staff(self) -> None:
        self.post_message(StaffRead(self.store.staff()))

    @on(StaffRead)
    @while_shown
    def _show(self, message: StaffRead) -> None:
        options = self.query_one(OptionList)
        narrow = self.app.size.width < 110  # 80 columns: the unit goes under the name and title
        options.add_options(Option(_label(w, narrow), id=w.login) for w in message.staff)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if self.is_current:  # a second Enter as the screen leaves picks nobody else
            self.dismiss(event.option.id)


def _label(worker: WorkerView, narrow: bool = False) -> str:
    where = worker.unit or worker.agency or "Agency-wide"
    extra = f" · {', '.join(worker.functions)}" if worker.functions else ""
    if narrow:
        return f"{worker.name:<22} {worker.title}\n{'':<23}{where}{extra}"
    return f"{worker.name:<24} {worker.title:<34} {where}{extra}"
