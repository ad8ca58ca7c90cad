"""What the database sets on INSERT, TRUNCATE refused, a trigger clock no worker can move (issue 17).

- A new note's entry time, starting status, version and freeze instant are the database's, and no
  new note arrives submitted or reviewed:
  - PostgreSQL sets them in a BEFORE INSERT trigger, and in a worker's own session (``casenotes_worker_id()``
    not NULL) also who entered it (that worker) and its author (that worker, unless they hold
    ``ENT PROG NOTE`` and enter it for another). The store connected as the owner keeps the entered-by
    and author it gives. A revision's ``saved_at`` and a review action's ``at`` written in a worker's
    session are likewise the clock's; who saved or acted must be that worker (row-level security,
    0010, refuses another rather than this trigger rewriting it).
  - SQLite's BEFORE triggers cannot change a row, so they refuse an INSERT whose entry time is not
    ``casenotes_now()``, whose status is not the starting one, whose version is not 1, that carries
    submission or review times, or whose freeze instant is not the rules' (an FSI entry freezes as it
    is saved; another note within an hour of local midnight of the entry date plus the freeze window:
    SQLite knows no time zones, so the store's exact instant is held to that bound).
  The freeze window and the agency's zone are read from ``meta`` (``policy.time_zone``,
  ``policy.freeze_days``, ``policy.freeze_unit``; see store/db/policy_facts.py), written here from
  the default policy and kept equal to the store's by a store with the right to write them. With a
  window in business days (holidays are the policy's, not the database's) PostgreSQL keeps the
  store's instant when it is a local midnight between the calendar-day count and twice it plus a
  week, and sets the calendar-day count otherwise.
- BEFORE TRUNCATE statement triggers refuse emptying any of the record's tables (PostgreSQL: row
  triggers do not fire on TRUNCATE). Tables added by later migrations need their own.
- ``casenotes_now()`` (PostgreSQL) honours the ``casenotes.now`` setting only in a database its owner
  marked as a test database (a row in ``test_clock_allowed``, which workers may read but not write;
  store/db/server.py ``mark_test_database``); anywhere else it is ``now()``, which no session moves.
  On SQLite it stays the store's registered function: whoever opens the file owns the record.
- Every function of the schema runs with the schema's ``search_path`` (then ``pg_temp``): a session's
  temporary table named like one of ours (``workers``, ``meta``, ``test_clock_allowed``) is never
  what a trigger or ``casenotes_worker_id()`` reads.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from store.core.policy import Policy
from store.db.policy_facts import FREEZE_DAYS, FREEZE_UNIT, TIME_ZONE, policy_facts
from store.db.server import pin_search_path

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FSI_STAGE = "(SELECT s.type FROM stages s WHERE s.id = NEW.stage_id) = 'FSI'"
META = "(SELECT m.value FROM meta m WHERE m.key = '{key}')"
DAYS = f"CAST({META.format(key=FREEZE_DAYS)} AS INTEGER)"
MOST_DAYS = f"(CASE {META.format(key=FREEZE_UNIT)} WHEN 'business_days' THEN 2 * {DAYS} + 7 ELSE {DAYS} END)"
HOUR = "(1.0 / 24)"
# (name, condition that refuses, error, sentence): SQLite's checks of a new note.
SQLITE_NOTE_INSERT = [
    ("entered", "NEW.entered_at IS NOT casenotes_now()", "InvalidNote",
     "a note's entry time is the moment it is saved, which casenotes sets"),
    ("status", f"NEW.status IS NOT (CASE WHEN {FSI_STAGE} THEN 'final' ELSE 'draft' END)", "InvalidNote",
     "a new note starts as a draft (final at once in a Family Services Intake stage)"),
    ("version", "NEW.version IS NOT 1", "InvalidNote", "a new note starts at its first version"),
    ("unreviewed", "NEW.first_submitted_at IS NOT NULL OR NEW.submitted_at IS NOT NULL "
     "OR NEW.reviewed_at IS NOT NULL OR NEW.correction_due_at IS NOT NULL", "InvalidNote",
     "a new note has not been submitted or reviewed yet"),
    ("freeze", f"CASE WHEN NEW.status = 'final' THEN NEW.freezes_at IS NOT NEW.entered_at "
     f"WHEN {DAYS} IS NULL THEN 1 "
     f"ELSE julianday(NEW.freezes_at) - julianday(NEW.entered_at) "
     f"NOT BETWEEN {DAYS} - 1 - {HOUR} AND {MOST_DAYS} + {HOUR} END", "InvalidNote",
     "a new note freezes the policy's freeze window after the day it is entered "
     "(at once in a Family Services Intake stage)"),
]
TRUNCATE_SENTENCE = ("casenotes[InvalidTransition]: the % table is part of the record and is never emptied; "
                     "records are kept, ended or closed one by one")
NO_POLICY = ("the database holds no freeze window (meta policy.freeze_days); the owner opens it with casenotes "
             "once to write it")


def _quoted(error: str, sentence: str) -> str:
    text = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{text}'"


def upgrade() -> None:
    bind = op.get_bind()
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    facts = policy_facts(Policy.load())
    bind.execute(sa.delete(meta).where(meta.c.key.in_(facts)))
    bind.execute(sa.insert(meta), [{"key": key, "value": value} for key, value in facts.items()])
    if bind.dialect.name == "postgresql":
        _postgresql(bind)
    else:
        _sqlite()


def _sqlite() -> None:
    for name, condition, error, sentence in SQLITE_NOTE_INSERT:
        op.execute(f"CREATE TRIGGER notes_insert_{name} BEFORE INSERT ON notes WHEN {condition} "
                   f"BEGIN SELECT RAISE(ABORT, {_quoted(error, sentence)}); END")


def _postgresql(bind: sa.Connection) -> None:
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    op.execute("CREATE TABLE test_clock_allowed (allowed boolean PRIMARY KEY DEFAULT true CHECK (allowed))")
    op.execute("""
        CREATE OR REPLACE FUNCTION casenotes_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$
            SELECT CASE WHEN EXISTS (SELECT 1 FROM test_clock_allowed)
                        THEN COALESCE(NULLIF(current_setting('casenotes.now', true), '')::timestamptz, now())
                        ELSE now() END
        $$""")
    op.execute(f"""
        CREATE FUNCTION casenotes_note_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            worker integer := casenotes_worker_id();
            zone text := {META.format(key=TIME_ZONE)};
            days integer := {DAYS};
            local_day date;
            earliest timestamptz;
        BEGIN
            IF zone IS NULL OR days IS NULL THEN RAISE EXCEPTION '%', {_quoted("StoreError", NO_POLICY)}; END IF;
            NEW.entered_at := casenotes_now();
            IF worker IS NOT NULL THEN
                NEW.entered_by_id := worker;
                IF NOT EXISTS (SELECT 1 FROM worker_functions f
                               WHERE f.worker_id = worker AND f.code = 'ENT PROG NOTE') THEN
                    NEW.author_id := worker;
                END IF;
            END IF;
            NEW.version := 1;
            NEW.first_submitted_at := NULL;
            NEW.submitted_at := NULL;
            NEW.reviewed_at := NULL;
            NEW.correction_due_at := NULL;
            IF {FSI_STAGE} THEN
                NEW.status := 'final';
                NEW.freezes_at := NEW.entered_at;
                RETURN NEW;
            END IF;
            NEW.status := 'draft';
            local_day := (NEW.entered_at AT TIME ZONE zone)::date;
            earliest := (local_day + days)::timestamp AT TIME ZONE zone;
            IF NOT ({META.format(key=FREEZE_UNIT)} = 'business_days'
                    AND NEW.freezes_at BETWEEN earliest AND (local_day + 2 * days + 7)::timestamp AT TIME ZONE zone
                    AND (NEW.freezes_at AT TIME ZONE zone)::time = '00:00') THEN
                NEW.freezes_at := earliest;
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER notes_insert_rules BEFORE INSERT ON notes "
               "FOR EACH ROW EXECUTE FUNCTION casenotes_note_insert()")
    for table, at in (("note_revisions", "saved_at"), ("review_actions", "at")):
        op.execute(f"""
            CREATE FUNCTION casenotes_{table}_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF casenotes_worker_id() IS NOT NULL THEN NEW.{at} := casenotes_now(); END IF;
                RETURN NEW;
            END $$""")
        op.execute(f"CREATE TRIGGER {table}_insert_rules BEFORE INSERT ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION casenotes_{table}_insert()")
    op.execute(f"""
        CREATE FUNCTION casenotes_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{TRUNCATE_SENTENCE}', TG_TABLE_NAME;
        END $$""")
    tables = bind.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :s "
                                  "AND tablename <> 'alembic_version' ORDER BY tablename"), {"s": schema}).scalars()
    for table in list(tables):
        op.execute(f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON "{table}" '
                   "FOR EACH STATEMENT EXECUTE FUNCTION casenotes_no_truncate()")
    pin_search_path(bind, schema)


def downgrade() -> None:
    raise NotImplementedError("The record-protection triggers are never removed by a downgrade.")
