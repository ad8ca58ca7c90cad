"""Case plans (issue 19): the family's and each child's plan, its sections, participants, contest requests,
revisions and review actions, and the plan elements a note says were discussed.

Triggers give plans the protections notes have, on both backends and also for raw SQL:
- nothing of a plan is deleted (plans, sections, revisions, review actions, contest requests); a plan's
  participants, and a note's plan elements, are removed only while the plan (the note) may still change;
- a plan starts as an unsent draft at its first version; a new version follows an approved one of the
  same family and child, one number higher;
- an approved plan never changes, nor its sections or participants: a change is a new version;
- a plan's family, child, drafter and place in its history never change;
- a plan's status moves only draft → submitted → approved | returned → resubmitted → approved | returned;
  it is approved by someone other than its drafter, with who and when;
- every change of a plan raises its version by one and is saved with its revision (written first);
  revisions, review actions and contest requests are never changed;
- a note is tagged only with the sections of an approved plan.
On PostgreSQL TRUNCATE is refused on the new tables, and row-level security, who and when stamped by the
database are ``store/db/row_security_plans.py``'s.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from store.db import row_security_plans

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("plans", "plan_sections", "plan_participants", "plan_contests", "plan_revisions", "plan_review_actions",
          "note_plan_elements")

EDITABLE = "('draft', 'returned')"
PLAN_LOCKED = "EXISTS (SELECT 1 FROM plans p WHERE p.id = {row}.plan_id AND p.status NOT IN " + EDITABLE + ")"
# As note_participants (0002): an approved or frozen note's, but an FSI entry's in the transaction saving it.
NOTE_LOCKED = ("EXISTS (SELECT 1 FROM notes n WHERE n.id = {row}.note_id AND "
               "(n.status = 'approved' OR (casenotes_now() >= n.freezes_at "
               "AND NOT (n.status = 'final' AND n.entered_at >= casenotes_now()))))")
MOVES = ("(OLD.status = 'draft' AND NEW.status = 'submitted') "
         "OR (OLD.status IN ('submitted', 'resubmitted') AND NEW.status IN ('approved', 'returned')) "
         "OR (OLD.status = 'returned' AND NEW.status = 'resubmitted')")
FIXED = ("id", "case_id", "child_id", "plan_version", "previous_plan_id", "drafter_id", "created_at")


def _changed(*columns: str) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


# (table, event, condition that refuses, error, sentence), in the order they speak.
RULES: list[tuple[str, str, str, str, str]] = [
    ("plans", "INSERT", "NEW.status <> 'draft' OR NEW.version <> 1 OR NEW.first_submitted_at IS NOT NULL "
     "OR NEW.submitted_at IS NOT NULL OR NEW.reviewed_at IS NOT NULL OR NEW.reviewed_by_id IS NOT NULL "
     "OR NEW.correction_due_at IS NOT NULL OR NEW.approved_at IS NOT NULL OR NEW.approved_by_id IS NOT NULL",
     "InvalidPlan", "a new plan starts as an unsent draft at its first version"),
    ("plans", "INSERT", "NEW.child_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM persons c WHERE c.id = NEW.child_id "
     "AND c.case_id = NEW.case_id AND c.is_child)",
     "InvalidPlan", "a child's plan is for a child of the family"),
    ("plans", "INSERT", "(NEW.previous_plan_id IS NULL AND NEW.plan_version <> 1) OR (NEW.previous_plan_id IS NOT NULL "
     "AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.id = NEW.previous_plan_id AND p.status = 'approved' "
     "AND p.case_id = NEW.case_id AND p.child_id IS NOT DISTINCT FROM NEW.child_id "
     "AND p.plan_version + 1 = NEW.plan_version))",
     "InvalidPlan", "a new version of a plan follows the approved version of the same family's or child's plan"),
    ("plans", "UPDATE", "OLD.status = 'approved'",
     "InvalidPlan", "an approved plan is final and never changes; a change goes into a new version of the plan"),
    ("plans", "UPDATE", _changed(*FIXED)
     + " OR (OLD.first_submitted_at IS NOT NULL AND NEW.first_submitted_at IS DISTINCT FROM OLD.first_submitted_at)",
     "InvalidPlan", "a plan's family, child, drafter and place in the plan's history never change"),
    ("plans", "UPDATE", f"NEW.status IS DISTINCT FROM OLD.status AND NOT ({MOVES})",
     "InvalidTransition", "a plan moves only from draft to submitted, from submitted to approved or returned, "
                          "and from returned to resubmitted"),
    ("plans", "UPDATE", "NEW.status = 'approved' AND (NEW.approved_at IS NULL OR NEW.approved_by_id IS NULL "
     "OR NEW.approved_by_id = NEW.drafter_id)",
     "InvalidPlan", "a plan is approved by a supervisor above its drafter, never by the drafter, who and when "
                    "written with it"),
    ("plans", "UPDATE", "NEW.version IS DISTINCT FROM OLD.version + 1",
     "StaleEdit", "every change of a plan must raise its version by one"),
    ("plans", "UPDATE", "NOT EXISTS (SELECT 1 FROM plan_revisions r WHERE r.plan_id = NEW.id "
     "AND r.version = NEW.version)",
     "InvalidTransition", "every change of a plan is saved with its revision, and this one had none"),
    ("plans", "DELETE", "1 = 1", "InvalidPlan", "plans are part of the record and are never deleted"),
    ("plan_sections", "INSERT", PLAN_LOCKED.format(row="NEW"),
     "InvalidPlan", "a plan's sections are written only while it is a draft or returned for correction; an "
                    "approved plan's sections never change"),
    ("plan_sections", "UPDATE", PLAN_LOCKED.format(row="OLD"),
     "InvalidPlan", "a plan's sections are written only while it is a draft or returned for correction; an "
                    "approved plan's sections never change"),
    ("plan_sections", "UPDATE", _changed("plan_id", "key"), "InvalidPlan", "a section keeps its plan and its key"),
    ("plan_sections", "DELETE", "1 = 1", "InvalidPlan", "a plan's sections are never deleted; a section is emptied"),
    ("plan_participants", "INSERT", PLAN_LOCKED.format(row="NEW"),
     "InvalidPlan", "who took part in a plan changes only while it is a draft or returned for correction"),
    ("plan_participants", "INSERT", "NEW.person_id IS NULL AND TRIM(COALESCE(NEW.name, '')) = ''",
     "InvalidPlan", "a plan's participant is a person of the family or someone named"),
    ("plan_participants", "DELETE", PLAN_LOCKED.format(row="OLD"),
     "InvalidPlan", "who took part in a plan changes only while it is a draft or returned for correction"),
    ("plan_participants", "UPDATE", "1 = 1",
     "InvalidPlan", "remove and add a plan's participants instead of changing them"),
    ("plan_revisions", "INSERT", "NOT EXISTS (SELECT 1 FROM plans p WHERE p.id = NEW.plan_id "
     "AND NEW.version IN (p.version, p.version + 1))",
     "InvalidTransition", "a revision is saved only for the version of a plan being written"),
    *[(table, event, "1 = 1", "InvalidTransition", sentence)
      for table, sentence in (("plan_revisions", "saved versions of a plan are kept forever"),
                              ("plan_review_actions", "a plan's review history is kept forever"),
                              ("plan_contests", "a request to contest a plan is kept as it was recorded"))
      for event in ("UPDATE", "DELETE")],
    ("note_plan_elements", "INSERT", NOTE_LOCKED.format(row="NEW"),
     "NoteFrozen", "the plan elements of a final or frozen note cannot be changed"),
    ("note_plan_elements", "INSERT", "NOT EXISTS (SELECT 1 FROM plans p WHERE p.id = NEW.plan_id "
     "AND p.status = 'approved')",
     "InvalidPlan", "a note is tagged with the sections of an approved plan"),
    ("note_plan_elements", "DELETE", NOTE_LOCKED.format(row="OLD"),
     "NoteFrozen", "the plan elements of a final or frozen note cannot be changed"),
    ("note_plan_elements", "UPDATE", "1 = 1",
     "NoteFrozen", "remove and add a note's plan elements instead of changing them"),
]


def _quoted(error: str, sentence: str) -> str:
    said = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{said}'"


def _sqlite_condition(condition: str) -> str:
    return condition.replace("IS NOT DISTINCT FROM", "IS").replace("IS DISTINCT FROM", "IS NOT")


def _tables() -> None:
    when = sa.DateTime(timezone=True)
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("child_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=True),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("previous_plan_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=True),
        sa.Column("drafter_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("first_submitted_at", when, nullable=True),
        sa.Column("submitted_at", when, nullable=True),
        sa.Column("reviewed_at", when, nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=True),
        sa.Column("correction_due_at", when, nullable=True),
        sa.Column("approved_at", when, nullable=True),
        sa.Column("approved_by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_plans_case", "plans", ["case_id", "child_id", "plan_version"])
    op.create_table(
        "plan_sections",
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), primary_key=True),
        sa.Column("key", sa.String(length=40), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_table(
        "plan_participants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("role", sa.String(length=60), nullable=False),
    )
    op.create_table(
        "plan_contests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=True),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("provision", sa.Text(), nullable=False),
        sa.Column("recorded_at", when, nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
    )
    op.create_table(
        "plan_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("saved_at", when, nullable=False),
        sa.Column("saved_by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.UniqueConstraint("plan_id", "version"),
    )
    op.create_table(
        "plan_review_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=False, index=True),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("at", when, nullable=False),
        sa.Column("by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("due_at", when, nullable=True),
    )
    op.create_table(
        "note_plan_elements",
        sa.Column("note_id", sa.Integer(), sa.ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), primary_key=True, index=True),
        sa.Column("section_key", sa.String(length=40), primary_key=True),
    )


def upgrade() -> None:
    _tables()
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _postgresql(bind)
    else:
        _sqlite()


def _sqlite() -> None:
    # SQLite fires the newest trigger first: created last to first, so that the first rule speaks first.
    for number, (table, event, condition, error, sentence) in reversed(list(enumerate(RULES))):
        op.execute(f"CREATE TRIGGER {table}_{event.lower()}_{number} BEFORE {event} ON {table} "
                   f"WHEN {_sqlite_condition(condition)} BEGIN SELECT RAISE(ABORT, {_quoted(error, sentence)}); END")


def _postgresql(bind: sa.Connection) -> None:
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            rules = [(c, e, s) for t, ev, c, e, s in RULES if t == table and ev == event]
            if not rules:
                continue
            row = "OLD" if event == "DELETE" else "NEW"
            checks = "\n".join(f"IF {condition} THEN RAISE EXCEPTION '%', {_quoted(error, sentence)}; END IF;"
                               for condition, error, sentence in rules)
            name = f"casenotes_{table}_{event.lower()}_rules"
            # As the owner (as every trigger since 0010): row-level security hides rows the rules ask about.
            op.execute(f"""
                CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                SET search_path = "{schema}", pg_temp AS $$
                BEGIN {checks} RETURN {row}; END $$""")
            # Named to fire after the session stamps (row_security_plans: "{table}_a_session").
            op.execute(f"CREATE TRIGGER {table}_{event.lower()}_rules BEFORE {event} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {name}()")
        op.execute(f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON "{table}" '
                   "FOR EACH STATEMENT EXECUTE FUNCTION casenotes_no_truncate()")
    row_security_plans.enable(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        row_security_plans.disable(bind)
    for table in reversed(TABLES):
        op.drop_table(table)
    if bind.dialect.name == "postgresql":
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP FUNCTION IF EXISTS casenotes_{table}_{event}_rules()")
