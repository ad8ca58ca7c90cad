"""Stage work a worker does from a desk: start closing a stage, close it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from store.core import arguments
from store.rules.access import chain_above, stage_roles
from store.desks.base import DeskBase
from store.core.errors import InvalidStage, NoAccess
from store.db.journal import audit, change
from store.desks.to_results import stage_view
from store.core.results import StageView
from store.db.models import Stage


class StageDesk(DeskBase):
    def start_closing(self, stage_id: int, reason: str) -> StageView:
        """The Case Planner (or Case Manager) proposes closing; the Case Manager then closes."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            stage = self._open_stage(session, stage_id)
            roles = {r.role for r in stage_roles(session, stage.id, now, {user.id})}
            if not roles & {"Case Planner", "Case Manager"}:
                raise NoAccess("Only the stage's Case Planner or Case Manager may start closing it.")
            stage.closing_started_by_id, stage.closing_started_at = user.id, now
            stage.closing_reason = self._closure_reason(reason)
            audit(session, user, "start closing", "stage", stage.id, now, {"reason": stage.closing_reason})
            change(session, "stage", stage.id, "update", now)
            session.flush()
            return stage_view(stage, now)

    def close_stage(self, stage_id: int, reason: str) -> StageView:
        """Only the Case Manager, or the Case Manager's supervisor, closes a stage."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            stage = self._open_stage(session, stage_id)
            managers = [r.worker for r in stage_roles(session, stage.id, now) if r.role == "Case Manager"]
            if not any(user.id == m.id or (m.supervisor_id == user.id) for m in managers):
                raise NoAccess("Only the stage's Case Manager or that person's supervisor may close it.")
            stage.closed_at, stage.close_reason = now, self._closure_reason(reason)
            audit(session, user, "close", "stage", stage.id, now, {"reason": stage.close_reason})
            change(session, "stage", stage.id, "update", now)
            session.flush()
            return stage_view(stage, now)

    def supervision_chain(self) -> list[str]:
        """Logins above me, nearest first (who reviews my notes)."""
        with self.db.reading() as session:
            return [w.login for w in chain_above(session, self._user(session))]

    def _open_stage(self, session: Session, stage_id: int) -> Stage:
        stage = self._stage(session, stage_id)
        if stage.closed_at is not None:
            raise InvalidStage(f"This {stage.label} stage is already closed ({stage.close_reason}).")
        return stage

    def _closure_reason(self, reason: str) -> str:
        if not isinstance(reason, str) or reason not in self.policy.stage_closure_reasons:
            raise InvalidStage(f"{arguments.shown(reason)} is not one of the agency's reasons for closing a stage.")
        return reason
