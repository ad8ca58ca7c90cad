"""The facts the case-plan rules read from the record (issue 19, ``store/rules/plan_need.py``):

- ``placements.basis``: the legal basis of a child's placement: placed under a voluntary placement
  agreement, by court order, voluntarily, or committed to the agency while living at home (a child at
  home in the agency's custody is recorded as a placement "at home" on that basis). The placements
  recorded before this migration keep no basis (NULL: the record does not say yet): the rules read such a
  placement as out-of-home care, as the placements were (time in foster care), and the stage's keepers
  record its basis once they know it;
- ``stages.parent_services``: the agency provides services beyond visitation to address a parent's
  needs, said of the Family Services Stage or Child Case Record that serves the family (false before).

Both are written by those who write the stage's placements: the stage's keepers (row-level security of
0010 on PostgreSQL: ``placements_keep`` and ``stages_keep`` both ask ``casenotes_keeps_stage``), and the
triggers below hold the same rules for raw SQL on both backends:
- a basis is one of the rule's bases, and is written once: a change of legal basis ends the placement
  and records the next one;
- services to a parent are recorded in a Family Services Stage or Child Case Record, and a closed stage
  keeps them as they were when it closed.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# plan_need.LEGAL_BASES as they were released (a migration keeps its own words).
LEGAL_BASES = ("voluntary placement agreement", "court order", "voluntarily placed", "committed to the agency at home")
BASES = "(" + ", ".join("'" + basis.replace("'", "''") + "'" for basis in LEGAL_BASES) + ")"
SERVING_STAGES = "('FSS', 'CCR')"
NOT_A_BASIS = f"NEW.basis IS NOT NULL AND NEW.basis NOT IN {BASES}"
BASIS_SENTENCE = ("a placement's legal basis is a voluntary placement agreement, a court order, a voluntary "
                  "placement or a commitment to the agency at home")
SERVICES_SENTENCE = ("services to a parent beyond visitation are recorded in an open Family Services Stage or Child "
                     "Case Record; a closed stage keeps them as they were")

# (trigger name, event, table, condition that refuses, error, sentence), as 0007's.
RULES = [
    ("placements_basis", "INSERT", "placements", NOT_A_BASIS, "InvalidStage", BASIS_SENTENCE),
    ("placements_basis_kept", "UPDATE", "placements",
     f"{NOT_A_BASIS} OR (OLD.basis IS NOT NULL AND NEW.basis IS DISTINCT FROM OLD.basis)",
     "InvalidStage", "a placement's legal basis is written once: a change of basis ends the placement and "
                     "records the next one"),
    ("stages_parent_services", "INSERT", "stages", f"NEW.parent_services AND NEW.type NOT IN {SERVING_STAGES}",
     "InvalidStage", SERVICES_SENTENCE),
    ("stages_parent_services_kept", "UPDATE", "stages",
     f"NEW.parent_services IS DISTINCT FROM OLD.parent_services AND (OLD.type NOT IN {SERVING_STAGES} "
     "OR OLD.closed_at IS NOT NULL)",
     "InvalidStage", SERVICES_SENTENCE),
]


def _quoted(error: str, sentence: str) -> str:
    text = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{text}'"


def upgrade() -> None:
    # Plain ADD COLUMN (never a batch copy): a copied table would lose the protection triggers.
    op.add_column("placements", sa.Column("basis", sa.String(length=40), nullable=True))
    op.add_column("stages", sa.Column("parent_services", sa.Boolean(), nullable=False, server_default=sa.false()))
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one() if postgresql else None
    for name, event, table, condition, error, sentence in RULES:
        if postgresql:
            row = "OLD" if event == "DELETE" else "NEW"
            # As the owner, as every trigger since 0010 (row_security.enable made the earlier ones so).
            op.execute(f"""
                CREATE FUNCTION casenotes_{name}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                SET search_path = "{schema}", pg_temp AS $$
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
