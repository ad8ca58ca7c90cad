"""Advocates' accounts and appointments, documents in a child's record, each worker's inbox (issue 18).

- ``advocate_accounts``: an advocate's account with the programme's access management (requested,
  approved, rejected, terminated; the review date and last sign-in);
- ``advocate_appointments`` gains what a letter of introduction carries and who decided it: status,
  court, cause number, the appointment's dates, the letter (a document), the request, the decision,
  the end;
- ``documents``: files in a child's record, content in the database with SHA-256, size and type;
- ``notifications``: what waits for a worker, each arriving once (``key``); ``workers.email``, where
  they are e-mailed when the agency's policy names an SMTP relay.

Triggers hold raw SQL to the same rules as the store on both backends: none of these rows is ever
deleted; a document's content, checksum, size, type, child, uploader and upload time never change,
and its withdrawal is written once and with a reason; a notification only gets read (once) and
e-mailed; a terminated account stays terminated; an ended appointment stays ended. On PostgreSQL a
document's size and SHA-256 are checked against its bytes, its upload time and uploader set from the
server clock and the session's worker, and TRUNCATE is refused on the new tables.

Revision ID: 0012
Revises: 0011
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KEPT = "this is part of the record and is never deleted"


def _changed(*columns: str) -> str:
    return " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)


def _written_once(column: str) -> str:
    return f"OLD.{column} IS NOT NULL AND NEW.{column} IS DISTINCT FROM OLD.{column}"


def _blank(column: str) -> str:
    return f"TRIM(COALESCE(NEW.{column}, '')) = ''"


# (trigger name, event, table, condition that refuses, error, sentence)
RULES = [
    *[(f"{table}_kept", "DELETE", table, "1 = 1", "InvalidRequest", KEPT)
      for table in ("advocate_accounts", "advocate_appointments", "documents", "notifications")],
    ("documents_fixed", "UPDATE", "documents",
     _changed("id", "case_id", "person_id", "kind", "file_name", "content", "sha256", "size", "content_type",
              "uploaded_at", "uploaded_by_id")
     + f" OR {_written_once('withdrawn_at')} OR (OLD.withdrawn_at IS NOT NULL AND ("
     + _changed("withdrawn_by_id", "withdrawal_reason") + "))",  # the first withdrawal writes its reason
     "InvalidRequest", "a document is never changed: it is only withdrawn, once, with a reason"),
    ("documents_withdrawn_why", "UPDATE", "documents",
     f"NEW.withdrawn_at IS NOT NULL AND ({_blank('withdrawal_reason')} OR NEW.withdrawn_by_id IS NULL)",
     "InvalidRequest", "a document is withdrawn by someone, with a reason"),
    ("documents_size", "INSERT", "documents", "length(NEW.content) <> NEW.size OR NEW.size = 0",
     "InvalidRequest", "a document's size is that of its content, and an empty file is not a document"),
    ("notifications_fixed", "UPDATE", "notifications",
     _changed("id", "worker_id", "at", "kind", "key", "sentence", "entity", "entity_id", "case_id", "stage_id")
     + f" OR {_written_once('read_at')} OR {_written_once('emailed_at')}",
     "InvalidRequest", "a notification is only marked read, once, and sent by e-mail, once"),
    ("advocate_accounts_fixed", "UPDATE", "advocate_accounts",
     _changed("worker_id", "requested_at", "requested_by_id")
     + " OR (OLD.status = 'terminated' AND (" + _changed("status", "terminated_at", "terminated_by_id",
                                                          "termination_reason") + "))",
     "InvalidRequest", "an advocate's request is kept as filed, and a terminated advocate stays terminated"),
    ("advocate_appointments_fixed", "UPDATE", "advocate_appointments",
     _changed("id", "worker_id", "person_id", "appointed_at") + f" OR {_written_once('letter_id')}"
     + f" OR {_written_once('ended_at')} OR (OLD.ended_at IS NOT NULL AND NEW.active)",
     "InvalidRequest", "an appointment's advocate, child and letter never change, and an ended appointment "
                       "stays ended"),
]

APPOINTMENT_COLUMNS: list[sa.Column[Any]] = [
    sa.Column("status", sa.String(length=12), nullable=False, server_default="approved"),
    sa.Column("court", sa.String(length=120), nullable=True),
    sa.Column("cause_number", sa.String(length=60), nullable=True),
    sa.Column("appointed_on", sa.Date(), nullable=True),
    sa.Column("ends_on", sa.Date(), nullable=True),
    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("decision_reason", sa.Text(), nullable=True),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("end_reason", sa.Text(), nullable=True),
]
APPOINTMENT_LINKS = (("letter_id", "documents"), ("requested_by_id", "workers"), ("decided_by_id", "workers"),
                     ("ended_by_id", "workers"))


def _quoted(error: str, sentence: str) -> str:
    text = f"casenotes[{error}]: {sentence}".replace("'", "''")
    return f"'{text}'"


def _tables() -> None:
    when = sa.DateTime(timezone=True)
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", when, nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("withdrawn_at", when, nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_documents_person", "documents", ["person_id", "uploaded_at"])
    op.create_index("ix_documents_case", "documents", ["case_id", "uploaded_at"])
    op.create_table(
        "advocate_accounts",
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id"), primary_key=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_at", when, nullable=False),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=True),
        sa.Column("decided_at", when, nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("terminated_at", when, nullable=True),
        sa.Column("terminated_by_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=True),
        sa.Column("termination_reason", sa.Text(), nullable=True),
        sa.Column("last_sign_in_at", when, nullable=True),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("worker_id", sa.Integer(), sa.ForeignKey("workers.id"), nullable=False),
        sa.Column("at", when, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("sentence", sa.String(length=400), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("stage_id", sa.Integer(), nullable=True),
        sa.Column("read_at", when, nullable=True),
        sa.Column("emailed_at", when, nullable=True),
        sa.UniqueConstraint("worker_id", "key", name="uq_notifications_key"),
    )
    op.create_index("ix_notifications_unread", "notifications", ["worker_id", "read_at"])
    # Plain ADD COLUMN (never a batch copy, which would lose the table's triggers); SQLite adds a
    # column with a foreign key only written inline.
    for column in APPOINTMENT_COLUMNS:
        op.add_column("advocate_appointments", column)
    for name, table in APPOINTMENT_LINKS:
        op.execute(f"ALTER TABLE advocate_appointments ADD COLUMN {name} INTEGER REFERENCES {table} (id)")
    op.add_column("workers", sa.Column("email", sa.String(length=254), nullable=True))
    # Appointments made before requests existed were switched on by the access manager: approved.
    op.execute("UPDATE advocate_appointments SET status = CASE WHEN active THEN 'approved' ELSE 'ended' END")


def _postgresql_rules(schema: str) -> None:
    op.execute(f"""
        CREATE FUNCTION casenotes_document_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF encode(sha256(NEW.content), 'hex') <> NEW.sha256 THEN
                RAISE EXCEPTION '%', {_quoted("InvalidRequest", "a document's SHA-256 is that of its content")};
            END IF;
            IF casenotes_worker_id() IS NOT NULL THEN
                NEW.uploaded_at := casenotes_now();
                NEW.uploaded_by_id := casenotes_worker_id();
                NEW.withdrawn_at := NULL;
                NEW.withdrawn_by_id := NULL;
                NEW.withdrawal_reason := NULL;
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER documents_insert_rules BEFORE INSERT ON documents "
               "FOR EACH ROW EXECUTE FUNCTION casenotes_document_insert()")
    op.execute(f'ALTER FUNCTION casenotes_document_insert() SET search_path = "{schema}", pg_temp')
    for table in ("advocate_accounts", "documents", "notifications"):
        op.execute(f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON "{table}" '
                   "FOR EACH STATEMENT EXECUTE FUNCTION casenotes_no_truncate()")


def upgrade() -> None:
    _tables()
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for name, event, table, condition, error, sentence in RULES:
        if postgresql:
            row = "OLD" if event == "DELETE" else "NEW"
            op.execute(f"""
                CREATE FUNCTION casenotes_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF {condition.replace("length(", "octet_length(")} THEN
                        RAISE EXCEPTION '%', {_quoted(error, sentence)};
                    END IF;
                    RETURN {row};
                END $$""")
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION casenotes_{name}()")
        else:
            when = condition.replace("IS DISTINCT FROM", "IS NOT")
            op.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} "
                       f"BEGIN SELECT RAISE(ABORT, {_quoted(error, sentence)}); END")
    if postgresql:
        schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
        _postgresql_rules(schema)
        for name, *_ in RULES:
            op.execute(f'ALTER FUNCTION casenotes_{name}() SET search_path = "{schema}", pg_temp')


def downgrade() -> None:
    """Back to 0011 on PostgreSQL (an owner testing an upgrade); SQLite cannot drop a column that is a
    foreign key, so its downgrade is refused."""
    if op.get_bind().dialect.name != "postgresql":
        raise NotImplementedError("casenotes does not downgrade an SQLite database past revision 0012.")
    for name, _, table, *_ in RULES:
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(f"DROP FUNCTION casenotes_{name}()")
    op.execute("DROP TRIGGER documents_insert_rules ON documents")
    op.execute("DROP FUNCTION casenotes_document_insert()")
    for name, _ in APPOINTMENT_LINKS:
        op.drop_column("advocate_appointments", name)
    for column in APPOINTMENT_COLUMNS:
        op.drop_column("advocate_appointments", column.name)
    op.drop_column("workers", "email")
    for table in ("notifications", "advocate_accounts", "documents"):
        op.drop_table(table)
