"""The Timeliness report: per worker and per unit, how late entries and reviews run, what is overdue
now, what froze without approval, how many required foster-care visits were made, and the case plans
approved on time or late (``plan_timeliness``)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.rules.access import team_ids
from store.desks.base import DeskBase
from store.core.errors import InvalidReport, NoAccess
from store.core.policy import Policy
from store.db.models import Note, ReviewAction, RoleAssignment, Stage, Unit, Worker
from store.db.unseen import note_clocks
from store.rules.obligations import is_late_entry, open_obligations
from store.rules.note_rules import ADDENDUM
from store.core.results import Timeliness, UnitTimeliness, WorkerTimeliness
from store.desks.plan_timeliness import plan_figures
from store.desks.visits import visit_standings

REPORT_DAYS = 90  # the default period: the last quarter
MAX_DAYS = 3660
SUBMISSIONS = ("submit", "resubmit")
DECISIONS = ("approve", "return")
CASEWORK = Stage.administrative.is_(False)  # an administrative stage (a payment's FSI/FSS) is left out


class TimelinessDesk(DeskBase):
    def timeliness(self, days: int = REPORT_DAYS) -> Timeliness:
        """For a supervisor their unit, for a director every unit below them, over the last ``days``.
        A row per worker who held a role in a stage or wrote a note in the period."""
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise InvalidReport(f"The report covers 1 to {MAX_DAYS:,} days, not {days!r}.")
        with self.db.reading() as session:
            now = self._now()
            below = team_ids(session, self.worker_id) - {self.worker_id}
            if not below:
                raise NoAccess("The Timeliness report is for supervisors and directors: nobody reports to you.")
            since = now - timedelta(days=days)
            workers = list(session.scalars(select(Worker).where(Worker.id.in_(below), Worker.active)))
            bosses = {w.supervisor_id for w in workers}
            staff = [w for w in workers if w.id not in bosses]  # supervisors head their unit's row instead
            stats = _note_stats(session, self.policy, {w.id for w in staff}, since, now)
            casework = _held_roles(session, {w.id for w in staff}, since, now)
            plans = plan_figures(session, self.policy, {w.id for w in staff}, since, now)
            staff = [w for w in staff if w.id in casework or stats[w.id]["lags"] or plans[w.id].approved]
            overdue: defaultdict[int, dict[str, int]] = defaultdict(lambda: {"review": 0, "resubmit": 0, "submit": 0})
            ids = {w.id for w in staff}
            logins = {w.login: w.id for w in staff}
            for item in open_obligations(session, self.policy, now, authors=ids):
                if item.overdue:
                    overdue[logins[item.author]]["review" if item.action == "re-review" else item.action] += 1
            visits: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0])
            for child in visit_standings(session, self.policy, now, ids, since=self.policy.calendar.local_day(since)):
                worker_id = logins.get(child.worker)
                if worker_id is not None:
                    visits[worker_id][0] += child.months_required
                    visits[worker_id][1] += child.months_visited
            units: dict[int | None, str] = {u.id: u.name for u in session.scalars(select(Unit))}
            rows: dict[str, list[WorkerTimeliness]] = defaultdict(list)
            heads: dict[str, str] = {}
            for worker in sorted(staff, key=lambda w: w.name):
                unit = units.get(worker.unit_id, "No unit")
                heads.setdefault(unit, worker.supervisor.name if worker.supervisor else "")
                s = stats[worker.id]
                rows[unit].append(WorkerTimeliness(
                    login=worker.login, name=worker.name, unit=unit, notes_entered=len(s["lags"]),
                    late_entries=s["late"], median_entry_lag_hours=_median(s["lags"]), reviews=len(s["turns"]),
                    median_review_hours=_median(s["turns"]), overdue_reviews=overdue[worker.id]["review"],
                    overdue_corrections=overdue[worker.id]["resubmit"], overdue_entries=overdue[worker.id]["submit"],
                    frozen_unapproved=s["frozen"],
                    visits_required=visits[worker.id][0], visits_made=visits[worker.id][1],
                    plans_approved=plans[worker.id].approved, plans_on_time=plans[worker.id].on_time,
                    plans_overdue=plans[worker.id].overdue))
            return Timeliness(since=since, until=now, units=tuple(
                UnitTimeliness(unit, heads[unit], tuple(rows[unit]), _total(unit, rows[unit], stats, staff))
                for unit in sorted(rows)))


def _held_roles(session: Session, worker_ids: set[int], since: datetime, now: datetime) -> set[int]:
    """Workers with a role in some casework stage during the period (an entry clerk has none; an
    administrative stage is no casework)."""
    return set(session.scalars(select(RoleAssignment.worker_id).join(Stage, Stage.id == RoleAssignment.stage_id).where(
        RoleAssignment.worker_id.in_(worker_ids), RoleAssignment.starts_at <= now, CASEWORK,
        (RoleAssignment.ends_at.is_(None)) | (RoleAssignment.ends_at >= since))))


class _Stats(TypedDict):
    lags: list[float]  # hours from event to entry, a note each
    late: int  # notes entered past the entry window
    turns: list[float]  # hours from sending to the supervisor's decision
    frozen: int  # notes that froze unapproved


def _note_stats(session: Session, policy: Policy, worker_ids: set[int], since: datetime,
                now: datetime) -> dict[int, _Stats]:
    stats: dict[int, _Stats] = defaultdict(lambda: _Stats(lags=[], late=0, turns=[], frozen=0))
    if not worker_ids:
        return stats
    note = note_clocks(session)  # a supervisor's own database user counts their workers' drafts too
    entered = session.execute(select(note.c.author_id, note.c.event_at, note.c.entered_at, note.c.contact_type).join(
        Stage, Stage.id == note.c.stage_id).where(
        note.c.author_id.in_(worker_ids), CASEWORK, note.c.entered_at >= since, note.c.entered_at <= now,
        note.c.contact_type != ADDENDUM))
    for author, event_at, entered_at, contact_type in entered:
        stats[author]["lags"].append((entered_at - event_at).total_seconds() / 3600)
        stats[author]["late"] += is_late_entry(event_at, entered_at, policy, contact_type)
    frozen = session.execute(select(note.c.author_id).join(Stage, Stage.id == note.c.stage_id).where(
        note.c.author_id.in_(worker_ids), CASEWORK, note.c.freezes_at >= since, note.c.freezes_at <= now,
        note.c.status.not_in(("approved", "final"))))
    for (author,) in frozen:
        stats[author]["frozen"] += 1
    # A draft's own review actions are at most sent-and-recalled pairs (a recalled resubmission is
    # returned, not a draft), which count no turn: the notes read are enough here.
    actions = session.execute(select(Note.author_id, ReviewAction.note_id, ReviewAction.action, ReviewAction.at)
                              .join(Note, Note.id == ReviewAction.note_id).join(Stage, Stage.id == Note.stage_id)
                              .where(Note.author_id.in_(worker_ids), ReviewAction.at <= now, CASEWORK)
                              .order_by(ReviewAction.note_id, ReviewAction.id))
    sent: dict[int, datetime] = {}
    for author, note_id, action, at in actions:
        if action in SUBMISSIONS:
            sent[note_id] = at
        elif action in DECISIONS and note_id in sent:
            if at >= since:
                stats[author]["turns"].append((at - sent[note_id]).total_seconds() / 3600)
            del sent[note_id]
        elif action == "recall":
            sent.pop(note_id, None)
    return stats


def _total(unit: str, rows: list[WorkerTimeliness], stats: dict[int, _Stats], staff: list[Worker]) -> WorkerTimeliness:
    ids = {w.id for w in staff if w.login in {r.login for r in rows}}
    lags = [lag for i in ids for lag in stats[i]["lags"]]
    turns = [t for i in ids for t in stats[i]["turns"]]
    return WorkerTimeliness(
        login="", name="Unit total", unit=unit, notes_entered=sum(r.notes_entered for r in rows),
        late_entries=sum(r.late_entries for r in rows), median_entry_lag_hours=_median(lags),
        reviews=sum(r.reviews for r in rows), median_review_hours=_median(turns),
        overdue_reviews=sum(r.overdue_reviews for r in rows),
        overdue_corrections=sum(r.overdue_corrections for r in rows),
        overdue_entries=sum(r.overdue_entries for r in rows),
        frozen_unapproved=sum(r.frozen_unapproved for r in rows), visits_required=sum(r.visits_required for r in rows),
        visits_made=sum(r.visits_made for r in rows), plans_approved=sum(r.plans_approved for r in rows),
        plans_on_time=sum(r.plans_on_time for r in rows), plans_overdue=sum(r.plans_overdue for r in rows))


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
