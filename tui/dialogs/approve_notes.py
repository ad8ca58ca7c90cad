"""Asked before the review queue approves: how many notes, and how many of them the supervisor has
not opened (the store knows which). Approving takes Enter, not the `y` that asked: a second `y` typed
by habit does not approve a batch."""

from __future__ import annotations

from tui.dialogs.confirm import ConfirmDialog


def _notes(n: int) -> str:
    return f"{n:,} note{'' if n == 1 else 's'}"


class ApproveNotesDialog(ConfirmDialog):
    """Dismissed with "enter" (approve them) or "escape" (approve nothing)."""

    def __init__(self, count: int, not_opened: int):
        if count == 1:
            question = ("You have not opened this note. Approve it without reading it?" if not_opened
                        else "Approve this note?")
        elif not_opened == count:
            question = f"Approve {_notes(count)}? You have opened none of them."
        elif not_opened:
            question = (f"Approve {_notes(count)}? {not_opened:,} of them you have not opened "
                        f"({count - not_opened:,} you have).")
        else:
            question = f"Approve {_notes(count)}? You have opened each of them."
        what = "it" if count == 1 else f"all {count:,}" if count > 2 else "both"
        super().__init__(f"Approve {_notes(count)}", question, {"enter": f"Approve {what}", "escape": "Cancel"})
        self.count, self.not_opened = count, not_opened
