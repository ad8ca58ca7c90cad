"""Triggers: the database's own refusal to lose or alter the legal record.

A second line of defence behind the service API. They refuse, also for raw SQL:
- any UPDATE of an approved or final (FSI) note, or of a note past its freeze instant;
- a change to a note's author, entered-by, entry time, freeze instant, stage or amended note,
  clearing its first submission, or an UPDATE that does not raise its version by one;
- DELETE of a note unless it is a draft that was never submitted and is not frozen;
- adding or removing participants of an approved or frozen note (but those of an FSI entry
  in the transaction that saves it);
- UPDATE or DELETE of revisions, review actions, audit rows and change-log rows.
Messages read ``casenotes[ErrorName]: sentence`` so the store can raise the matching error.

``casenotes_now()`` is the store's clock (see store/db/engines.py).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = {
    "note_revisions": "saved versions of a note are kept forever",
    "review_actions": "review history is kept forever",
    "audit_log": "the audit record is kept forever",
    "change_log": "the change log is kept forever",
}

FIXED_FIELDS = ("author_id", "entered_by_id", "entered_at", "freezes_at", "stage_id", "amends_note_id", "id")

NOTE_UPDATE_RULES = [
    # (name, condition on OLD/NEW, error, sentence)
    ("final", "OLD.status IN ('approved', 'final')", "NoteFrozen",
     "this note is final and can no longer be changed; correct it with an addendum"),
    ("frozen", "casenotes_now() >= OLD.freezes_at", "NoteFrozen",
     "this note is past its freeze date and can no longer be changed; correct it with an addendum"),
    ("fixed", " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED_FIELDS)
     + " OR (OLD.first_submitted_at IS NOT NULL AND NEW.first_submitted_at IS DISTINCT FROM OLD.first_submitted_at)",
     "InvalidNote", "a note's author, entered-by, entry time, stage and history never change"),
    ("version", "NEW.version IS DISTINCT FROM OLD.version + 1", "StaleEdit",
     "every change of a note must raise its version by one"),
]
NOTE_DELETE = ("NOT (OLD.status = 'draft' AND OLD.first_submitted_at IS NULL AND casenotes_now() < OLD.freezes_at)",
               "InvalidTransition",
               "saved notes are never deleted; only a draft that was never submitted may be discarded")
# An FSI entry is frozen from the instant it is saved, yet its participants are written in that
# same transaction (whose casenotes_now() is not later than the entry time): let only those through.
PARTICIPANT_LOCKED = ("EXISTS (SELECT 1 FROM notes n WHERE n.id = {row}.note_id AND "
                      "(n.status = 'approved' OR (casenotes_now() >= n.freezes_at "
                      "AND NOT (n.status = 'final' AND n.entered_at >= casenotes_now()))))")
PARTICIPANT_SENTENCE = "the people present at a final or frozen note cannot be changed"


def _quoted(error: str, sentence: str) -> str:
    """The trigger's message as an SQL string literal."""
    text = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{text}'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def _sqlite() -> None:
    def trigger(name: str, when: str, table: str, condition: str | None, error: str, sentence: str) -> None:
        where = f"WHEN {condition.replace('IS DISTINCT FROM', 'IS NOT')}" if condition else ""
        op.execute(f"CREATE TRIGGER {name} {when} ON {table} {where} "
                   f"BEGIN SELECT RAISE(ABORT, {_quoted(error, sentence)}); END")

    for table, sentence in APPEND_ONLY.items():
        trigger(f"{table}_no_update", "BEFORE UPDATE", table, None, "InvalidTransition", sentence)
        trigger(f"{table}_no_delete", "BEFORE DELETE", table, None, "InvalidTransition", sentence)
    for name, condition, error, sentence in NOTE_UPDATE_RULES:
        trigger(f"notes_update_{name}", "BEFORE UPDATE", "notes", condition, error, sentence)
    trigger("notes_no_delete", "BEFORE DELETE", "notes", *NOTE_DELETE)
    trigger("note_participants_insert", "BEFORE INSERT", "note_participants",
            PARTICIPANT_LOCKED.format(row="NEW"), "NoteFrozen", PARTICIPANT_SENTENCE)
    trigger("note_participants_delete", "BEFORE DELETE", "note_participants",
            PARTICIPANT_LOCKED.format(row="OLD"), "NoteFrozen", PARTICIPANT_SENTENCE)
    trigger("note_participants_no_update", "BEFORE UPDATE", "note_participants", None,
            "NoteFrozen", "remove and add participants instead of changing them")


def _postgresql() -> None:
    op.execute("""
        CREATE FUNCTION casenotes_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$
            SELECT COALESCE(NULLIF(current_setting('casenotes.now', true), '')::timestamptz, now())
        $$""")
    op.execute("""
        CREATE FUNCTION casenotes_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'raise_exception'; END $$""")
    for table, sentence in APPEND_ONLY.items():
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION casenotes_refuse({_quoted('InvalidTransition', sentence)})")
    checks = "\n".join(
        f"IF {condition} THEN RAISE EXCEPTION '%', {_quoted(error, sentence)}; END IF;"
        for _name, condition, error, sentence in NOTE_UPDATE_RULES
    )
    op.execute(f"""
        CREATE FUNCTION casenotes_note_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {checks} RETURN NEW; END $$""")
    op.execute("CREATE TRIGGER notes_update_rules BEFORE UPDATE ON notes "
               "FOR EACH ROW EXECUTE FUNCTION casenotes_note_update()")
    condition, error, sentence = NOTE_DELETE
    op.execute(f"""
        CREATE FUNCTION casenotes_note_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF {condition} THEN RAISE EXCEPTION '%', {_quoted(error, sentence)}; END IF;
        RETURN OLD; END $$""")
    op.execute("CREATE TRIGGER notes_delete_rules BEFORE DELETE ON notes "
               "FOR EACH ROW EXECUTE FUNCTION casenotes_note_delete()")
    op.execute(f"""
        CREATE FUNCTION casenotes_participants() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                RAISE EXCEPTION '%', {_quoted("NoteFrozen", "remove and add participants instead of changing them")};
            END IF;
            IF TG_OP = 'INSERT' AND {PARTICIPANT_LOCKED.format(row="NEW")}
               OR TG_OP = 'DELETE' AND {PARTICIPANT_LOCKED.format(row="OLD")} THEN
                RAISE EXCEPTION '%', {_quoted("NoteFrozen", PARTICIPANT_SENTENCE)};
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER note_participants_rules BEFORE INSERT OR UPDATE OR DELETE ON note_participants "
               "FOR EACH ROW EXECUTE FUNCTION casenotes_participants()")


def downgrade() -> None:
    raise NotImplementedError("The record-protection triggers are never removed by a downgrade.")
