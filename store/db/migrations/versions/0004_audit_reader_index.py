"""audit_log index for "was this read recorded within the hour?", asked at every search and stage
page read from outside the assignment (without it, a scan of a table that only grows)

Revision ID: 0004
Revises: 0003
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_audit_log_reader', 'audit_log', ['worker_id', 'action', 'entity_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_reader', table_name='audit_log')
