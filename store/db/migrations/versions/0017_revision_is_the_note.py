"""What the store checked and raw SQL did not (issue 18's review), now the database's rules too.

1. A note's revision says what the note says: the database refuses a revision snapshot that differs
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

2. A document is what the policy accepts: one of its kinds, no larger than its limit, and a file
   name whose extension (when it has one) is of its type (a text file named .sh or .pdf would be run
   or misread where a copy is opened). The policy facts are kept in ``meta``
   (store/db/policy_facts.py).
3. An advocate's next access review is never set further ahead than the policy's interval from today
   (a representative pushing it years out would let access go unconfirmed).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from store.core.policy import Policy
from store.db.policy_facts import ADVOCATE_REVIEW_DAYS, DOCUMENT_KINDS, DOCUMENT_MAX_BYTES, policy_facts

revision = "0017"
down_revision = "0016"
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


# A file type's extensions (store/rules/documents.py TYPES, as of this migration).
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg", "jpe", "jfif"),
    "image/png": ("png",),
    "image/tiff": ("tif", "tiff"),
    "image/heic": ("heic", "heif", "hif"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "text/plain": ("txt", "text", "md", "csv", "log"),
}


def _meta(key: str) -> str:
    return f"(SELECT m.value FROM meta m WHERE m.key = '{key}')"


def _extension_not_of_type(postgresql: bool) -> str:
    """NEW.file_name ends in an extension (after its last dot, 1-5 letters and digits, not all digits,
    with a name before it: store.rules.documents.extension_of) that is not one of its type's."""
    upto_dot = "rtrim(NEW.file_name, replace(NEW.file_name, '.', ''))"
    extension = f"substr(NEW.file_name, length({upto_dot}) + 1)"
    if postgresql:
        shaped = f"{extension} ~ '^[A-Za-z0-9]{{1,5}}$' AND {extension} !~ '^[0-9]+$'"
    else:
        shaped = (f"length({extension}) BETWEEN 1 AND 5 AND {extension} NOT GLOB '*[^A-Za-z0-9]*' "
                  f"AND {extension} GLOB '*[^0-9]*'")
    allowed = " ".join(f"WHEN '{kind}' THEN lower({extension}) IN ({', '.join(repr(e) for e in extensions)})"
                       for kind, extensions in EXTENSIONS.items())
    return f"(length({upto_dot}) > 1 AND {shaped} AND NOT (CASE NEW.content_type {allowed} ELSE true END))"


def _document_refused(postgresql: bool) -> str:
    size = "octet_length(NEW.content)" if postgresql else "length(NEW.content)"
    kinds = (f"SELECT json_array_elements_text(CAST({_meta(DOCUMENT_KINDS)} AS json))" if postgresql else
             f"SELECT value FROM json_each({_meta(DOCUMENT_KINDS)})")
    # (0012 holds the size to the bytes' count, and on PostgreSQL the SHA-256 to the bytes'.)
    refused = [f"{size} > CAST({_meta(DOCUMENT_MAX_BYTES)} AS bigint)", f"NEW.kind NOT IN ({kinds})",
               _extension_not_of_type(postgresql)]
    return " OR ".join(f"({each})" for each in refused)


def _review_too_far(postgresql: bool) -> str:
    days = f"CAST({_meta(ADVOCATE_REVIEW_DAYS)} AS integer)"
    if postgresql:
        today = "(casenotes_now() AT TIME ZONE (SELECT m.value FROM meta m WHERE m.key = 'policy.time_zone'))::date"
        return f"NEW.review_on IS NOT NULL AND NEW.review_on > {today} + {days}"
    # SQLite's casenotes_now() is UTC: a day's grace for the agency's zone.
    return f"NEW.review_on IS NOT NULL AND NEW.review_on > date(casenotes_now(), '+' || ({days} + 1) || ' days')"


# (trigger, event, table, condition that refuses (postgresql) -> str, error, sentence); named to come
# after the older triggers of their tables on PostgreSQL (which fires them by name), whose refusals speak first.
RECORD_RULES = (
    ("documents_within_policy", "INSERT", "documents", _document_refused, "InvalidDocument",
     "a document is of one of the agency's kinds, no larger than its limit (25 MB by default), and its "
     "name's extension is of its type"),
    ("advocate_accounts_within_review_insert", "INSERT", "advocate_accounts", _review_too_far, "InvalidRequest",
     "an advocate's next access review is set no further ahead than the policy's interval from today"),
    ("advocate_accounts_within_review", "UPDATE", "advocate_accounts",
     lambda pg: f"NEW.review_on {'IS DISTINCT FROM' if pg else 'IS NOT'} OLD.review_on AND {_review_too_far(pg)}",
     "InvalidRequest",
     "an advocate's next access review is set no further ahead than the policy's interval from today"),
)


def upgrade() -> None:
    bind = op.get_bind()
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))
    facts = policy_facts(Policy.load())
    bind.execute(sa.delete(meta).where(meta.c.key.in_(facts)))
    bind.execute(sa.insert(meta), [{"key": key, "value": value} for key, value in facts.items()])
    postgresql = bind.dialect.name == "postgresql"
    if postgresql:
        _postgresql(bind)
    else:
        _sqlite(bind)
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one() if postgresql else None
    for name, event, table, condition, error, sentence in RECORD_RULES:
        refuses = condition(postgresql)
        if postgresql:
            op.execute(f"""
                CREATE FUNCTION casenotes_{name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                SET search_path = "{schema}", pg_temp AS $$
                BEGIN
                    IF {refuses} THEN
                        RAISE EXCEPTION '%', {_quoted(error, sentence)};
                    END IF;
                    RETURN NEW;
                END $$""")
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION casenotes_{name}()")
        else:
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {refuses} "
                       f"BEGIN SELECT RAISE(ABORT, {_quoted(error, sentence)}); END")
    if not postgresql:  # SQLite fires the newest trigger first: the older ones recreated, to speak first as before
        ours = [name for name, *_ in RECORD_RULES]
        older = bind.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('documents', "
            f"'advocate_accounts') AND name NOT IN ({', '.join(repr(n) for n in ours)}) ORDER BY rowid").all()
        for name, sql in older:
            op.execute(f"DROP TRIGGER {name}")
            op.execute(sql)


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
    op.execute(f"""CREATE TRIGGER note_revisions_written_as_note BEFORE INSERT ON note_revisions
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
            ("note_revisions_written_as_note", "note_revisions",
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
    for name, table in (("notes_written_as_revised", "notes"), ("note_revisions_written_as_note", "note_revisions"),
                        *((name, table) for name, _event, table, *_ in RECORD_RULES)):
        op.execute(f"DROP TRIGGER {name}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION casenotes_{name}()")
