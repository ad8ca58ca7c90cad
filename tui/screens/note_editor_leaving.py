"""Keeping what was typed in the note editor, and leaving it with unsaved changes.

What was typed goes to this computer after a pause in typing (KEEP_SECONDS) and on leaving the
screen, and to the record as a draft after a longer pause once it can be saved; Esc asks what to do
and does exactly what it said. A part of NoteEditorScreen (a mixin), kept apart so the form's file
stays about the form.
"""

from __future__ import annotations

from functools import partial

from store import StoreError
from tui import formatting
from tui.dialogs.unsaved_note import NoteStanding, closing_dialog
from tui.messages import DraftNotThrownAway
from tui.while_shown import quiet_when_gone, while_shown


class LeavingTheEditor:
    @while_shown  # a timer's: leaving the screen kept the typing already
    def _keep_after_pause(self) -> None:
        if self.dirty and not self._thrown:
            self.keep_on_this_computer()

    @while_shown
    def autosave(self) -> None:
        if self.dirty and not self._thrown:
            self.keep_on_this_computer()
            if self._complete_enough():
                self.save(then=None)

    @quiet_when_gone  # popped while being built, there is no form to keep (nor anything typed in it)
    def on_screen_suspend(self) -> None:
        if self.dirty and not self._thrown:
            self.keep_on_this_computer()

    def keep_on_this_computer(self, form: dict | None = None) -> None:
        if self.app.recovery:
            self.app.recovery.save(self.key, {
                "stage_id": self.stage_id, "note_id": self.note_id, "version": self.version, "amends": self.amends,
                "title": self.title_text, "typed_at": formatting.moment(self.app.store.clock.now(), self.app.zone),
                "form": form or self._form()})

    def _complete_enough(self) -> bool:
        """Saved as a draft once it has what the store needs of a note (a time, a contact type, a
        narrative); another problem is then said, as ctrl+s would say it."""
        return not self._checked(self._form())[1].missing

    def cannot_save(self) -> str | None:
        """Why the form cannot be saved as a draft yet, as the sentence ctrl+s would show (the store's
        form check); None if it can."""
        try:
            self._fields(self._form())
        except ValueError as error:
            return str(error)
        return None

    def standing(self) -> NoteStanding:
        """Where the note stands, for the dialogs that ask before closing or quitting."""
        return NoteStanding(in_record=self.note_id is not None, created_here=not self.opened_in_record,
                            saved=self.saved_text, cannot_save=self.cannot_save())

    def action_close(self) -> None:
        if not self.dirty:
            self.app.pop_screen()
            return

        def answered(answer: str | None) -> None:
            if answer == "s":
                self.save(then="close")
            elif answer == "k":
                self.keep_on_this_computer()
                self._leave()
            elif answer == "d":
                self._throw_away()
            else:
                self.resume_timers()

        self.hold_timers()
        self.app.push_screen(closing_dialog(self.standing()), answered)

    def hold_timers(self) -> None:
        """While a question about leaving is open, no autosave may change the record behind it (the
        answer 'the note stays as saved' would no longer be true)."""
        for timer in (self._timer, self._keep_timer):
            if timer is not None:
                timer.stop()

    def resume_timers(self) -> None:
        """Back to editing after such a question: pauses in typing count again."""
        self._changed()

    def _leave(self) -> None:
        self.dirty = False  # so that leaving does not keep it again
        self.hold_timers()
        self.app.pop_screen()

    def _throw_away(self) -> None:
        """Close without the changes: the copy on this computer goes; so does a draft this editor
        created in the record (after any save under way lands); a note that was in the record
        before the editor opened stays as last saved."""
        self.in_record.thrown = True
        if self.app.recovery:
            self.app.recovery.discard(self.key)
        if not self.opened_in_record:
            # The app's worker, not this screen's: it outlives the screen, which is leaving.
            self.app.run_worker(partial(_delete_created_draft, self.app, self.desk, self.in_record),
                                thread=True, group="discard", exit_on_error=False)
        self._leave()


def _delete_created_draft(app, desk, in_record) -> None:
    with in_record.lock:  # a save under way may be adding the note: wait for it
        note_id = in_record.note_id
    if note_id is None:
        return
    try:
        desk.discard_draft(note_id)
    except StoreError as error:
        app.post_message(DraftNotThrownAway(str(error)))
