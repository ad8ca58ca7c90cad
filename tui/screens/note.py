"""One note, read-only: its facts, narrative, review comments and addenda. From the review queue a
supervisor approves or returns it here with one key."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from store import StoreError
from store.core.results import NoteHistory
from tui import formatting
from tui.messages import NoteApproved, NoteRead
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.widgets.note_text import note_text
from tui.widgets.plan_elements_picklist import element_label
from tui.worker_failures import SaysWorkerFailures


CHANGES = ("edit", "approve", "return")


class NoteScreen(SaysWorkerFailures, Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="note.back"),
        Binding("h", "history", "History", id="note.history"),
        Binding("e", "edit", "Edit", id="note.edit"),
        Binding("y", "approve", "Approve", id="note.approve"),
        Binding("r", "return", "Return", id="note.return"),
    ]
    DEFAULT_CSS = """
    NoteScreen #body { padding: 0 2; }
    NoteScreen #review { padding: 1 2 0 2; }
    NoteScreen #plan-elements { padding: 1 2 0 2; }
    NoteScreen #plan-elements.-none { display: none; }
    """

    def __init__(self, note_id: int):
        super().__init__()
        self.note_id = note_id
        self.history: NoteHistory | None = None
        self.actions: dict[str, str | None] = {}
        self.desk = None  # the signed-in worker's when the screen was opened

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading…", id="body")
            yield Static("", id="plan-elements", classes="-none")
            yield Static("", id="review")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.desk = self.app.desk

    @while_shown
    def on_screen_resume(self) -> None:
        self.load()  # also sent when the screen is first shown

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        history = self.desk.note_history(self.note_id)  # a refusal: SaysWorkerFailures
        try:
            elements = self.desk.note_plan_elements(self.note_id)
        except StoreError:  # an advocate, or a clerk entering notes, reads no plans: none shown
            elements = ()
        self.post_message(NoteRead(history, self.desk.note_actions(self.note_id), tuple(elements)))

    @on(NoteRead)
    @while_shown
    def _show(self, message: NoteRead) -> None:
        history, actions = message.history, message.actions
        self.history, self.actions = history, actions
        self.query_one("#body", Static).update(note_text(history.note, self.app.zone))
        shown = self.query_one("#plan-elements", Static)
        shown.set_class(not message.plan_elements, "-none")
        discussed = Text("Plan elements discussed\n", style="bold")
        for element in message.plan_elements:
            discussed.append(f"  {element_label(element)}\n")
        shown.update(discussed)
        review = Text("Review history\n", style="bold")
        for action in history.review:
            review.append(f"{formatting.moment(action.at, self.app.zone)}  {action.by_name}  {action.action}")
            if action.due_at:
                review.append(f" · correct by {formatting.moment(action.due_at, self.app.zone)}")
            review.append("\n")
            if action.comment:
                review.append(f"    “{action.comment}”\n", style="italic")
        if not history.review:
            review.append("Not sent for review yet.\n", style="dim")
        for name, label in (("approve", "y approve"), ("return", "r return"), ("edit", "e edit")):
            if actions.get(name) and not self.app.outside:
                review.append(f"\n{label}: {actions[name]}", style="dim")
        self.query_one("#review", Static).update(review)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A child's advocate (and the advocate programme's people) only read a note: its changing and
        review keys are not theirs."""
        return not (action in CHANGES and getattr(self.app, "outside", False))

    def action_history(self) -> None:
        from tui.screens.note_history import NoteHistoryScreen

        self.app.push_screen(NoteHistoryScreen(self.note_id))

    def action_edit(self) -> None:
        if self.history is None:
            return
        note = self.history.note
        if self.actions.get("edit") is None:
            self.app.open_editor(note.stage_id, note_id=note.id)
        elif self.actions.get("addendum") is None:
            self.app.open_editor(note.stage_id, amends=note.id)
        else:
            self.notify(self.actions["edit"], severity="warning")

    def action_approve(self) -> None:
        if self.history and not self._refused("approve"):
            self._approve(self.history.note.id, self.history.note.version)

    @work(thread=True, group="review", exit_on_error=False)
    def _approve(self, note_id: int, version: int) -> None:
        self.desk.approve(note_id, version)  # a refusal: SaysWorkerFailures
        self.post_message(NoteApproved())

    @on(NoteApproved)
    @while_shown
    def _approved(self) -> None:
        self.notify("Approved")
        if self.app.screen is self:  # not another screen the user went to meanwhile
            self.app.pop_screen()

    def action_return(self) -> None:
        if self.history is None or self._refused("return"):
            return
        from tui.dialogs.return_note import ReturnDialog

        note = self.history.note
        self.app.push_screen(ReturnDialog(note.id, note.version),
                             lambda done: done and self.app.pop_screen())

    def _refused(self, action: str) -> bool:
        reason = self.actions.get(action, "Still loading.")
        if reason:
            self.notify(reason, severity="warning", timeout=6)
        return bool(reason)
