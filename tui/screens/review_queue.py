"""A supervisor's review queue: notes from their workers, soonest due first, overdue ones marked.
Space selects several; y approves the selection (or the current note) once Enter confirms the count
and how many of them were not opened; r returns the current one."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from store import StoreError
from store.core.results import ReviewItem
from tui.messages import ApproveAsked, NotesApproved, QueueRead, ReturnAsked
from tui.while_shown import is_shown, while_shown
from tui.widgets.key_footer import KeyFooter
from tui.widgets.queue_list import QueueList, heading
from tui.worker_failures import SaysWorkerFailures

FIRST_ROWS = 60  # read first: about two screens
NARROW = 110


class ReviewQueueScreen(SaysWorkerFailures, Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="queue.back"),
        Binding("space", "toggle", "Select", id="queue.select"),
        Binding("y", "approve", "Approve…", id="queue.approve"),
        Binding("r", "return", "Return", id="queue.return"),
        Binding("p", "app.plan_review_queue", "Plans waiting", id="queue.plans"),
    ]
    DEFAULT_CSS = """
    ReviewQueueScreen #summary { padding: 0 1; height: auto; max-height: 2; }
    ReviewQueueScreen #headings { height: 1; text-style: bold; background: $panel; }
    ReviewQueueScreen QueueList { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.whole = False  # whether the rows are the whole queue or its first screenful
        self.desk = None  # the desk it was opened with: it reads with that one even after a user switch

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the review queue…", id="summary")
        yield Static("", id="headings")
        yield QueueList(zone=self.app.zone, id="queue")
        yield KeyFooter()

    @while_shown
    def on_mount(self) -> None:
        self.desk = self.app.desk
        self.query_one(QueueList).focus()

    @while_shown
    def on_resize(self) -> None:
        footer = self.query_one(KeyFooter)  # on 80 columns every key fits, ^q and F1 included
        footer.compact, footer.show_command_palette = self.size.width < NARROW, self.size.width >= NARROW
        self.call_after_refresh(self._headings)

    @while_shown
    def _headings(self) -> None:
        self.query_one("#headings", Static).update(heading(self.query_one(QueueList).scrollable_content_region.width))

    @while_shown
    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: loading here too on mount raced two loads.
        self.load()

    @property
    def items(self) -> list[ReviewItem]:
        return self.query_one(QueueList).items

    @property
    def selected(self) -> set[int]:
        return self.query_one(QueueList).selected

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def load(self) -> None:
        """The first screenful of the queue, then all of it (a queue of thousands shows at once). A
        refusal is said by SaysWorkerFailures."""
        worker = get_current_worker()
        first = self.desk.review_queue(limit=FIRST_ROWS)
        if len(first) == FIRST_ROWS:
            self.post_message(QueueRead(first, False, worker))
            items = self.desk.review_queue()
        else:
            items = first
        self.post_message(QueueRead(items, True, worker))

    @on(QueueRead)
    @while_shown
    def _show(self, message: QueueRead) -> None:
        # A load overtaken by a newer one (after an approval) is cancelled; checked here, on the UI
        # thread that cancels it, so its older queue never replaces the newer one.
        if message.worker.is_cancelled:
            return
        self.whole = message.whole
        self.query_one(QueueList).set_items(message.items)
        self._summary()

    def _summary(self) -> None:
        if not self.whole:
            self.query_one("#summary", Static).update(f"The first {len(self.items)} notes waiting for you; "
                                                      "counting the rest…")
            return
        overdue = sum(item.overdue for item in self.items)
        frozen = sum(item.note.frozen for item in self.items)
        self.query_one("#summary", Static).update(
            f"{len(self.items)} notes waiting for you" + (f" · [b $error]{overdue} overdue[/]" if overdue else "")
            + (f" · {frozen} froze unreviewed (an addendum corrects them)" if frozen else "")
            + (f" · {len(self.selected)} selected (y asks to approve them)" if self.selected else "")
            if self.items else "Nothing waiting for your review.")

    def _current(self) -> ReviewItem | None:
        return self.query_one(QueueList).cursor_item

    def action_toggle(self) -> None:
        self.query_one(QueueList).toggle()
        self._summary()

    @on(QueueList.Selected)
    def _open(self, event: QueueList.Selected) -> None:
        if event.item is not None:
            self.app.open_note(event.item.note.id)

    def action_approve(self) -> None:
        """Asks first, with the count and how many were not opened, then approves on Enter. The question
        is pushed now, with the count, so keys typed after `y` answer it (an Enter typed before it
        appeared opened a note); the store's count of the unopened completes it when it comes."""
        chosen = [i for i in self.items if i.note.id in self.selected] or ([self._current()] if self._current() else [])
        if not chosen:
            return
        from tui.dialogs.approve_notes import ApproveNotesDialog

        notes = [(i.note.id, i.note.version) for i in chosen]
        dialog = ApproveNotesDialog(len(notes), None)

        def answered(answer: str | None) -> None:
            if answer == "enter":
                self._approve(notes)

        self.app.push_screen(dialog, answered)
        self._ask_approve(notes, dialog)

    @work(thread=True, exclusive=True, group="ask", exit_on_error=False)
    def _ask_approve(self, notes: list[tuple[int, int]], dialog) -> None:
        try:
            unread = self.desk.not_opened([note_id for note_id, _ in notes])
        except StoreError as error:
            self.post_message(ApproveAsked(notes, None, dialog, str(error)))
            return
        self.post_message(ApproveAsked(notes, len(unread), dialog))

    @on(ApproveAsked)
    @while_shown
    def _complete_question(self, message: ApproveAsked) -> None:
        dialog = message.dialog
        if not is_shown(dialog):  # answered (Esc) or gone meanwhile
            return
        if message.refusal:
            if dialog.is_active:  # dismiss() takes down whichever screen is on top
                dialog.dismiss(None)
            self.notify(message.refusal, severity="error")
            return
        dialog.known(message.not_opened)

    @work(thread=True, exclusive=True, group="approve", exit_on_error=False)
    def _approve(self, notes: list[tuple[int, int]]) -> None:
        approved, refused = 0, []
        for note_id, version in notes:
            try:
                self.desk.approve(note_id, version)
                approved += 1
            except StoreError as error:
                refused.append(f"note {note_id}: {error}")
        self.post_message(NotesApproved(f"Approved {approved} note{'s' if approved != 1 else ''}"
                                        + (". Not approved: " + " ".join(refused) if refused else ""), bool(refused)))

    @on(NotesApproved)
    @while_shown
    def _approved(self, message: NotesApproved) -> None:
        self.selected.clear()
        self.notify(message.text, severity="warning" if message.refused else "information",
                    timeout=8 if message.refused else 3)
        self.load()

    def action_return(self) -> None:
        item = self._current()
        if item:
            self._ask_return(item)

    @work(thread=True, exclusive=True, group="ask", exit_on_error=False)
    def _ask_return(self, item: ReviewItem) -> None:
        """Ask the store first, so a note that can no longer be returned says why instead of opening a form."""
        try:
            refusal = self.desk.note_actions(item.note.id)["return"]
        except StoreError as error:
            refusal = str(error)
        self.post_message(ReturnAsked(item, refusal))

    @on(ReturnAsked)
    @while_shown
    def _open_return(self, message: ReturnAsked) -> None:
        item, refusal = message.item, message.refusal
        if not self.is_current:  # left for another screen meanwhile
            return
        if refusal:
            self.notify(refusal, severity="warning", timeout=8)
            return
        from tui.dialogs.return_note import ReturnDialog

        self.app.push_screen(ReturnDialog(item.note.id, item.note.version), lambda done: done and self.load())
