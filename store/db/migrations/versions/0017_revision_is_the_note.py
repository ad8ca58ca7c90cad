"""A note's revision says what the note says: the database refuses a revision snapshot that differs
from the note row it is the revision of (issue 18's review: a reviewer's raw INSERT of a revision with
another narrative, then the approving UPDATE, put a forged "approved" text in the court record, which
prints and hashes the final revision).

Compared: what a note says and who wrote it — stage, time of contact, author, entered by, contact type,
method, location, narrative, status, the note it amends, purposes and named others. (Participants live
in their own table and are written after the note row; the entered time and the correction due date
are stamped or moved by the review desk and are not the note's content.)

- A note's UPDATE (the store writes the version's revision first, migration 0005) must equal the
  revision of its new version.
- A revision written for a note's current version (a new note's first revision follows its INSERT,
  migration 0006) must equal the note row.

Revision ID: 0017
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

# What differs between the note row n and its revision's snapshot s, on each backend.
FIELDS_PG = (
    "n.stage_id IS DISTINCT FROM (s->>'stage_id')::bigint",
    "n.event_at IS DISTINCT FROM (s->>'event_at')::timestamptz",
    "n.author_id IS DISTINCT FROM (s->>'author_id')::bigint",
    "n.entered_by_id IS DISTINCT FROM (s->>'entered_by_id')::bigint",
    "n.contact_type IS DISTINCT FROM s->>'contact_type'",
    "n.method IS DISTINCT FROM s->>'method'",
    "n.location IS DISTINCT FROM s->>'location'",
    "n.narrative IS DISTINCT FROM s->>'narrative'",
    "n.status IS DISTINCT FROM s->>'status'",
    "n.amends_note_id IS DISTINCT FROM (s->>'amends_note_id')::bigint",
    "n.purposes::jsonb IS DISTINCT FROM coalesce(s->'purposes', '[]')::jsonb",
    "n.others::jsonb IS DISTINCT FROM coalesce(s->'others', '[]')::jsonb",
)
FIELDS_SQLITE = (
    "n.stage_id IS NOT json_extract(s, '$.stage_id')",
    "julianday(n.event_at) IS NOT julianday(json_extract(s, '$.event_at'))",
    "n.author_id IS NOT json_extract(s, '$.author_id')",
    "n.entered_by_id IS NOT json_extract(s, '$.entered_by_id')",
    "n.contact_type IS NOT json_extract(s, '$.contact_type')",
    "n.method IS NOT json_extract(s, '$.method')",
    "n.location IS NOT json_extract(s, '$.location')",
    "n.narrative IS NOT json_extract(s, '$.narrative')",
    "n.status IS NOT json_extract(s, '$.status')",
    "n.amends_note_id IS NOT json_extract(s, '$.amends_note_id')",
    "json(n.purposes) IS NOT json(coalesce(json_extract(s, '$.purposes'), '[]'))",
    "json(n.others) IS NOT json(coalesce(json_extract(s, '$.others'), '[]'))",
)
SENTENCE = "a note's revision says what the note says: this one differs from the note it is the revision of"
# The older note and revision triggers on SQLite, which fires the newest first: recreated after ours so
# that a change they refuse is refused with their sentence, as before.
SQLITE_OLDER = ("notes_update_final", "notes_update_frozen", "notes_update_fixed", "notes_update_version",
                "notes_update_revised", "note_revisions_insert_version")


def _quoted(error: str, sentence: str) -> str:
    said = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{said}'"


def _differs(fields: tuple[str, ...], note: str, snapshot: str) -> str:
    """The condition, over the note row ``note`` and the snapshot ``snapshot``, that they differ."""
    return " OR ".join(f.replace("n.", f"{note}.").replace("s->", f"{snapshot}->").replace("(s,", f"({snapshot},")
                       for f in fields)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _postgresql(bind)
    else:
        _sqlite(bind)


def _sqlite(bind: sa.Connection) -> None:
    older = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
        f"({', '.join(repr(n) for n in SQLITE_OLDER)}) ORDER BY rowid").all()
    said = _quoted("InvalidTransition", SENTENCE)
    note_differs = _differs(FIELDS_SQLITE, "NEW", "r.snapshot")
    op.execute(f"""CREATE TRIGGER notes_written_as_revised BEFORE UPDATE ON notes
        WHEN EXISTS (SELECT 1 FROM note_revisions r WHERE r.note_id = NEW.id AND r.version = NEW.version
                     AND ({note_differs}))
        BEGIN SELECT RAISE(ABORT, {said}); END""")
    revision_differs = _differs(FIELDS_SQLITE, "n", "NEW.snapshot")
    op.execute(f"""CREATE TRIGGER note_revisions_as_written BEFORE INSERT ON note_revisions
        WHEN EXISTS (SELECT 1 FROM notes n WHERE n.id = NEW.note_id AND n.version = NEW.version
                     AND ({revision_differs}))
        BEGIN SELECT RAISE(ABORT, {said}); END""")
    for name, sql in older:
        op.execute(f"DROP TRIGGER {name}")
        op.execute(sql)


def _postgresql(bind: sa.Connection) -> None:
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    said = _quoted("InvalidTransition", SENTENCE)
    # Owner functions (as every trigger since 0010): row-level security hides rows from the session.
    for name, table, check in (
            ("notes_written_as_revised", "notes",
             "SELECT 1 FROM note_revisions r WHERE r.note_id = NEW.id AND r.version = NEW.version AND ("
             + _differs(FIELDS_PG, "NEW", "r.snapshot") + ")"),
            ("note_revisions_as_written", "note_revisions",
             "SELECT 1 FROM notes n WHERE n.id = NEW.note_id AND n.version = NEW.version AND ("
             + _differs(FIELDS_PG, "n", "NEW.snapshot") + ")")):
        op.execute(f"""
            CREATE FUNCTION casenotes_{name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = "{schema}", pg_temp AS $$
            BEGIN
                IF EXISTS ({check}) THEN
                    RAISE EXCEPTION '%', {said};
                END IF;
                RETURN NEW;
            END $$""")
        event = "INSERT" if table == "note_revisions" else "UPDATE"
        op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION casenotes_{name}()")

def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table in (("notes_written_as_revised", "notes"), ("note_revisions_as_written", "note_revisions")):
        op.execute(f"DROP TRIGGER {name}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION casenotes_{name}()")
