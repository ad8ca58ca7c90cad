"""A worker's inbox: what waits for them (an advocate's upload or access request, a note returned or
approved, a correction or review now overdue, an absence cut-off tomorrow), read and marked read;
the time-driven sweep that notices what became overdue; e-mail of what is new through the agency's
relay, after the commit.

Notifications caused by a change are written in that change's transaction (``db.notifications.notify``:
the review desk, the document and advocacy desks). Those caused by time passing are found by the
sweep, ``check_notifications``, which the app runs at sign-in and now and then: each has a key naming
the deadline it is about, so running it again never repeats one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.core import arguments
from store.core.errors import InvalidRequest, MailNotSent, NotFound
from store.core.mail import Notice, send
from store.core.policy import Policy
from store.core.results import NotificationView, Obligation
from store.db.models import Absence, Note, Notification, Worker
from store.db.notifications import notify
from store.desks.base import DeskBase
from store.rules.note_rules import local_text
from store.rules.obligations import AUTHOR_ACTS, cutoff_of, next_absences, open_obligations

if TYPE_CHECKING:
    from store.db.database import Database

INBOX_MOST = 1_000  # the most notifications one look at the inbox reads
OVERDUE_KINDS = {"resubmit": "correction overdue", "review": "review overdue", "re-review": "review overdue"}


class InboxDesk(DeskBase):
    def inbox(self, *, unread_only: bool = False, limit: int = 200) -> list[NotificationView]:
        """My notifications, newest first; ``unread_only``: those not yet marked read."""
        limit = arguments.count(limit, "number of notifications to show", least=1, most=INBOX_MOST)
        unread_only = arguments.yes_or_no(unread_only, "Whether to show only unread notifications", InvalidRequest)
        with self.db.reading() as session:
            self._user(session)
            query = select(Notification).where(Notification.worker_id == self.worker_id)
            if unread_only:
                query = query.where(Notification.read_at.is_(None))
            found = session.scalars(query.order_by(Notification.at.desc(), Notification.id.desc()).limit(limit))
            return [_view(n) for n in found]

    def unread_count(self) -> int:
        """How many of my notifications I have not marked read (the header shows it)."""
        with self.db.reading() as session:
            return session.scalar(select(func.count()).select_from(Notification).where(
                Notification.worker_id == self.worker_id, Notification.read_at.is_(None))) or 0

    def mark_read(self, notification_ids: list[int]) -> int:
        """Mark these notifications of mine read (those read already stay as they were); how many were
        unread. A number that is not one of mine is refused and nothing is marked."""
        ids = sorted(set(arguments.record_ids(notification_ids, "notification")))
        if not ids:
            return 0
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            mine = set(session.scalars(select(Notification.id).where(Notification.id.in_(ids),
                                                                     Notification.worker_id == user.id)))
            missing = [i for i in ids if i not in mine]
            if missing:
                raise NotFound(f"You have no notification number {missing[0]}. Nothing was marked read.")
            return _mark_read(session, user.id, now, ids)

    def mark_all_read(self) -> int:
        """Mark every notification of mine read; how many were unread."""
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            return _mark_read(session, user.id, now, None)

    def check_notifications(self) -> int:
        """Look for what has become due for me since the last look (a correction or a review overdue,
        an absence cut-off tomorrow) and put each in my inbox once; how many are new."""
        with self.db.writing() as session:
            now, user = self._now(), self._user(session)
            return sweep(session, self.policy, now, user.id)

    def deliver_mail(self) -> int:
        """E-mail what is new and unread through the agency's relay (none set: nothing); how many
        workers were e-mailed. Raises ``MailNotSent`` (after marking what did go) if the relay is down:
        what was not sent stays pending and goes next time. On the agency server a worker's own
        connection sees only their own notifications; the server's sweep delivers everyone's."""
        return deliver_pending(self.db)


def _view(n: Notification) -> NotificationView:
    return NotificationView(id=n.id, at=n.at, kind=n.kind, sentence=n.sentence, entity=n.entity,
                            entity_id=n.entity_id, case_id=n.case_id, stage_id=n.stage_id, read_at=n.read_at,
                            emailed_at=n.emailed_at)


def _mark_read(session: Session, worker_id: int, now: datetime, ids: list[int] | None) -> int:
    statement = (update(Notification).where(Notification.worker_id == worker_id, Notification.read_at.is_(None))
                 .values(read_at=now))
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined, no-any-return]


def mark_every_read(session: Session, now: datetime) -> int:
    """Every worker's unread notifications marked read (the system's, for the demo)."""
    statement = update(Notification).where(Notification.read_at.is_(None)).values(read_at=now)
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined, no-any-return]


# -- the sweep -------------------------------------------------------------------------------------

def sweep(session: Session, policy: Policy, now: datetime, worker_id: int | None = None) -> int:
    """Notify what time has made due: for ``worker_id`` (None: every worker, the server's sweep);
    how many notifications are new."""
    ids = None if worker_id is None else {worker_id}
    made = 0
    overdue = [o for o in open_obligations(session, policy, now, authors=ids, reviewers=ids)
               if o.overdue and o.action in OVERDUE_KINDS]
    logins = {o.who for o in overdue}
    who = dict(session.execute(select(Worker.login, Worker.id).where(Worker.login.in_(logins))).all())
    for o in overdue:
        target = who.get(o.who)
        if target is None or (worker_id is not None and target != worker_id):
            continue
        made += notify(session, target, OVERDUE_KINDS[o.action], _overdue_sentence(o, policy),
                       f"overdue-{o.action}:note:{o.note_id}:{o.due_at:%Y%m%dT%H%M}", now, entity="note",
                       entity_id=o.note_id, case_id=o.case_id, stage_id=o.stage_id)
    made += _absence_cutoffs(session, policy, now, ids)
    return made


def _overdue_sentence(o: Obligation, policy: Policy) -> str:
    note = (f"{o.contact_type} note of {local_text(o.event_at, policy, time=False)} "
            f"({o.family_name} family, {o.stage_label})")
    if o.action == "resubmit":
        return f"Your correction of the {note} was due {local_text(o.due_at, policy)}; it is overdue."
    corrected = "corrected " if o.action == "re-review" else ""
    return (f"Your review of {o.author_name}'s {corrected}{note} was due {local_text(o.due_at, policy)}; "
            "it is overdue.")


def _absence_cutoffs(session: Session, policy: Policy, now: datetime, ids: set[int] | None) -> int:
    """An absence whose cut-off for pending notes falls tomorrow (agency's day): a day's warning."""
    tomorrow = policy.calendar.local_day(now) + timedelta(days=1)
    if ids is None:
        ids = set(session.scalars(select(Absence.worker_id).where(Absence.starts_on > tomorrow - timedelta(days=1))))
    made = 0
    for worker_id, absence in next_absences(session, now, policy, ids).items():
        cutoff = cutoff_of(absence.starts_on, policy)
        if policy.calendar.local_day(cutoff) != tomorrow:
            continue
        pending = session.scalar(select(func.count()).select_from(Note).where(
            Note.author_id == worker_id, Note.status.in_(AUTHOR_ACTS), Note.freezes_at > now)) or 0
        still = ("nothing is pending" if not pending else
                 f"{pending} note{'' if pending == 1 else 's'} still to submit or correct")
        sentence = (f"Your absence from {absence.starts_on:%m/%d/%Y} is near: notes are due by "
                    f"{local_text(cutoff, policy)} tomorrow; {still}.")
        made += notify(session, worker_id, "absence cut-off", sentence,
                       f"absence-cutoff:absence:{absence.id}:{absence.starts_on:%Y%m%d}", now,
                       entity="absence", entity_id=absence.id)
    return made


# -- e-mail after the commit -----------------------------------------------------------------------

def deliver_pending(db: Database) -> int:
    """E-mail each worker with an address how many unread notifications wait for them that were not
    e-mailed yet, and mark those e-mailed; how many workers were e-mailed. The relay down:
    ``MailNotSent``, with what went marked and the rest left for next time."""
    mail = db.policy.mail
    if not mail.enabled:
        return 0
    with db.reading() as session:
        rows = session.execute(
            select(Notification.id, Worker.id, Worker.email).join(Worker, Worker.id == Notification.worker_id)
            .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None), Worker.active,
                   Worker.email.is_not(None), Worker.email != "")).all()
    by_address: dict[str, list[int]] = {}
    for notification_id, _worker, address in rows:
        assert address is not None
        by_address.setdefault(address, []).append(notification_id)
    failure: MailNotSent | None = None
    try:
        sent = send([Notice(address, len(ids)) for address, ids in by_address.items()], mail)
    except MailNotSent as down:
        sent, failure = list(down.partly), down
    done = [i for address in sent for i in by_address[address]]
    if done:
        with db.writing() as session:
            session.execute(update(Notification).where(Notification.id.in_(done), Notification.emailed_at.is_(None))
                            .values(emailed_at=db.now()).execution_options(synchronize_session=False))
    if failure is not None:
        raise failure
    return len(sent)
