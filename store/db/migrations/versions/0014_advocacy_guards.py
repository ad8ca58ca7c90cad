"""Raw SQL held to the advocates' and documents' rules where 0012 and 0013 left gaps (issue 18's review).

On both backends:
- a request for access moves only requested → approved, declined or ended, and approved → ended: an
  ended appointment is never switched back on, a declined one stays declined;
- what a request was filed with (court, cause number, appointment date, when and by whom) is kept, and
  its last day may only come sooner (a court ends an appointment early; nobody extends one by hand);
- an advocate's account is for a court-appointed advocate: never for a worker who holds a role in a
  stage or a business function, and it starts as a request;
- a document is a file of an accepted type whose bytes are that type (PDF, JPEG, PNG, TIFF, HEIC,
  DOCX, UTF-8 text without NUL bytes), of a child of the family it is filed in.

On PostgreSQL, the policies, functions and triggers of ``store/db/row_security_guards.py``: who files,
decides and ends requests, who adds accounts and documents, who and when stamped by the database, a
terminated advocate signed out at once, a document's bytes read only through an audited function.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from store.db import row_security_guards

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# content_type: the byte patterns it starts with, as (offset, hex); a match of any one of them.
SIGNATURES = {
    "application/pdf": [(0, "255044462d")],
    "image/jpeg": [(0, "ffd8ff")],
    "image/png": [(0, "89504e470d0a1a0a")],
    "image/tiff": [(0, "49492a00"), (0, "4d4d002a")],
    "image/heic": [(4, "66747970")],
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [(0, "504b0304")],
}


def _starts(postgresql: bool, offset: int, pattern: str) -> str:
    size = len(pattern) // 2
    if postgresql:
        return f"substring(NEW.content from {offset + 1} for {size}) = '\\x{pattern}'::bytea"
    return f"substr(NEW.content, {offset + 1}, {size}) = X'{pattern}'"


def _document_bytes(postgresql: bool) -> str:
    """The condition that refuses a document whose type is not accepted or not what its bytes are."""
    kinds = [f"(NEW.content_type = '{kind}' AND ({' OR '.join(_starts(postgresql, *s) for s in signatures)}))"
             for kind, signatures in SIGNATURES.items()]
    no_nul = "position('\\x00'::bytea in NEW.content) = 0" if postgresql else "instr(NEW.content, X'00') = 0"
    kinds.append(f"(NEW.content_type = 'text/plain' AND {no_nul})")
    return f"NOT ({' OR '.join(kinds)})"


def _changed(*columns: str) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


def _later(column: str) -> str:
    return (f"(NEW.{column} IS DISTINCT FROM OLD.{column} AND NOT (NEW.{column} IS NOT NULL "
            f"AND (OLD.{column} IS NULL OR NEW.{column} < OLD.{column})))")


# (trigger name, event, table, condition that refuses (postgresql: bool) -> str, error, sentence)
RULES: list[tuple[str, str, str, Callable[[bool], str], str, str]] = [
    ("advocate_appointments_moves", "UPDATE", "advocate_appointments", lambda _pg: (
        "NEW.status IS DISTINCT FROM OLD.status AND NOT ((OLD.status = 'requested' AND NEW.status IN "
        "('approved', 'declined', 'ended')) OR (OLD.status = 'approved' AND NEW.status = 'ended'))"),
     "InvalidRequest", "a request is approved or declined once, an approved one is ended once, and an ended "
                       "or declined one stays so"),
    ("advocate_appointments_as_filed", "UPDATE", "advocate_appointments", lambda _pg: (
        _changed("court", "cause_number", "appointed_on", "requested_at", "requested_by_id")
        + f" OR {_later('ends_on')} OR {_later('ends_at')}"),
     "InvalidRequest", "a request is kept as it was filed, and an appointment's last day may only come sooner"),
    ("advocate_accounts_for_advocates", "INSERT", "advocate_accounts", lambda _pg: (
        "NEW.status <> 'requested' "
        "OR EXISTS (SELECT 1 FROM role_assignments r WHERE r.worker_id = NEW.worker_id) "
        "OR EXISTS (SELECT 1 FROM worker_functions f WHERE f.worker_id = NEW.worker_id)"),
     "InvalidRequest", "an advocate's account starts as a request, and is for a court-appointed advocate: never "
                       "for a worker who holds a role in a stage or a business function"),
    ("documents_bytes", "INSERT", "documents", _document_bytes,
     "InvalidDocument", "casenotes keeps PDF, JPEG, PNG, TIFF, HEIC, Word (.docx) and plain text, and a "
                        "document's bytes are of the type it is kept as"),
    ("documents_child", "INSERT", "documents", lambda _pg: (
        "NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = NEW.person_id AND p.case_id = NEW.case_id "
        "AND p.is_child)"),
     "InvalidDocument", "a document is filed in a child's record, in the child's own family"),
]


def _quoted(error: str, sentence: str) -> str:
    said = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{said}'"


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one() if postgresql else None
    # 0013's "a decided request stays decided" is said whole by advocate_appointments_moves.
    op.execute("DROP TRIGGER advocate_appointments_decided" + (" ON advocate_appointments" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION casenotes_advocate_appointments_decided()")
    for name, event, table, condition, error, sentence in RULES:
        refuses = condition(postgresql)
        if postgresql:
            # Run as the owner (as every trigger since 0010): row-level security hides the rows they ask about.
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
            when = refuses.replace("IS DISTINCT FROM", "IS NOT")
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} "
                       f"BEGIN SELECT RAISE(ABORT, {_quoted(error, sentence)}); END")
    if postgresql:
        row_security_guards.enable(bind)


def downgrade() -> None:
    """Back to 0013 (an owner testing an upgrade on a copy)."""
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    if postgresql:
        row_security_guards.disable(bind)
    for name, _event, table, *_ in RULES:
        op.execute(f"DROP TRIGGER {name}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION casenotes_{name}()")
    refuses = ("(OLD.status <> 'requested' AND NEW.status = 'requested') "
               "OR (OLD.status = 'declined' AND NEW.status <> 'declined')")
    said = _quoted("InvalidRequest", "a decided request stays decided, and a declined one stays declined")
    if postgresql:
        schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
        op.execute(f"""
            CREATE FUNCTION casenotes_advocate_appointments_decided() RETURNS trigger LANGUAGE plpgsql
            SECURITY DEFINER SET search_path = "{schema}", pg_temp AS $$
            BEGIN
                IF {refuses} THEN
                    RAISE EXCEPTION '%', {said};
                END IF;
                RETURN NEW;
            END $$""")
        op.execute("CREATE TRIGGER advocate_appointments_decided BEFORE UPDATE ON advocate_appointments "
                   "FOR EACH ROW EXECUTE FUNCTION casenotes_advocate_appointments_decided()")
    else:
        op.execute(f"CREATE TRIGGER advocate_appointments_decided BEFORE UPDATE ON advocate_appointments "
                   f"WHEN {refuses} BEGIN SELECT RAISE(ABORT, {said}); END")
