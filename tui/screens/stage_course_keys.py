"""The case screen's keys for the highlighted stage's course: g progress it, c App/Reg it (its primary caretaker), w start
closing it, x close it. Each key first asks the store (``Desk.stage_course``) in a worker: a key the
worker may not use shows the store's sentence; otherwise its dialog opens with the store's choices
(the stage types offered from here, the persons now in the stage, who may be Case Manager, the
agency's closure reasons). Mixed into ``CaseScreen``, which supplies ``desk``, ``stage_id``,
``_stage()`` and ``load_case()``."""

from __future__ import annotations

from textual import on, work
from textual.binding import Binding
from textual.screen import Screen

from store.core.results import StageView
from tui.messages import StageCourseRead
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

TITLES = {"progress": "Progress stage", "app_reg": "App/Reg", "start_closing": "Start closing",
          "close": "Close stage"}
# Not in the footer yet: with the note's keys it has no room left for them (^q and F1 would fall off);
# help (F1) and the palette list them.
STAGE_COURSE_BINDINGS = [
    Binding("g", "stage_course('progress')", "Progress stage", id="case.progress_stage", show=False),
    Binding("c", "stage_course('app_reg')", "App/Reg", id="case.app_reg", show=False),
    Binding("w", "stage_course('start_closing')", "Start closing", id="case.start_closing", show=False),
    Binding("x", "stage_course('close')", "Close stage", id="case.close_stage", show=False),
]


class StageCourseKeys(SaysWorkerFailures, Screen):
    """A screen base (not a bare mixin: Textual collects ``@on`` handlers from its own classes)."""

    def action_stage_course(self, action: str) -> None:
        if self.stage_id is not None and self.desk is not None:
            self._read_course(self.desk, self.stage_id, action)

    @work(thread=True, exclusive=True, group="stage-course", exit_on_error=False)
    def _read_course(self, desk, stage_id: int, action: str) -> None:
        self.post_message(StageCourseRead(action, desk.stage_course(stage_id)))  # a refusal: SaysWorkerFailures

    @on(StageCourseRead)
    @while_shown
    def _course_read(self, message: StageCourseRead) -> None:
        course, action = message.course, message.action
        stage = self._stage()
        if stage is None or course.stage_id != stage.id or not self.is_current:
            return
        refusal = getattr(course, action)
        if refusal:
            self.notify(refusal, title=f"No {TITLES[action].lower()} here", severity="warning", timeout=8)
            return
        if action == "progress":
            from tui.dialogs.progress_stage import ProgressStageDialog

            dialog = ProgressStageDialog(stage, course)
        elif action == "app_reg":
            from tui.dialogs.app_reg import AppRegDialog

            dialog = AppRegDialog(stage, course)
        else:
            from tui.dialogs.close_stage import CloseStageDialog

            dialog = CloseStageDialog(stage, course.closure_reasons, finish=action == "close")
        self.app.push_screen(dialog, self._stage_changed)

    def _stage_changed(self, stage: StageView | None) -> None:
        if stage is None:
            return
        self.app.note_offers.clear()  # a closed stage takes no new note: ctrl+n asks the store again
        self.stage_id = stage.id  # a progression shows the new stage
        self.load_case()
