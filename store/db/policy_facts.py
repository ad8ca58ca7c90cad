"""The policy facts the database's own rules need, kept in the ``meta`` table (issue 17).

A new note's freeze instant is set (PostgreSQL) or checked (SQLite) by a trigger (migration 0009),
which reads the agency's time zone and freeze window from ``meta``. On PostgreSQL only the owner
may write ``meta`` (workers may read it), so a worker's session cannot move its own freeze date.
The migration writes the facts of the default policy; a store opened with the right to write
``meta`` (SQLite always, PostgreSQL as the owner) makes them its policy's, writing only what differs.
"""

from __future__ import annotations

import json

from sqlalchemy import select, text

from store.core.policy import Policy
from store.db.database import Database
from store.db.models import Meta

TIME_ZONE = "policy.time_zone"
FREEZE_DAYS = "policy.freeze_days"
FREEZE_UNIT = "policy.freeze_unit"
DOCUMENT_MAX_BYTES = "policy.documents.max_bytes"
DOCUMENT_KINDS = "policy.document_kinds"  # a JSON list
ADVOCATE_REVIEW_DAYS = "policy.advocates.review_every_days"


def policy_facts(policy: Policy) -> dict[str, str]:
    """What the triggers read, as ``meta`` rows: the zone, the freeze window (days after the entry
    date, in calendar or business days), the largest document and the kinds of document (0017), and
    how far ahead an advocate's next access review may be set (0017)."""
    freeze = policy.windows["freeze"]
    return {TIME_ZONE: policy.time_zone, FREEZE_DAYS: str(freeze.amount), FREEZE_UNIT: freeze.unit,
            DOCUMENT_MAX_BYTES: str(policy.documents.max_bytes),
            DOCUMENT_KINDS: json.dumps(list(policy.document_kinds), ensure_ascii=False),
            ADVOCATE_REVIEW_DAYS: str(policy.advocates.review_every_days)}


def keep_policy_facts(db: Database) -> None:
    """Make ``meta`` hold this store's policy facts, if it may write them and they differ (one read
    when they agree). On PostgreSQL a worker's session leaves them to the owner."""
    wanted = policy_facts(db.policy)
    # An in-memory SQLite database is one per engine: its schema is the writing engine's.
    memory = db.read_engine.url.get_backend_name() == "sqlite" and db.read_engine.url.database in (None, "", ":memory:")
    with (db.writing() if memory else db.reading()) as session:
        if session.get_bind().dialect.name == "postgresql" and not session.execute(text(
                "SELECT casenotes_worker_id() IS NULL AND has_table_privilege('meta', 'INSERT, UPDATE')")).scalar():
            return
        held = {key: value for key, value in session.execute(select(Meta.key, Meta.value).where(Meta.key.in_(wanted)))}
    if held == wanted:
        return
    with db.writing() as session:
        for key, value in wanted.items():
            session.merge(Meta(key=key, value=value))
