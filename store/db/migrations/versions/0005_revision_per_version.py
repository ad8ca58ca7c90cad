"""Every version of a note has exactly one revision, and the database refuses otherwise.

The store writes the revision of a change before it rewrites the note row. The triggers refuse,
also for raw SQL:
- an UPDATE of a note to a version that has no revision yet (two UPDATEs in one save, the second
  with no revision of its own, as an autoflush once made; or a change behind the store's back);
- a revision for any version but the note's current one (a new note's first revision, written after
  its INSERT) or the next one (a change's, written before its UPDATE); the unique (note_id, version)
  constraint of 0001 keeps it to one per version.
PostgreSQL also checks at COMMIT that a revision of a next version was followed by that version
(SQLite has no deferred triggers: there the orphan revision makes the note's next save fail).
A note INSERTed with no revision at all is refused at COMMIT by migration 0006.

Messages read ``casenotes[ErrorName]: sentence`` like those of 0002; the older checks (frozen,
fixed fields, version + 1) keep speaking first.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UNREVISED = ("NOT EXISTS (SELECT 1 FROM note_revisions r WHERE r.note_id = NEW.id AND r.version = NEW.version)",
             "InvalidTransition", "every change of a note is saved with its revision, and this one had none")
STRAY = ("NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = NEW.note_id AND NEW.version IN (n.version, n.version + 1))",
         "InvalidTransition", "a revision is saved only for the version of a note being written")
# The 0002 note UPDATE triggers on SQLite, which fires the newest trigger first: recreated after ours.
SQLITE_OLDER = ("notes_update_final", "notes_update_frozen", "notes_update_fixed", "notes_update_version")


def _quoted(error: str, sentence: str) -> str:
    text = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{text}'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def _sqlite() -> None:
    for name, when, table, (condition, error, sentence) in (
            ("notes_update_revised", "BEFORE UPDATE", "notes", UNREVISED),
            ("note_revisions_insert_version", "BEFORE INSERT", "note_revisions", STRAY)):
        op.execute(f"CREATE TRIGGER {name} {when} ON {table} WHEN {condition} "
                   f"BEGIN SELECT RAISE(ABORT, {_quoted(error, sentence)}); END")
    bind = op.get_bind()
    older = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
        f"({', '.join(repr(n) for n in SQLITE_OLDER)}) ORDER BY rowid").all()
    for name, sql in older:
        op.execute(f"DROP TRIGGER {name}")
        op.execute(sql)


def _postgresql() -> None:
    for function, (condition, error, sentence) in (("casenotes_note_revised", UNREVISED),
                                                   ("casenotes_revision_version", STRAY)):
        op.execute(f"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF {condition} THEN RAISE EXCEPTION '%', {_quoted(error, sentence)}; END IF;
            RETURN NEW; END $$""")
    # PostgreSQL fires a table's BEFORE triggers by name: after notes_update_rules of 0002.
    op.execute("CREATE TRIGGER notes_version_revised BEFORE UPDATE ON notes "
               "FOR EACH ROW EXECUTE FUNCTION casenotes_note_revised()")
    op.execute("CREATE TRIGGER note_revisions_version BEFORE INSERT ON note_revisions "
               "FOR EACH ROW EXECUTE FUNCTION casenotes_revision_version()")
    caught_up = _quoted("InvalidTransition", "a revision was saved for a version of the note that was never written")
    op.execute(f"""
        CREATE FUNCTION casenotes_revision_followed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM notes n WHERE n.id = NEW.note_id AND n.version < NEW.version) THEN
                RAISE EXCEPTION '%', {caught_up};
            END IF;
            RETURN NULL;
        END $$""")
    op.execute("CREATE CONSTRAINT TRIGGER note_revisions_followed AFTER INSERT ON note_revisions "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION casenotes_revision_followed()")


def downgrade() -> None:
    raise NotImplementedError("The record-protection triggers are never removed by a downgrade.")
