"""Putting something in a worker's inbox, in the transaction of the change that causes it.

Each notification has a ``key`` saying what it is about (``upload:document:12``,
``overdue-review:note:42:v3``): the same key for the same worker is written once, however often the
change or the sweep that finds it runs, so a notification arrives exactly once. E-mail, when the
agency has a relay, is sent after the commit by whoever delivers the inbox (never in the transaction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.db.models import Notification, table_of
from store.db.unseen import under_row_security

SENTENCE_MAX = 400  # notifications.sentence
KEY_MAX = 160


def notify(session: Session, worker_id: int, kind: str, sentence: str, key: str, now: datetime, *,
           entity: str | None = None, entity_id: int | None = None, case_id: int | None = None,
           stage_id: int | None = None) -> bool:
    """Put a notification in ``worker_id``'s inbox unless one with this key is there already;
    whether it was new. ``sentence`` says what awaits in a caseworker's words (shortened to fit)."""
    if len(sentence) > SENTENCE_MAX:
        sentence = sentence[:SENTENCE_MAX - 1] + "…"
    values = dict(worker_id=worker_id, at=now, kind=kind, key=key[:KEY_MAX], sentence=sentence, entity=entity,
                  entity_id=entity_id, case_id=case_id, stage_id=stage_id)
    if under_row_security(session):
        # A worker's own session may not read another's inbox, which ON CONFLICT needs: the owner's function.
        return bool(session.scalar(select(func.casenotes_notify(*values.values()))))
    table = table_of(Notification)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # The only conflict possible is the (worker, key) one. Neither RETURNING nor a named conflict
    # target: on the agency server a worker puts notifications into another's inbox (a note returned
    # to its author, an advocate's upload for the caseworker) whose rows row-level security does not
    # let them read, and PostgreSQL asks the new row of the SELECT policy for both (measured: "new row
    # violates row-level security policy" with ON CONFLICT (worker_id, key), none without). Whether it
    # was new: the row count where the driver gives one (psycopg says -1 here), else whether the key
    # could be seen before (exact for one's own inbox and for the owner; another's: new unless seen).
    statement = dialect.insert(table).inline().values(**values).on_conflict_do_nothing()
    seen = already_notified(session, worker_id, key)
    count = session.execute(statement).rowcount  # type: ignore[attr-defined]
    return bool(count > 0) if count is not None and count >= 0 else not seen


def already_notified(session: Session, worker_id: int, key: str) -> bool:
    return session.scalar(select(Notification.id).where(Notification.worker_id == worker_id,
                                                        Notification.key == key[:KEY_MAX])) is not None
