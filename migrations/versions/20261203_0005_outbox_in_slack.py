"""outbox.in_slack: whether a row's message may already be in Slack, as one state on the
row (was inferred from the attempt count)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("in_slack", sa.String(length=10), nullable=False, server_default="no")
        )
    # Until now an attempt that could not have posted was taken back off `attempts`: an
    # unsent row with attempts left may have reached Slack.
    op.execute("UPDATE outbox SET in_slack = 'maybe' WHERE sent_at IS NULL AND attempts > 0")


def downgrade() -> None:
    op.execute(
        "UPDATE outbox SET attempts = 0 WHERE sent_at IS NULL AND in_slack = 'no' AND attempts > 0"
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("in_slack")
