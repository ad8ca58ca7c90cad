"""Advocates' access in the database (issue 18): how requests and accounts move, and row-level security.

On both backends, triggers hold raw SQL to the store's rules (store/rules/advocacy.py):
- an advocate's access is switched on only by an approved request (``active`` only when ``approved``);
- a decided request stays decided (never back to ``requested``; a declined one stays declined);
- an advocate's account goes from requested to approved or rejected, and to terminated;
- the worker of an advocate's account that is not approved cannot be made active (terminated means
  sign-in refused, whatever raw SQL says to ``workers``).

On PostgreSQL, row-level security for the new tables and the advocates' changed reading rules (only
approved notes, only while the appointment is open): ``store/db/row_security_advocacy.py``.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from store.db import row_security_advocacy

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NOT_APPROVED = ("EXISTS (SELECT 1 FROM advocate_accounts a WHERE a.worker_id = NEW.id "
                "AND a.status IN ('requested', 'rejected', 'terminated'))")

# (trigger name, event, table, condition that refuses, error, sentence)
RULES = [
    ("advocate_appointments_switched_on", "INSERT", "advocate_appointments",
     "NEW.active AND NEW.status <> 'approved'",
     "InvalidRequest", "an advocate's access is switched on only by an approved request"),
    ("advocate_appointments_switch", "UPDATE", "advocate_appointments",
     "NEW.active AND NEW.status <> 'approved'",
     "InvalidRequest", "an advocate's access is switched on only by an approved request"),
    ("advocate_appointments_decided", "UPDATE", "advocate_appointments",
     "(OLD.status <> 'requested' AND NEW.status = 'requested') "
     "OR (OLD.status = 'declined' AND NEW.status <> 'declined')",
     "InvalidRequest", "a decided request stays decided, and a declined one stays declined"),
    ("advocate_accounts_moves", "UPDATE", "advocate_accounts",
     "NEW.status IS DISTINCT FROM OLD.status AND NOT ((OLD.status = 'requested' AND NEW.status IN "
     "('approved', 'rejected', 'terminated')) OR (OLD.status = 'approved' AND NEW.status = 'terminated'))",
     "InvalidRequest", "an advocate's account goes from requested to approved or rejected, and then to terminated"),
    ("workers_advocate_active", "UPDATE", "workers", f"NEW.active AND {NOT_APPROVED}",
     "NoAccess", "an advocate whose account is not approved (requested, rejected or terminated) cannot sign in"),
]


def _quoted(error: str, sentence: str) -> str:
    text = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{text}'"


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one() if postgresql else None
    for name, event, table, condition, error, sentence in RULES:
        if postgresql:
            op.execute(f"""
                CREATE FUNCTION casenotes_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF {condition} THEN
                        RAISE EXCEPTION '%', {_quoted(error, sentence)};
                    END IF;
                    RETURN NEW;
                END $$""")
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION casenotes_{name}()")
            # Run as the owner (as every trigger since 0010): row-level security hides the accounts.
            op.execute(f'ALTER FUNCTION casenotes_{name}() SECURITY DEFINER SET search_path = "{schema}", pg_temp')
        else:
            when = condition.replace("IS DISTINCT FROM", "IS NOT")
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} "
                       f"BEGIN SELECT RAISE(ABORT, {_quoted(error, sentence)}); END")
    if postgresql:
        row_security_advocacy.enable(bind)


def downgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    if postgresql:
        row_security_advocacy.disable(bind)
    for name, _event, table, *_ in RULES:
        op.execute(f"DROP TRIGGER {name}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION casenotes_{name}()")
