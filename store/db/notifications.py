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
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing(
        index_elements=["worker_id", "key"]).returning(table.c.id)
    return session.execute(statement).first() is not None

