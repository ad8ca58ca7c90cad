"""Keeping a plan's unsaved typing on this computer (a part of PlanScreen), as the note editor keeps a
note's: a second after typing stops, when the screen is left or covered, and when the terminal closes
(the app's ``keep_unsaved_typing``), so that a crash loses at most that second. Opening the plan again
puts the kept sections back (the sign-in offers it too); once every typed section is in the record
the copy goes."""

from __future__ import annotations

from tui import formatting
from tui.plan_words import plan_name
from tui.while_shown import quiet_when_gone, while_shown

KEEP_SECONDS = 1.0  # as the note editor


def kept_key(plan_id: int) -> str:
    return f"plan-{plan_id}"


class PlanKeeping:
    def keep_on_this_computer(self) -> None:
        recovery = self.app.recovery
        if recovery is None or self.plan is None:
            return
        if not self.typed:
            recovery.discard(kept_key(self.plan_id))
            return
        recovery.save(kept_key(self.plan_id), {
            "plan_id": self.plan_id, "title": f"{plan_name(self.plan)} (plan {self.plan_id})",
            "typed_at": formatting.moment(self.app.store.clock.now(), self.app.zone), "sections": dict(self.typed)})

    @while_shown  # a timer's: leaving the screen kept the typing already
    def _keep_after_pause(self) -> None:
        self.keep_on_this_computer()

    def _keep_soon(self) -> None:
        if self._keep_timer is not None:
            self._keep_timer.stop()
        self._keep_timer = self.set_timer(KEEP_SECONDS, self._keep_after_pause)

    @quiet_when_gone
    def on_screen_suspend(self) -> None:
        self.keep_on_this_computer()

    def _take_back_kept(self) -> None:
        """The sections typed here before and never saved (a crash, a closed terminal), once the plan is read:
        those that differ from the record come back as typed, to be saved like any typing."""
        recovery = self.app.recovery
        kept = recovery.load(kept_key(self.plan_id)) if recovery else None
        sections = kept.get("sections") if kept else None
        if not isinstance(sections, dict) or self.actions.get("edit") is not None:
            return
        back = {key: text for key, text in sections.items() if key in self.plan.section_keys
                and isinstance(text, str) and text != self.plan.text_of(key)}
        if back:
            self.typed.update(back)
            self.notify(f"What you typed in {len(back)} section{'s' if len(back) != 1 else ''} and never saved is "
                        "back; it is saved as you go on.", timeout=8)
            self._save_typed()
