"""Every saved version of a plan (issue 19), with who saved it and when, what changed between any two
(m marks one to compare with), and the plan's review actions: the notes' history screen
(tui/screens/note_history.py) over ``plan_history``."""

from __future__ import annotations

from rich.text import Text

from store.core.plan_results import PlanHistory, PlanRevisionView
from tui import formatting
from tui.plan_diff import plan_changes
from tui.screens.note_history import NoteHistoryScreen


class PlanHistoryScreen(NoteHistoryScreen):
    def __init__(self, plan_id: int):
        super().__init__(plan_id)
        self.plan_id = plan_id

    def heading(self) -> str:
        return f"Plan {self.plan_id}"

    def read(self, desk) -> PlanHistory:
        return desk.plan_history(self.plan_id)

    def changes(self, before: PlanRevisionView | None, after: PlanRevisionView) -> Text:
        text = plan_changes(before, after)
        history: PlanHistory = self.history
        if history.actions:
            text.append("\nReviews\n", style="bold")
            for action in history.actions:
                due = f", correct by {formatting.short_moment(action.due_at, self.app.zone)}" if action.due_at else ""
                said = f": {action.comment}" if action.comment else ""
                text.append(f"{formatting.short_moment(action.at, self.app.zone)} {action.action} by {action.by}"
                            f"{due}{said}\n")
        if history.earlier_versions:
            text.append(f"\nEarlier approved versions: plan {', '.join(map(str, history.earlier_versions))}\n",
                        style="dim")
        return text
