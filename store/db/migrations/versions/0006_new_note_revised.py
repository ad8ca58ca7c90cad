"""A new note is refused at COMMIT unless the revision of the version it was inserted with was
written in the same transaction (the store writes it right after the INSERT). With 0005, which
covers every UPDATE, every version of every note has exactly one revision, also for raw SQL.

- PostgreSQL: a constraint trigger on INSERT INTO notes, DEFERRABLE INITIALLY DEFERRED, checked at
  COMMIT; a note inserted and deleted in the same transaction is let go.
- SQLite has no deferred triggers, but it has deferred foreign keys. An INSERT into notes adds a row
  to ``notes_awaiting_revision`` (note_id, version), whose foreign key to the revision's (note_id,
  version) is DEFERRABLE INITIALLY DEFERRED; writing that revision (or deleting the note) takes the
  row away again, so the table is empty between transactions. A COMMIT with a row still waiting
  fails with SQLite's own words, ``FOREIGN KEY constraint failed`` (a foreign key cannot say
  more), and like every foreign key it holds only on connections with ``PRAGMA foreign_keys=ON``,
  as the store's always are.

Notes already stored are not checked again: the rule is about what is written from now on.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SENTENCE = "a new note is saved with its first revision, and this one had none"
REVISED = "SELECT 1 FROM note_revisions r WHERE r.note_id = NEW.id AND r.version = NEW.version"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def _sqlite() -> None:
    op.execute("""
        CREATE TABLE notes_awaiting_revision (
            note_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (note_id, version),
            FOREIGN KEY (note_id, version) REFERENCES note_revisions (note_id, version)
                DEFERRABLE INITIALLY DEFERRED)""")
    op.execute(f"CREATE TRIGGER notes_insert_awaits_revision AFTER INSERT ON notes WHEN NOT EXISTS ({REVISED}) "
               "BEGIN INSERT INTO notes_awaiting_revision (note_id, version) VALUES (NEW.id, NEW.version); END")
    op.execute("CREATE TRIGGER note_revisions_insert_awaited AFTER INSERT ON note_revisions "
               "BEGIN DELETE FROM notes_awaiting_revision WHERE note_id = NEW.note_id AND version = NEW.version; END")
    op.execute("CREATE TRIGGER notes_delete_awaited AFTER DELETE ON notes "
               "BEGIN DELETE FROM notes_awaiting_revision WHERE note_id = OLD.id; END")


def _postgresql() -> None:
    text = f"casenotes[InvalidTransition]: {SENTENCE}".replace("'", "''")
    op.execute(f"""
        CREATE FUNCTION casenotes_new_note_revised() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM notes n WHERE n.id = NEW.id) AND NOT EXISTS ({REVISED}) THEN
                RAISE EXCEPTION '%', '{text}';
            END IF;
            RETURN NULL;
        END $$""")
    op.execute("CREATE CONSTRAINT TRIGGER notes_insert_revised AFTER INSERT ON notes "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION casenotes_new_note_revised()")


def downgrade() -> None:
    raise NotImplementedError("The record-protection triggers are never removed by a downgrade.")
