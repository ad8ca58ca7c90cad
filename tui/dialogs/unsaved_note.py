"""What closing or quitting does to a note with unsaved changes, said exactly before it is done.

The answers depend on where the note stands: not in the record yet, saved as a draft by this editor
a moment ago, or a note that was in the record before the editor opened. Each label says what the
key does to the record and to the copy kept on this computer, and the editor does exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.dialogs.confirm import ConfirmDialog

KEEP_HERE = "offered again when you next sign in"


@dataclass(frozen=True)
class NoteStanding:
    """Where the note in an editor stands, in the words the dialog uses."""

    in_record: bool           # a version of it is in the record
    created_here: bool        # that version was first saved by this editor (a new note or addendum)
    saved: str | None         # when and as what it was last saved: "at 2:14 PM, version 2"
    cannot_save: str | None   # why ctrl+s would be refused now (the store's sentence), if known


def closing_dialog(standing: NoteStanding) -> ConfirmDialog:
    """Esc with unsaved changes: s save, k keep on this computer, d throw away / close, Esc keep editing."""
    answers: dict[str, str] = {}
    if not standing.in_record:
        question = "This new note is not in the record yet."
        if standing.cannot_save:
            question += f" It cannot be saved as a draft yet: {standing.cannot_save}"
        else:
            answers["s"] = "Save it as a draft and close"
        answers["k"] = f"Keep it on this computer and close: {KEEP_HERE}"
        answers["d"] = "Throw it away: nothing is kept, here or in the record"
    else:
        if standing.created_here:
            question = f"This note was saved as a draft {standing.saved}; the changes since then are not saved."
        else:
            question = f"The changes since this note was last saved ({standing.saved}) are not saved."
        if standing.cannot_save:
            question += f" They cannot be saved as they are: {standing.cannot_save}"
        else:
            answers["s"] = "Save the changes and close"
        answers["k"] = f"Keep the changes on this computer and close: {KEEP_HERE}"
        answers["d"] = ("Throw the note away: the draft is deleted from the record" if standing.created_here
                        else f"Close without the changes: the note stays as saved {standing.saved}")
    answers["escape"] = "Keep editing"
    return ConfirmDialog("Unsaved changes", question, answers, listed=True)


def quitting_dialog(title: str, standing: NoteStanding | None, others: int) -> ConfirmDialog:
    """ctrl+q with unsaved changes, which are already kept on this computer when this is asked.

    ``standing`` is None when more than one editor has changes (s would have to save them all).
    """
    more = f" (and {others} other {'note' if others == 1 else 'notes'})" if others else ""
    question = (f"What you typed in {title}{more} is not saved to the record yet. "
                "It is kept on this computer for now.")
    answers: dict[str, str] = {}
    if standing is not None and standing.cannot_save:
        question += f" It cannot be saved as a draft yet: {standing.cannot_save}"
    elif standing is not None:
        answers["s"] = "Save it as a draft, then quit"
    answers["k"] = f"Quit and keep it on this computer: {KEEP_HERE}"
    answers["escape"] = "Don't quit"
    return ConfirmDialog("Quit with unsaved changes?", question, answers, listed=True)
