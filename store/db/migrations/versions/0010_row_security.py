"""Row-level security on PostgreSQL: a worker's session sees what the app would show it (issue 17).

The policies and their helper functions are in ``store/db/row_security.py``; SQLite has no database
users, so nothing changes there.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from store.db import row_security

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        row_security.enable(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        row_security.disable(op.get_bind())
