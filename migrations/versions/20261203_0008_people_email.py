"""people: each Slack user's email (users.info's profile.email), for outgoing webhooks

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
    # Everyone known so far was looked up without their email: make their cached answer
    # stale, so the next look-up (at most a day away otherwise) fetches it too.
    op.execute(sa.text("UPDATE people SET checked_at = NULL"))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("email")
