"""Asked before the review queue approves: how many notes, and how many of them the supervisor has
not opened (the store knows which). Approving takes Enter, not the `y` that asked: a second `y` typed
by habit does not approve a batch.

The question is on screen from the moment `y` is pressed, so the keys typed after it come here and
not to the queue (an Enter typed before it appeared opened a note instead). Until the store has said
how many were not opened, Enter does nothing: the question it would answer is not yet complete."""

from __future__ import annotations

from textual.widgets import Static

from tui.dialogs.confirm import ConfirmDialog


def _notes(n: int) -> str:
    return f"{n:,} note{'' if n == 1 else 's'}"


def _question(count: int, not_opened: int | None) -> str:
    if not_opened is None:
        return (f"Approve {'this note' if count == 1 else _notes(count)}? "
                f"Checking whether you have opened {'it' if count == 1 else 'them'}…")
    if count == 1:
        return "You have not opened this note. Approve it without reading it?" if not_opened else "Approve this note?"
    if not_opened == count:
        return f"Approve {_notes(count)}? You have opened none of them."
    if not_opened:
        return f"Approve {_notes(count)}? {not_opened:,} of them you have not opened ({count - not_opened:,} you have)."
    return f"Approve {_notes(count)}? You have opened each of them."


class ApproveNotesDialog(ConfirmDialog):
    """Dismissed with "enter" (approve them) or "escape" (approve nothing). ``not_opened`` None: not
    known yet; ``known()`` completes the question and lets Enter approve."""

    def __init__(self, count: int, not_opened: int | None):
        what = "it" if count == 1 else f"all {count:,}" if count > 2 else "both"
        super().__init__(f"Approve {_notes(count)}", _question(count, not_opened),
                         {"enter": f"Approve {what}", "escape": "Cancel"})
        self.count, self.not_opened = count, not_opened

    def known(self, not_opened: int) -> None:
        self.not_opened = not_opened
        self.question = _question(self.count, not_opened)
        if self.is_mounted:
            self.query_one("#question", Static).update(self.question)

    def action_answer(self, key: str) -> None:
        if key == "enter" and self.not_opened is None:
            return  # typed before the question was whole: it answers nothing
        super().action_answer(key)
