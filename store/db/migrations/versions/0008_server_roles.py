"""The agency server (issue 17): each worker may be a PostgreSQL login role.

- ``workers.db_role``: the PostgreSQL role a worker signs in as (by default their login; a test or a
  second agency on one server may prefix it). Unique; NULL for a worker with no server sign-in (every
  worker on SQLite).
- ``casenotes_worker_id()`` (PostgreSQL): the active worker whose ``db_role`` is ``session_user``, or
  NULL (the owner, a superuser, the store connected as the owner). Row-level security and the INSERT
  triggers ask it; ``SET ROLE`` cannot change ``session_user``.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not a batch (table copy) on SQLite: the triggers of 0007 that name workers would break.
    op.add_column("workers", sa.Column("db_role", sa.String(63), nullable=True))
    op.create_index("ix_workers_db_role", "workers", ["db_role"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION casenotes_worker_id() RETURNS integer LANGUAGE sql STABLE AS $$
                SELECT id FROM workers WHERE db_role = session_user AND active
            $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION casenotes_worker_id()")
    op.drop_index("ix_workers_db_role", "workers")
    op.drop_column("workers", "db_role")
