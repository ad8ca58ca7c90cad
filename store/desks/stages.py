"""A stage's course from a signed-in desk: progress it, App/Reg it, start closing and close it, and
what the screen may offer before a key is pressed (``stage_course``).

Who may (store/rules/maintenance.py): the stage's Case Manager or Case Planner, or a supervisor above
them, progress it, App/Reg it and start closing it; only the Case Manager or someone above the Case
Manager closes it. The changes themselves are store/desks/stage_course.py's, shared with the system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.errors import InvalidStage, NotFound, StoreError
from store.core.results import StageCourse, StageView
from store.db.models import Stage, Worker
from store.desks import stage_course
from store.desks.base import DeskBase, Work
from store.desks.stage_opening import FSS_TYPES, STAGE_TYPES
from store.desks.to_results import person_view, stage_view
from store.rules.access import chain_above, stage_roles
from store.rules.maintenance import check_may_close_stage, check_may_maintain_stage


class StageDesk(DeskBase):
    def stage_course(self, stage_id: int) -> StageCourse:
        """For the case screen: whether I may progress, App/Reg, start closing or close this stage
        (None, or the sentence the action itself would refuse with), and the choices of a progression."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            now, user = self._now(), self._user(session)
            stage = self._stage(session, stage_id)

            def keeper(doing: str) -> Callable[[], None]:
                return partial(check_may_maintain_stage, session, user, stage, now, doing)

            progress = _answer(keeper("progress it"), partial(stage_course.check_may_progress, stage))
            managers = [r.worker.login for r in stage_roles(session, stage.id, now) if r.role == "Case Manager"]
            choices = session.execute(select(Worker.login, Worker.name).where(Worker.active, Worker.employer == "LDSS")
                                      .order_by(Worker.name, Worker.login)).all() if progress is None else []
            return StageCourse(
                stage_id=stage.id, progress=progress,
                app_reg=_answer(keeper("App/Reg it"), partial(stage_course.check_may_app_reg, stage)),
                start_closing=_answer(keeper("start closing it"),
                                      partial(stage_course.check_open, stage, "start closing it")),
                close=_answer(partial(check_may_close_stage, session, user, stage, now),
                              partial(stage_course.check_may_close, session, stage)),
                transitions=stage_course.transitions(stage), fss_types=FSS_TYPES,
                persons=tuple(person_view(p) for p in stage_course.current_persons(session, stage.id)),
                case_managers=tuple((login, name) for login, name in choices),
                case_manager=managers[0] if managers else None,
                closure_reasons=self.policy.stage_closure_reasons)

    def progress_stage(self, stage_id: int, type: str, *, case_manager: str, person_ids: Iterable[int],
                       subtype: str | None = None) -> StageView:
        """Progress the stage into a child stage of ``type`` (an FSS with its ``subtype``) with some of
        its current persons and a Case Manager; the new stage's view. The parent closes "Progressed to
        another stage" where the tree says so (stage_course.PARENT_CLOSES)."""
        stage_id = arguments.record_id(stage_id, "stage")
        type = _one_of(type, "a stage type", STAGE_TYPES)
        subtype = None if subtype is None else _one_of(subtype, "a Family Services Stage type", FSS_TYPES)
        case_manager = arguments.login(case_manager, "Case Manager's login", NotFound)
        person_ids = arguments.record_ids(person_ids, "person", InvalidStage)
        with self.db.writing() as session:
            work, user, stage = self._kept(session, stage_id)
            check_may_maintain_stage(session, user, stage, work.now, "progress it")
            manager = session.scalar(select(Worker).where(Worker.login == case_manager))
            if manager is None:
                raise NotFound(f"There is no worker with the login {case_manager!r}.")
            child = stage_course.progress(work, stage, type, case_manager=manager, person_ids=person_ids,
                                          subtype=subtype)
            return stage_view(child, work.now)

    def app_reg(self, stage_id: int, primary_caretaker_id: int | None) -> StageView:
        """App/Reg a Family Services Stage with its primary caretaker (an adult now in the stage), or
        None for a child-only stage."""
        stage_id = arguments.record_id(stage_id, "stage")
        if primary_caretaker_id is not None:
            primary_caretaker_id = arguments.record_id(primary_caretaker_id, "person", InvalidStage)
        with self.db.writing() as session:
            work, user, stage = self._kept(session, stage_id)
            check_may_maintain_stage(session, user, stage, work.now, "App/Reg it")
            stage_course.app_reg(work, stage, primary_caretaker_id)
            return stage_view(stage, work.now)

    def start_closing(self, stage_id: int, reason: str) -> StageView:
        """The Case Planner (or anyone who keeps the stage) proposes closing it; the Case Manager closes."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.writing() as session:
            work, user, stage = self._kept(session, stage_id)
            check_may_maintain_stage(session, user, stage, work.now, "start closing it")
            stage_course.start_closing(work, stage, reason)
            return stage_view(stage, work.now)

    def close_stage(self, stage_id: int, reason: str) -> StageView:
        """Only the Case Manager, or someone above the Case Manager, closes a stage."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.writing() as session:
            work, user, stage = self._kept(session, stage_id)
            check_may_close_stage(session, user, stage, work.now)
            stage_course.close(work, stage, reason)
            return stage_view(stage, work.now)

    def supervision_chain(self) -> list[str]:
        """Logins above me, nearest first (who reviews my notes)."""
        with self.db.reading() as session:
            return [w.login for w in chain_above(session, self._user(session))]

    def _kept(self, session: Session, stage_id: int) -> tuple[Work, Worker, Stage]:
        """The footing of a change to the stage by me: the work, me, the stage."""
        user = self._user(session)
        return Work(session, self._now(), self.policy, user), user, self._stage(session, stage_id)


def _answer(*checks: Callable[[], None]) -> str | None:
    """None when every check passes, else the first refusal's sentence."""
    try:
        for check in checks:
            check()
    except StoreError as refusal:
        return refusal.message
    return None


def _one_of(value: object, what: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidStage(f"{arguments.shown(value)} is not {what} ({', '.join(allowed)}).")
    return value
