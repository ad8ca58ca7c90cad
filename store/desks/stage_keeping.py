"""What the three desks that keep a stage's people share (its persons, roles and placements): the
stage read for a change with the permission checked, the answer a screen asks before offering a
key, and the reads of the stage for anyone who reaches its case."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from store.core import arguments
from store.core.errors import InvalidStage, NoAccess, StoreError
from store.db.models import Stage
from store.desks.base import DeskBase, Work
from store.rules.access import CaseAccess, Reach, case_access
from store.rules.maintenance import check_may_maintain_stage


class StageKeepingBase(DeskBase):
    def _kept_stage(self, session: Session, stage_id: int, doing: str) -> tuple[Work, Stage]:
        """The footing and the stage of a change to its people, once the user may make it."""
        work = self._work(session)
        assert work.by is not None  # a desk always acts as its worker
        stage = self._stage(session, stage_id)
        check_may_maintain_stage(session, work.by, stage, work.now, doing)
        return work, stage

    def _refusal(self, stage_id: int, doing: str, *, open_only: bool = True) -> str | None:
        """None if the user may ``doing`` in the stage now, else the sentence saying why not."""
        stage_id = arguments.record_id(stage_id, "stage")
        with self.db.reading() as session:
            try:
                _, stage = self._kept_stage(session, stage_id, doing)
                if open_only:
                    check_open(stage, doing)
            except StoreError as refused:
                return str(refused)
        return None

    def _read_stage(self, session: Session, stage_id: int) -> tuple[Stage, CaseAccess]:
        """The stage, for a reader who reaches its case as staff (an advocate sees a child's notes,
        not the stage's people); a read from outside the assignment is audited by the caller."""
        stage = self._stage(session, stage_id)
        access = case_access(session, self._user(session), stage.case_id, self._now())
        if access.reach is Reach.ADVOCATE:
            raise NoAccess("An advocate reads the appointed child's notes, not the stage's people and roles.")
        return stage, access


def check_open(stage: Stage, doing: str) -> None:
    """A closed stage keeps its people as they were when it closed."""
    if stage.closed_at is not None:
        raise InvalidStage(f"This {stage.label} stage is closed ({stage.close_reason}); nobody may {doing} now.")


def day_text(day: date) -> str:
    return day.strftime("%m/%d/%Y")
