"""Intake and case maintenance (issue 16): what the agency's own records need to be kept in casenotes.

- ``workers.deactivated_at``: when a worker who left was deactivated (their work is kept);
- ``persons.sex``; ``stage_persons.ended_at``: a person taken out of a stage stays in its history;
- on ``stages``: the intake's facts (source worker, narrative, application date, preventive-only
  decision, the earlier closed case it is linked to), the primary caretaker identified at App/Reg
  (``app_reg_at``), and ``administrative`` for a stage opened only to authorise a payment, which the
  deadline, timeliness and visit reports leave out;
- ``audit_log.case_id``: the case a maintenance change belongs to, for the case's activity history;
- ``external_keys``: the agency's own ids of imported records (kind, key) → casenotes id;
- triggers, so that raw SQL is held to the same rules as the store:
  - a progress note in an ADVPO stage is refused (the NYC preventive-only stage is kept outside the
    state record: its progress notes are not stored);
  - workers, units, cases, persons, stages, their person lists, role assignments and placements are
    never deleted: a worker is deactivated, a person taken out of a stage, a role or placement ended,
    a stage closed;
  - a stage's case, type, parent and opening never change, and a closed stage stays closed;
  - a role assignment only ever gets its end, once; a Case Manager or CPS Worker/Monitor is local
    district (LDSS) staff, an advocate holds no stage role, a deactivated worker gets no new role;
  - a person's end in a stage and a placement's last day are written once; a placement's child,
    stage and first day never change.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ADVPO_SENTENCE = ("an ADVPO (preventive-only) stage is kept outside the state record, so its progress notes "
                  "are not stored in casenotes")
ADVPO_STAGE = "(SELECT s.subtype FROM stages s WHERE s.id = NEW.stage_id) = 'ADVPO'"
KEPT = ("casework records are never deleted: deactivate the worker, end the role, person or placement, "
        "or close the stage")
WORKER = "(SELECT {column} FROM workers w WHERE w.id = NEW.worker_id)"


def _changed(*columns: str) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


def _written_once(column: str) -> str:
    return f"OLD.{column} IS NOT NULL AND NEW.{column} IS DISTINCT FROM OLD.{column}"


# (trigger name, event, table, condition that refuses, error, sentence)
RULES = [
    ("notes_no_advpo", "INSERT", "notes", ADVPO_STAGE, "InvalidNote", ADVPO_SENTENCE),
    *[(f"{table}_kept", "DELETE", table, "1 = 1", "InvalidStage", KEPT)
      for table in ("workers", "units", "cases", "persons", "stages", "stage_persons", "role_assignments",
                    "role_children", "placements")],
    ("stages_fixed", "UPDATE", "stages", _changed("case_id", "type", "subtype", "parent_id", "opened_at", "id"),
     "InvalidStage", "a stage's family, type, parent and opening never change"),
    ("stages_stay_closed", "UPDATE", "stages",
     f"{_written_once('closed_at')} OR "
     "(OLD.closed_at IS NOT NULL AND NEW.close_reason IS DISTINCT FROM OLD.close_reason)",
     "InvalidStage", "a closed stage stays closed"),
    ("role_assignments_fixed", "UPDATE", "role_assignments",
     f"{_changed('stage_id', 'worker_id', 'role', 'starts_at', 'id')} OR {_written_once('ends_at')}",
     "InvalidStage", "a role assignment only ever gets its end, once"),
    ("role_assignments_ldss", "INSERT", "role_assignments",
     f"NEW.role IN ('Case Manager', 'CPS Worker/Monitor') AND {WORKER.format(column='w.employer')} <> 'LDSS'",
     "InvalidStage", "a Case Manager or CPS Worker/Monitor is always local district (LDSS) staff"),
    ("role_assignments_no_advocate", "INSERT", "role_assignments", f"{WORKER.format(column='w.employer')} = 'CASA'",
     "InvalidStage", "advocates are given access by appointment, not a stage role"),
    ("role_assignments_active", "INSERT", "role_assignments", f"NOT {WORKER.format(column='w.active')}",
     "InvalidStage", "a deactivated worker is given no new role"),
    ("stage_persons_fixed", "UPDATE", "stage_persons",
     f"{_changed('stage_id', 'person_id')} OR {_written_once('ended_at')}",
     "InvalidStage", "a person's place in a stage only ever gets its end, once"),
    ("placements_fixed", "UPDATE", "placements",
     f"{_changed('person_id', 'stage_id', 'starts_on', 'id')} OR {_written_once('ends_on')}",
     "InvalidStage", "a placement's child, stage and first day never change, and its last day is written once"),
]


def _quoted(error: str, sentence: str) -> str:
    text = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{text}'"


def upgrade() -> None:
    # Plain ADD COLUMN (never a batch copy): a copied table would lose the protection triggers.
    op.add_column("workers", sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("persons", sa.Column("sex", sa.String(length=12), nullable=True))
    op.add_column("stage_persons", sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
    for column in (
        sa.Column("administrative", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("preventive_only", sa.Boolean(), nullable=True),
        sa.Column("application_date", sa.Date(), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("app_reg_at", sa.DateTime(timezone=True), nullable=True),
    ):
        op.add_column("stages", column)
    # SQLite adds a column with a foreign key only written inline (Alembic would ask for a batch copy).
    for name, table in (("linked_case_id", "cases"), ("source_worker_id", "workers"),
                          ("primary_caretaker_id", "persons")):
        op.execute(f"ALTER TABLE stages ADD COLUMN {name} INTEGER REFERENCES {table} (id)")
    op.add_column("audit_log", sa.Column("case_id", sa.Integer(), nullable=True))
    op.create_index("ix_audit_log_case", "audit_log", ["case_id", "at"])
    op.create_table(
        "external_keys",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key"),
        sa.UniqueConstraint("kind", "record_id", name="uq_external_keys_record"),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, event, table, condition, error, sentence in RULES:
        if postgresql:
            row = "OLD" if event == "DELETE" else "NEW"
            op.execute(f"""
                CREATE FUNCTION casenotes_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF {condition} THEN RAISE EXCEPTION '%', {_quoted(error, sentence)}; END IF;
                    RETURN {row};
                END $$""")
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION casenotes_{name}()")
        else:
            when = condition.replace("IS DISTINCT FROM", "IS NOT")
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} "
                       f"BEGIN SELECT RAISE(ABORT, {_quoted(error, sentence)}); END")


def downgrade() -> None:
    raise NotImplementedError("The record-protection triggers are never removed by a downgrade.")
